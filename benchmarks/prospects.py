"""Prospect score: backtest on real data (CoIL 2000 Caravan), then training and scoring at scale.

1. Caravan: the CoIL Challenge 2000 data of a Dutch insurer (5,822 customers, 85 features,
   348 caravan-policy buyers) ships as ISLP/data/Caravan.csv in the ISLP package. ISLP 0.6.0 is
   installed without its dependencies into var/bench-packages and the CSV is located through the
   package metadata, so ISLP itself is never imported. The production pipeline and both baselines
   run on the same stratified 5-fold split (fixed seed), in one run.
2. Scale: 100,000 synthetic prospects with the production feature set are trained on, then
   1,000,000 are scored (probability, and separately probability plus the per-feature
   explanation), medians over repeated runs.

The last line printed is a JSON object with every figure.
"""

import importlib.metadata
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _setup import ROOT, setup_django

setup_django()

import numpy as np
import pandas as pd

from klantbelang.prospects import ml
from klantbelang.prospects.features import COLUMNS

PACKAGES = ROOT / "var" / "bench-packages"


def caravan_csv() -> Path:
    if not any(importlib.metadata.distributions(path=[str(PACKAGES)], name="ISLP")):
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                   "--target", str(PACKAGES), "ISLP==0.6.0"]
        subprocess.run(command, check=True)  # noqa: S603 - a fixed command line, no outside input
    (dist,) = importlib.metadata.distributions(path=[str(PACKAGES)], name="ISLP")
    return Path(dist.locate_file("ISLP/data/Caravan.csv"))


def caravan() -> dict:
    frame = pd.read_csv(caravan_csv())
    target = ml.binary_target(frame.pop("Purchase"), "Purchase")
    start = time.perf_counter()
    figures = ml.backtest(frame, target, folds=5)
    figures["seconds"] = round(time.perf_counter() - start, 1)
    figures.pop("calibration")
    return figures


def synthetic(rows: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Prospects with the production columns and a realistic signal in source, assets and fit."""
    rng = np.random.default_rng(seed)
    channels = np.array(["client_referral", "professional_referral", "website", "event", "comparison_site",
                         "purchased_list"])
    channel_effect = np.array([0.2, -0.3, -1.1, -0.7, -2.6, -3.2])
    channel = rng.choice(len(channels), size=rows, p=[0.16, 0.12, 0.24, 0.10, 0.25, 0.13])
    assets = rng.choice(["unknown", "under_25k", "25k_100k", "100k_500k", "over_500k"], size=rows,
                        p=[0.25, 0.25, 0.25, 0.17, 0.08])
    fit = rng.choice(["in", "partly", "out", "unknown"], size=rows, p=[0.7, 0.12, 0.13, 0.05])
    logit = channel_effect[channel] + np.select([assets == "100k_500k", assets == "over_500k",
                                                 assets == "under_25k"], [0.6, 0.9, -0.4], 0)
    logit += np.where(fit == "out", -2.5, 0) + rng.normal(0, 0.6, rows)
    target = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    frame = pd.DataFrame({
        "age": rng.integers(22, 80, rows).astype(float), "household_size": rng.integers(1, 6, rows),
        "needs_mentioned": rng.integers(1, 4, rows), "contact_consent": rng.integers(0, 2, rows),
        "channel": channels[channel], "source": np.char.add("source-", channel.astype(str)),
        "campaign": rng.choice(["(none)", "spring", "autumn", "seminar"], size=rows), "audience": rng.choice(
            ["private", "self_employed", "business_owner", "retired"], size=rows),
        "country": rng.choice(["NL", "BE"], size=rows, p=[0.9, 0.1]), "assets": assets, "scope_fit": fit,
        "main_domain": rng.choice(["mortgage", "pension", "investment", "life"], size=rows),
    })
    return frame[COLUMNS.all], target


def scale(train_rows: int, score_rows: int, repeat: int) -> dict:
    frame, target = synthetic(train_rows, seed=1)
    train_times = []
    for _ in range(repeat):
        start = time.perf_counter()
        model = ml.fit(frame, target, columns=COLUMNS)
        train_times.append(time.perf_counter() - start)
    scoring, _ = synthetic(score_rows, seed=2)
    predict_times, explain_times = [], []
    chunk = 100_000
    for _ in range(repeat):
        start = time.perf_counter()
        for offset in range(0, score_rows, chunk):
            model.predict(scoring.iloc[offset:offset + chunk])
        predict_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        for offset in range(0, score_rows, chunk):
            part = scoring.iloc[offset:offset + chunk]
            model.predict(part)
            model.contributions(part)
        explain_times.append(time.perf_counter() - start)
    return {"train_rows": train_rows, "train_s_median": round(statistics.median(train_times), 2),
            "train_s_all": [round(value, 2) for value in train_times], "score_rows": score_rows,
            "score_s_median": round(statistics.median(predict_times), 2),
            "score_rows_per_s": round(score_rows / statistics.median(predict_times)),
            "score_and_explain_s_median": round(statistics.median(explain_times), 2),
            "score_and_explain_rows_per_s": round(score_rows / statistics.median(explain_times))}


def main() -> None:
    figures = caravan()
    print(f"Caravan (CoIL 2000): {figures['rows']} rows, {figures['positives']} buyers, "
          f"{figures['features']} features, 5-fold CV in {figures['seconds']} s")
    print(f"{'':24}{'AUC':>8}{'top 20%':>10}{'Brier':>8}")
    for label, part in (("production score", figures), ("logistic baseline", figures["baseline_logistic"]),
                        ("naive Bayes baseline", figures["baseline_naive_bayes"])):
        print(f"{label:24}{part['auc']:>8.4f}{part['capture_top20']:>10.4f}{part['brier']:>8.4f}")
    beats = all(figures[key] > figures[baseline][key] for key in ("auc", "capture_top20")
                for baseline in ("baseline_logistic", "baseline_naive_bayes"))
    print(f"production beats both baselines on AUC and top-20% capture: {beats}")
    sizes = scale(100_000, 1_000_000, repeat=3)
    print(f"training on {sizes['train_rows']:,} prospects: median {sizes['train_s_median']} s {sizes['train_s_all']}")
    print(f"scoring {sizes['score_rows']:,}: median {sizes['score_s_median']} s ({sizes['score_rows_per_s']:,}/s); "
          f"with explanations {sizes['score_and_explain_s_median']} s ({sizes['score_and_explain_rows_per_s']:,}/s)")
    print(json.dumps({"caravan": figures, "beats_baselines": beats, "scale": sizes}))


if __name__ == "__main__":
    main()

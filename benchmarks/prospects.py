"""Prospect score: model selection backtested on real data, then training and scoring at scale.

1. Real response data that ships with a package: ISLP 0.6.0 (the data sets of "An Introduction
   to Statistical Learning") is installed without its dependencies into var/bench-packages and
   its CSVs are located through the package metadata, so ISLP itself is never imported.
   * Caravan: the CoIL Challenge 2000 data of a Dutch insurer (5,822 customers, 85 features, 348
     caravan-policy buyers);
   * OJ: 1,070 orange-juice purchases, the response is buying Minute Maid rather than Citrus Hill;
   * Default: 10,000 credit-card customers, the response is defaulting (333).
   Every candidate, the logistic baseline and the naive Bayes baseline run on the same stratified
   5-fold split (fixed seed), in one run, exactly as the training job and backtest_prospects do.
2. The demo history: Demo Advies's closed prospects from `seed_demo`, through the same features.
3. Scale: 100,000 synthetic prospects with the production feature set go through the whole
   training job (the comparison of candidates on a stratified sample, then the chosen one fitted
   on all), then 1,000,000 are scored (probability, and separately probability plus the per-feature
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


def islp_csv(name: str) -> Path:
    if not any(importlib.metadata.distributions(path=[str(PACKAGES)], name="ISLP")):
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                   "--target", str(PACKAGES), "ISLP==0.6.0"]
        subprocess.run(command, check=True)  # noqa: S603 - a fixed command line, no outside input
    (dist,) = importlib.metadata.distributions(path=[str(PACKAGES)], name="ISLP")
    return Path(dist.locate_file(f"ISLP/data/{name}.csv"))


# name, file, target column, the value that counts as the response
REAL = [("Caravan (CoIL 2000)", "Caravan", "Purchase", "Yes"), ("OJ", "OJ", "Purchase", "MM"),
        ("Default", "Default", "default", "Yes")]


def real(file: str, column: str, positive: str) -> dict:
    frame = pd.read_csv(islp_csv(file))
    target = (frame.pop(column).astype(str) == positive).to_numpy(dtype=int)
    start = time.perf_counter()
    figures = ml.backtest(frame, target, folds=5)
    figures["seconds"] = round(time.perf_counter() - start, 1)
    figures.pop("calibration")
    return figures


def demo_history() -> dict:
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from klantbelang.core.models import Firm
    from klantbelang.prospects.features import closed_prospects, rows
    from klantbelang.prospects.models import ServiceScope

    call_command("seed_demo", stdout=StringIO())
    firm = Firm.objects.get(slug="demo-advies")
    prospects, outcomes = closed_prospects(firm, today=timezone.localdate())
    start = time.perf_counter()
    scope = ServiceScope.objects.filter(firm=firm).first()
    figures = ml.backtest(rows(prospects, scope=scope), outcomes, folds=5, columns=COLUMNS)
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
    train_times, chosen = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        figures = ml.backtest(frame, target, folds=5, columns=COLUMNS)
        model = ml.fit(frame, target, columns=COLUMNS, candidate=figures["chosen"])
        train_times.append(time.perf_counter() - start)
        chosen = figures["chosen"]
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
    # Whichever is chosen here: how fast a tree model's SHAP explanations are, on the same rows.
    trees = ml.fit(frame, target, columns=COLUMNS, candidate="boosted_trees")
    part = scoring.iloc[:chunk]
    start = time.perf_counter()
    trees.predict(part)
    trees.contributions(part)
    trees_seconds = time.perf_counter() - start
    return {"train_rows": train_rows, "chosen": chosen, "selection_rows": figures["selection_rows"],
            "trees_score_and_explain_rows_per_s": round(chunk / trees_seconds),
            "train_s_median": round(statistics.median(train_times), 2),
            "train_s_all": [round(value, 2) for value in train_times], "score_rows": score_rows,
            "score_s_median": round(statistics.median(predict_times), 2),
            "score_rows_per_s": round(score_rows / statistics.median(predict_times)),
            "score_and_explain_s_median": round(statistics.median(explain_times), 2),
            "score_and_explain_rows_per_s": round(score_rows / statistics.median(explain_times))}


def report(label: str, figures: dict) -> bool:
    """Print one data set's comparison; True when the chosen model is not below the logistic
    baseline on AUC or on top-20 % capture."""
    print(f"{label}: {figures['rows']} rows, {figures['positives']} positive, {figures['features']} features, "
          f"5-fold CV of every candidate in {figures['seconds']} s")
    print(f"  {'':34}{'AUC':>8}{'top 20%':>10}{'Brier':>8}")
    for name, part in figures["candidates"].items():
        mark = " (chosen)" if name == figures["chosen"] else ""
        print(f"  {name + mark:34}{part['auc']:>8.4f}{part['capture_top20']:>10.4f}{part['brier']:>8.4f}")
    bayes = figures["baseline_naive_bayes"]
    print(f"  {'naive Bayes baseline':34}{bayes['auc']:>8.4f}{bayes['capture_top20']:>10.4f}{bayes['brier']:>8.4f}")
    baseline = figures["baseline_logistic"]
    holds = figures["auc"] >= baseline["auc"] and figures["capture_top20"] >= baseline["capture_top20"]
    print(f"  chosen: {figures['chosen']} ({figures['reason']}); not below the logistic baseline: {holds}")
    return holds


def main() -> None:
    results = {}
    for label, file, column, positive in REAL:
        results[file] = real(file, column, positive)
        report(label, results[file])
    results["demo"] = demo_history()
    report("Demo history (Demo Advies)", results["demo"])
    never_below = all(figures["auc"] >= figures["baseline_logistic"]["auc"]
                      and figures["capture_top20"] >= figures["baseline_logistic"]["capture_top20"]
                      for figures in results.values())
    caravan = results["Caravan"]
    goals = (caravan["auc"] >= 0.76 and caravan["capture_top20"] >= 0.55
             and caravan["brier"] <= caravan["baseline_logistic"]["brier"])
    print(f"Caravan goals (AUC >= 0.76, top-20% capture >= 0.55, Brier <= baseline): {goals}")
    print(f"never below the logistic baseline on AUC or capture: {never_below}")
    sizes = scale(100_000, 1_000_000, repeat=3)
    print(f"training job on {sizes['train_rows']:,} prospects (candidates compared on {sizes['selection_rows']:,}, "
          f"chose {sizes['chosen']}): median {sizes['train_s_median']} s {sizes['train_s_all']}")
    print(f"scoring {sizes['score_rows']:,}: median {sizes['score_s_median']} s ({sizes['score_rows_per_s']:,}/s); "
          f"with explanations {sizes['score_and_explain_s_median']} s ({sizes['score_and_explain_rows_per_s']:,}/s)")
    print(f"gradient-boosted trees, score and SHAP explanation: {sizes['trees_score_and_explain_rows_per_s']:,}/s")
    print(json.dumps({"data": results, "caravan_goals": goals, "never_below_baseline": never_below, "scale": sizes}))


if __name__ == "__main__":
    main()

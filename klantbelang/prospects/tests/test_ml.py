"""The scoring pipeline on its own: small synthetic data with a known signal, exact metrics."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from klantbelang.prospects import ml


def _synthetic(rows=600, seed=1):
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=rows)
    channel = rng.choice(["referral", "web", "list"], size=rows)
    logit = 1.8 * signal + np.select([channel == "referral", channel == "list"], [1.0, -1.0], 0.0) - 1.0
    target = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    frame = pd.DataFrame({"signal": signal, "noise_a": rng.normal(size=rows), "noise_b": rng.integers(0, 5, rows),
                          "channel": channel, "noise_c": rng.choice(["x", "y"], size=rows)})
    return frame, target


def test_the_model_ranks_the_signal_above_the_noise():
    frame, target = _synthetic()
    model = ml.fit(frame, target)
    ranked = [name for name, _spread in model.weights()]
    assert ranked[:2] == ["signal", "channel"]
    assert set(ranked[2:]) == {"noise_a", "noise_b", "noise_c"}
    spreads = dict(model.weights())
    assert spreads["signal"] > 3 * max(spreads["noise_a"], spreads["noise_b"], spreads["noise_c"])


@pytest.mark.parametrize("candidate", ml.CANDIDATES)
def test_contributions_add_up_to_the_calibrated_log_odds(candidate):
    frame, target = _synthetic()
    model = ml.fit(frame, target, candidate=candidate)
    assert model.candidate == candidate
    sample = frame.iloc[:40]
    probability = model.predict(sample)
    logit = np.log(probability / (1 - probability))
    offset = logit - model.contributions(sample).sum(axis=1)
    # One constant (the log-odds of the average prospect) for every row: the parts explain the rest exactly.
    assert np.allclose(offset, offset[0], atol=1e-6)
    higher = frame.assign(signal=frame["signal"] + 1).iloc[:40]
    if candidate == "boosted_trees":
        # Trees step: beyond the last split more signal adds nothing, but on average it counts.
        assert model.contributions(higher)[:, 0].mean() > model.contributions(sample)[:, 0].mean() + 0.5
    else:
        assert (model.contributions(higher)[:, 0] > model.contributions(sample)[:, 0]).all()


def test_probabilities_are_calibrated_on_average():
    frame, target = _synthetic(rows=1500, seed=3)
    model = ml.fit(frame, target)
    assert abs(model.predict(frame).mean() - target.mean()) < 0.03


def test_backtest_figures_and_baselines_in_one_run():
    frame, target = _synthetic()
    folds = []
    figures = ml.backtest(frame, target, folds=4, progress=lambda fold, total: folds.append((fold, total)))
    assert folds == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert figures["rows"] == 600
    assert figures["selection_rows"] == 600
    assert figures["positives"] == int(target.sum())
    assert min(figures["positives"], 600 - figures["positives"]) >= ml.SMALL_HISTORY
    assert figures["folds"] == 4
    assert set(figures["candidates"]) == {"logistic", "additive", "boosted_trees"}
    assert figures["reason"] == "rule"
    chosen = figures["candidates"][figures["chosen"]]
    assert {key: figures[key] for key in ("auc", "capture_top20", "brier")} == chosen
    assert figures["baseline_logistic"] == figures["candidates"]["logistic"]
    assert chosen["auc"] >= figures["baseline_logistic"]["auc"]
    assert chosen["capture_top20"] >= figures["baseline_logistic"]["capture_top20"]
    for part in (figures, figures["baseline_logistic"], figures["baseline_naive_bayes"]):
        assert set(part) >= {"auc", "capture_top20", "brier"}
        assert 0.7 < part["auc"] <= 1
        assert 0 <= part["brier"] < 0.25
    assert sum(item["rows"] for item in figures["calibration"]) == 600
    again = ml.backtest(frame, target, folds=4)
    assert again["auc"] == figures["auc"]  # fixed seed: the same folds, the same figures


def test_capture_top20_counts_positives_in_the_top_fifth():
    target = np.array([1, 0, 1, 0, 0, 0, 0, 0, 0, 1])
    scores = np.array([0.9, 0.8, 0.1, 0.3, 0.2, 0.2, 0.1, 0.1, 0.05, 0.7])
    assert ml.capture_top(target, scores) == pytest.approx(1 / 3)  # top 2: rows 0 and 1, one of three positives
    assert ml.capture_top(target, scores, share=0.3) == pytest.approx(2 / 3)


def test_naive_bayes_is_per_value_frequency_with_laplace_smoothing():
    frame = pd.DataFrame({"colour": ["red", "red", "blue", "blue", "blue", "red"]})
    target = np.array([1, 1, 0, 0, 1, 0])
    columns = ml.infer_columns(frame)
    bayes = ml.FrequencyNaiveBayes(columns).fit(frame, target)
    red = bayes.predict_proba(pd.DataFrame({"colour": ["red"]}))[0, 1]
    # prior 3:3; P(red|1) = (2+1)/(3+3), P(red|0) = (1+1)/(3+3): odds 1 · 3/2
    assert red == pytest.approx(0.6)
    unseen = bayes.predict_proba(pd.DataFrame({"colour": ["green"]}))[0, 1]
    assert unseen == pytest.approx(0.5)


@pytest.mark.parametrize(("values", "expected"), [
    (["1", "0", "1"], [1, 0, 1]), (["Yes", "no", "YES"], [1, 0, 1]), (["true", "False", "TRUE"], [1, 0, 1]),
    ([1, 0, 0], [1, 0, 0]),
])
def test_binary_targets(values, expected):
    assert ml.binary_target(pd.Series(values), "t").tolist() == expected


def test_a_target_with_other_values_is_named_in_the_error():
    with pytest.raises(ml.DataError, match=r"'maybe'"):
        ml.binary_target(pd.Series(["yes", "maybe", "no"]), "t")


def test_a_single_class_is_refused():
    frame, _target = _synthetic(rows=50)
    with pytest.raises(ml.DataError, match="single class"):
        ml.backtest(frame, np.zeros(50, dtype=int))


def test_missing_values_and_unseen_categories_are_scored():
    frame, target = _synthetic()
    frame.loc[::7, "signal"] = np.nan
    frame.loc[::5, "channel"] = None
    model = ml.fit(frame, target)
    new = pd.DataFrame({"signal": [np.nan, 1.0], "noise_a": [0.0, 0.0], "noise_b": [1, 1],
                        "channel": ["never-seen", None], "noise_c": ["x", "z"]})
    probabilities = model.predict(new)
    assert ((probabilities > 0) & (probabilities < 1)).all()
    assert model.contributions(new).shape == (2, 5)


# The selection rule -----------------------------------------------------------------------------

def _f(auc, capture, brier):
    return {"auc": auc, "capture_top20": capture, "brier": brier}


def test_the_highest_auc_wins_when_nothing_is_below_the_baseline():
    baseline = _f(0.731, 0.505, 0.055)
    candidates = {"logistic": baseline, "additive": _f(0.766, 0.569, 0.053), "boosted_trees": _f(0.757, 0.537, 0.052)}
    assert ml.choose(candidates, baseline) == ("additive", "rule")


def test_a_higher_auc_below_the_baseline_on_capture_is_never_chosen():
    # Trees: AUC 0.80 > 0.75, but 0.49 of the buyers in the top 20 % against the baseline's 0.50.
    baseline = _f(0.75, 0.50, 0.06)
    candidates = {"logistic": baseline, "additive": _f(0.74, 0.55, 0.05), "boosted_trees": _f(0.80, 0.49, 0.04)}
    assert ml.choose(candidates, baseline) == ("logistic", "rule")


def test_aucs_within_the_tie_are_decided_by_capture_then_brier_then_simplicity():
    baseline = _f(0.700, 0.40, 0.060)
    # 0.764 and 0.760 are within 0.005 of the best: the higher capture (0.58) wins over the higher AUC.
    candidates = {"logistic": baseline, "additive": _f(0.764, 0.55, 0.050), "boosted_trees": _f(0.760, 0.58, 0.055)}
    assert ml.choose(candidates, baseline) == ("boosted_trees", "rule")
    # 0.754 is 0.010 below the best: out of the tie, however good its capture.
    candidates["boosted_trees"] = _f(0.754, 0.70, 0.040)
    assert ml.choose(candidates, baseline) == ("additive", "rule")
    # Equal AUC and capture: the lower Brier.
    candidates["boosted_trees"] = _f(0.764, 0.55, 0.049)
    assert ml.choose(candidates, baseline) == ("boosted_trees", "rule")
    # Equal in everything: the simpler model (logistic, then additive, then trees).
    candidates["boosted_trees"] = _f(0.764, 0.55, 0.050)
    assert ml.choose(candidates, baseline) == ("additive", "rule")


def test_when_no_candidate_reaches_the_baseline_the_baseline_is_used():
    baseline = _f(0.75, 0.50, 0.06)
    assert ml.choose({"additive": _f(0.74, 0.55, 0.05)}, baseline) == ("logistic", "none_above_baseline")


figure = st.floats(min_value=0, max_value=1, allow_nan=False)


@given(st.lists(st.tuples(figure, figure, figure), min_size=2, max_size=2), st.tuples(figure, figure, figure))
def test_the_chosen_candidate_is_never_below_the_baseline(others, baseline):
    baseline_figures = _f(*baseline)
    candidates = {"logistic": baseline_figures, "additive": _f(*others[0]), "boosted_trees": _f(*others[1])}
    name, reason = ml.choose(candidates, baseline_figures)
    assert reason == "rule"
    assert candidates[name]["auc"] >= baseline_figures["auc"]
    assert candidates[name]["capture_top20"] >= baseline_figures["capture_top20"]


def _interaction(rows=900, seed=5):
    """The outcome depends on whether two measurements have the same sign: no additive model can
    see that, a tree of depth two can."""
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=rows), rng.normal(size=rows)
    logit = np.where(a * b > 0, 1.5, -1.5)
    target = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame({"a": a, "b": b, "noise": rng.normal(size=rows)}), target


def test_the_backtest_chooses_trees_for_an_interaction_and_explains_them_exactly():
    frame, target = _interaction()
    figures = ml.backtest(frame, target, folds=3)
    assert figures["chosen"] == "boosted_trees"
    assert figures["candidates"]["boosted_trees"]["auc"] > figures["baseline_logistic"]["auc"] + 0.2
    model = ml.fit(frame, target, candidate=figures["chosen"])
    spreads = dict(model.weights())
    assert spreads["noise"] < min(spreads["a"], spreads["b"]) / 3


def test_a_small_history_uses_the_simple_model_and_says_so():
    frame, target = _synthetic(rows=400, seed=2)
    target = np.where(np.arange(400) % 5 == 0, target, 0)  # about 40 positives: fewer than SMALL_HISTORY
    assert 15 <= target.sum() < ml.SMALL_HISTORY
    figures = ml.backtest(frame, target, folds=3)
    assert (figures["chosen"], figures["reason"]) == ("logistic", "small_history")
    assert set(figures["candidates"]) == {"logistic"}


def test_a_large_history_is_compared_on_a_stratified_sample(monkeypatch):
    monkeypatch.setattr(ml, "SELECTION_ROWS", 300)
    frame, target = _synthetic()
    figures = ml.backtest(frame, target, folds=3)
    assert figures["rows"] == 600
    assert figures["selection_rows"] == 300
    positions = ml._sample(target, 300)
    assert len(positions) == 300
    assert len(set(positions)) == 300
    # Stratified: the share of positives is kept to within one row.
    assert abs(target[positions].sum() - target.sum() / 2) <= 1

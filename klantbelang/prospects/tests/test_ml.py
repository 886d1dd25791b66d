"""The scoring pipeline on its own: small synthetic data with a known signal, exact metrics."""

import numpy as np
import pandas as pd
import pytest

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


def test_contributions_add_up_to_the_calibrated_log_odds():
    frame, target = _synthetic()
    model = ml.fit(frame, target)
    sample = frame.iloc[:40]
    probability = model.predict(sample)
    logit = np.log(probability / (1 - probability))
    offset = logit - model.contributions(sample).sum(axis=1)
    # One constant (the log-odds of the average prospect) for every row: the parts explain the rest exactly.
    assert np.allclose(offset, offset[0], atol=1e-6)
    higher = frame.assign(signal=frame["signal"] + 1).iloc[:40]
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
    assert figures["positives"] == int(target.sum())
    assert figures["folds"] == 4
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

import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command


def _csv(path, rows=240, target="won", values=("1", "0"), delimiter=","):
    rng = np.random.default_rng(7)
    lines = [delimiter.join(["age", "channel", target])]
    for _ in range(rows):
        age = int(rng.integers(20, 70))
        channel = str(rng.choice(["web", "referral"]))
        positive = rng.random() < (0.6 if channel == "referral" else 0.2)
        lines.append(delimiter.join([str(age), channel, values[0] if positive else values[1]]))
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(*args):
    from io import StringIO

    out = StringIO()
    call_command("backtest_prospects", *args, stdout=out)
    return out.getvalue()


def test_json_output_has_the_figures_and_both_baselines(tmp_path):
    path = _csv(tmp_path / "history.csv")
    figures = json.loads(_run("--csv", str(path), "--target", "won", "--format", "json", "--folds", "3"))
    assert figures["rows"] == 240
    assert figures["folds"] == 3
    assert figures["features"] == 2
    assert figures["positives"] == sum(line.endswith(",1") for line in path.read_text().splitlines()[1:])
    for part in (figures, figures["baseline_logistic"], figures["baseline_naive_bayes"]):
        assert {"auc", "capture_top20", "brier"} <= set(part)
        assert 0.5 < part["auc"] < 1
    # 240 rows hold fewer than 100 of the rarer outcome: the simple model, which is the baseline.
    assert (figures["chosen"], figures["reason"]) == ("logistic", "small_history")
    assert figures["candidates"] == {"logistic": figures["baseline_logistic"]}


def test_a_longer_history_compares_every_candidate(tmp_path):
    path = _csv(tmp_path / "history.csv", rows=700)
    figures = json.loads(_run("--csv", str(path), "--target", "won", "--format", "json", "--folds", "3"))
    assert list(figures["candidates"]) == ["logistic", "additive", "boosted_trees"]
    assert figures["reason"] == "rule"
    assert {key: figures[key] for key in ("auc", "capture_top20", "brier")} == figures["candidates"][figures["chosen"]]
    text = _run("--csv", str(path), "--target", "won", "--folds", "3")
    assert f"candidate: {figures['chosen']} (chosen)" in text
    assert text.count("candidate: ") == 3


def test_semicolons_and_yes_no_targets(tmp_path):
    path = _csv(tmp_path / "history.csv", values=("yes", "no"), delimiter=";")
    text = _run("--csv", str(path), "--target", "won", "--folds", "3")
    assert text.splitlines()[0].startswith("240 rows")
    assert "candidate: logistic (chosen)" in text
    assert "naive Bayes baseline" in text


def test_a_missing_target_column_lists_the_columns(tmp_path):
    path = _csv(tmp_path / "history.csv")
    with pytest.raises(CommandError, match="there is no column 'outcome'; the columns are: age, channel, won"):
        _run("--csv", str(path), "--target", "outcome")


def test_a_non_binary_target_is_refused(tmp_path):
    path = _csv(tmp_path / "history.csv", values=("2", "0"))
    with pytest.raises(CommandError, match="must hold 1/0, yes/no or true/false; found '2'"):
        _run("--csv", str(path), "--target", "won")


def test_a_single_class_is_refused(tmp_path):
    path = _csv(tmp_path / "history.csv", values=("0", "0"))
    with pytest.raises(CommandError, match="single class"):
        _run("--csv", str(path), "--target", "won")


def test_an_empty_file_and_a_header_without_rows(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(CommandError, match="the file is empty"):
        _run("--csv", str(empty), "--target", "won")
    header = tmp_path / "header.csv"
    header.write_text("age,won\n")
    with pytest.raises(CommandError, match="a header but no rows"):
        _run("--csv", str(header), "--target", "won")


def test_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("naam,won\nJos\xe9,1\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        _run("--csv", str(path), "--target", "won")


@pytest.mark.django_db
def test_score_prospects_without_a_model_scores_nothing_and_says_why(firm):
    from io import StringIO

    from klantbelang.accounts.tests.factories import member
    from klantbelang.prospects.tests.factories import prospect

    prospect(firm, member(firm, "marketing"))
    out = StringIO()
    call_command("score_prospects", "--firm", firm.slug, "--train", stdout=out)
    assert out.getvalue() == "demo-advies: too little history to train (0 lasting, 0 not)\n"
    with pytest.raises(CommandError, match="there is no firm 'nope'"):
        call_command("score_prospects", "--firm", "nope")

"""Backtest the prospect score on any table: how would it have done on this history?"""

import csv
import json

import pandas as pd
from django.core.management.base import BaseCommand, CommandError

from klantbelang.prospects import ml


def read_table(path: str) -> pd.DataFrame:
    """A CSV with one header row, `,` or `;` delimited, UTF-8 with or without BOM."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(64 * 1024)
    except FileNotFoundError as error:
        raise CommandError(f"{path}: no such file") from error
    except UnicodeDecodeError as error:
        raise CommandError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from error
    if not sample.strip():
        raise CommandError(f"{path}: the file is empty")
    first_line = sample.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        frame = pd.read_csv(path, sep=delimiter, encoding="utf-8-sig", skipinitialspace=True)
    except (pd.errors.ParserError, csv.Error, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: cannot read the CSV: {error}") from error
    if frame.empty:
        raise CommandError(f"{path}: the file has a header but no rows")
    return frame


REASONS = {
    "rule": "by the rule: not below the logistic baseline on AUC or top-20% capture, then the highest AUC, "
            f"within {ml.AUC_TIE} the higher capture, then the lower Brier, then the simpler model",
    "small_history": f"fewer than {ml.SMALL_HISTORY} rows of the rarer outcome: the simple model",
    "none_above_baseline": "no candidate reached the baseline: the baseline itself",
}


class Command(BaseCommand):
    help = ("Stratified k-fold cross-validation (fixed seed) of the product's model selection on a CSV with a "
            "binary target column: every candidate (standardised logistic regression, which is the logistic "
            "baseline; the additive model; gradient-boosted trees) and a per-value frequency naive Bayes on the "
            "same folds, and the candidate the product would choose.")

    def add_arguments(self, parser):
        parser.add_argument("--csv", required=True, help="the table; every column but the target is a feature")
        parser.add_argument("--target", required=True, help="the outcome column: 1/0, yes/no or true/false")
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, csv, target, folds, format, **options):
        frame = read_table(csv)
        if target not in frame.columns:
            raise CommandError(f"there is no column {target!r}; the columns are: {', '.join(map(str, frame.columns))}")
        try:
            outcome = ml.binary_target(frame.pop(target), target)
            figures = ml.backtest(frame, outcome, folds=folds)
        except ml.DataError as error:
            raise CommandError(str(error)) from error
        if format == "json":
            self.stdout.write(json.dumps(figures, indent=2))
            return
        self.stdout.write(f"{figures['rows']} rows, {figures['positives']} positive, {figures['features']} features, "
                          f"{folds}-fold cross-validation (seed {figures['seed']})")
        self.stdout.write(f"{'':34}{'AUC':>8}{'top 20%':>10}{'Brier':>8}")
        lines = [(f"candidate: {name}" + (" (chosen)" if name == figures["chosen"] else ""), values)
                 for name, values in figures["candidates"].items()]
        lines.append(("naive Bayes baseline", figures["baseline_naive_bayes"]))
        for label, values in lines:
            self.stdout.write(f"{label:34}{values['auc']:>8.4f}{values['capture_top20']:>10.4f}{values['brier']:>8.4f}")
        self.stdout.write(f"chosen: {figures['chosen']} ({REASONS[figures['reason']]}); "
                          "the logistic candidate is the logistic baseline")

"""The prospect score: one scikit-learn pipeline, used for training, scoring and backtesting alike.

The model is additive on purpose, so that every score can be explained exactly:

* each numeric column enters twice, as a standardised value (a linear effect) and as one-hot
  bins (its own value for a code, quantile bins for a measurement), after median imputation,
  with an indicator column where values were missing;
* each categorical column is one-hot encoded, missing values as their own category, rare values
  pooled;
* an L2-regularised logistic regression with class weights against the imbalance, its strength
  chosen by inner cross-validation (AUC);
* Platt calibration fitted on out-of-fold predictions (``ensemble=False``), so the output is a
  probability and one base model remains to explain.

A prediction's contribution per column is ``coef · (x - training mean)`` summed over that
column's output columns, scaled into the calibrated log-odds. Nothing here touches Django.
"""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline, make_union
from sklearn.preprocessing import KBinsDiscretizer, OneHotEncoder, StandardScaler

SEED = 0
CODE_MAX_VALUES = 15  # a numeric column with at most this many values is a code: one-hot per value
REGULARISATION = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3)


class DataError(ValueError):
    """The data cannot be used for training or backtesting; the message says why."""


@dataclass
class Columns:
    numeric: list[str]
    categorical: list[str]
    codes: set[str]

    @property
    def all(self) -> list[str]:
        return [*self.numeric, *self.categorical]


def infer_columns(frame: pd.DataFrame) -> Columns:
    """Numeric where every present value is a number; everything else categorical."""
    numeric, categorical, codes = [], [], set()
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            numeric.append(column)
            if values.nunique(dropna=True) <= CODE_MAX_VALUES:
                codes.add(column)
        else:
            categorical.append(column)
    return Columns(numeric, categorical, codes)


def prepare(frame: pd.DataFrame, columns: Columns) -> pd.DataFrame:
    """The frame with exactly the model's columns and types (numbers as floats, the rest as text)."""
    out = pd.DataFrame(index=frame.index)
    for column in columns.numeric:
        out[column] = pd.to_numeric(frame[column], errors="coerce").astype(float) if column in frame else np.nan
    for column in columns.categorical:
        values = frame[column] if column in frame else pd.Series(np.nan, index=frame.index)
        out[column] = values.astype(object).where(values.notna(), np.nan).map(
            lambda value: value if isinstance(value, float) else str(value))
    return out


def _rare(rows: int) -> int:
    return max(5, round(rows * 0.005))


def _transformers(frame: pd.DataFrame, columns: Columns) -> list:
    rare = _rare(len(frame))
    parts = []
    for index, column in enumerate(columns.numeric):
        values = frame[column]
        if column in columns.codes:
            shape = OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=rare)
        else:
            bins = int(min(8, max(2, values.nunique(dropna=True) // 2)))
            shape = KBinsDiscretizer(n_bins=bins, strategy="quantile", encode="onehot",
                                     quantile_method="averaged_inverted_cdf")
        parts.append((f"n{index}", make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True),
                                                 make_union(StandardScaler(), shape)), [column]))
        if values.isna().any():
            parts.append((f"m{index}", MissingIndicator(features="all"), [column]))
    for index, column in enumerate(columns.categorical):
        parts.append((f"c{index}", make_pipeline(
            SimpleImputer(strategy="constant", fill_value="(missing)", keep_empty_features=True),
            OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=rare)), [column]))
    return parts


def build_pipeline(frame: pd.DataFrame, columns: Columns) -> CalibratedClassifierCV:
    base = Pipeline([
        # Sparse: most output columns are one-hot, and the solver is several times faster on them.
        ("columns", ColumnTransformer(_transformers(frame, columns), sparse_threshold=1.0)),
        ("model", LogisticRegressionCV(
            Cs=list(REGULARISATION), l1_ratios=(0,), cv=StratifiedKFold(3, shuffle=True, random_state=SEED),
            scoring="roc_auc", class_weight="balanced", max_iter=3000, use_legacy_attributes=False)),
    ])
    return CalibratedClassifierCV(base, method="sigmoid", ensemble=False,
                                  cv=StratifiedKFold(5, shuffle=True, random_state=SEED))


def check_classes(target: np.ndarray, folds: int) -> None:
    positives = int(target.sum())
    negatives = int(len(target) - positives)
    if positives == 0 or negatives == 0:
        raise DataError(f"the target has a single class ({positives} positive, {negatives} negative rows); "
                        "both outcomes are needed")
    needed = max(folds, 5) * 3
    if min(positives, negatives) < needed:
        raise DataError(f"each outcome needs at least {needed} rows for {folds}-fold backtesting "
                        f"({positives} positive, {negatives} negative)")


@dataclass
class Model:
    """A fitted score: the calibrated pipeline and what explaining it needs."""

    columns: Columns
    pipeline: CalibratedClassifierCV
    means: np.ndarray | None = None
    spread: list[float] | None = None
    library_version: str = sklearn.__version__

    @property
    def _base(self) -> Pipeline:
        return self.pipeline.calibrated_classifiers_[0].estimator

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return self.pipeline.predict_proba(prepare(frame, self.columns))[:, 1]

    def contributions(self, frame: pd.DataFrame) -> np.ndarray:
        """Per row and column, how much that column moves the calibrated log-odds away from an
        average prospect of the training data (positive: up)."""
        transformer = self._base.named_steps["columns"]
        model = self._base.named_steps["model"]
        calibrator = self.pipeline.calibrated_classifiers_[0].calibrators[0]
        transformed = _dense(transformer.transform(prepare(frame, self.columns)))
        centred = (transformed - self.means) * model.coef_[0]
        owners = self._owners(transformer)
        out = np.zeros((len(frame), len(self.columns.all)))
        for index, slice_ in owners:
            out[:, index] += centred[:, slice_].sum(axis=1)
        return out * -calibrator.a_

    def _owners(self, transformer: ColumnTransformer) -> list[tuple[int, slice]]:
        position = {column: index for index, column in enumerate(self.columns.all)}
        names = {}
        for index, column in enumerate(self.columns.numeric):
            names[f"n{index}"] = names[f"m{index}"] = position[column]
        for index, column in enumerate(self.columns.categorical):
            names[f"c{index}"] = position[column]
        return [(names[name], slice_) for name, slice_ in transformer.output_indices_.items()
                if name in names and slice_.stop > slice_.start]

    def weights(self) -> list[tuple[str, float]]:
        """How far each column can move the score: the spread of its contributions in training."""
        return sorted(zip(self.columns.all, self.spread, strict=True), key=lambda item: -item[1])


def fit(frame: pd.DataFrame, target: np.ndarray, columns: Columns | None = None) -> Model:
    columns = columns or infer_columns(frame)
    data = prepare(frame, columns)
    pipeline = build_pipeline(data, columns)
    pipeline.fit(data, target)
    model = Model(columns=columns, pipeline=pipeline)
    transformer = model._base.named_steps["columns"]
    model.means = np.asarray(transformer.transform(data).mean(axis=0)).ravel()
    model.spread = model.contributions(frame).std(axis=0).tolist()
    return model


def _dense(matrix) -> np.ndarray:
    return matrix.toarray() if hasattr(matrix, "toarray") else np.asarray(matrix)


# Baselines -----------------------------------------------------------------------------------

def logistic_baseline(frame: pd.DataFrame, columns: Columns) -> Pipeline:
    """Standardised logistic regression: numbers scaled, categories one-hot, nothing more."""
    parts = []
    if columns.numeric:
        parts.append(("numbers", make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True),
                                               StandardScaler()), columns.numeric))
    if columns.categorical:
        parts.append(("categories", make_pipeline(
            SimpleImputer(strategy="constant", fill_value="(missing)", keep_empty_features=True),
            OneHotEncoder(handle_unknown="ignore", sparse_output=False)), columns.categorical))
    return make_pipeline(ColumnTransformer(parts, sparse_threshold=0), LogisticRegression(max_iter=3000))


class FrequencyNaiveBayes:
    """Per-value frequency naive Bayes, as CRMs do predictive lead scoring: for every column,
    P(value | outcome) from counts with Laplace smoothing; measurements in ten quantile bins."""

    def __init__(self, columns: Columns):
        self.columns = columns

    def _values(self, frame: pd.DataFrame) -> dict[str, np.ndarray]:
        out = {}
        for column in self.columns.all:
            values = frame[column]
            if column in self.columns.numeric and column not in self.columns.codes:
                edges = self.edges[column]
                binned = np.searchsorted(edges, values.to_numpy(dtype=float), side="right").astype(str)
                out[column] = np.where(values.isna().to_numpy(), "(missing)", binned)
            else:
                out[column] = values.astype(object).where(values.notna(), "(missing)").astype(str).to_numpy()
        return out

    def fit(self, frame: pd.DataFrame, target: np.ndarray):
        self.edges = {column: np.unique(np.nanquantile(frame[column].to_numpy(dtype=float),
                                                       np.linspace(0.1, 0.9, 9)))
                      for column in self.columns.numeric if column not in self.columns.codes
                      and frame[column].notna().any()}
        for column in self.columns.numeric:
            self.edges.setdefault(column, np.array([]))
        values = self._values(frame)
        positive = target == 1
        self.prior = math.log(positive.sum() / (~positive).sum())
        self.tables = {}
        for column, column_values in values.items():
            seen = np.unique(column_values)
            pos = pd.Series(column_values[positive]).value_counts().reindex(seen, fill_value=0)
            neg = pd.Series(column_values[~positive]).value_counts().reindex(seen, fill_value=0)
            k = len(seen) + 1  # one more for a value not seen in training
            self.tables[column] = (
                np.log((pos + 1) / (positive.sum() + k)) - np.log((neg + 1) / ((~positive).sum() + k)),
                math.log((1 / (positive.sum() + k)) / (1 / ((~positive).sum() + k))),
            )
        return self

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        logit = np.full(len(frame), self.prior)
        for column, column_values in self._values(frame).items():
            table, unseen = self.tables[column]
            logit += table.reindex(column_values).fillna(unseen).to_numpy()
        probability = 1 / (1 + np.exp(-np.clip(logit, -500, 500)))
        return np.column_stack([1 - probability, probability])


# Backtesting ---------------------------------------------------------------------------------

def capture_top(target: np.ndarray, scores: np.ndarray, share: float = 0.2) -> float:
    """The share of all positives found among the ``share`` highest-scored rows."""
    count = math.ceil(share * len(target))
    top = np.argsort(-scores, kind="stable")[:count]
    return float(target[top].sum() / target.sum())


def calibration_bins(target: np.ndarray, scores: np.ndarray, bins: int = 10) -> list[dict]:
    """Predicted against observed per decile of the score (for the calibration plot)."""
    order = np.argsort(scores, kind="stable")
    out = []
    for part in np.array_split(order, bins):
        if len(part):
            out.append({"predicted": round(float(scores[part].mean()), 4),
                        "observed": round(float(target[part].mean()), 4), "rows": len(part)})
    return out


def _figures(target: np.ndarray, scores: np.ndarray) -> dict:
    return {"auc": round(float(roc_auc_score(target, scores)), 4),
            "capture_top20": round(capture_top(target, scores), 4),
            "brier": round(float(brier_score_loss(target, scores)), 4)}


def backtest(frame: pd.DataFrame, target: np.ndarray, *, folds: int = 5, columns: Columns | None = None,
             progress=None) -> dict:
    """Stratified k-fold cross-validation (fixed seed) of the production pipeline and the two
    baselines on the same folds; every row is scored by models that never saw it."""
    if folds < 2:
        raise DataError("folds must be at least 2")
    target = np.asarray(target, dtype=int)
    check_classes(target, folds)
    columns = columns or infer_columns(frame)
    if not columns.all:
        raise DataError("there are no feature columns besides the target")
    data = prepare(frame, columns)
    predictions = {name: np.zeros(len(target)) for name in ("model", "logistic", "naive_bayes")}
    splits = StratifiedKFold(folds, shuffle=True, random_state=SEED).split(data, target)
    for fold, (train, test) in enumerate(splits, start=1):
        train_frame, test_frame = data.iloc[train], data.iloc[test]
        model = build_pipeline(train_frame, columns).fit(train_frame, target[train])
        predictions["model"][test] = model.predict_proba(test_frame)[:, 1]
        baseline = logistic_baseline(train_frame, columns).fit(train_frame, target[train])
        predictions["logistic"][test] = baseline.predict_proba(test_frame)[:, 1]
        bayes = FrequencyNaiveBayes(columns).fit(train_frame, target[train])
        predictions["naive_bayes"][test] = bayes.predict_proba(test_frame)[:, 1]
        if progress:
            progress(fold, folds)
    return {
        "rows": len(target), "positives": int(target.sum()), "features": len(columns.all),
        "folds": folds, "seed": SEED,
        **_figures(target, predictions["model"]),
        "baseline_logistic": _figures(target, predictions["logistic"]),
        "baseline_naive_bayes": _figures(target, predictions["naive_bayes"]),
        "calibration": calibration_bins(target, predictions["model"]),
    }


TRUE_VALUES = {"1", "yes", "true", "y", "ja", "j", "1.0"}
FALSE_VALUES = {"0", "no", "false", "n", "nee", "0.0"}


def binary_target(values: pd.Series, name: str) -> np.ndarray:
    """1/0, yes/no, true/false (any case) to 1 and 0; anything else is a DataError naming it."""
    text = values.astype(str).str.strip().str.lower()
    unknown = sorted(set(text) - TRUE_VALUES - FALSE_VALUES)
    if unknown or values.isna().any():
        shown = ", ".join(repr(value) for value in unknown[:5]) or "empty cells"
        raise DataError(f"the target column {name!r} must hold 1/0, yes/no or true/false; found {shown}")
    return text.isin(TRUE_VALUES).to_numpy(dtype=int)

"""The prospect score: candidate models compared on the firm's own history, the best by a stated rule.

Three candidates, each a scikit-learn pipeline whose output is a probability:

* ``additive`` - each numeric column twice, as a standardised value (a linear effect) and as
  one-hot bins (its own value for a code, quantile bins for a measurement), after median
  imputation, with an indicator where values were missing; each categorical column one-hot,
  missing as its own category, rare values pooled; a logistic regression with class weights,
  its penalty (L1, which keeps only the columns that matter, or L2) and strength chosen by an
  inner cross-validation on AUC; Platt calibration on out-of-fold predictions;
* ``logistic`` - standardised logistic regression: numbers scaled, categories one-hot, nothing
  more. It is the baseline itself, so the rule below can always choose it; its maximum-likelihood
  fit is its calibration;
* ``boosted_trees`` - scikit-learn's histogram gradient boosting, shallow trees, slow learning
  rate, strong L2 on the leaves; Platt calibration on out-of-fold predictions.

Platt calibration is fitted with ``ensemble=False``, so one base model remains to explain.

``backtest`` scores every candidate and both baselines on the same stratified folds; ``choose``
applies the rule (never below the logistic baseline on AUC or top-20 % capture; then the highest
AUC, within ``AUC_TIE`` the higher capture, then the lower Brier, then the simpler model). Each
candidate's own tuning and calibration run inside the training part of every fold, so the
figures are of rows no part of the candidate saw.

A prediction's contribution per column is exact for the linear candidates (``coef · (x -
training mean)`` summed over that column's output columns) and the tree SHAP value for the
boosted trees (``shap.TreeExplainer``, exact and additive for tree ensembles); either is scaled
into the calibrated log-odds. Nothing here touches Django.
"""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shap
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline, make_union
from sklearn.preprocessing import KBinsDiscretizer, OneHotEncoder, OrdinalEncoder, StandardScaler

SEED = 0
CODE_MAX_VALUES = 15  # a numeric column with at most this many values is a code: one-hot per value
# The additive candidate's inner search, strongest regularisation first (the first of equals wins).
# l1_ratio 1 is the L1 penalty (sparse: columns that do not matter get no weight), 0 the L2 penalty.
PENALTIES = ((1, 0.01), (0, 0.001), (1, 0.03), (0, 0.01), (1, 0.1), (0, 0.1))
CANDIDATES = ("logistic", "additive", "boosted_trees")  # simplest first: the order breaks exact ties
SIMPLE = "logistic"
AUC_TIE = 0.005  # AUCs closer than this are a tie, decided by top-20 % capture
SMALL_HISTORY = 100  # with fewer rows of the rarer outcome only the simple model is fitted
SELECTION_ROWS = 20_000  # candidates are compared on a stratified sample of at most this many rows


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


def _calibrated(base: Pipeline) -> CalibratedClassifierCV:
    return CalibratedClassifierCV(base, method="sigmoid", ensemble=False,
                                  cv=StratifiedKFold(5, shuffle=True, random_state=SEED))


def _standardised(frame: pd.DataFrame, columns: Columns) -> list:
    """Numbers imputed and scaled, categories one-hot: one part per column, named as in ``_transformers``."""
    parts = []
    for index, column in enumerate(columns.numeric):
        parts.append((f"n{index}", make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True),
                                                 StandardScaler()), [column]))
    for index, column in enumerate(columns.categorical):
        parts.append((f"c{index}", make_pipeline(
            SimpleImputer(strategy="constant", fill_value="(missing)", keep_empty_features=True),
            OneHotEncoder(handle_unknown="ignore")), [column]))
    return parts


def _ordinal(columns: Columns) -> list:
    """For trees: numbers as they are (missing values are routed by the trees), categories as codes."""
    parts = [(f"n{index}", "passthrough", [column]) for index, column in enumerate(columns.numeric)]
    parts += [(f"c{index}", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1,
                                           encoded_missing_value=-2), [column])
              for index, column in enumerate(columns.categorical)]
    return parts


def tune_additive(frame: pd.DataFrame, target: np.ndarray, columns: Columns) -> dict:
    """The additive candidate's penalty and strength: the best mean AUC of a 3-fold search over
    ``PENALTIES`` on the training rows (the transformation is unsupervised and fitted once)."""
    matrix = ColumnTransformer(_transformers(frame, columns), sparse_threshold=1.0).fit_transform(frame)
    inner = StratifiedKFold(3, shuffle=True, random_state=SEED)
    best, best_score = None, -1.0
    for l1_ratio, strength in PENALTIES:
        model = LogisticRegression(l1_ratio=l1_ratio, C=strength, solver="liblinear", class_weight="balanced",
                                   max_iter=3000)
        score = float(cross_val_score(model, matrix, target, cv=inner, scoring="roc_auc").mean())
        if score > best_score + 1e-9:
            best, best_score = {"l1_ratio": l1_ratio, "C": strength}, score
    return best


def build_candidate(name: str, frame: pd.DataFrame, target: np.ndarray,
                    columns: Columns) -> CalibratedClassifierCV | Pipeline:
    """The unfitted pipeline of one candidate for these training rows (Platt-calibrated, except the
    logistic baseline; the additive candidate's penalty is tuned on these rows here)."""
    if name == "additive":
        model = LogisticRegression(solver="liblinear", class_weight="balanced", max_iter=3000,
                                   **tune_additive(frame, target, columns))
        # Sparse: most output columns are one-hot, and the solver is several times faster on them.
        return _calibrated(Pipeline([("columns", ColumnTransformer(_transformers(frame, columns),
                                                                   sparse_threshold=1.0)), ("model", model)]))
    if name == "logistic":
        # The baseline itself. Its maximum-likelihood fit is its calibration: Platt scaling would fit
        # a second logistic regression on its one linear score.
        return logistic_baseline(frame, columns)
    if name == "boosted_trees":
        trees = HistGradientBoostingClassifier(
            learning_rate=0.02, max_iter=400, max_depth=2, min_samples_leaf=max(20, round(0.02 * len(frame))),
            l2_regularization=10.0, early_stopping=False, random_state=SEED)
        return _calibrated(Pipeline([("columns", ColumnTransformer(_ordinal(columns))), ("model", trees)]))
    raise ValueError(f"unknown candidate {name!r}")


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
    """A fitted score: the calibrated pipeline of the chosen candidate and what explaining it needs."""

    columns: Columns
    pipeline: CalibratedClassifierCV | Pipeline
    means: np.ndarray | None = None
    spread: list[float] | None = None
    library_version: str = sklearn.__version__
    candidate: str = "additive"  # models stored before the selection were all additive

    @property
    def _base(self) -> Pipeline:
        if isinstance(self.pipeline, Pipeline):
            return self.pipeline
        return self.pipeline.calibrated_classifiers_[0].estimator

    @property
    def _scale(self) -> float:
        """From the base model's log-odds to the calibrated log-odds (Platt: 1 / (1 + exp(a·f + b)))."""
        if isinstance(self.pipeline, Pipeline):
            return 1.0
        return float(-self.pipeline.calibrated_classifiers_[0].calibrators[0].a_)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return self.pipeline.predict_proba(prepare(frame, self.columns))[:, 1]

    def contributions(self, frame: pd.DataFrame) -> np.ndarray:
        """Per row and column, how much that column moves the calibrated log-odds away from an
        average prospect of the training data (positive: up)."""
        transformer = self._base.named_steps["columns"]
        model = self._base.named_steps["model"]
        transformed = _dense(transformer.transform(prepare(frame, self.columns)))
        if self.candidate == "boosted_trees":
            centred = shap.TreeExplainer(model).shap_values(transformed)
        else:
            centred = (transformed - self.means) * model.coef_[0]
        out = np.zeros((len(frame), len(self.columns.all)))
        for index, slice_ in self._owners(transformer):
            out[:, index] += centred[:, slice_].sum(axis=1)
        return out * self._scale

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


def fit(frame: pd.DataFrame, target: np.ndarray, columns: Columns | None = None, *,
        candidate: str = "additive") -> Model:
    columns = columns or infer_columns(frame)
    data = prepare(frame, columns)
    target = np.asarray(target, dtype=int)
    pipeline = build_candidate(candidate, data, target, columns)
    pipeline.fit(data, target)
    model = Model(columns=columns, pipeline=pipeline, candidate=candidate)
    transformer = model._base.named_steps["columns"]
    model.means = np.asarray(transformer.transform(data).mean(axis=0)).ravel()
    model.spread = model.contributions(frame).std(axis=0).tolist()
    return model


def _dense(matrix) -> np.ndarray:
    return matrix.toarray() if hasattr(matrix, "toarray") else np.asarray(matrix)


# Baselines -----------------------------------------------------------------------------------

def logistic_baseline(frame: pd.DataFrame, columns: Columns) -> Pipeline:
    """Standardised logistic regression: numbers scaled, categories one-hot, nothing more."""
    return Pipeline([("columns", ColumnTransformer(_standardised(frame, columns), sparse_threshold=0)),
                     ("model", LogisticRegression(max_iter=3000))])


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


def choose(candidates: dict[str, dict], baseline: dict) -> tuple[str, str]:
    """The rule: a candidate below the logistic baseline on AUC or on top-20 % capture is never
    chosen; of the rest the highest AUC, where AUCs are within ``AUC_TIE`` the higher capture,
    then the lower Brier, then the simpler model. Returns the name and the reason's code."""
    eligible = [name for name in CANDIDATES if name in candidates
                and candidates[name]["auc"] >= baseline["auc"]
                and candidates[name]["capture_top20"] >= baseline["capture_top20"]]
    if not eligible:
        return SIMPLE, "none_above_baseline"
    best_auc = max(candidates[name]["auc"] for name in eligible)
    contenders = [name for name in eligible if candidates[name]["auc"] >= best_auc - AUC_TIE]
    chosen = min(contenders, key=lambda name: (-candidates[name]["capture_top20"], candidates[name]["brier"],
                                               CANDIDATES.index(name)))
    return chosen, "rule"


def _sample(target: np.ndarray, rows: int) -> np.ndarray:
    """Row positions of a stratified random sample (fixed seed), all rows when there are few enough."""
    if len(target) <= rows:
        return np.arange(len(target))
    rng = np.random.default_rng(SEED)
    picked = []
    for outcome in (0, 1):
        positions = np.flatnonzero(target == outcome)
        picked.append(rng.choice(positions, size=round(rows * len(positions) / len(target)), replace=False))
    return np.sort(np.concatenate(picked))


def backtest(frame: pd.DataFrame, target: np.ndarray, *, folds: int = 5, columns: Columns | None = None,
             progress=None) -> dict:
    """Stratified k-fold cross-validation (fixed seed) of every candidate and the two baselines on
    the same folds; every row is scored by models that never saw it. The top-level figures and the
    calibration are the chosen candidate's."""
    if folds < 2:
        raise DataError("folds must be at least 2")
    target = np.asarray(target, dtype=int)
    check_classes(target, folds)
    columns = columns or infer_columns(frame)
    if not columns.all:
        raise DataError("there are no feature columns besides the target")
    rows = _sample(target, SELECTION_ROWS)
    data, target_used = prepare(frame, columns).iloc[rows], target[rows]
    small = min(int(target.sum()), int(len(target) - target.sum())) < SMALL_HISTORY
    names = [SIMPLE] if small else list(CANDIDATES)
    predictions = {name: np.zeros(len(rows)) for name in [*names, "baseline_naive_bayes"]}
    splits = StratifiedKFold(folds, shuffle=True, random_state=SEED).split(data, target_used)
    for fold, (train, test) in enumerate(splits, start=1):
        train_frame, test_frame, train_target = data.iloc[train], data.iloc[test], target_used[train]
        for name in names:
            model = build_candidate(name, train_frame, train_target, columns).fit(train_frame, train_target)
            predictions[name][test] = model.predict_proba(test_frame)[:, 1]
        bayes = FrequencyNaiveBayes(columns).fit(train_frame, train_target)
        predictions["baseline_naive_bayes"][test] = bayes.predict_proba(test_frame)[:, 1]
        if progress:
            progress(fold, folds)
    candidates = {name: _figures(target_used, predictions[name]) for name in names}
    baseline_figures = candidates[SIMPLE]  # the logistic candidate is the baseline (build_candidate)
    chosen, reason = (SIMPLE, "small_history") if small else choose(candidates, baseline_figures)
    return {
        "rows": len(target), "positives": int(target.sum()), "features": len(columns.all),
        "folds": folds, "seed": SEED, "selection_rows": len(rows),
        **candidates[chosen],
        "chosen": chosen, "reason": reason, "candidates": candidates,
        "baseline_logistic": baseline_figures,
        "baseline_naive_bayes": _figures(target_used, predictions["baseline_naive_bayes"]),
        "calibration": calibration_bins(target_used, predictions[chosen]),
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

"""Training the firm's score on its own history, and scoring open prospects in batches."""

import datetime
import io
import pickle

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from klantbelang.core.errors import DomainError

from . import ml
from .features import COLUMNS, closed_prospects, describe, feature_labels, rows
from .models import OPEN_KINDS, Prospect, ScoringModel, ServiceScope

MINIMUM_PER_OUTCOME = 50
BATCH = 500


CANDIDATE_LABELS = {
    "logistic": gettext_lazy("Standardised logistic regression (the baseline)"),
    "additive": gettext_lazy("Additive model: binned and linear terms, sparse or ridge logistic regression, "
                             "Platt-calibrated"),
    "boosted_trees": gettext_lazy("Gradient-boosted trees (histogram gradient boosting), Platt-calibrated, "
                                  "explained with tree SHAP values"),
}


def candidate_label(name: str) -> str:
    return str(CANDIDATE_LABELS.get(name, name))


def why_chosen(metrics: dict) -> str:
    """The selection's reason in words, in the reader's language (empty for a model trained
    before candidates were compared)."""
    chosen, reason = metrics.get("chosen"), metrics.get("reason")
    if not chosen:
        return ""
    if reason == "small_history":
        return _("With fewer than %(minimum)s prospects of the rarer outcome a comparison of candidates is "
                 "too uncertain, so the simple logistic regression is used.") % {"minimum": ml.SMALL_HISTORY}
    if reason == "none_above_baseline":
        return _("No other candidate reached the logistic baseline on both AUC and top-20 %% capture, so the "
                 "baseline itself is used.") % {}
    return _("Chosen by the rule: never below the logistic baseline on AUC or top-20 %% capture; then the "
             "highest AUC, where AUCs differ by less than %(tie)s the higher top-20 %% capture, then the lower "
             "Brier score, then the simpler model. %(label)s scored best.") % {
        "tie": number_format(ml.AUC_TIE, 3),
        "label": candidate_label(chosen)}


class InsufficientHistory(DomainError):
    code = "insufficient_history"
    status = 409


def history(firm, *, today: datetime.date) -> dict:
    """How many closed prospects of each outcome the firm has, and whether that is enough."""
    _prospects, outcomes = closed_prospects(firm, today=today)
    positives = int(outcomes.sum())
    negatives = int(len(outcomes) - positives)
    return {"positives": positives, "negatives": negatives, "minimum": MINIMUM_PER_OUTCOME,
            "enough": min(positives, negatives) >= MINIMUM_PER_OUTCOME}


def _scope(firm):
    return ServiceScope.objects.filter(firm=firm).first()


def train(*, firm, by, today: datetime.date | None = None, progress=None) -> ScoringModel:
    """Backtest, then fit on all closed prospects; nothing is stored unless both succeed."""
    today = today or timezone.localdate()
    prospects, outcomes = closed_prospects(firm, today=today)
    positives = int(outcomes.sum())
    negatives = len(outcomes) - positives
    if min(positives, negatives) < MINIMUM_PER_OUTCOME:
        raise InsufficientHistory(_(
            "Too little history to train a score: %(positives)s prospects became lasting clients and "
            "%(negatives)s did not; at least %(minimum)s of each are needed.") % {
            "positives": positives, "negatives": negatives, "minimum": MINIMUM_PER_OUTCOME})
    frame = rows(prospects, scope=_scope(firm))
    steps = 7  # tasks.TRAINING_STEPS

    def fold_done(fold, folds):
        if progress:
            progress(fold, steps, _("Backtest fold %(fold)s of %(folds)s") % {"fold": fold, "folds": folds})

    figures = ml.backtest(frame, outcomes, folds=5, columns=COLUMNS, progress=fold_done)
    model = ml.fit(frame, outcomes, columns=COLUMNS, candidate=figures["chosen"])
    if progress:
        progress(6, steps, _("Fitted on all %(rows)s closed prospects") % {"rows": len(outcomes)})
    buffer = io.BytesIO()
    pickle.dump(model, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    calibration = figures.pop("calibration")
    labels = feature_labels()
    stored = ScoringModel.objects.create(
        firm=firm, trained_by=by if by is not None and by.is_authenticated else None, rows=len(outcomes),
        positives=positives, metrics=figures, calibration=calibration,
        weights=[{"feature": column, "label": str(labels.get(column, column)), "spread": round(spread, 4)}
                 for column, spread in model.weights()],
        library_version=model.library_version, pipeline=buffer.getvalue())
    if progress:
        progress(7, steps, _("Model stored"))
    return stored


def current_model(firm) -> ScoringModel | None:
    return ScoringModel.objects.filter(firm=firm).order_by("-trained_at", "-pk").first()


def load(stored: ScoringModel) -> ml.Model:
    return pickle.loads(bytes(stored.pipeline))  # noqa: S301 - written by train() above, never by a user


def factors(model: ml.Model, frame, index: int, contributions: np.ndarray, *, top: int = 3) -> list[dict]:
    """The strongest pushes up and down for one row, in words (the language at the time of scoring
    is kept as both texts so a page in either language can show them)."""
    from django.utils import translation

    ranked = sorted(range(len(model.columns.all)), key=lambda column: -abs(contributions[index, column]))
    out = []
    for column in ranked:
        value = contributions[index, column]
        if abs(value) < 0.01:
            break
        name = model.columns.all[column]
        raw = frame.iloc[index][name]
        texts = {}
        for language in ("nl", "en"):
            with translation.override(language):
                texts[f"text_{language}"] = f"{feature_labels()[name]}: {describe(name, raw)}"
        out.append({"feature": name, "effect": round(float(value), 3), **texts})
    ups = [item for item in out if item["effect"] > 0][:top]
    downs = [item for item in out if item["effect"] < 0][:top]
    return ups + downs


def _score(batch: list[Prospect], *, model: ml.Model, stored: ScoringModel, scope, now) -> None:
    frame = rows(batch, scope=scope)
    probabilities = model.predict(frame)
    contributions = model.contributions(frame)
    for index, prospect in enumerate(batch):
        prospect.score = round(float(probabilities[index]), 4)
        prospect.score_factors = factors(model, frame, index, contributions)
        prospect.scored_at = now
        prospect.score_model = stored
    with transaction.atomic():
        Prospect.objects.bulk_update(batch, ["score", "score_factors", "scored_at", "score_model"])


def score_one(prospect_id: int) -> bool:
    """Score one prospect with the newest model, as soon as it is created or its features change
    (tasks.score_prospect). False when there is nothing to score with, or the prospect is closed."""
    prospect = (Prospect.objects.select_related("source", "campaign", "firm", "stage").filter(pk=prospect_id)
                .first())
    if prospect is None or prospect.stage.kind not in OPEN_KINDS:
        return False
    stored = current_model(prospect.firm)
    if stored is None:
        return False
    _score([prospect], model=load(stored), stored=stored, scope=_scope(prospect.firm), now=timezone.now())
    return True


def why_no_score(prospect: Prospect, model: ScoringModel | None, *, today: datetime.date) -> str:
    """Why a prospect shows no computed score, in words; empty when it has one."""
    if prospect.score is not None:
        return ""
    if model is None:
        return _("Too little history to train a score: %(positives)s prospects became lasting clients and "
                 "%(negatives)s did not; at least %(minimum)s of each are needed.") % history(
            prospect.firm, today=today)
    if prospect.stage.kind not in OPEN_KINDS:
        return _("Only open prospects are scored; this one is closed.")
    return _("The score is being computed in the background; it appears here within a minute.")


def score_open(*, firm, progress=None, today: datetime.date | None = None) -> int:
    """Score every open prospect with the newest model, BATCH at a time, each batch in its own
    transaction; scores of a failed run stay as they were, and a rerun redoes all."""
    stored = current_model(firm)
    if stored is None:
        raise InsufficientHistory(_("There is no trained score yet."))
    model = load(stored)
    scope = _scope(firm)
    ids = list(Prospect.objects.filter(firm=firm, stage__kind__in=OPEN_KINDS).order_by("pk")
               .values_list("pk", flat=True))
    if progress:
        progress(0, len(ids), "")
    now = timezone.now()
    for start in range(0, len(ids), BATCH):
        batch = list(Prospect.objects.filter(pk__in=ids[start:start + BATCH]).order_by("pk")
                     .select_related("source", "campaign"))
        _score(batch, model=model, stored=stored, scope=scope, now=now)
        if progress:
            progress(min(start + BATCH, len(ids)), len(ids), "")
    return len(ids)

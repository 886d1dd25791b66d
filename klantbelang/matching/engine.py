"""The per-pair suitability engine: the reference that the batch engine must equal.

``evaluate(profile, product)`` gives a verdict per axis (pass / warn / fail), the reasons for every
axis that does not pass, ``eligible`` (no axis fails) and a fit score in 0–1 for ranking. The
rules are those of DESIGN.md ("Verdict rules"); the score weighs axis fit, need coverage, cost,
horizon margin and sustainability fit. Nothing about remuneration is an input.
"""

from dataclasses import dataclass

from .product import ProductProfile
from .profile import ClientProfile
from .reasons import reason, sustainability_gaps
from .vocabulary import (
    BASE_AXES,
    CLIENT_TYPES,
    FAIL,
    KNOWLEDGE_LEVELS,
    LOSS_LEVELS,
    NO,
    OBJECTIVES,
    PASS,
    SERVICES,
    WARN,
    YES,
)

FIT = {PASS: 1.0, WARN: 0.5, FAIL: 0.0}
ANSWER_FIT = {YES: 1.0, NO: 0.0}  # neutral or missing: 0.5
WEIGHTS = (0.35, 0.25, 0.2, 0.1, 0.1)  # axis fit, need coverage, cost, horizon margin, sustainability fit
COST_CAP_PCT = 3.0  # ongoing costs at or above this score 0 on cost
HORIZON_MARGIN_YEARS = 5.0  # a margin of this many years over the product's minimum scores 1


@dataclass(frozen=True)
class PairResult:
    verdicts: dict[str, str]
    reasons: list[dict]
    score: float

    @property
    def eligible(self) -> bool:
        return FAIL not in self.verdicts.values()


def axes_for(profile: ClientProfile) -> tuple[str, ...]:
    axes = BASE_AXES
    if profile.need_type is not None:
        axes += ("need",)
    if profile.age is not None:
        axes += ("entry_age",)
    return axes


def _category(answer) -> str:
    if answer == YES:
        return PASS
    if answer == NO:
        return FAIL
    return WARN


def _ordered(answers, level: int) -> str:
    """Ordered axes: the client's own category N fails; a Y on it or any lower category passes."""
    if answers[level] == NO:
        return FAIL
    if YES in answers[: level + 1]:
        return PASS
    return WARN


def _loss_limit_exceeded(profile: ClientProfile, product: ProductProfile) -> bool:
    return (profile.ability_to_bear_loss == "limited" and product.loss_level_pct is not None
            and profile.loss_limit_pct is not None and profile.loss_limit_pct < product.loss_level_pct)


def _sustainability(profile: ClientProfile, product: ProductProfile) -> tuple[str, float, list]:
    """Verdict, fit (0–1) and the unmet preferences (kind, product value, client minimum)."""
    preference = profile.sustainability
    if not preference.has_preferences:
        return PASS, 1.0, []
    gaps, fits, missing = [], [], False
    for kind, product_value, client_min in (("taxonomy", product.taxonomy_pct, preference.taxonomy_min_pct),
                                            ("sfdr", product.sustainable_pct, preference.sfdr_sustainable_min_pct)):
        if client_min <= 0:
            continue
        if product_value is None:
            missing = True
            fits.append(0.5)
        else:
            fits.append(min(1.0, product_value / client_min))
            if product_value < client_min:
                gaps.append((kind, product_value, client_min))
    if preference.pai:
        if product.pai_considered is None:
            missing = True
            fits.append(0.5)
        elif product.pai_considered:
            fits.append(1.0)
        else:
            fits.append(0.0)
            gaps.append(("pai", None, 0.0))
    fit = sum(fits) / len(fits)
    if gaps:
        return FAIL, fit, gaps
    return (WARN if missing else PASS), fit, gaps


def verdicts_for(profile: ClientProfile, product: ProductProfile) -> tuple[dict[str, str], float, float | None]:
    """The verdict per axis, the sustainability fit and the need fit (None without a need type)."""
    verdicts = {
        "client_type": _category(product.client_type[CLIENT_TYPES.index(profile.client_type)]),
        "knowledge": _ordered(product.knowledge, KNOWLEDGE_LEVELS.index(profile.knowledge)),
    }
    loss = _ordered(product.loss, LOSS_LEVELS.index(profile.ability_to_bear_loss))
    verdicts["loss"] = FAIL if loss != FAIL and _loss_limit_exceeded(profile, product) else loss

    if product.sri is None:
        verdicts["risk"] = WARN
    else:
        verdicts["risk"] = FAIL if product.sri > profile.risk_tolerance else PASS

    answers = [product.objectives[OBJECTIVES.index(objective)] for objective in profile.objectives]
    verdicts["objectives"] = FAIL if NO in answers else PASS if YES in answers else WARN

    if product.min_horizon_years is None or profile.horizon_years is None:
        verdicts["horizon"] = WARN
    else:
        verdicts["horizon"] = FAIL if product.min_horizon_years > profile.horizon_years else PASS

    verdicts["service"] = _category(product.service[SERVICES.index(profile.service)])
    verdicts["sustainability"], sustainability_fit, _gaps = _sustainability(profile, product)

    need_fit = None
    if profile.need_type is not None:
        if not product.needs_served:
            verdicts["need"], need_fit = WARN, 0.5
        elif profile.need_type in product.needs_served:
            verdicts["need"], need_fit = PASS, 1.0
        else:
            verdicts["need"], need_fit = FAIL, 0.0

    if profile.age is not None:
        too_young = product.min_entry_age is not None and profile.age < product.min_entry_age
        too_old = product.max_entry_age is not None and profile.age > product.max_entry_age
        verdicts["entry_age"] = FAIL if too_young or too_old else PASS
    return verdicts, sustainability_fit, need_fit


def reason_for(axis: str, verdict: str, profile: ClientProfile, product: ProductProfile) -> dict:
    """The reason for an axis that did not pass."""
    if axis in {"client_type", "knowledge", "service"}:
        value = getattr(profile, axis)
        return reason(axis, f"{axis}_negative" if verdict == FAIL else f"{axis}_unspecified", value=value)
    if axis == "loss":
        level = LOSS_LEVELS.index(profile.ability_to_bear_loss)
        if verdict == FAIL and product.loss[level] != NO:
            return reason("loss", "loss_limit_exceeded", product=product.loss_level_pct,
                          client=profile.loss_limit_pct)
        code = "loss_negative" if verdict == FAIL else "loss_unspecified"
        return reason("loss", code, value=profile.ability_to_bear_loss)
    if axis == "risk":
        if verdict == WARN:
            return reason("risk", "risk_missing")
        return reason("risk", "risk_above_tolerance", product=product.sri, client=profile.risk_tolerance)
    if axis == "objectives":
        if verdict == FAIL:
            rejected = next(objective for objective in profile.objectives
                            if product.objectives[OBJECTIVES.index(objective)] == NO)
            return reason("objectives", "objectives_negative", value=rejected)
        first = profile.objectives[0] if profile.objectives else "—"
        return reason("objectives", "objectives_unspecified", value=first)
    if axis == "horizon":
        if verdict == WARN:
            return reason("horizon", "horizon_missing")
        return reason("horizon", "horizon_too_short", product=product.min_horizon_years, client=profile.horizon_years)
    if axis == "sustainability":
        if verdict == WARN:
            return reason("sustainability", "sustainability_data_missing")
        _verdict, _fit, gaps = _sustainability(profile, product)
        return reason("sustainability", "sustainability_preference_unmet",
                      nl_value=sustainability_gaps(language="nl", gaps=gaps),
                      en_value=sustainability_gaps(language="en", gaps=gaps))
    if axis == "need":
        if verdict == WARN:
            return reason("need", "need_unspecified")
        return reason("need", "need_not_served", client=profile.need_type)
    bounds = (f"{product.min_entry_age if product.min_entry_age is not None else 0}–"
              f"{product.max_entry_age if product.max_entry_age is not None else ''}")
    return reason("entry_age", "age_outside_entry_range", product=bounds, client=profile.age)


def score(profile: ClientProfile, product: ProductProfile, verdicts: dict[str, str], sustainability_fit: float,
          need_fit: float | None) -> float:
    """The fit score in 0–1. The batch engine computes the same expression in the same order."""
    axis_fit = 0.0
    for axis in verdicts:
        axis_fit += FIT[verdicts[axis]]
    axis_fit = axis_fit / len(verdicts)

    if profile.objectives:
        coverage = 0.0
        for objective in profile.objectives:
            coverage += ANSWER_FIT.get(product.objectives[OBJECTIVES.index(objective)], 0.5)
        coverage = coverage / len(profile.objectives)
    else:
        coverage = 0.5
    if need_fit is not None:
        coverage = (coverage + need_fit) / 2

    cost = 0.5 if product.ongoing_cost_pct is None else 1.0 - min(product.ongoing_cost_pct, COST_CAP_PCT) / COST_CAP_PCT
    if product.min_horizon_years is None or profile.horizon_years is None:
        horizon = 0.5
    else:
        horizon = min(max((profile.horizon_years - product.min_horizon_years) / HORIZON_MARGIN_YEARS, 0.0), 1.0)
    return (WEIGHTS[0] * axis_fit + WEIGHTS[1] * coverage + WEIGHTS[2] * cost
            + WEIGHTS[3] * horizon + WEIGHTS[4] * sustainability_fit)


def evaluate(profile: ClientProfile, product: ProductProfile) -> PairResult:
    verdicts, sustainability_fit, need_fit = verdicts_for(profile, product)
    reasons = [reason_for(axis, verdict, profile, product) for axis, verdict in verdicts.items() if verdict != PASS]
    return PairResult(verdicts=verdicts, reasons=reasons,
                      score=score(profile, product, verdicts, sustainability_fit, need_fit))


def output_entry(product: ProductProfile, verdicts: dict[str, str], reasons: list[dict], fit: float) -> dict:
    """One product in the match output JSON of DESIGN.md."""
    return {"code": product.code, "name": product.name, "eligible": FAIL not in verdicts.values(),
            "score": round(fit, 4), "axes": verdicts, "reasons": reasons}


def rank(entries: list[dict]) -> list[dict]:
    """Eligible first, then by score (highest first), then by code for a stable order."""
    return sorted(entries, key=lambda entry: (not entry["eligible"], -entry["score"], entry["code"]))


def match(profile: ClientProfile, products: list[ProductProfile]) -> list[dict]:
    """The per-pair reference over a list of products, ranked as DESIGN.md's match output."""
    entries = []
    for product in products:
        result = evaluate(profile, product)
        entries.append(output_entry(product, result.verdicts, result.reasons, result.score))
    return rank(entries)

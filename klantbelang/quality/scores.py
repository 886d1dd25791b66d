"""The maturity score per module, 1–5, as the AFM Klantbelang Dashboard scores: 3 = present but
non-committal, 4 = on track, 5 = on track *and* backed by a file check without findings.

Each module is judged on one leading figure with four thresholds; the rule that produced the
score is returned in words with it. Pure functions: tested at every boundary.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .metrics import BY_SLUG
from .models import Module


@dataclass(frozen=True)
class Rule:
    metric: str
    thresholds: tuple[float, float, float, float]  # the value needed for 2, 3, 4 and 5
    better: str = "up"


RULES = {
    Module.INVENTORY: Rule("complete_profiles", (0.5, 0.75, 0.9, 0.97)),
    Module.ADVICE_FIT: Rule("within_target_market", (0.6, 0.8, 0.9, 0.97)),
    Module.FOUR_EYES: Rule("first_time_right", (0.4, 0.6, 0.75, 0.9)),
    Module.AFTERCARE: Rule("reviews_delivered", (0.4, 0.6, 0.8, 0.9)),
    Module.CLIENT_VOICE: Rule("satisfaction", (3.0, 3.5, 4.0, 4.5)),
    Module.FEES: Rule("fee_estimate_gap", (0.6, 0.4, 0.25, 0.1), better="down"),
    Module.PROSPECT_TIME: Rule("prospect_hours_lost", (0.8, 0.65, 0.5, 0.35), better="down"),
    Module.GOVERNANCE: Rule("report_items_answered", (0.2, 0.4, 0.6, 0.8)),
}


@dataclass
class Score:
    value: int | None
    rule: str
    figure: float | None = None


def _shown(metric: str, value: float) -> str:
    kind = BY_SLUG[metric].kind
    if kind == "share":
        return f"{value * 100:.0f}%"
    return f"{value:.1f}"


def score(module: str, figures: dict[str, float | None], *, file_checks: tuple[int, int] = (0, 0)) -> Score:
    """``figures``: metric → value for the period; ``file_checks``: (checked, with findings)."""
    rule = RULES[module]
    value = figures.get(rule.metric)
    label = str(BY_SLUG[rule.metric].label).lower()
    if value is None:
        return Score(None, _("No data in this period for: %(figure)s.") % {"figure": label})

    def meets(threshold: float) -> bool:
        return value >= threshold if rule.better == "up" else value <= threshold

    level = 1 + sum(1 for threshold in rule.thresholds[:3] if meets(threshold))
    sign = "≥" if rule.better == "up" else "≤"
    needed = {level_: _shown(rule.metric, threshold) for level_, threshold in zip((2, 3, 4, 5), rule.thresholds,
                                                                                  strict=True)}
    checked, with_findings = file_checks
    if level == 4 and meets(rule.thresholds[3]):
        if checked and not with_findings:
            return Score(5, _("%(figure)s is %(value)s (%(sign)s %(needed)s) and %(checked)s file checks found "
                              "nothing.") % {"figure": label, "value": _shown(rule.metric, value), "sign": sign,
                                             "needed": needed[5], "checked": checked}, value)
        why = (_("a file check found findings") if with_findings else _("no file check was done in this period"))
        return Score(4, _("%(figure)s is %(value)s (%(sign)s %(needed)s), but %(why)s; 5 needs a file check "
                          "without findings.") % {"figure": label, "value": _shown(rule.metric, value), "sign": sign,
                                                  "needed": needed[5], "why": why}, value)
    if level == 4:
        return Score(4, _("%(figure)s is %(value)s (%(sign)s %(needed)s for 4; %(next)s for 5).") % {
            "figure": label, "value": _shown(rule.metric, value), "sign": sign, "needed": needed[4],
            "next": needed[5]}, value)
    if level == 1:
        return Score(1, _("%(figure)s is %(value)s; 2 needs %(sign)s %(next)s.") % {
            "figure": label, "value": _shown(rule.metric, value), "sign": sign, "next": needed[2]}, value)
    return Score(level, _("%(figure)s is %(value)s (%(sign)s %(needed)s for %(level)s; %(next)s for %(up)s).") % {
        "figure": label, "value": _shown(rule.metric, value), "sign": sign, "needed": needed[level],
        "level": level, "next": needed[level + 1], "up": level + 1}, value)

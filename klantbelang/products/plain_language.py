"""The target market and negative target market of a product, said in plain words (nl/en)."""

from django.utils.translation import gettext as _

from klantbelang.core.i18n import language_key
from klantbelang.matching.reasons import LABELS

from .importing.parsed import TARGET_MARKET_AXES


def _axis_titles():
    return {
        "client_type": _("Type of client"),
        "knowledge": _("Knowledge and experience"),
        "loss": _("Ability to bear losses"),
        "objectives": _("Objectives"),
        "service": _("Distribution (service)"),
    }


def describe_target_market(product) -> list[dict]:
    """One row per ESMA axis: for whom the product is meant, for whom not, and what it leaves open."""
    labels = LABELS[language_key()]
    rows = []
    for axis, values in TARGET_MARKET_AXES.items():
        answers = product.target_market.get(axis, {})
        rows.append({
            "axis": axis,
            "title": _axis_titles()[axis],
            "fit": [labels[value] for value in values if answers.get(value) == "Y"],
            "not_fit": [labels[value] for value in values if answers.get(value) == "N"],
            "open": [labels[value] for value in values if answers.get(value) not in {"Y", "N"}],
        })
    return rows

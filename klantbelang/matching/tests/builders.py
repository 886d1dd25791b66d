"""Hand-written profiles and products for the engine tests."""

from klantbelang.matching.product import ProductProfile
from klantbelang.matching.profile import parse_profile

BASE_PROFILE = {
    "client_type": "retail", "knowledge": "basic", "ability_to_bear_loss": "limited", "loss_limit_pct": 10,
    "risk_tolerance": 3, "objectives": ["growth"], "horizon_years": 5, "service": "advice",
    "sustainability": {"taxonomy_min_pct": 0, "sfdr_sustainable_min_pct": 0, "pai": False},
}


def profile(**changes):
    data = {**BASE_PROFILE, **changes}
    return parse_profile(data)


def product(**changes) -> ProductProfile:
    """A product that passes every axis for BASE_PROFILE, changed by ``changes``."""
    fields = {
        "code": "NL0000000001", "name": "Voorbeeldfonds",
        "client_type": ("Y", "Y"), "knowledge": ("Y", "Y", "Y"), "loss": ("Y", "Y", "Y", "Y"),
        "loss_level_pct": None, "sri": 3,
        "objectives": ("neutral", "Y", "neutral", "neutral", "N"), "min_horizon_years": 3.0,
        "service": ("N", "Y", "Y", "Y"), "ongoing_cost_pct": 0.6,
    }
    fields.update(changes)
    return ProductProfile(**fields)

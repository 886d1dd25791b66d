"""Need types: the demands and needs a needs analysis derives and that products serve.

Shared vocabulary (like domains) so that the client inventory, the product library and the
matching engine speak of the same needs.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .domains import Domain


class NeedType(models.TextChoices):
    EMERGENCY_BUFFER = "emergency_buffer", _("Emergency buffer")
    INCOME_PROTECTION = "income_protection", _("Income on disability")
    DEATH_COVER = "death_cover", _("Cover on death for dependants")
    FUNERAL_COVER = "funeral_cover", _("Funeral costs")
    PENSION_GAP = "pension_gap", _("Pension gap")
    MORTGAGE_FINANCING = "mortgage_financing", _("Financing a home")
    MORTGAGE_RATE_RESET = "mortgage_rate_reset", _("Fixed-rate period ending")
    LIABILITY_COVER = "liability_cover", _("Liability cover")
    HOME_COVER = "home_cover", _("Home and contents cover")
    CAR_COVER = "car_cover", _("Car cover")
    TRAVEL_COVER = "travel_cover", _("Travel cover")
    WEALTH_BUILDING = "wealth_building", _("Building wealth")
    GOAL_FUNDING = "goal_funding", _("Funding a goal")
    CAPITAL_PRESERVATION = "capital_preservation", _("Keeping capital safe")
    # The needs the planning core derives per scenario (klantbelang/planning/needs.py).
    DISABILITY_GAP = "disability_gap", _("Income on disability")
    WGA_GAP = "wga_gap", _("WGA gap")
    MORTGAGE_AFFORDABILITY = "mortgage_affordability", _("Mortgage above the lending norms")
    CONTENTS_COVER = "contents_cover", _("Contents insurance")
    UNEMPLOYMENT_GAP = "unemployment_gap", _("Income on unemployment")


NEED_DOMAINS = {
    NeedType.EMERGENCY_BUFFER: Domain.INVESTMENT,
    NeedType.INCOME_PROTECTION: Domain.INCOME_PROTECTION,
    NeedType.DEATH_COVER: Domain.LIFE,
    NeedType.FUNERAL_COVER: Domain.LIFE,
    NeedType.PENSION_GAP: Domain.PENSION,
    NeedType.MORTGAGE_FINANCING: Domain.MORTGAGE,
    NeedType.MORTGAGE_RATE_RESET: Domain.MORTGAGE,
    NeedType.LIABILITY_COVER: Domain.NON_LIFE,
    NeedType.HOME_COVER: Domain.NON_LIFE,
    NeedType.CAR_COVER: Domain.NON_LIFE,
    NeedType.TRAVEL_COVER: Domain.NON_LIFE,
    NeedType.WEALTH_BUILDING: Domain.INVESTMENT,
    NeedType.GOAL_FUNDING: Domain.INVESTMENT,
    NeedType.CAPITAL_PRESERVATION: Domain.INVESTMENT,
    NeedType.DISABILITY_GAP: Domain.INCOME_PROTECTION,
    NeedType.WGA_GAP: Domain.INCOME_PROTECTION,
    NeedType.MORTGAGE_AFFORDABILITY: Domain.MORTGAGE,
    NeedType.CONTENTS_COVER: Domain.NON_LIFE,
    NeedType.UNEMPLOYMENT_GAP: Domain.INCOME_PROTECTION,
}

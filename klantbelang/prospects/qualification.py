"""Qualification parts 1 and 2: fit with the firm's service scope, and the mutual relationship check.

Pure functions over plain values, so the rules read (and test) on their own.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from klantbelang.core.needs import NEED_DOMAINS, NeedType


@dataclass
class Fit:
    status: str  # "in", "partly", "out" or "unknown"
    reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return {"in": _("Within our service scope"), "partly": _("Partly within our service scope"),
                "out": _("Outside our service scope"), "unknown": _("No needs mentioned yet")}[self.status]


def scope_fit(*, needs: list[str], audience: str, country: str, scope) -> Fit:
    """Compare what a prospect asks with what the firm declared it serves, and for whom."""
    from .models import Audience, Prospect

    reasons = []
    blocked = False
    if scope is None:
        return Fit("unknown", [_("The firm has not declared its service scope yet.")])
    if scope.audiences and audience not in scope.audiences:
        blocked = True
        reasons.append(_("We do not serve %(audience)s.") % {"audience": Audience(audience).label.lower()})
    if scope.countries and country not in scope.countries:
        blocked = True
        reasons.append(_("We do not advise clients in %(country)s.") % {"country": Prospect.Country(country).label})
    known = [need for need in needs if need in NeedType.values]
    served = [need for need in known if need in scope.needs]
    outside = [need for need in known if need not in scope.needs]
    for need in outside:
        reasons.append(_("%(need)s is outside our scope (%(domain)s).") % {
            "need": NeedType(need).label, "domain": NEED_DOMAINS[need].label})
    if blocked or (known and not served):
        return Fit("out", reasons)
    if not known:
        return Fit("unknown", reasons)
    if outside:
        return Fit("partly", reasons)
    return Fit("in", [_("Every need they mention is one we serve.")])


def relationship_concerns(*, contact: str, shares_information: str, accepts_fee: str, horizon: str,
                          firm_can_meet: bool, firm_wants: bool) -> list[str]:
    """Why a long-term relationship is not (yet) mutual; empty when both sides want it."""
    concerns = []
    if shares_information != "yes":
        concerns.append(_("Advice needs complete information, now and later."))
    if accepts_fee != "yes":
        concerns.append(_("Our advice is paid by a fee, not by commission."))
    if horizon == "under_1":
        concerns.append(_("They look for a one-off transaction, not a relationship."))
    if contact == "on_request":
        concerns.append(_("Periodic reviews are part of the relationship; they want contact only on request."))
    if not firm_can_meet:
        concerns.append(_("We cannot give the contact they expect."))
    if not firm_wants:
        concerns.append(_("We do not want a long-term relationship with them."))
    return concerns

"""Demo advice files for Demo Advies: one in every phase, including a released one (its report
opens as PDF), one with a deviation under review, and one with changes requested. Made through
the services, so every step has its audit event and the gates are honoured."""

from django.utils import timezone

from klantbelang.clients.models import Client
from klantbelang.clients.privacy import erase
from klantbelang.matching.batch import match_one
from klantbelang.matching.shelf import catalogue_for
from klantbelang.products.models import Product
from klantbelang.relationships.services import confirmed_agreement

from . import services
from .models import AdviceCase

APPROVE = {key: {"ok": True, "comment": ""} for key, _nl, _en in services.CHECKLIST}
PLAN = ["intake", "inventory", "analysis", "advice", "deviation", "changes_requested", "released", "released",
        "implemented", "aftercare", "erased"]


def _ready_clients(firm, adviser):
    """Clients of ``adviser`` whose agreement covers a domain the profile is complete for."""
    for client in Client.objects.filter(firm=firm, responsible_adviser=adviser).select_related(
            "current_profile").order_by("reference"):
        agreement = confirmed_agreement(client)
        if agreement is None:
            continue
        for domain in agreement.domains:
            needs = [need for need in client.current_profile.needs if need["domain"] == domain]
            if needs and not client.current_profile.missing_for(domain):
                yield client, domain


def _recommend(case, adviser, *, deviate=False):
    catalogue = catalogue_for(firm=case.firm)
    for need in services.needs_in_scope(case):
        ranked = match_one(services._match_profile(case, need["type"]), catalogue)
        eligible = [entry for entry in ranked if entry["eligible"]]
        if deviate or not eligible:
            entry = next(entry for entry in ranked if not entry["eligible"])
            product = Product.objects.get(firm=case.firm, code=entry["code"])
            services.save_recommendation(
                case=case, by=adviser, need_type=need["type"], product=product, horizon_years=5,
                rationale="Het aanbod binnen de doelgroep dekt deze behoefte niet goed genoeg.",
                deviation_reason="Besproken met de klant: bewuste keuze, vastgelegd in het gespreksverslag.",
                yearly_cost=240)
        else:
            product = Product.objects.get(firm=case.firm, code=eligible[0]["code"])
            services.save_recommendation(
                case=case, by=adviser, need_type=need["type"], product=product, horizon_years=10, yearly_cost=180,
                rationale=f"{product.name} past bij het risicoprofiel en de horizon, tegen lage kosten.",
                disadvantages="De waarde kan schommelen.")


def seed(context: dict) -> None:
    firm = context["firms"]["demo-advies"]
    if AdviceCase.objects.filter(firm=firm).exists():
        return
    adviser, reviewer = context["people"]["adviser@demo.nl"], context["people"]["reviewer@demo.nl"]
    candidates = _ready_clients(firm, adviser)
    made = 0
    for plan in PLAN:
        client, domain = next(candidates)
        case = services.open_case(client=client, by=adviser, domains=[domain], reason="first_advice")
        services.log_time(case=case, by=adviser, activity="intake", minutes=45, on=timezone.localdate())
        made += 1
        if plan == "intake":
            continue
        services.transition(case=case, by=adviser, to="inventory")
        if plan == "inventory":
            continue
        services.transition(case=case, by=adviser, to="analysis")
        if plan == "analysis":
            continue
        services.transition(case=case, by=adviser, to="advice")
        _recommend(case, adviser, deviate=plan == "deviation")
        services.log_time(case=case, by=adviser, activity="advice", minutes=120, on=timezone.localdate())
        if plan == "advice":
            continue
        services.submit_for_review(case=case, by=adviser)
        if plan == "deviation":
            continue
        if plan == "changes_requested":
            services.review_case(case=case, by=reviewer, outcome="changes_requested", checklist={
                **APPROVE, "costs": {"ok": False, "comment": "Noem de kosten over de hele looptijd."}})
            continue
        services.review_case(case=case, by=reviewer, outcome="approved", checklist=APPROVE)
        services.release(case=case, by=adviser)
        if plan in {"implemented", "aftercare"}:
            services.transition(case=case, by=adviser, to="implemented")
        if plan == "aftercare":
            services.transition(case=case, by=adviser, to="aftercare")
        if plan == "erased":
            # The household later asked to be erased: its released advice file stays until the
            # retention ends, everything else that may go is gone.
            erase(client=client, by=context["people"]["manager@demo.nl"],
                  reason="Verzoek per brief van de klant; identiteit gecontroleerd aan de balie.")
    context["stdout"].write(f"Advice files: {made} created.")

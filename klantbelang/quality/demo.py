"""Two years of advice history for the quality dashboard of Demo Advies, with three stories:

* Team Hypotheek & Wonen recommends one provider far more often than the rest of the firm would
  for the same needs (a concentration signal, strongest for Anna de Vries);
* Hugo Hendriks releases advice in bunches at the end of the month, most at quarter ends;
* four-eyes results improve after the pre-check introduced a year ago: fewer reviews with
  findings and a faster turnaround.

History is written directly (it happened before the demo started), once; then the figures are
computed by the same refresh the nightly task runs, and the firm's quality goals are set.
"""

import datetime
import random

from django.utils import timezone

from klantbelang.accounts.models import Team, User
from klantbelang.advice.models import AdviceCase, AdviceVersion, Recommendation, Review, StatusChange, TimeEntry
from klantbelang.advice.services import CHECKLIST
from klantbelang.clients.models import Client
from klantbelang.core.needs import NEED_DOMAINS
from klantbelang.products.models import Product

from . import services
from .models import FileCheck, Module, MonthlyFigure, QualityGoal

CATEGORY = {"mortgage_financing": "mortgage", "death_cover": "term_life", "home_cover": "home",
            "pension_gap": "pension_annuity", "income_protection": "income_protection",
            "wealth_building": "investment_fund"}
NEEDS = {"adviser@demo.nl": ["mortgage_financing", "death_cover", "home_cover"],
         "hypotheek@demo.nl": ["mortgage_financing", "death_cover", "home_cover"],
         "pension@demo.nl": ["pension_gap", "income_protection", "death_cover", "wealth_building"],
         "inkomen@demo.nl": ["income_protection", "pension_gap", "death_cover", "wealth_building"]}
FAVOURITE_SHARE = {"adviser@demo.nl": 0.8, "hypotheek@demo.nl": 0.55}
MONTHS = 24


def seed(context: dict) -> None:
    firm = context["firms"]["demo-advies"]
    today = timezone.localdate()
    if MonthlyFigure.objects.filter(firm=firm).exists():
        return
    rng = random.Random("quality-demo-advies")
    people = {email: User.objects.get(email=email) for email in NEEDS}
    reviewer = User.objects.get(email="reviewer@demo.nl")
    manager = User.objects.get(email="manager@demo.nl")
    _history(firm, people, reviewer, today=today, rng=rng)
    services.refresh(firm, months=MONTHS, today=today)
    _inventory_trend(firm, today=today)
    _file_checks(firm, manager, today=today, rng=rng)
    team = Team.objects.filter(firm=firm, name="Team Hypotheek & Wonen").first()
    for module, target, for_team in ((Module.INVENTORY, 4, None), (Module.ADVICE_FIT, 4, None),
                                     (Module.FOUR_EYES, 4, None), (Module.AFTERCARE, 4, None),
                                     (Module.CLIENT_VOICE, 4, None), (Module.ADVICE_FIT, 4, team)):
        QualityGoal.objects.get_or_create(firm=firm, module=module, team=for_team,
                                          defaults={"target": target, "set_by": manager})
    context["stdout"].write("Quality: two years of advice history, figures computed, goals set.")


def _products(firm):
    by_category: dict = {}
    for product in Product.objects.filter(firm=firm, category__in=set(CATEGORY.values())).select_related("provider"):
        by_category.setdefault(product.category, []).append(product)
    # The favourite: the provider with products in every category the mortgage team advises on.
    providers: dict = {}
    for category in ("mortgage", "term_life", "home"):
        for product in by_category.get(category, []):
            providers.setdefault(product.provider_id, set()).add(category)
    favourite = min(provider for provider, categories in providers.items() if len(categories) == 3)
    return by_category, favourite


def _history(firm, people, reviewer, *, today, rng) -> None:
    by_category, favourite = _products(firm)
    clients = {}
    for email in people:
        owner = "adviser@demo.nl" if email in ("adviser@demo.nl", "hypotheek@demo.nl") else "pension@demo.nl"
        clients[email] = list(Client.objects.filter(firm=firm, responsible_adviser__email=owner,
                                                    current_profile__isnull=False)
                              .select_related("current_profile").order_by("reference")[:120])
    change = services.month_start(today, 12)  # the pre-check started a year ago
    plans = []
    for back in range(MONTHS, 0, -1):
        month = services.month_start(today, back)
        days = (services.month_start(month, -1) - month).days
        for email in people:
            count = rng.randint(3, 6)
            if email == "hypotheek@demo.nl" and month.month in (3, 6, 9, 12):
                count += 4
            for _index in range(count):
                if email == "hypotheek@demo.nl" and rng.random() < (0.75 if month.month in (3, 6, 9, 12) else 0.35):
                    day = rng.randint(days - 2, days)
                else:
                    day = rng.randint(1, days)
                released = datetime.datetime(month.year, month.month, day, rng.randint(9, 17),
                                             tzinfo=timezone.get_current_timezone())
                plans.append((email, released, month >= change))
    cases, recommendations, reviews, versions, times, changes = [], [], [], [], [], []
    for email, released, after_change in plans:
        adviser = people[email]
        client = rng.choice(clients[email])
        needs = rng.sample(NEEDS[email], k=2)
        opened = released - datetime.timedelta(days=rng.randint(14, 40))
        case = AdviceCase(firm=firm, client=client, title=f"Advies {client.name}", reason="periodic_review",
                          domains=sorted({str(NEED_DOMAINS[need]) for need in needs}), profile=client.current_profile,
                          status="aftercare", lead=adviser, sampling="required", created_at=opened)
        cases.append((case, email, released, after_change, needs))
    AdviceCase.objects.bulk_create([item[0] for item in cases], batch_size=500)
    for case, email, released, after_change, needs in cases:
        items = []
        for need in needs:
            options = by_category[CATEGORY[need]]
            favoured = [product for product in options if product.provider_id == favourite]
            if favoured and rng.random() < FAVOURITE_SHARE.get(email, 0.0):
                product = rng.choice(favoured)
            else:
                product = rng.choice(options)
            eligible = rng.random() > (0.14 if email == "inkomen@demo.nl" else 0.05)
            items.append({"need_type": need, "product": product, "eligible": eligible})
            recommendations.append(Recommendation(
                case=case, need_type=need, product=product, eligible=eligible, horizon_years=10, yearly_cost=180,
                rationale=f"{product.name} past bij de behoefte en de horizon van de klant.",
                deviation_reason="" if eligible else "Bewuste keuze van de klant, besproken en vastgelegd.",
                verdicts={}, reasons=[], updated_at=released))
        submitted = released - datetime.timedelta(days=rng.randint(3, 8))
        findings_rate = 0.12 if after_change else 0.5
        hours = rng.uniform(4, 20) if after_change else rng.uniform(20, 70)
        first_at = submitted + datetime.timedelta(hours=hours)
        if rng.random() < findings_rate:
            failing = rng.choice([key for key, _nl, _en in CHECKLIST])
            reviews.append(Review(case=case, reviewer=reviewer, author=case.lead, outcome="changes_requested",
                                  submitted_at=submitted, created_at=first_at, checklist={
                                      key: {"ok": key != failing, "comment": "" if key != failing else
                                            "Graag aanvullen."} for key, _nl, _en in CHECKLIST}))
            first_at = min(first_at + datetime.timedelta(days=2), released - datetime.timedelta(hours=2))
        reviews.append(Review(case=case, reviewer=reviewer, author=case.lead, outcome="approved",
                              submitted_at=submitted, created_at=first_at,
                              checklist={key: {"ok": True, "comment": ""} for key, _nl, _en in CHECKLIST}))
        versions.append(AdviceVersion(case=case, number=1, released_by=case.lead, released_at=released, snapshot={
            "client": {"name": case.client.name, "reference": case.client.reference, "persons": []},
            "firm": firm.name, "title": case.title, "domains": case.domains, "profile_version": 1,
            "objectives": [], "own_words": "", "needs": [], "sustainability": {}, "derived": {},
            "recommendations": [{"need_type": item["need_type"], "no_product": False, "product": {
                "code": item["product"].code, "name": item["product"].name,
                "provider": item["product"].provider.name, "category": item["product"].category,
                "sri": item["product"].sri}, "rationale": "", "alternatives": [], "verdicts": {}, "reasons": [],
                "eligible": item["eligible"], "disadvantages": "", "one_off_cost": "0", "yearly_cost": "180",
                "horizon_years": 10, "total_cost": "1800", "replacement_note": "", "deviation_reason": "",
                "sustainability_adaptation": ""} for item in items],
            "review": {"reviewer": str(reviewer), "at": first_at.isoformat()}, "sampling": "required",
            "fee": {"model": "fixed", "hours": "8.00", "estimated": "1200", "actual": "1200"}}))
        minutes = int(60 * 4 * len(case.domains) * rng.uniform(0.7, 1.5))
        times.append(TimeEntry(case=case, user=case.lead, activity="advice", minutes=minutes,
                               on=timezone.localdate(released)))
        changes.append(StatusChange(case=case, from_status="review", to_status="released", by=case.lead, at=released))
    Recommendation.objects.bulk_create(recommendations, batch_size=1000)
    Review.objects.bulk_create(reviews, batch_size=1000)
    AdviceVersion.objects.bulk_create(versions, batch_size=500)
    TimeEntry.objects.bulk_create(times, batch_size=1000)
    StatusChange.objects.bulk_create(changes, batch_size=1000)


def _inventory_trend(firm, *, today) -> None:
    """The stock figures' monthly snapshots of the past two years, rising to this month's real
    value as the portal let clients fill in their own inventory (the refresh wrote this month)."""
    this_month = services.month_start(today)
    rows = []
    for current in MonthlyFigure.objects.filter(firm=firm, month=this_month,
                                                metric__in=["complete_profiles", "fresh_profiles"]):
        now = current.numerator / current.denominator if current.denominator else 0
        for back in range(MONTHS - 1, 0, -1):
            share = max(0.0, now - 0.3 * back / MONTHS)
            rows.append(MonthlyFigure(firm=firm, month=services.month_start(today, back), adviser=current.adviser,
                                      metric=current.metric, numerator=round(current.denominator * share),
                                      denominator=current.denominator))
    MonthlyFigure.objects.bulk_create(rows)


def _file_checks(firm, manager, *, today, rng) -> None:
    start = services.month_start(today, 11)
    for module in (Module.ADVICE_FIT, Module.FOUR_EYES, Module.FEES):
        for index, case in enumerate(services.sample(firm, module=module, start=start, end=today, size=4)):
            findings = module == Module.ADVICE_FIT and index == 0
            FileCheck.objects.create(
                firm=firm, module=module, case=case, checked_by=manager,
                outcome="findings" if findings else "good",
                note="De afwijking van de doelgroep is te summier onderbouwd." if findings else "",
                checked_at=timezone.now() - datetime.timedelta(days=rng.randint(5, 60)))

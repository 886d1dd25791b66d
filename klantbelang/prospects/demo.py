"""Demo prospects: three years of pipeline history for Demo Advies, from sources of clearly
different quality (referrals last, comparison-site leads and purchased lists cost time and rarely
become lasting clients), so the score trains on `make run` and the marketing report tells that
story; a short history at Ander Kantoor shows the page without enough history for a score.
History is written directly (it happened before the demo started), once."""

import datetime
import math
import random

from django.utils import timezone

from klantbelang.accounts.models import User
from klantbelang.core.roles import Role

from . import scoring, services
from .models import (
    Campaign,
    LostReason,
    Prospect,
    ProspectTime,
    RelationshipCheck,
    ServiceScope,
    Source,
    Stage,
    StageChange,
    StageKind,
)

# name, channel, base log-odds of becoming a lasting client, share of volume
SOURCES = [
    ("Klanten brengen klanten", "client_referral", 0.2, 0.16),
    ("Notaris en makelaar", "professional_referral", -0.3, 0.12),
    ("Website – adviesaanvraag", "website", -1.1, 0.24),
    ("Seminar Pensioen in zicht", "event", -0.7, 0.10),
    ("Vergelijkingssite", "comparison_site", -2.6, 0.25),
    ("Gekocht adresbestand", "purchased_list", -3.2, 0.13),
]
CAMPAIGNS = [
    ("Seminar Pensioen in zicht 2024", "Seminar Pensioen in zicht", "55-plussers in de regio", 3, 3500),
    ("Seminar Pensioen in zicht 2025", "Seminar Pensioen in zicht", "55-plussers in de regio", 2, 3800),
    ("Vergelijker hypotheken 2025", "Vergelijkingssite", "Starters op de woningmarkt", 2, 12000),
    ("Vergelijker hypotheken 2026", "Vergelijkingssite", "Starters op de woningmarkt", 1, 9000),
    ("Adresbestand ondernemers", "Gekocht adresbestand", "Zzp'ers en DGA's", 2, 4500),
    ("Zoekadvertenties hypotheek 2026", "Website – adviesaanvraag", "Doorstromers", 1, 6000),
]
FIRST = ["Sanne", "Daan", "Emma", "Lucas", "Julia", "Sem", "Tess", "Finn", "Lotte", "Milan", "Eva", "Noah",
         "Fleur", "Levi", "Iris", "Thijs", "Noor", "Bram", "Roos", "Jesse", "Anouk", "Ruben", "Femke", "Stijn"]
LAST = ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
        "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
        "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "Kok", "Jacobs", "Vermeulen"]
NEEDS_BY_CHANNEL = {
    "event": ["pension_gap", "capital_preservation", "wealth_building", "funeral_cover"],
    "comparison_site": ["mortgage_financing", "mortgage_financing", "car_cover", "travel_cover", "home_cover"],
    "purchased_list": ["income_protection", "pension_gap", "car_cover", "liability_cover"],
}
ALL_NEEDS = ["mortgage_financing", "mortgage_rate_reset", "pension_gap", "income_protection", "death_cover",
             "wealth_building", "goal_funding", "emergency_buffer", "home_cover"]
LOST_BY_CHANNEL = {
    "comparison_site": ["price", "price", "other_adviser", "not_ready", "unreachable"],
    "purchased_list": ["unreachable", "unreachable", "no_need", "not_ready"],
    "website": ["no_need", "other_adviser", "not_ready", "price", "unreachable"],
}
HISTORY_DAYS = 3 * 365


def seed(context: dict) -> None:
    today = timezone.localdate()
    for slug, count, train in (("demo-advies", 1150, True), ("ander-kantoor", 40, False)):
        firm = context["firms"][slug]
        services.ensure_pipeline(firm)
        if slug == "demo-advies":
            ServiceScope.objects.filter(firm=firm).update(
                needs=[need for need in ServiceScope.objects.get(firm=firm).needs
                       if need not in ("car_cover", "travel_cover")],
                audiences=["private", "self_employed", "retired"], countries=["NL"], default_capacity=40)
        if Prospect.objects.filter(firm=firm).exists():
            continue
        _history(firm, count=count, today=today, rng=random.Random(f"prospects-{slug}"))
        if train and scoring.current_model(firm) is None:
            scoring.train(firm=firm, by=None, today=today)
            scoring.score_open(firm=firm, today=today)
    stdout = context.get("stdout")
    if stdout:
        stdout.write("Prospects: three years of pipeline history; the score is trained.")


def _sigmoid(value: float) -> float:
    return 1 / (1 + math.exp(-value))


def _history(firm, *, count: int, today: datetime.date, rng: random.Random) -> None:
    now = timezone.now()
    sources = {}
    for name, channel, base, share in SOURCES:
        sources[name] = (Source.objects.get_or_create(firm=firm, name=name, defaults={"channel": channel})[0],
                         base, share)
    campaigns = {}
    for name, source_name, target, years_ago, cost in CAMPAIGNS:
        start = today.replace(month=1, day=15) - datetime.timedelta(days=365 * (years_ago - 1))
        campaigns.setdefault(source_name, []).append(Campaign.objects.get_or_create(
            firm=firm, name=name, defaults={"source": sources[source_name][0], "target_group": target,
                                            "starts_on": start, "ends_on": start + datetime.timedelta(days=300),
                                            "cost": cost})[0])
    stages = {stage.kind: stage for stage in Stage.objects.filter(firm=firm).order_by("-position")}
    reasons = {reason.code: reason for reason in LostReason.objects.filter(firm=firm)}
    advisers = list(User.objects.filter(memberships__firm=firm, memberships__role=Role.ADVISER).order_by("pk"))
    marketing = User.objects.filter(memberships__firm=firm, memberships__role=Role.MARKETING).first()
    scope = ServiceScope.objects.get(firm=firm)
    names = list(sources)
    weights = [sources[name][2] for name in names]
    plans = []
    for index in range(count):
        source, base, _share = sources[rng.choices(names, weights)[0]]
        age_days = int(HISTORY_DAYS * rng.random() ** 0.9) + 2
        created = now - datetime.timedelta(days=age_days, hours=rng.randint(0, 9))
        candidates = [item for item in campaigns.get(source.name, [])
                      if item.starts_on <= created.date() <= (item.ends_on or today)]
        pool = NEEDS_BY_CHANNEL.get(source.channel, ALL_NEEDS)
        needs = sorted(set(rng.sample(pool, k=min(len(pool), rng.choice([1, 1, 2, 2, 3])))))
        audience = rng.choices(["private", "self_employed", "business_owner", "retired"],
                               [6, 2, 1, 2 if source.channel == "event" else 0.5])[0]
        assets = rng.choices(["unknown", "under_25k", "25k_100k", "100k_500k", "over_500k"], [3, 3, 3, 2, 1])[0]
        in_scope = all(need in scope.needs for need in needs) and audience in scope.audiences
        logit = base + {"100k_500k": 0.6, "over_500k": 0.9, "under_25k": -0.4}.get(assets, 0)
        logit += 0.0 if in_scope else -2.5
        logit += rng.gauss(0, 0.6)
        adviser = rng.choice(advisers)
        plans.append({"index": index, "source": source, "campaign": rng.choice(candidates) if candidates else None,
                      "created": created, "needs": needs, "audience": audience, "assets": assets,
                      "p": _sigmoid(logit), "in_scope": in_scope, "adviser": adviser,
                      "first": rng.choice(FIRST), "last": rng.choice(LAST), "age_days": age_days})
    prospects = []
    for plan in plans:
        prospects.append(Prospect(
            firm=firm, first_name=plan["first"], last_name=plan["last"],
            kind="household" if rng.random() < 0.55 else "person",
            email=f"{plan['first'].lower()}.{plan['index']}@voorbeeld.nl", birth_year=today.year - rng.randint(24, 72),
            household_size=rng.choice([1, 2, 2, 3, 4]), audience=plan["audience"],
            country="NL" if rng.random() < 0.96 else "BE", assets=plan["assets"], stated_needs=plan["needs"],
            source=plan["source"], campaign=plan["campaign"],
            contact_consent=plan["source"].channel != "purchased_list" or rng.random() < 0.4,
            contact_consent_at=plan["created"], owner=marketing or plan["adviser"], stage=stages[StageKind.NEW],
            stage_entered_at=plan["created"], created_at=plan["created"]))
    Prospect.objects.bulk_create(prospects, batch_size=500)
    changes, entries, checks = [], [], []
    for plan, prospect in zip(plans, prospects, strict=True):
        _walk(plan, prospect, rng=rng, stages=stages, reasons=reasons, today=today, now=now, changes=changes,
              entries=entries, checks=checks)
    Prospect.objects.bulk_update(prospects, ["stage", "stage_entered_at", "lost_reason", "lost_note", "won_on",
                                             "ended_on", "adviser", "assignment_note"], batch_size=500)
    StageChange.objects.bulk_create(changes, batch_size=1000)
    ProspectTime.objects.bulk_create(entries, batch_size=1000)
    RelationshipCheck.objects.bulk_create(checks, batch_size=500)


def _walk(plan, prospect, *, rng, stages, reasons, today, now, changes, entries, checks) -> None:
    """Walk one prospect through the pipeline as it happened, with times, checks and minutes."""
    created = plan["created"]
    at = created
    path = [StageKind.NEW]
    lasting = rng.random() < plan["p"]
    recent = plan["age_days"] < 75
    firm = prospect.firm
    if recent:
        depth = rng.choice([0, 1, 1, 2, 2, 3])
        path += [StageKind.QUALIFYING, StageKind.INTRODUCTION, StageKind.AGREEMENT][:depth]
        final = None
    elif lasting or rng.random() < 0.12:
        path += [StageKind.QUALIFYING, StageKind.INTRODUCTION, StageKind.AGREEMENT, StageKind.WON]
        final = StageKind.WON
    else:
        depth = rng.choice([0, 1, 1, 2, 2, 3]) if plan["in_scope"] else rng.choice([0, 1])
        path += [*[StageKind.QUALIFYING, StageKind.INTRODUCTION, StageKind.AGREEMENT][:depth], StageKind.LOST]
        final = StageKind.LOST
    adviser = plan["adviser"] if len(path) > 2 or (recent and rng.random() < 0.4) else None
    previous = None
    span = max(1, min(plan["age_days"] - 1, 90))
    for kind in path:
        if previous is not None:
            at = min(at + datetime.timedelta(days=rng.uniform(1, span / len(path)), hours=rng.randint(1, 8)), now)
        changes.append(StageChange(firm=firm, prospect=prospect, from_stage=stages[previous] if previous else None,
                                   to_stage=stages[kind], at=at,
                                   seconds_in_previous=int((at - prospect.stage_entered_at).total_seconds())
                                   if previous else None))
        prospect.stage, prospect.stage_entered_at = stages[kind], at
        previous = kind
    if StageKind.INTRODUCTION in path or (recent and rng.random() < 0.2 and len(path) > 2):
        good = lasting or rng.random() < 0.25
        contact = rng.choice(["yearly", "twice", "on_events"]) if good else rng.choice(["on_request", "yearly"])
        shares = "yes" if good or rng.random() < 0.4 else rng.choice(["partly", "no"])
        fee = "yes" if good or rng.random() < 0.4 else rng.choice(["unsure", "no"])
        horizon = rng.choice(["3_5", "over_5", "over_5"]) if good else rng.choice(["under_1", "1_3", "3_5"])
        mutual = (StageKind.AGREEMENT in path) or not any(
            [shares != "yes", fee != "yes", horizon == "under_1", contact == "on_request"])
        if StageKind.AGREEMENT in path:
            contact, shares, fee, horizon = (contact if contact != "on_request" else "yearly", "yes", "yes",
                                             horizon if horizon != "under_1" else "3_5")
        checks.append(RelationshipCheck(firm=firm, prospect=prospect, contact=contact, shares_information=shares,
                                        accepts_fee=fee, horizon=horizon, firm_can_meet=True, firm_wants=mutual,
                                        mutual=mutual, recorded_by=adviser or plan["adviser"],
                                        recorded_at=created + datetime.timedelta(days=3)))
    if final == StageKind.LOST:
        channel = prospect.source.channel
        code = "outside_scope" if not plan["in_scope"] else rng.choice(LOST_BY_CHANNEL.get(channel, [
            "not_ready", "no_need", "other_adviser", "unreachable"]))
        prospect.lost_reason = reasons[code]
    if final == StageKind.WON:
        prospect.won_on = prospect.stage_entered_at.date()
        if not lasting:
            prospect.ended_on = min(prospect.won_on + datetime.timedelta(days=rng.randint(60, 330)), today)
    if adviser is not None:
        prospect.adviser = adviser
        prospect.assignment_note = "Toegewezen op expertise (historie uit het vorige CRM)."
    steps = len(path) - (1 if final else 0)
    minutes = rng.randint(10, 40) + steps * rng.randint(30, 110)
    if prospect.source.channel in ("comparison_site", "purchased_list"):
        minutes += rng.randint(20, 90)  # chasing, calling back
    who = adviser or plan["adviser"]
    remaining = minutes
    day = created.date()
    while remaining > 0:
        chunk = min(remaining, rng.choice([15, 30, 45, 60, 90]))
        entries.append(ProspectTime(firm=firm, prospect=prospect, user=who,
                                    activity=rng.choice(["call", "call", "meeting", "email", "preparation"]),
                                    minutes=chunk, on=min(day, today)))
        remaining -= chunk
        day += datetime.timedelta(days=rng.randint(1, 10))

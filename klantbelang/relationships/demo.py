"""Demo relationships: an agreement for every demo client (a few still awaiting the client), two
years of periodic reviews with all three outcomes, survey answers and complaints in every state.
History is written directly (it happened before the demo started), once."""

import datetime
import random

from django.utils import timezone

from klantbelang.clients.models import Client

from .models import Complaint, Obligation, PeriodicReview, ServiceAgreement, Survey
from .services import add_months, scan_triggers, schedule_cadence_review, terms_for

COMPLAINTS = [
    ("Te lang gewacht op antwoord", "process"), ("Kosten hoger dan verwacht", "costs"),
    ("Advies niet duidelijk uitgelegd", "communication"), ("Polisvoorwaarden anders dan besproken", "product"),
    ("Herziening niet doorgegaan", "process"), ("Fout in de berekening", "advice"),
]


def seed(context: dict) -> None:
    now = timezone.now()
    today = timezone.localdate()
    created = 0
    for slug in ("demo-advies", "ander-kantoor"):
        firm = context["firms"][slug]
        terms_for(firm)
        rng = random.Random(f"relationships-{slug}")
        clients = Client.objects.filter(firm=firm, agreements__isnull=True).select_related(
            "responsible_adviser", "current_profile", "portal_user").order_by("reference")
        for client in clients:
            adviser = client.responsible_adviser
            started = today - datetime.timedelta(days=rng.randint(60, 900))
            domains = rng.sample(["mortgage", "pension", "income_protection", "life", "non_life", "investment"],
                                 rng.randint(1, 3))
            waiting = rng.random() < 0.06 or client.portal_user_id is not None
            agreement = ServiceAgreement.objects.create(
                firm=firm, client=client, version=1, domains=domains,
                service_kind="ongoing" if rng.random() < 0.8 else "one_off",
                basis="broad" if rng.random() < 0.85 else "panel",
                panel="" if rng.random() < 0.85 else "Polderzekerheid, Zeeuwse Levensverzekering",
                fee_model=rng.choice(["hourly", "fixed", "fixed", "subscription"]),
                fee_amount=rng.choice([125, 1450, 2250, 35]), review_cadence_months=12,
                status="awaiting_client" if waiting else "confirmed", adviser_confirmed_by=adviser,
                adviser_confirmed_at=now - datetime.timedelta(days=(today - started).days + 1),
                client_confirmed_by=None if waiting else (client.portal_user or adviser),
                client_confirmed_at=None if waiting else now - datetime.timedelta(days=(today - started).days),
                created_by=adviser)
            created += 1
            if waiting or agreement.service_kind != "ongoing":
                continue
            due = add_months(started, 12)
            while due < today:
                outcome = rng.choices(["delivered", "declined", "not_attempted"], weights=[7, 2, 1])[0]
                completed = datetime.datetime.combine(due + datetime.timedelta(days=rng.randint(-20, 25)),
                                                      datetime.time(10), tzinfo=datetime.UTC)
                review = PeriodicReview.objects.create(
                    firm=firm, client=client, trigger="cadence", trigger_key=f"cadence:{due.isoformat()}",
                    reason="Jaarlijkse herziening", due_on=due, status=outcome,
                    outcome_note={"delivered": "Situatie doorgenomen, profiel bijgewerkt.",
                                  "declined": "Klant wil dit jaar geen gesprek.",
                                  "not_attempted": "Klant niet bereikbaar geweest."}[outcome],
                    completed_by=adviser, completed_at=min(completed, now),
                    profile_version=client.current_profile.version)
                Obligation.objects.create(firm=firm, client=client, agreement=agreement, party="adviser",
                                          kind="periodic_review", review=review, due_on=due,
                                          description=f"Periodieke herziening {due.isoformat()}",
                                          fulfilled_at=review.completed_at)
                if outcome == "delivered":
                    answered = rng.random() < 0.7
                    Survey.objects.create(
                        firm=firm, client=client, review=review, about=f"Uw herziening van {due.isoformat()}",
                        answered_at=review.completed_at + datetime.timedelta(days=3) if answered else None,
                        satisfaction=rng.choices([5, 4, 3, 2, 1], weights=[5, 4, 2, 1, 0.5])[0] if answered else None,
                        would_recommend=rng.randint(5, 10) if answered else None,
                        comment=rng.choice(["", "", "Fijn gesprek.", "Duidelijk uitgelegd.", "Duurde lang."])
                        if answered else "")
                due = add_months(due, 12)
            schedule_cadence_review(agreement=agreement, after=add_months(due, -12))
        for index, (subject, cause) in enumerate(COMPLAINTS if slug == "demo-advies" else COMPLAINTS[:2]):
            if Complaint.objects.filter(firm=firm, subject=subject).exists():
                continue
            client = Client.objects.filter(firm=firm).order_by("reference")[index * 7]
            received = today - datetime.timedelta(days=10 + index * 12)
            status = Complaint.ORDER[index % len(Complaint.ORDER)]
            step = Complaint.ORDER.index(status)
            terms = terms_for(firm)
            Complaint.objects.create(
                firm=firm, client=client, subject=subject, description=f"{subject}. De klant vraagt om uitleg.",
                status=status, received_on=received,
                acknowledge_by=received + datetime.timedelta(days=terms.complaint_acknowledge_days),
                resolve_by=received + datetime.timedelta(days=terms.complaint_resolve_days),
                acknowledged_on=received + datetime.timedelta(days=2) if step >= 1 else None,
                analysis="Dossier nagelopen met de adviseur." if step >= 2 else "",
                root_cause=cause if step >= 2 else "",
                resolution="Excuses gemaakt en werkwijze aangepast." if step >= 3 else "",
                resolved_on=received + datetime.timedelta(days=20) if step >= 3 else None,
                client_informed_on=received + datetime.timedelta(days=21) if step >= 4 else None)
        if created:
            # Open what today's triggers call for (life events, fixed-rate periods ending, anniversaries);
            # the demo sends no e-mail for them.
            for client in Client.objects.filter(firm=firm, agreements__status="confirmed").select_related(
                    "current_profile", "firm"):
                scan_triggers(client=client, today=today, notify=False)
    context["stdout"].write(f"Agreements: {created} created.")

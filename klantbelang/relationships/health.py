"""Relationship health: a few plain facts combined, always shown with its reasons."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import Complaint, PeriodicReview, ServiceAgreement, Survey

NO_AGREEMENT_POINTS = 30  # a relationship nobody has agreed to is not a healthy one yet, however new


@dataclass(frozen=True)
class Health:
    level: str  # good / attention / at_risk
    points: int  # 0–100, 100 is best
    reasons: list[str]


def relationship_health(*, client, today: datetime.date) -> Health:
    points, reasons = 100, []
    if not client.agreements.filter(status=ServiceAgreement.Status.CONFIRMED).exists():
        points -= NO_AGREEMENT_POINTS
        reasons.append(_("No service agreement confirmed by both sides yet: the relationship is not agreed."))
    last_contact = max(filter(None, [
        client.current_profile.created_at.date() if client.current_profile else None,
        *[review.completed_at.date() for review in client.reviews.exclude(completed_at=None).only("completed_at")],
    ]), default=None)
    if last_contact is None or (today - last_contact).days > 365:
        points -= 25
        reasons.append(_("No contact for more than a year."))
    overdue = [obligation for obligation in client.obligations.filter(fulfilled_at__isnull=True)
               if obligation.state(today) == "overdue"]
    if overdue:
        points -= min(30, 10 * len(overdue))
        reasons.append(_("%(count)s obligation(s) overdue.") % {"count": len(overdue)})
    late_reviews = client.reviews.filter(status=PeriodicReview.Status.OPEN, due_on__lt=today).count()
    if late_reviews:
        points -= 20
        reasons.append(_("A periodic review is overdue."))
    answered = Survey.objects.filter(client=client, answered_at__isnull=False).order_by("-answered_at").first()
    if answered and answered.satisfaction is not None and answered.satisfaction <= 2:
        points -= 20
        reasons.append(_("The latest satisfaction score was %(score)s of 5.") % {"score": answered.satisfaction})
    open_complaints = Complaint.objects.filter(client=client).exclude(
        status=Complaint.Status.CLIENT_INFORMED).count()
    if open_complaints:
        points -= 15
        reasons.append(_("%(count)s complaint(s) open.") % {"count": open_complaints})
    if not reasons:
        reasons.append(_("Recent contact, nothing overdue, no open complaints."))
    points = max(points, 0)
    level = "good" if points >= 80 else "attention" if points >= 50 else "at_risk"
    return Health(level=level, points=points, reasons=reasons)


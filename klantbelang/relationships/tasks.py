from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from .models import PeriodicReview


@task()
def send_review_notice(*, review_id: int) -> None:
    """Tell the responsible adviser that a review was opened."""
    review = PeriodicReview.objects.select_related("client__responsible_adviser").get(pk=review_id)
    adviser = review.client.responsible_adviser
    with translation.override(adviser.language):
        send_mail(_("Review due: %(client)s") % {"client": review.client},
                  _("%(reason)s. Due %(date)s.") % {"reason": review.reason, "date": review.due_on.isoformat()},
                  None, [adviser.email])


@task()
def scan_firm(*, firm_id: int) -> int:
    """Open the reviews that triggers call for, for every client of a firm with an agreement."""
    from django.utils import timezone

    from klantbelang.clients.models import Client

    from .services import scan_triggers

    today = timezone.localdate()
    opened = 0
    # An erased household's relationship has ended: no more reviews.
    for client in Client.objects.filter(firm_id=firm_id, agreements__status="confirmed",
                                        erased_at__isnull=True).select_related(
            "current_profile", "firm").distinct():
        opened += len(scan_triggers(client=client, today=today))
    return opened

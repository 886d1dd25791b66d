import datetime

from django.utils import timezone

from klantbelang.prospects import services
from klantbelang.prospects.models import Source, Stage

GOOD_CHECK = {"contact": "yearly", "shares_information": "yes", "accepts_fee": "yes", "horizon": "over_5",
              "firm_can_meet": True, "firm_wants": True, "firm_note": ""}


def source(firm, name="Website", channel="website") -> Source:
    return Source.objects.get_or_create(firm=firm, name=name, defaults={"channel": channel})[0]


def prospect(firm, by, **fields):
    data = {"first_name": "Sanne", "last_name": "de Jong", "stated_needs": ["mortgage_financing"],
            "source": source(firm), "contact_consent": True, **fields}
    return services.create_prospect(firm=firm, by=by, fields=data)


def stage(firm, kind) -> Stage:
    return services.first_stage(firm, kind)


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)

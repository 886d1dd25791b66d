"""Released advice files written directly, so that a test controls every date and outcome."""

import datetime

from django.utils import timezone

from klantbelang.advice.models import AdviceCase, AdviceVersion, Recommendation, Review, TimeEntry
from klantbelang.advice.services import CHECKLIST
from klantbelang.clients.tests.factories import household
from klantbelang.products.models import Product, Provider

OK = {key: {"ok": True, "comment": ""} for key, _nl, _en in CHECKLIST}


def moment(year, month, day, hour=12) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def product(firm, provider_name="Alfa", code=None) -> Product:
    provider, _created = Provider.objects.get_or_create(firm=firm, name=provider_name)
    code = code or f"{provider_name}-{Product.objects.count()}"
    return Product.objects.create(firm=firm, provider=provider, code=code, name=f"Product {code}",
                                  category="term_life", target_market={})


def released(firm, lead, *, at, client=None, recommendations=(), reviews=(), minutes=0, domains=("life",)):
    """A case released at ``at``. ``recommendations``: (need, product, eligible, reason) tuples;
    ``reviews``: (outcome, hours after submission, failing item or None) in order."""
    client = client or household(firm, lead, name=f"Huishouden {AdviceCase.objects.count()}")
    case = AdviceCase.objects.create(firm=firm, client=client, title="Advies", reason="other", domains=list(domains),
                                     profile=client.current_profile, status="released", lead=lead,
                                     created_at=at - datetime.timedelta(days=20))
    for need, item, eligible, reason in recommendations:
        Recommendation.objects.create(case=case, need_type=need, product=item, no_product=item is None,
                                      eligible=eligible, rationale="Past.", deviation_reason=reason)
    submitted = at - datetime.timedelta(days=5)
    for index, (outcome, hours, failing) in enumerate(reviews):
        from klantbelang.accounts.tests.factories import member

        reviewer = member(firm, "reviewer")
        Review.objects.create(case=case, reviewer=reviewer, author=lead, outcome=outcome, submitted_at=submitted,
                              created_at=submitted + datetime.timedelta(hours=hours, minutes=index),
                              checklist={**OK, **({failing: {"ok": False, "comment": "x"}} if failing else {})})
    if minutes:
        TimeEntry.objects.create(case=case, user=lead, activity="advice", minutes=minutes, on=at.date())
    AdviceVersion.objects.create(case=case, number=1, snapshot={}, released_by=lead, released_at=at)
    return case

from klantbelang.accounts.tests.factories import member
from klantbelang.governance import services
from klantbelang.governance.models import BookReview
from klantbelang.products.tests.factories import ProductFactory


def _signal(firm, user):
    return services.report(product=ProductFactory(firm=firm), by=member(firm, "adviser"), category="cost",
                           description="Te duur.")


def _review(firm, user):
    return BookReview.objects.create(firm=firm)


URL_OBJECTS = {
    "governance:signal_detail": lambda firm, user: (item := _signal(firm, user), {"pk": item.pk}),
    "governance:review_detail": lambda firm, user: (item := _review(firm, user), {"pk": item.pk}),
}

API_OBJECTS = {
    ("POST", "/api/v1/signals/{signal_id}/triage"): lambda firm, user: (
        item := _signal(firm, user), {"signal_id": item.pk}, {"status": "accepted"}),
    ("GET", "/api/v1/book-reviews/{review_id}"): lambda firm, user: (
        item := _review(firm, user), {"review_id": item.pk}),
}

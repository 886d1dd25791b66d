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


def _report(firm, user):
    import datetime

    from klantbelang.governance.models import DistributorReport
    from klantbelang.products.tests.factories import ProviderFactory

    return DistributorReport.objects.create(firm=firm, provider=ProviderFactory(firm=firm),
                                            start=datetime.date(2026, 1, 1), end=datetime.date(2026, 6, 30),
                                            data={"products": [], "signals": [], "unmet_needs": []})


for _name in ("report_detail", "report_json", "report_csv", "report_pdf"):
    URL_OBJECTS[f"governance:{_name}"] = lambda firm, user: (item := _report(firm, user), {"pk": item.pk})
API_OBJECTS.update({
    ("GET", "/api/v1/distributor-reports/{report_id}"): lambda firm, user: (
        item := _report(firm, user), {"report_id": item.pk}),
    ("POST", "/api/v1/distributor-reports/{report_id}/sent"): lambda firm, user: (
        item := _report(firm, user), {"report_id": item.pk}, {"sent_to": "x@example.nl"}),
    ("POST", "/api/v1/distributor-reports/{report_id}/responses"): lambda firm, user: (
        item := _report(firm, user), {"report_id": item.pk}, {"item": "product:X", "text": "x"}),
})

from klantbelang.accounts.tests.factories import member
from klantbelang.core.tests.matrix import VALIDATED_FIRST
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


def _shared(firm, user):
    from klantbelang.governance import sharing

    manager = member(firm, "manager")
    signal = _signal(firm, user)
    services.triage(signal=signal, by=manager, status="accepted")
    return sharing.share_signal(signal=signal, by=manager, summary="Kosten zijn hoog voor kleine inleg.")


def _sent(firm, user):
    report = _report(firm, user)
    report.sent_at, report.sent_to = report.created_at, "pg@example.nl"
    report.save()
    return report


def _topic(firm, user):
    from klantbelang.governance import topics

    return topics.open_topic(by=member(firm, "manager"), title="Uitleg bij uitsluitingen", subject="way_of_working",
                             question="Hoe leggen we uitsluitingen beter uit?")


def _contribution(firm, user):
    from klantbelang.governance import topics

    topic = _topic(firm, user)
    return topics.contribute(topic=topic, by=topic.opened_by, kind="observation", text="Klanten lezen ze niet.")


URL_OBJECTS.update({
    "governance:provider_signal": lambda firm, user: (item := _shared(firm, user), {"pk": item.pk}),
    **{f"governance:{name}": lambda firm, user: (item := _sent(firm, user), {"pk": item.pk}) for name in (
        "provider_report", "provider_report_json", "provider_report_csv", "provider_report_pdf")},
    **{f"governance:{name}": lambda firm, user: (item := _topic(firm, user), {"pk": item.pk}) for name in (
        "topic_detail", "topic_join", "topic_advance")},
    "governance:contribution_hide": lambda firm, user: (item := _contribution(firm, user), {"pk": item.pk}),
})
API_OBJECTS.update({
    ("POST", "/api/v1/signals/{signal_id}/share"): lambda firm, user: (
        item := _signal(firm, user), {"signal_id": item.pk}, {"summary": "Te duur."}),
    ("GET", "/api/v1/manufacturer/signals/{signal_id}"): lambda firm, user: (
        item := _shared(firm, user), {"signal_id": item.pk}),
    ("POST", "/api/v1/manufacturer/signals/{signal_id}/answers"): lambda firm, user: (
        item := _shared(firm, user), {"signal_id": item.pk}, {"text": "Wij kijken ernaar."}),
    ("GET", "/api/v1/manufacturer/reports/{report_id}"): lambda firm, user: (
        item := _sent(firm, user), {"report_id": item.pk}),
    ("POST", "/api/v1/manufacturer/reports/{report_id}/responses"): lambda firm, user: (
        item := _sent(firm, user), {"report_id": item.pk}, {"item": "product:X", "text": "x"}),
    ("GET", "/api/v1/topics/{topic_id}"): lambda firm, user: (item := _topic(firm, user), {"topic_id": item.pk}),
    ("POST", "/api/v1/topics/{topic_id}/join"): lambda firm, user: (item := _topic(firm, user),
                                                                    {"topic_id": item.pk}),
    ("POST", "/api/v1/topics/{topic_id}/contributions"): lambda firm, user: (
        item := _topic(firm, user), {"topic_id": item.pk}, {"kind": "idea", "text": "Een filmpje."}),
    ("POST", "/api/v1/topics/{topic_id}/advance"): lambda firm, user: (
        item := _topic(firm, user), {"topic_id": item.pk}, {"expected_stage": "exploring"}),
    ("POST", "/api/v1/contributions/{contribution_id}/hide"): lambda firm, user: (
        item := _contribution(firm, user), {"contribution_id": item.pk}, {"reason": "Off topic."}),
})


# Who may use each endpoint inside the firm (core/tests/test_authorization_matrix.py): the roles that
# get through on an object someone else in the firm owns; every other role gets 403 or 404.
ACCESS = {
    "governance:collect": "admin manager",
    "governance:contribution_hide": "admin manager",
    "governance:developers": "admin manager",
    "governance:notifications": "admin adviser client manager marketing product_developer reviewer",
    "governance:portal": "client",
    "governance:provider_home": "product_developer",
    "governance:provider_report": "",
    "governance:provider_report_csv": "",
    "governance:provider_report_json": "",
    "governance:provider_report_pdf": "",
    "governance:provider_signal": "",
    "governance:report_csv": "admin adviser manager reviewer",
    "governance:report_detail": "admin adviser manager reviewer",
    "governance:report_json": "admin adviser manager reviewer",
    "governance:report_list": "admin adviser manager reviewer",
    "governance:report_pdf": "admin adviser manager reviewer",
    "governance:review_detail": "admin adviser manager reviewer",
    "governance:review_list": "admin adviser manager reviewer",
    "governance:review_start": "admin manager",
    "governance:signal_detail": "admin adviser manager reviewer",
    "governance:signal_list": "admin adviser manager reviewer",
    "governance:signal_new": "admin adviser manager reviewer",
    "governance:topic_advance": "admin manager",
    "governance:topic_detail": "admin adviser manager marketing reviewer",
    "governance:topic_join": "admin adviser manager marketing reviewer",
    "governance:topic_list": "admin adviser client manager marketing product_developer reviewer",
    "governance:topic_new": "admin adviser manager marketing reviewer",
    ("DELETE", "/api/v1/dialogue/opt-in"): "client",
    ("GET", "/api/v1/book-reviews"): "admin adviser manager reviewer",
    ("GET", "/api/v1/book-reviews/{review_id}"): "admin adviser manager reviewer",
    ("GET", "/api/v1/distributor-reports"): "admin adviser manager reviewer",
    ("GET", "/api/v1/distributor-reports/{report_id}"): "admin adviser manager reviewer",
    ("GET", "/api/v1/manufacturer/reports"): "product_developer",
    ("GET", "/api/v1/manufacturer/reports/{report_id}"): "",
    ("GET", "/api/v1/manufacturer/signals"): "product_developer",
    ("GET", "/api/v1/manufacturer/signals/{signal_id}"): "",
    ("GET", "/api/v1/notifications"): "admin adviser client manager marketing product_developer reviewer",
    ("GET", "/api/v1/product-developers"): "admin manager",
    ("GET", "/api/v1/signals"): "admin adviser manager reviewer",
    ("GET", "/api/v1/topics"): "admin adviser client manager marketing product_developer reviewer",
    ("GET", "/api/v1/topics/{topic_id}"): "admin adviser manager marketing reviewer",
    ("POST", "/api/v1/book-reviews"): "admin manager",
    ("POST", "/api/v1/contributions/{contribution_id}/hide"): "admin manager",
    ("POST", "/api/v1/distributor-reports"): VALIDATED_FIRST,
    ("POST", "/api/v1/distributor-reports/{report_id}/responses"): "admin manager",
    ("POST", "/api/v1/distributor-reports/{report_id}/sent"): "admin manager",
    ("POST", "/api/v1/manufacturer/reports/{report_id}/responses"): "",
    ("POST", "/api/v1/manufacturer/signals/{signal_id}/answers"): "",
    ("POST", "/api/v1/notifications/read"): "admin adviser client manager marketing product_developer reviewer",
    ("POST", "/api/v1/product-developers"): VALIDATED_FIRST,
    ("POST", "/api/v1/signals"): VALIDATED_FIRST,
    ("POST", "/api/v1/signals/collect"): "admin manager",
    ("POST", "/api/v1/signals/{signal_id}/share"): "admin manager",
    ("POST", "/api/v1/signals/{signal_id}/triage"): "admin manager",
    ("POST", "/api/v1/topics"): VALIDATED_FIRST,
    ("POST", "/api/v1/topics/{topic_id}/advance"): "admin manager",
    ("POST", "/api/v1/topics/{topic_id}/contributions"): "admin adviser manager marketing reviewer",
    ("POST", "/api/v1/topics/{topic_id}/join"): "admin adviser manager marketing reviewer",
    ("PUT", "/api/v1/dialogue/opt-in"): "client",
}

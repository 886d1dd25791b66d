import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from klantbelang.core.models import AuditEvent, BackgroundJob
from klantbelang.governance import services
from klantbelang.governance.models import BookReview, Signal
from klantbelang.products.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
PAGES = ["governance:signal_list", "governance:signal_new", "governance:review_list"]


@pytest.mark.parametrize(("role", "status"), [
    ("adviser", 200), ("reviewer", 200), ("manager", 200), ("admin_user", 200),
    ("marketing", 403), ("product_developer", 403), ("client_user", 403)])
def test_who_sees_governance(request, login, firm, adviser, role, status):
    signal = services.report(product=ProductFactory(firm=firm), by=adviser, category="cost", description="x")
    browser = login(request.getfixturevalue(role))
    for name in PAGES:
        assert browser.get(reverse(name)).status_code == status, name
    detail = browser.get(reverse("governance:signal_detail", args=[signal.pk])).status_code
    assert detail == (200 if status == 200 else 404)


def test_report_through_the_form(login, firm, adviser):
    product = ProductFactory(firm=firm, code="NL0000000042")
    browser = login(adviser)
    bad = browser.post(reverse("governance:signal_new"), {"product": "NOPE", "category": "cost", "description": "x"})
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"product"}
    assert not Signal.objects.exists()
    response = browser.post(reverse("governance:signal_new"), {"product": product.code, "category": "process",
                                                               "description": "Offertes duren te lang."})
    signal = Signal.objects.get()
    assert response["Location"] == reverse("governance:signal_detail", args=[signal.pk])
    assert (signal.product, signal.category, signal.created_by) == (product, "process", adviser)


def test_only_managers_triage_and_start_reviews(login, firm, adviser, manager):
    signal = services.report(product=ProductFactory(firm=firm), by=adviser, category="cost", description="x")
    before, audit = model_to_dict(signal), AuditEvent.objects.count()
    browser = login(adviser)
    assert browser.post(reverse("governance:signal_detail", args=[signal.pk]),
                        {"status": "accepted"}).status_code == 403
    assert browser.post(reverse("governance:review_start")).status_code == 403
    assert browser.post(reverse("governance:collect")).status_code == 403
    signal.refresh_from_db()
    assert model_to_dict(signal) == before
    assert AuditEvent.objects.count() == audit
    assert not BackgroundJob.objects.exists()
    response = login(manager).post(reverse("governance:signal_detail", args=[signal.pk]),
                                   {"status": "dismissed", "note": ""})
    assert response.status_code == 200
    assert "note" in response.context["form"].errors
    login(manager).post(reverse("governance:signal_detail", args=[signal.pk]), {"status": "accepted"})
    signal.refresh_from_db()
    assert signal.status == "accepted"
    assert signal.triaged_by == manager


def test_review_runs_as_a_job_and_shows_its_results(login, firm, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(manager).post(reverse("governance:review_start"))
    job = BackgroundJob.objects.get(kind="book_review")
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert job.status == "succeeded"
    stored = BookReview.objects.get(firm=firm)
    assert stored.finished_at is not None
    assert login(manager).get(reverse("governance:review_detail", args=[stored.pk])).status_code == 200


def test_api(client, bearer, firm, adviser, manager, product_developer):
    product = ProductFactory(firm=firm, code="NL0000000007")
    created = client.post("/api/v1/signals", {"product_code": product.code, "category": "cost",
                                              "description": "Te duur."},
                          content_type="application/json", headers=bearer(adviser))
    assert created.status_code == 201
    assert created.json()["product_code"] == product.code
    signal_id = created.json()["id"]
    denied = client.post(f"/api/v1/signals/{signal_id}/triage", {"status": "accepted"},
                         content_type="application/json", headers=bearer(adviser))
    assert denied.status_code == 403
    dismissed = client.post(f"/api/v1/signals/{signal_id}/triage", {"status": "dismissed"},
                            content_type="application/json", headers=bearer(manager))
    assert dismissed.status_code == 422
    assert [error["field"] for error in dismissed.json()["errors"]] == ["note"]
    accepted = client.post(f"/api/v1/signals/{signal_id}/triage", {"status": "accepted"},
                           content_type="application/json", headers=bearer(manager))
    assert accepted.json()["status"] == "accepted"
    listed = client.get("/api/v1/signals?status=accepted", headers=bearer(adviser)).json()
    assert [item["id"] for item in listed["items"]] == [signal_id]
    assert client.get("/api/v1/signals", headers=bearer(product_developer)).status_code == 403
    assert client.post("/api/v1/book-reviews", headers=bearer(adviser)).status_code == 403
    unknown = client.post("/api/v1/signals", {"product_code": "NOPE", "category": "cost", "description": "x"},
                          content_type="application/json", headers=bearer(adviser))
    assert unknown.status_code == 404

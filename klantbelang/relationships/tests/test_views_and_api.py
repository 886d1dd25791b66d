import datetime

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from icalendar import Calendar

from klantbelang.accounts.services import CALENDAR_SALT, calendar_token, log_out_everywhere
from klantbelang.accounts.tests.factories import member
from klantbelang.clients.tests.factories import household
from klantbelang.core.models import AuditEvent
from klantbelang.relationships import services
from klantbelang.relationships.models import PeriodicReview, ServiceAgreement, Survey

from .factories import TERMS, confirmed_client

START = datetime.date(2026, 1, 15)


def test_adviser_drafts_and_confirms_and_reads_the_document_and_pdf(login, firm, adviser):
    client = household(firm, adviser)
    browser = login(adviser)
    response = browser.post(reverse("relationships:client_relationship", kwargs={"pk": client.pk}), {
        "domains": ["investment"], "service_kind": "ongoing", "basis": "broad", "fee_model": "hourly",
        "fee_amount": "125", "response_days": 3, "review_cadence_months": 12, "client_response_days": 14})
    assert response.status_code == 302
    agreement = ServiceAgreement.objects.get()
    browser.post(reverse("relationships:agreement_confirm", kwargs={"pk": agreement.pk}))
    agreement.refresh_from_db()
    assert agreement.status == "awaiting_client"
    page = browser.get(reverse("relationships:agreement_document", kwargs={"pk": agreement.pk})).content.decode()
    assert "Wij beantwoorden uw vragen binnen 3 werkdagen." in page
    pdf = browser.get(reverse("relationships:agreement_pdf", kwargs={"pk": agreement.pk}))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_agreement_form_shows_field_errors(login, firm, adviser):
    client = household(firm, adviser)
    response = login(adviser).post(reverse("relationships:client_relationship", kwargs={"pk": client.pk}), {
        "domains": ["investment"], "service_kind": "ongoing", "basis": "panel", "panel": "", "fee_model": "fixed",
        "fee_amount": "-5", "response_days": 3, "review_cadence_months": 12, "client_response_days": 14})
    assert response.status_code == 200
    assert "fee_amount" in response.context["form"].errors or "panel" in response.context["form"].errors
    assert ServiceAgreement.objects.count() == 0


def test_portal_shows_the_clients_own_agreement_obligations_and_surveys(login, firm, adviser, client_user):
    own = confirmed_client(firm, adviser, client_user, today=START)
    other = confirmed_client(firm, adviser, member(firm, "client"), today=START)
    Survey.objects.create(firm=firm, client=own, about="Eigen enquête")
    other_survey = Survey.objects.create(firm=firm, client=other, about="Andermans enquête")
    browser = login(client_user)
    page = browser.get(reverse("relationships:portal"))
    assert page.context["client"] == own
    assert [survey.about for survey in page.context["surveys"]] == ["Eigen enquête"]
    assert [obligation.party for obligation, _state in page.context["obligations"]] == ["client"]
    other_agreement = other.agreements.get()
    assert browser.get(reverse("relationships:agreement_document", kwargs={"pk": other_agreement.pk})).status_code \
        == 404
    response = browser.post(reverse("relationships:survey_answer", kwargs={"pk": other_survey.pk}),
                            {"satisfaction": 1, "would_recommend": 0})
    assert response.status_code == 404
    other_survey.refresh_from_db()
    assert other_survey.answered_at is None
    assert browser.get(f"/api/v1/clients/{other.pk}/obligations").status_code == 404
    assert [item["about"] for item in browser.get("/api/v1/surveys").json()] == ["Eigen enquête"]


@pytest.mark.parametrize(("role", "worklist", "complaints"), [
    ("adviser", 200, 200), ("manager", 200, 200), ("admin_user", 200, 200), ("reviewer", 403, 403),
    ("marketing", 403, 403), ("product_developer", 403, 403), ("client_user", 403, 403),
])
def test_worklist_and_complaints_permission_matrix(request, login, firm, role, worklist, complaints):
    browser = login(request.getfixturevalue(role))
    assert browser.get(reverse("relationships:worklist")).status_code == worklist
    assert browser.get(reverse("relationships:complaint_list")).status_code == complaints


# The worklist shows what is due around today; the cadence review of the agreement (due 15-01-2027) must
# stay outside that window whatever day the suite runs.
@time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_worklist_shows_due_reviews_overdue_obligations_and_open_complaints(login, firm, adviser, client_user,
                                                                           manager):
    client = confirmed_client(firm, adviser, client_user, today=START)
    PeriodicReview.objects.create(firm=firm, client=client, trigger="life_event", trigger_key="life_event:x",
                                  reason="Kind geboren", due_on=datetime.date(2026, 1, 1))
    services.register_complaint(client=client, by=manager, subject="Traag", description="…",
                                received_on=datetime.date(2026, 11, 1))
    page = login(adviser).get(reverse("relationships:worklist"))
    assert [review.reason for review in page.context["reviews"]] == ["Kind geboren"]
    assert [obligation.kind for obligation in page.context["obligations"]] == ["provide_information"]
    assert [complaint.subject for complaint in page.context["complaints"]] == ["Traag"]


def _feed(client, token):
    return client.get(reverse("relationships:calendar", kwargs={"token": token}))


def test_calendar_feed_is_personal_and_signed(client, firm, adviser, client_user):
    confirmed_client(firm, adviser, client_user, today=START)
    token = calendar_token(adviser)
    feed = _feed(client, token)
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    body = feed.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert "DTSTART;VALUE=DATE:20270115" in body
    assert "SUMMARY:Herziening: Huishouden Jansen" in body  # in the adviser's language
    assert _feed(client, token + "x").status_code == 404
    # The address of an earlier scheme (the user id signed, nothing else) is no credential.
    assert _feed(client, signing.dumps(adviser.pk, salt=CALENDAR_SALT)).status_code == 404


def test_calendar_addresses_expire_and_are_revoked(login, client, firm, adviser, client_user, settings):
    """Regression: the feed address never expired and survived "log out everywhere"."""
    confirmed_client(firm, adviser, client_user, today=START)
    settings.CALENDAR_FEED_DAYS = 90
    with time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        old = calendar_token(adviser)
    with time_machine.travel(datetime.datetime(2026, 8, 29, 12, tzinfo=datetime.UTC), tick=False):
        assert _feed(client, old).status_code == 200  # day 89
    with time_machine.travel(datetime.datetime(2026, 8, 31, 12, tzinfo=datetime.UTC), tick=False):
        assert _feed(client, old).status_code == 404  # day 91
    shared = calendar_token(adviser)
    assert _feed(client, shared).status_code == 200
    browser = login(adviser)
    assert browser.post(reverse("relationships:calendar_renew")).status_code == 302
    assert _feed(client, shared).status_code == 404
    renewed = browser.get(reverse("relationships:worklist")).context["calendar_url"].rsplit("/", 1)[1][:-4]
    assert _feed(client, renewed).status_code == 200
    assert AuditEvent.objects.filter(action="calendar.address_renewed", object_id=str(adviser.pk)).count() == 1
    log_out_everywhere(user=adviser, by=adviser)
    assert _feed(client, renewed).status_code == 404


def test_a_line_break_in_a_name_cannot_add_an_event(client, firm, adviser, client_user):
    """Regression: a CR/LF in a client's name injected events (with a phishing URL) into the feed."""
    household_client = confirmed_client(firm, adviser, client_user, today=START)
    injected = "Jansen\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Bel ons\r\nURL:https://phish.example/"
    type(household_client).objects.filter(pk=household_client.pk).update(name=injected)
    body = _feed(client, calendar_token(adviser)).content.decode()
    lines = body.split("\r\n")
    assert lines.count("BEGIN:VEVENT") == 1
    assert not any(line.startswith(("URL:", "SUMMARY:Bel ons")) for line in lines)
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Herziening: " + injected.replace("\r\n", "\n")  # the text, as text


def test_review_outcome_through_the_page_and_the_api(login, client, bearer, firm, adviser, client_user):
    household_client = confirmed_client(firm, adviser, client_user, today=START)
    review = household_client.reviews.get()
    response = login(adviser).post(reverse("relationships:review_detail", kwargs={"pk": review.pk}),
                                   {"status": "declined", "note": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    api = client.post(f"/api/v1/reviews/{review.pk}/outcome", {"status": "delivered"},
                      content_type="application/json", headers=bearer(adviser))
    assert (api.status_code, api.json()["status"]) == (200, "delivered")
    again = client.post(f"/api/v1/reviews/{review.pk}/outcome", {"status": "delivered"},
                        content_type="application/json", headers=bearer(adviser))
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")


def test_api_agreement_flow_and_complaints(client, bearer, firm, adviser, manager, client_user):
    household_client = household(firm, adviser)
    household_client.portal_user = client_user
    household_client.save()
    created = client.post(f"/api/v1/clients/{household_client.pk}/agreements", {**TERMS, "fee_amount": "1450.00"},
                          content_type="application/json", headers=bearer(adviser))
    assert created.status_code == 201
    agreement_id = created.json()["id"]
    assert client.post(f"/api/v1/agreements/{agreement_id}/confirm", headers=bearer(adviser)).json()["status"] == \
        "awaiting_client"
    assert client.post(f"/api/v1/agreements/{agreement_id}/confirm", headers=bearer(client_user)).json()["status"] \
        == "confirmed"
    health = client.get(f"/api/v1/clients/{household_client.pk}/health", headers=bearer(adviser)).json()
    assert set(health) == {"level", "points", "reasons"}
    complaint = client.post("/api/v1/complaints", {"client_id": household_client.pk, "subject": "Traag",
                                                   "description": "…", "received_on": "2026-11-01"},
                            content_type="application/json", headers=bearer(manager))
    assert complaint.status_code == 201
    step = client.post(f"/api/v1/complaints/{complaint.json()['id']}/advance", {"to": "analysed"},
                       content_type="application/json", headers=bearer(manager))
    assert (step.status_code, step.json()["code"]) == (409, "invalid_transition")
    assert AuditEvent.objects.filter(action="complaint.received").count() == 1


@pytest.mark.parametrize(("role", "status"), [("admin_user", 200), ("manager", 403), ("adviser", 403),
                                              ("client_user", 403)])
def test_firm_terms_are_for_admins(request, login, firm, role, status):
    browser = login(request.getfixturevalue(role))
    assert browser.get(reverse("relationships:firm_terms")).status_code == status
    response = browser.post(reverse("relationships:firm_terms"), {
        "intro_nl": "Welkom", "intro_en": "Welcome", "staleness_days": 200, "complaint_acknowledge_days": 3,
        "complaint_resolve_days": 30})
    from klantbelang.relationships.models import FirmTerms

    terms = FirmTerms.objects.filter(firm=firm).first()
    if status == 200:
        assert response.status_code == 302
        assert (terms.intro_nl, terms.staleness_days) == ("Welkom", 200)
        assert AuditEvent.objects.filter(action="firm_terms.changed").count() == 1
    else:
        assert response.status_code == 403
        assert terms is None or terms.intro_nl != "Welkom"


def test_a_complaint_links_its_product_and_advice_file(login, firm, adviser, manager, client_user):
    from klantbelang.advice import services as advice
    from klantbelang.products.tests.factories import ProductFactory
    from klantbelang.relationships.models import Complaint

    product = ProductFactory(firm=firm, code="NL0042")
    client = household(firm, adviser)
    case = advice.open_case(client=client, by=adviser, domains=["investment"], reason="other")
    other_case = advice.open_case(client=household(firm, adviser, name="Ander"), by=adviser,
                                  domains=["investment"], reason="other")
    browser = login(manager)
    wrong = browser.post(reverse("relationships:complaint_list"), {
        "client": client.pk, "subject": "Kosten", "description": "…", "received_on": "2026-11-01",
        "product_code": "NOPE", "case": other_case.pk})
    assert set(wrong.context["form"].errors) == {"product_code", "case"}
    assert Complaint.objects.count() == 0
    browser.post(reverse("relationships:complaint_list"), {
        "client": client.pk, "subject": "Kosten", "description": "…", "received_on": "2026-11-01",
        "product_code": "NL0042", "case": case.pk})
    complaint = Complaint.objects.get()
    assert (complaint.product, complaint.case) == (product, case)

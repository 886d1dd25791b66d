"""The client's AVG/GDPR rights: export (JSON, PDF), consent for marketing contact, erasure with
retention of advice files, and the purge when the retention ends."""

import datetime
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.forms.models import model_to_dict
from pypdf import PdfReader

from klantbelang.accounts.models import ApiToken, User
from klantbelang.accounts.services import issue_api_token
from klantbelang.advice import services as advice_services
from klantbelang.advice.models import AdviceCase, AdviceVersion
from klantbelang.advice.tests.factories import ready_client
from klantbelang.advice.tests.test_services import APPROVE, _recommend_all, _to_advice
from klantbelang.clients import privacy
from klantbelang.clients.models import Client, NeedsProfile, Person
from klantbelang.clients.services import save_profile
from klantbelang.core.errors import Conflict
from klantbelang.core.models import AuditEvent
from klantbelang.governance.models import DialogueOptIn
from klantbelang.governance.topics import opt_in
from klantbelang.products.tests.factories import ProductFactory

from .factories import household


@pytest.fixture
def released(firm, adviser, reviewer, client_user):
    """A household with a released advice file, a portal account in the dialogue and a consent."""
    product = ProductFactory(firm=firm, code="CALM", name="Rustig Fonds", sri=2, min_horizon_years=1.0,
                             needs_served=["goal_funding", "emergency_buffer", "wealth_building"])
    client = ready_client(firm, adviser, client_user)
    Person.objects.filter(client=client).update(phone="0612345678", email="claire@example.nl")
    case = advice_services.open_case(client=client, by=adviser, domains=["investment"], reason="first_advice")
    case = _to_advice(case, adviser)
    _recommend_all(case, adviser, product)
    advice_services.submit_for_review(case=case, by=adviser)
    advice_services.review_case(case=case, by=reviewer, outcome="approved", checklist=APPROVE)
    advice_services.release(case=case, by=adviser)
    privacy.record_consent(client=client, by=adviser, purpose="marketing_email", given=True, channel="phone")
    opt_in(by=client_user, show_name=False)
    issue_api_token(user=client_user, name="app")
    client.refresh_from_db()
    return client


def test_the_export_holds_every_row_that_points_at_the_household(released, manager):
    data = privacy.export(client=released, by=manager, kind="json")
    for relation in Client._meta.related_objects:
        rows = relation.related_model._default_manager.filter(**{relation.field.name: released})
        exported = {row["id"] for row in data["records"].get(relation.related_model._meta.label, [])}
        assert set(rows.values_list("pk", flat=True)) <= exported, relation.related_model._meta.label
    # And what hangs below those: the released advice version and its recommendations.
    version = AdviceVersion.objects.get(case__client=released)
    assert [row["id"] for row in data["records"]["advice.AdviceVersion"]] == [version.pk]
    assert data["records"]["advice.Recommendation"]
    assert data["client"]["name"] == released.name
    person = data["records"]["clients.Person"][0]
    assert (person["email"], person["phone"]) == ("claire@example.nl", "0612345678")
    assert data["consents"][0] == {"purpose": "marketing_email", "label": "Nieuws en aanbiedingen per e-mail",
                                   "given": True, "channel": "phone",
                                   "recorded_at": data["consents"][0]["recorded_at"]}
    assert data["dialogue"]["opted_in"]["show_name"] is False
    assert data["portal_account"]["email"] == released.portal_user.email
    assert {"client.consent_recorded", "profile.version_created"} <= {e["action"] for e in data["audit_events"]}
    # Nothing internal or secret leaves: no password hash, no edit counters.
    text = json.dumps(data)
    assert released.portal_user.password not in text
    assert "password" not in data["portal_account"]
    assert "edit_version" not in text
    assert AuditEvent.objects.filter(action="client.data_exported", object_id=str(released.pk)).count() == 1


def test_the_pdf_summary_is_readable(released, manager, login):
    response = login(manager).get(f"/clients/{released.pk}/privacy/export.pdf")
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    person = released.persons.order_by("pk").first()
    assert f"{person.first_name} {person.last_name}" in text
    assert "claire@example.nl" in text
    assert released.advice_cases.get().title in text


@pytest.mark.parametrize("role", ["adviser", "reviewer", "marketing", "product_developer"])
def test_only_management_and_the_client_export(request, released, role, login):
    user = request.getfixturevalue({"product_developer": "product_developer"}.get(role, role))
    audit = AuditEvent.objects.count()
    browser = login(user)
    assert browser.get(f"/clients/{released.pk}/privacy/export.json").status_code in {403, 404}
    assert AuditEvent.objects.count() == audit
    with pytest.raises(PermissionDenied):
        privacy.export(client=released, by=user, kind="json")


def test_the_client_downloads_their_own_data_in_the_portal(released, client_user, login):
    browser = login(client_user)
    page = browser.get("/portal/privacy/", follow=True)
    assert page.status_code == 200
    assert "Downloaden als JSON" in page.content.decode()
    assert "Wissen op verzoek van de klant" not in page.content.decode()
    data = browser.get(f"/clients/{released.pk}/privacy/export.json").json()
    assert data["client"]["reference"] == released.reference


def test_consent_is_a_history_and_the_latest_decision_applies(released, adviser, client_user):
    privacy.record_consent(client=released, by=client_user, purpose="marketing_email", given=False, channel="portal")
    current = {row["purpose"]: row for row in privacy.current_consents(released)}
    assert (current["marketing_email"]["given"], current["marketing_email"]["channel"]) == (False, "portal")
    assert current["marketing_phone"]["given"] is False
    assert current["marketing_phone"]["recorded_at"] is None
    assert released.consents.count() == 2
    with pytest.raises(ValidationError):  # staff cannot claim the client clicked in the portal
        privacy.record_consent(client=released, by=adviser, purpose="marketing_post", given=True, channel="portal")
    with pytest.raises(ValidationError):  # nor the client that they phoned
        privacy.record_consent(client=released, by=client_user, purpose="marketing_post", given=True, channel="phone")
    with pytest.raises(ValidationError):
        privacy.record_consent(client=released, by=adviser, purpose="spam", given=True, channel="phone")
    assert released.consents.count() == 2


def test_a_reviewer_cannot_record_consent_and_nothing_changes(released, reviewer, login):
    before = released.consents.count()
    response = login(reviewer).post(f"/clients/{released.pk}/privacy/consent/",
                                    {"purpose": "marketing_phone", "given": "yes", "channel": "phone"})
    assert response.status_code == 403
    assert released.consents.count() == before


def test_consent_form_in_the_portal_and_for_staff(released, adviser, client_user, login):
    browser = login(client_user)
    response = browser.post(f"/clients/{released.pk}/privacy/consent/",
                            {"purpose": "marketing_phone", "given": "yes", "channel": "in_person"})
    assert response.status_code == 302
    assert released.consents.latest("recorded_at").channel == "portal"
    response = login(adviser).post(f"/clients/{released.pk}/privacy/consent/",
                                   {"purpose": "marketing_phone", "given": "no", "channel": ""})
    assert response.status_code == 400
    assert "Dit veld is verplicht." in response.content.decode()
    assert released.consents.count() == 2


def test_erasure_keeps_the_advice_files_and_removes_the_rest(released, manager, adviser, client_user, login):
    portal_user = client_user
    Client.objects.filter(pk=released.pk).update(postcode="3581 KP")
    kept = privacy.erase(client=released, by=manager, reason="Brief van 20 november, identiteit gecontroleerd.",
                         today=datetime.date(2026, 11, 27))
    assert kept.retain_until == datetime.date(2033, 11, 27)
    assert kept.erased_at is not None
    assert kept.portal_user is None
    assert list(kept.persons.values_list("email", "phone", "vulnerability_note").distinct()) == [("", "", "")]
    assert Client.objects.get(pk=kept.pk).postcode == ""
    assert AdviceVersion.objects.filter(case__client=kept).count() == 1
    assert NeedsProfile.objects.filter(client=kept).exists()
    current = {row["purpose"]: row for row in privacy.current_consents(kept)}
    assert (current["marketing_email"]["given"], current["marketing_email"]["channel"]) == (False, "erasure")
    portal_user.refresh_from_db()
    assert (portal_user.is_active, portal_user.full_name, portal_user.has_usable_password()) == (False, "", False)
    assert portal_user.email.endswith("@erased.invalid")
    assert not DialogueOptIn.objects.filter(user=portal_user).exists()
    assert not ApiToken.objects.filter(user=portal_user, revoked_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="client.erased")
    assert event.changes["retain_until"]["after"] == "2033-11-27"
    # Read-only from now on, and a second request is a conflict.
    with pytest.raises(PermissionDenied):
        save_profile(client=kept, by=adviser, changes={"own_words": "x"}, source="adviser")
    with pytest.raises(ValidationError):
        advice_services.open_case(client=kept, by=adviser, domains=["investment"], reason="first_advice")
    with pytest.raises(PermissionDenied):
        privacy.record_consent(client=kept, by=adviser, purpose="marketing_email", given=True, channel="phone")
    with pytest.raises(PermissionDenied):
        privacy.record_consent(client=kept, by=manager, purpose="marketing_email", given=True, channel="phone")
    with pytest.raises(Conflict):
        privacy.erase(client=kept, by=manager, reason="nogmaals")
    assert "Gewist op verzoek van de klant" in login(adviser).get(f"/clients/{kept.pk}/").content.decode()


def test_erasure_without_advice_files_deletes_the_household(firm, adviser, manager):
    client = household(firm, adviser, name="Huishouden Pietersen")
    assert privacy.erase(client=client, by=manager, reason="Mondeling verzoek, ID gezien.") is None
    assert not Client.objects.filter(pk=client.pk).exists()
    assert not Person.objects.filter(client_id=client.pk).exists()
    assert AuditEvent.objects.filter(action="client.erased", object_id=str(client.pk)).count() == 1


def test_erasure_is_for_management_and_needs_the_client_number(released, adviser, manager, login):
    before = model_to_dict(released)
    assert login(adviser).post(f"/clients/{released.pk}/privacy/erase/",
                               {"reason": "x", "reference": released.reference}).status_code == 403
    response = login(manager).post(f"/clients/{released.pk}/privacy/erase/",
                                   {"reason": "Verzoek", "reference": "K999"})
    assert response.status_code == 400
    assert "Dit is niet het klantnummer van dit huishouden." in response.content.decode()
    released.refresh_from_db()
    assert model_to_dict(released) == before
    assert not AuditEvent.objects.filter(action="client.erased").exists()
    with pytest.raises(ValidationError):
        privacy.erase(client=released, by=manager, reason="  ")
    response = login(manager).post(f"/clients/{released.pk}/privacy/erase/",
                                   {"reason": "Verzoek per brief", "reference": released.reference})
    assert response.status_code == 302
    released.refresh_from_db()
    assert released.erased_at is not None


def test_the_purge_deletes_only_what_is_past_its_retention(released, firm, adviser, manager):
    other = household(firm, adviser, name="Huishouden Blijft")
    privacy.erase(client=released, by=manager, reason="Verzoek", today=datetime.date(2026, 11, 27))
    assert privacy.purge(today=datetime.date(2033, 11, 27)) == 0
    assert Client.objects.filter(pk=released.pk).exists()
    out = io.StringIO()
    from unittest import mock

    with mock.patch("klantbelang.clients.privacy.timezone.localdate", return_value=datetime.date(2033, 11, 28)):
        call_command("purge_retention", stdout=out)
    assert out.getvalue().strip() == "1 household(s) purged."
    assert not Client.objects.filter(pk=released.pk).exists()
    assert not AdviceCase.objects.filter(client_id=released.pk).exists()
    assert Client.objects.filter(pk=other.pk).exists()
    event = AuditEvent.objects.get(action="client.purged")
    assert (event.object_label, event.actor_label) == (released.reference, "system")


def test_retention_from_a_leap_day(settings):
    settings.ADVICE_RETENTION_YEARS = 7
    assert privacy._retained_until(datetime.date(2028, 2, 29)) == datetime.date(2035, 2, 28)


def test_the_api_journey(released, manager, adviser, client, bearer):
    staff = bearer(adviser)
    listed = client.get(f"/api/v1/clients/{released.pk}/consents", headers=staff).json()
    assert [row["purpose"] for row in listed] == ["marketing_email", "marketing_phone", "marketing_post"]
    response = client.post(f"/api/v1/clients/{released.pk}/consents", {"purpose": "marketing_post", "given": True,
                                                                      "channel": "in_person"},
                           content_type="application/json", headers=staff)
    assert response.status_code == 201
    assert {row["purpose"]: row["given"] for row in response.json()}["marketing_post"] is True
    bad = client.post(f"/api/v1/clients/{released.pk}/consents", {"purpose": "marketing_post", "given": True,
                                                                 "channel": "carrier pigeon"},
                      content_type="application/json", headers=staff)
    assert bad.status_code in {400, 422}
    assert "channel" in json.dumps(bad.json())
    assert client.get(f"/api/v1/clients/{released.pk}/data-export", headers=staff).status_code == 403
    boss = bearer(manager)
    data = client.get(f"/api/v1/clients/{released.pk}/data-export", headers=boss).json()
    assert data["client"]["id"] == released.pk
    pdf = client.get(f"/api/v1/clients/{released.pk}/data-export.pdf", headers=boss)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.post(f"/api/v1/clients/{released.pk}/erasure", {"reason": "x"}, content_type="application/json",
                       headers=staff).status_code == 403
    erased = client.post(f"/api/v1/clients/{released.pk}/erasure", {"reason": "Verzoek per brief"},
                         content_type="application/json", headers=boss)
    assert erased.status_code == 200
    assert erased.json()["deleted"] is False
    assert erased.json()["retain_until"]
    again = client.post(f"/api/v1/clients/{released.pk}/erasure", {"reason": "Verzoek per brief"},
                        content_type="application/json", headers=boss)
    assert again.status_code == 409
    assert User.objects.filter(email__endswith="@erased.invalid").count() == 1

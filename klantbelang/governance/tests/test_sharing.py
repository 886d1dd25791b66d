import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse

from klantbelang.accounts.tests.factories import member
from klantbelang.clients.tests.factories import household
from klantbelang.core.models import AuditEvent
from klantbelang.governance import privacy, reports, services, sharing
from klantbelang.governance.models import DistributorReport, ProviderDeveloper, ReportResponse, Signal, SignalAnswer
from klantbelang.products.tests.factories import ProductFactory, ProviderFactory
from klantbelang.quality.tests.factories import moment, released

pytestmark = pytest.mark.django_db


def _accepted(firm, adviser, manager, product, *, description="De voorwaarden zijn onduidelijk."):
    signal = services.report(product=product, by=adviser, category="unclear_conditions", description=description)
    return services.triage(signal=signal, by=manager, status="accepted")


# Linking developers -----------------------------------------------------------------------------

def test_link_developer_rules(firm, other_firm, manager, adviser, product_developer, provider):
    with pytest.raises(PermissionDenied):
        sharing.link_developer(user=product_developer, provider=provider, by=adviser)
    with pytest.raises(ValidationError) as error:
        sharing.link_developer(user=adviser, provider=ProviderFactory(firm=other_firm), by=manager)
    assert set(error.value.message_dict) == {"user", "provider"}
    assert not ProviderDeveloper.objects.exists()
    link = sharing.link_developer(user=product_developer, provider=provider, by=manager)
    other = ProviderFactory(firm=firm, name="Zuiderzon")
    again = sharing.link_developer(user=product_developer, provider=other, by=manager)
    assert again.pk == link.pk
    assert list(ProviderDeveloper.objects.values_list("user", "provider")) == [(product_developer.pk, other.pk)]
    assert list(AuditEvent.objects.filter(action="provider_developer.linked").order_by("pk").values_list(
        "changes", flat=True)) == [
        {"provider": {"before": None, "after": "Noorderlicht"}},
        {"provider": {"before": "Noorderlicht", "after": "Zuiderzon"}}]


# Sharing a signal -------------------------------------------------------------------------------

def test_share_freezes_the_summary_and_count(firm, adviser, manager, provider, developer):
    product = ProductFactory(firm=firm, provider=provider)
    signal = _accepted(firm, adviser, manager, product)
    Signal.objects.filter(pk=signal.pk).update(clients=7)
    shared = sharing.share_signal(signal=signal, by=manager, summary="  Voorwaarden onduidelijk.  ")
    assert (shared.shared_with, shared.shared_summary, shared.shared_clients, shared.shared_by) == (
        provider, "Voorwaarden onduidelijk.", 7, manager)
    # A later merge raises the live count, never the shared one.
    other = _accepted(firm, adviser, manager, product)
    services.triage(signal=Signal.objects.get(pk=other.pk), by=manager, status="accepted")
    Signal.objects.filter(pk=other.pk).update(status="new")
    services.triage(signal=Signal.objects.get(pk=other.pk), by=manager, status="merged", merged_into=shared)
    shared.refresh_from_db()
    assert (shared.clients, shared.shared_clients, shared.shared_clients_shown) == (8, 7, 7)
    with pytest.raises(ValidationError) as error:
        services.triage(signal=shared, by=manager, status="dismissed", note="Toch niet.")
    assert list(error.value.message_dict) == ["status"]
    with pytest.raises(ValidationError):
        sharing.share_signal(signal=shared, by=manager, summary="Nog eens.")


def test_share_rules(firm, other_firm, adviser, manager, provider):
    product = ProductFactory(firm=firm, provider=provider)
    new = services.report(product=product, by=adviser, category="cost", description="Duur.")
    with pytest.raises(PermissionDenied):
        sharing.share_signal(signal=new, by=adviser, summary="x")
    with pytest.raises(ValidationError) as error:
        sharing.share_signal(signal=new, by=manager, summary="")
    assert list(error.value.message_dict) == ["summary"]
    household(firm, adviser, name="Huishouden Quaxenburg", persons=[
        {"role": "client", "first_name": "Zora", "last_name": "Quaxenburg", "date_of_birth": datetime.date(1970, 1, 1),
         "employment": "employment", "email": "zora@example.nl"}])
    accepted = services.triage(signal=new, by=manager, status="accepted")
    for text in ("Zora Quaxenburg vond de kosten te hoog.", "Mevrouw Quaxenburg vond het duur.",
                 "Mail zora@example.nl voor details.", "Bel 06-12345678.", "IBAN NL91ABNA0417164300 betaalt."):
        with pytest.raises(ValidationError) as error:
            sharing.share_signal(signal=accepted, by=manager, summary=text)
        assert list(error.value.message_dict) == ["summary"], text
    assert Signal.objects.get(pk=accepted.pk).shared_at is None
    # A last name on its own is an ordinary word ("Bakker", "Visser"), not an identity.
    assert privacy.identifying_text(firm=firm, text="De quaxenburg-regeling is te duur.") == []
    unmet = Signal.objects.create(firm=firm, source="unmet_need", category="no_product", need_type="pension_gap",
                                  segment="55-66", clients=12, description="Geen product.", status="accepted")
    with pytest.raises(ValidationError) as error:
        sharing.share_signal(signal=unmet, by=manager, summary="Geen product voor deze groep.")
    assert list(error.value.message_dict) == ["provider"]
    with pytest.raises(ValidationError):
        sharing.share_signal(signal=unmet, by=manager, summary="x", provider=ProviderFactory(firm=other_firm))
    shared = sharing.share_signal(signal=unmet, by=manager, summary="Geen product voor deze groep.", provider=provider)
    assert (shared.shared_with, shared.shared_clients_shown) == (provider, 12)


def test_answers_only_from_the_providers_developer(firm, adviser, manager, provider, developer):
    product = ProductFactory(firm=firm, provider=provider)
    signal = _accepted(firm, adviser, manager, product)
    with pytest.raises(PermissionDenied):  # not shared yet
        sharing.answer_signal(signal=signal, by=developer, text="Dank.")
    sharing.share_signal(signal=signal, by=manager, summary="Onduidelijk.")
    stranger = member(firm, "product_developer")
    sharing.link_developer(user=stranger, provider=ProviderFactory(firm=firm), by=manager)
    for user in (stranger, manager, adviser):
        with pytest.raises(PermissionDenied):
            sharing.answer_signal(signal=signal, by=user, text="Dank.")
    with pytest.raises(ValidationError):
        sharing.answer_signal(signal=signal, by=developer, text="  ")
    answer = sharing.answer_signal(signal=signal, by=developer, text="We herschrijven de voorwaarden.")
    assert list(SignalAnswer.objects.values_list("signal", "text", "answered_by")) == [
        (signal.pk, "We herschrijven de voorwaarden.", developer.pk)]
    assert AuditEvent.objects.filter(action="signal.answered", object_id=str(signal.pk), firm=firm).count() == 1
    assert answer.answered_by == developer


# Reporting periods ------------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "end", "whole"), [
    ((2026, 1, 1), (2026, 12, 31), True), ((2026, 1, 1), (2026, 3, 31), True), ((2026, 10, 1), (2026, 12, 31), True),
    ((2026, 4, 1), (2026, 6, 30), True), ((2026, 1, 1), (2026, 6, 30), False), ((2026, 2, 1), (2026, 4, 30), False),
    ((2026, 1, 1), (2026, 11, 20), False), ((2025, 10, 1), (2026, 3, 31), False), ((2026, 7, 2), (2026, 9, 30), False)])
def test_reporting_periods(start, end, whole):
    assert services.reporting_period(datetime.date(*start), datetime.date(*end)) is whole


def test_quarters():
    assert services.quarter(2026, 0) == (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert services.quarter(2026, 1) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert services.quarter(2024, 1) == (datetime.date(2024, 1, 1), datetime.date(2024, 3, 31))
    assert services.quarter(2026, 4) == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))


def test_reports_never_overlap(firm, manager, provider):
    first = services.create_report(firm=firm, by=manager, provider=provider, start=datetime.date(2026, 4, 1),
                                   end=datetime.date(2026, 6, 30))
    for start, end in (((2026, 1, 1), (2026, 12, 31)), ((2026, 4, 1), (2026, 6, 30))):
        with pytest.raises(ValidationError) as error:
            services.create_report(firm=firm, by=manager, provider=provider, start=datetime.date(*start),
                                   end=datetime.date(*end))
        assert list(error.value.message_dict) == ["start"]
    with pytest.raises(ValidationError):
        services.create_report(firm=firm, by=manager, provider=provider, start=datetime.date(2026, 1, 1),
                               end=datetime.date(2026, 5, 31))
    services.create_report(firm=firm, by=manager, provider=provider, start=datetime.date(2026, 7, 1),
                           end=datetime.date(2026, 9, 30))
    services.create_report(firm=firm, by=manager, provider=ProviderFactory(firm=firm), start=datetime.date(2026, 1, 1),
                           end=datetime.date(2026, 12, 31))
    assert DistributorReport.objects.filter(provider=provider).count() == 2
    assert first.pk in DistributorReport.objects.values_list("pk", flat=True)


# The shared signals are those of the last twelve months: the day is fixed so the March 2026 files count.
@time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_small_signal_groups_and_names_in_reasons_are_hidden(firm, adviser, manager, provider):
    product = ProductFactory(firm=firm, provider=provider, code="MANY")
    for index in range(5):
        client = household(firm, adviser, name=f"Huishouden {index}", persons=[
            {"role": "client", "first_name": f"Voornaam{index}", "last_name": f"Achternaam{index}",
             "date_of_birth": datetime.date(1970, 1, 1), "employment": "employment"}])
        released(firm, adviser, client=client, at=moment(2026, 3, 1 + index), recommendations=[
            ("goal_funding", product, False, f"Voornaam{index} Achternaam{index} wilde dit; mail "
                                             f"v{index}@example.nl of bel 0612345678.")])
    services.report(product=product, by=adviser, category="cost", description="Duur.")
    data = reports.build(firm=firm, provider=provider, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))
    assert data["signals"] == [{"item": "signal:cost:adviser", "category": "cost", "source": "adviser",
                                "signals": None, "clients": None}]
    assert data["products"][0]["deviation_reasons"] == ["[…] wilde dit; mail […] of bel […]."] * 5


# Pages and API for the manufacturer --------------------------------------------------------------

def test_manufacturer_pages_and_api(login, client, bearer, firm, adviser, manager, provider, developer):
    product = ProductFactory(firm=firm, provider=provider, code="NL0000000001")
    signal = sharing.share_signal(signal=_accepted(firm, adviser, manager, product), by=manager,
                                  summary="De voorwaarden zijn onduidelijk voor klanten.")
    hidden = _accepted(firm, adviser, manager, ProductFactory(firm=firm, provider=provider))  # not shared
    report = services.create_report(firm=firm, by=manager, provider=provider, start=datetime.date(2026, 1, 1),
                                    end=datetime.date(2026, 3, 31))
    browser = login(developer)
    home = browser.get(reverse("governance:provider_home"))
    assert [item.pk for item in home.context["signals"]] == [signal.pk]
    assert list(home.context["reports"]) == []  # not sent yet
    assert browser.get(reverse("governance:provider_report", args=[report.pk])).status_code == 404
    assert browser.get(reverse("governance:provider_signal", args=[hidden.pk])).status_code == 404
    services.mark_sent(report=report, by=manager, to="pg@noorderlicht.nl")
    assert browser.get(reverse("governance:provider_report", args=[report.pk])).status_code == 200
    response = browser.post(reverse("governance:provider_report", args=[report.pk]),
                            {"item": "product:NL0000000001", "text": "We passen de doelgroep aan."})
    assert response.status_code == 302
    assert list(ReportResponse.objects.values_list("item", "by_manufacturer", "recorded_by")) == [
        ("product:NL0000000001", True, developer.pk)]
    answered = browser.post(reverse("governance:provider_signal", args=[signal.pk]), {"text": "Herkend."})
    assert answered["Location"] == reverse("governance:provider_signal", args=[signal.pk])
    listed = client.get("/api/v1/manufacturer/signals", headers=bearer(developer)).json()
    assert listed == [{"id": signal.pk, "category": "unclear_conditions", "source": "adviser",
                       "product_code": "NL0000000001", "need_type": "", "segment": "", "clients": None,
                       "summary": "De voorwaarden zijn onduidelijk voor klanten.",
                       "shared_at": listed[0]["shared_at"], "answers": [{"text": "Herkend.",
                                                                         "answered_at": listed[0]["answers"][0][
                                                                             "answered_at"]}]}]
    created = client.post(f"/api/v1/manufacturer/signals/{signal.pk}/answers", {"text": "Tweede antwoord."},
                          content_type="application/json", headers=bearer(developer))
    assert created.status_code == 201
    assert [item["text"] for item in created.json()["answers"]] == ["Herkend.", "Tweede antwoord."]
    reports_listed = client.get("/api/v1/manufacturer/reports", headers=bearer(developer)).json()
    assert [item["id"] for item in reports_listed] == [report.pk]
    assert reports_listed[0]["responses"][0]["by_manufacturer"] is True
    # Staff pages stay closed to the developer, and the manufacturer's pages to staff.
    assert browser.get(reverse("governance:signal_detail", args=[signal.pk])).status_code == 404
    assert client.get("/api/v1/signals", headers=bearer(developer)).status_code == 403
    assert login(adviser).get(reverse("governance:provider_home")).status_code == 403
    assert client.get("/api/v1/manufacturer/signals", headers=bearer(manager)).status_code == 403


def test_an_unlinked_developer_sees_nothing(login, client, bearer, firm, adviser, manager, provider,
                                            product_developer):
    signal = sharing.share_signal(signal=_accepted(firm, adviser, manager, ProductFactory(firm=firm,
                                                                                          provider=provider)),
                                  by=manager, summary="Onduidelijk.")
    home = login(product_developer).get(reverse("governance:provider_home"))
    assert home.status_code == 200
    assert home.context["provider"] is None
    assert list(home.context["signals"]) == []
    assert client.get(f"/api/v1/manufacturer/signals/{signal.pk}", headers=bearer(product_developer)).status_code == 404


def test_sharing_through_the_page_and_api(login, client, bearer, firm, adviser, manager, provider):
    product = ProductFactory(firm=firm, provider=provider)
    signal = _accepted(firm, adviser, manager, product)
    as_adviser, adviser_token = login(adviser), bearer(adviser)
    before, audit = model_to_dict(Signal.objects.get(pk=signal.pk)), AuditEvent.objects.count()
    assert as_adviser.post(reverse("governance:signal_detail", args=[signal.pk]),
                               {"summary": "Onduidelijk."}).status_code == 403
    assert client.post(f"/api/v1/signals/{signal.pk}/share", {"summary": "Onduidelijk."},
                       content_type="application/json", headers=adviser_token).status_code == 403
    assert model_to_dict(Signal.objects.get(pk=signal.pk)) == before
    assert AuditEvent.objects.count() == audit
    bad = login(manager).post(reverse("governance:signal_detail", args=[signal.pk]), {"summary": "Mail a@b.nl"})
    assert bad.status_code == 200
    assert list(bad.context["share_form"].errors) == ["summary"]
    shared = client.post(f"/api/v1/signals/{signal.pk}/share", {"summary": "Onduidelijk."},
                         content_type="application/json", headers=bearer(manager))
    assert shared.status_code == 200
    assert (shared.json()["shared_with"], shared.json()["shared_clients"]) == ("Noorderlicht", 1)
    again = client.post(f"/api/v1/signals/{signal.pk}/share", {"summary": "Onduidelijk."},
                        content_type="application/json", headers=bearer(manager))
    assert again.status_code == 422

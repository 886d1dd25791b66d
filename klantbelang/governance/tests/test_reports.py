import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from klantbelang.accounts.tests.factories import member
from klantbelang.clients.tests.factories import household
from klantbelang.governance import reports, services
from klantbelang.governance.models import DistributorReport, ReportResponse
from klantbelang.products.tests.factories import ProductFactory, ProviderFactory
from klantbelang.quality.tests.factories import moment, released

pytestmark = pytest.mark.django_db
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)


@pytest.fixture
def shelf(firm, adviser):
    provider = ProviderFactory(firm=firm, name="Noorderlicht")
    many = ProductFactory(firm=firm, provider=provider, code="MANY", needs_served=["goal_funding"])
    few = ProductFactory(firm=firm, provider=provider, code="FEW")
    # MANY: 6 clients within, 5 outside (each with a reason); FEW: 3 clients, all within.
    for index in range(11):
        client = household(firm, adviser, name=f"Huishouden M{index}")
        inside = index < 6
        released(firm, adviser, client=client, at=moment(2026, 3, 1 + index),
                 recommendations=[("goal_funding", many, inside, "" if inside else f"Reden {index}")])
    for index in range(3):
        client = household(firm, adviser, name=f"Huishouden F{index}")
        released(firm, adviser, client=client, at=moment(2026, 4, 1 + index),
                 recommendations=[("goal_funding", few, True, "")])
    return provider, many, few


def test_aggregates_and_suppression(firm, shelf):
    provider, _many, _few = shelf
    data = reports.build(firm=firm, provider=provider, start=START, end=END)
    assert data["schema"] == "klantbelang.distributor-report/1"
    assert data["minimum_group"] == 5
    by_code = {item["code"]: item for item in data["products"]}
    assert (by_code["MANY"]["advised"], by_code["MANY"]["within_target"], by_code["MANY"]["outside_target"]) == (
        11, 6, 5)
    assert by_code["MANY"]["deviation_reasons"] == sorted(f"Reden {index}" for index in range(6, 11))
    assert (by_code["FEW"]["advised"], by_code["FEW"]["within_target"], by_code["FEW"]["outside_target"]) == (
        None, None, None)  # 3 clients: suppressed


def test_one_small_half_hides_both_halves(firm, adviser, shelf):
    provider, _many, _few = shelf
    # Six more within and one outside: 17 advised, 12 within, 6 outside → shown; then a product
    # with 7 within and 2 outside must hide both halves (7 = 9 - 2 would give the 2 away).
    other = ProductFactory(firm=firm, provider=provider, code="SPLIT")
    for index in range(9):
        released(firm, adviser, client=household(firm, adviser, name=f"Huishouden S{index}"),
                 at=moment(2026, 5, 1 + index), recommendations=[("goal_funding", other, index < 7, "x")])
    item = next(item for item in reports.build(firm=firm, provider=provider, start=START, end=END)["products"]
                if item["code"] == "SPLIT")
    assert (item["advised"], item["within_target"], item["outside_target"], item["deviation_reasons"]) == (
        9, None, None, [])


def test_another_providers_products_stay_out(firm, adviser, shelf):
    provider, _many, _few = shelf
    stranger = ProductFactory(firm=firm, provider=ProviderFactory(firm=firm, name="Zuiderzon"), code="SUN")
    released(firm, adviser, at=moment(2026, 6, 1), recommendations=[("goal_funding", stranger, False, "x")])
    data = reports.build(firm=firm, provider=provider, start=START, end=END)
    assert "SUN" not in {item["code"] for item in data["products"]}


def test_sent_then_responses_per_item(firm, manager, adviser, shelf):
    provider, _many, _few = shelf
    report = services.create_report(firm=firm, by=manager, provider=provider, start=START, end=END)
    with pytest.raises(ValidationError):
        services.record_response(report=report, by=manager, item="product:MANY", text="Wij passen het aan.")
    services.mark_sent(report=report, by=manager, to="governance@noorderlicht.nl")
    with pytest.raises(ValidationError) as error:
        services.record_response(report=report, by=manager, item="product:NOPE", text="x")
    assert list(error.value.message_dict) == ["item"]
    services.record_response(report=report, by=manager, item="product:MANY", text="Wij passen het aan.")
    assert list(ReportResponse.objects.values_list("item", "text")) == [("product:MANY", "Wij passen het aan.")]
    with pytest.raises(ValidationError):
        services.mark_sent(report=report, by=manager, to="again@example.nl")


def test_pages_exports_and_permissions(login, client, bearer, firm, manager, adviser, product_developer, shelf):
    provider, _many, _few = shelf
    browser = login(manager)
    response = browser.post(reverse("governance:report_list"), {"provider": provider.pk, "year": 2026, "period": 0})
    report = DistributorReport.objects.get()
    assert response["Location"] == reverse("governance:report_detail", args=[report.pk])
    exported = json.loads(browser.get(reverse("governance:report_json", args=[report.pk])).content)
    assert exported["products"] == report.data["products"]
    assert exported["responses"] == []
    csv_text = browser.get(reverse("governance:report_csv", args=[report.pk])).content.decode()
    assert csv_text.splitlines()[0].startswith("item,what,advised")
    assert "product:FEW" in csv_text
    pdf = browser.get(reverse("governance:report_pdf", args=[report.pk]))
    assert pdf.content.startswith(b"%PDF")
    assert login(adviser).post(reverse("governance:report_list"), {"provider": provider.pk, "year": 2026,
                                                                   "period": 0}).status_code == 403
    assert DistributorReport.objects.count() == 1
    assert login(product_developer).get(reverse("governance:report_detail", args=[report.pk])).status_code == 404
    api = client.post(f"/api/v1/distributor-reports/{report.pk}/sent", {"sent_to": "x@noorderlicht.nl"},
                      content_type="application/json", headers=bearer(manager))
    assert api.status_code == 200
    assert api.json()["sent_to"] == "x@noorderlicht.nl"
    answered = client.post(f"/api/v1/distributor-reports/{report.pk}/responses",
                           {"item": "product:MANY", "text": "Doelgroep wordt verfijnd."},
                           content_type="application/json", headers=bearer(manager))
    assert answered.status_code == 201
    assert answered.json()["responses"][0]["item"] == "product:MANY"
    denied = client.post(f"/api/v1/distributor-reports/{report.pk}/responses", {"item": "product:MANY", "text": "x"},
                         content_type="application/json", headers=bearer(adviser))
    assert denied.status_code == 403
    assert ReportResponse.objects.count() == 1
    outsider = member(firm.__class__.objects.create(name="Elders", slug="elders"), "manager")
    assert client.get(f"/api/v1/distributor-reports/{report.pk}", headers=bearer(outsider)).status_code == 404


IDENTIFYING = "Klant {reference} (geb. 1991-04-03, postcode 2011 AB), Jansen, Piet, wil dit toch."


def test_five_reasons_about_one_household_are_one_client(firm, adviser):
    """Regression: reasons were counted as texts, so five cases of one household showed its client
    number, birth date and postcode five times next to ``advised: null``."""
    provider = ProviderFactory(firm=firm, name="Westwind")
    product = ProductFactory(firm=firm, provider=provider, code="ONE")
    client = household(firm, adviser, name="Huishouden Jansen")
    for index in range(5):
        released(firm, adviser, client=client, at=moment(2026, 3, 1 + index),
                 recommendations=[("goal_funding", product, False, IDENTIFYING.format(reference=client.reference))])
    item = reports.build(firm=firm, provider=provider, start=START, end=END)["products"][0]
    assert (item["advised"], item["outside_target"], item["deviation_reasons"]) == (None, None, [])


def test_reasons_of_five_clients_lose_numbers_dates_postcodes_and_names_in_any_order(firm, adviser):
    provider = ProviderFactory(firm=firm, name="Westwind")
    product = ProductFactory(firm=firm, provider=provider, code="FIVE")
    references = []
    for index in range(5):
        client = household(firm, adviser, name=f"Huishouden {index}", persons=[
            {"role": "client", "first_name": "Piet", "last_name": "Jansen",
             "date_of_birth": datetime.date(1991, 4, 3)}])
        references.append(client.reference)
        released(firm, adviser, client=client, at=moment(2026, 3, 1 + index),
                 recommendations=[("goal_funding", product, False, IDENTIFYING.format(reference=client.reference))])
    item = reports.build(firm=firm, provider=provider, start=START, end=END)["products"][0]
    assert item["deviation_reasons"] == ["Klant […] (geb. […], postcode […]), […], […], wil dit toch."] * 5
    assert not any(reference in json.dumps(item) for reference in references)

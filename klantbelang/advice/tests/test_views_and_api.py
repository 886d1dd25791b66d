import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from klantbelang.accounts.tests.factories import member
from klantbelang.advice import services
from klantbelang.advice.models import AdviceVersion, Recommendation

from .factories import ready_client
from .test_services import APPROVE, _recommend_all, _to_advice


@pytest.fixture
def released(firm, adviser, reviewer, client_user):
    from klantbelang.products.tests.factories import ProductFactory

    product = ProductFactory(firm=firm, code="CALM", name="Rustig Fonds", sri=1, min_horizon_years=0.0)
    client = ready_client(firm, adviser, client_user)
    case = _to_advice(services.open_case(client=client, by=adviser, domains=["investment"], reason="first_advice"),
                      adviser)
    _recommend_all(case, adviser, product)
    services.submit_for_review(case=case, by=adviser)
    services.review_case(case=case, by=reviewer, outcome="approved", checklist=APPROVE)
    return services.release(case=case, by=adviser)


def test_the_pdf_report_names_the_client_every_need_and_every_product(login, released, adviser):
    response = login(adviser).get(reverse("advice:report_pdf", kwargs={"pk": released.pk}))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Jan Jansen" in text
    assert "Adviesrapport" in text
    for item in released.snapshot["recommendations"]:
        assert item["product"]["name"] in text
    from klantbelang.clients.forms import NEED_LABELS

    for need in released.snapshot["needs"]:
        assert str(NEED_LABELS[need["type"]]) in text
    assert "Wij ontvangen geen provisie voor dit advies." in text
    assert "We willen over tien jaar een buffer voor de studie van onze dochter." in text


def test_a_client_sees_only_released_versions_of_their_own_cases(login, released, firm, adviser, client_user):
    browser = login(client_user)
    assert browser.get(reverse("advice:case_detail", kwargs={"pk": released.case_id})).status_code == 404
    portal = browser.get(reverse("advice:portal"))
    assert [version.pk for version in portal.context["versions"]] == [released.pk]
    assert browser.get(reverse("advice:report", kwargs={"pk": released.pk})).status_code == 200
    other_client = ready_client(firm, adviser, member(firm, "client"))
    other_case = services.open_case(client=other_client, by=adviser, domains=["investment"], reason="other")
    other = AdviceVersion.objects.create(case=other_case, number=1, snapshot=released.snapshot, released_by=adviser)
    assert browser.get(reverse("advice:report", kwargs={"pk": other.pk})).status_code == 404
    unreleased = services.open_case(client=released.case.client, by=adviser, domains=["investment"], reason="other")
    assert browser.get(f"/api/v1/cases/{unreleased.pk}").status_code == 404
    assert [item["id"] for item in browser.get("/api/v1/cases").json()] == [released.case_id]
    response = browser.post(reverse("advice:respond", kwargs={"pk": released.pk}), {"kind": "accepted"})
    assert response.status_code == 302
    assert released.responses.get().kind == "accepted"


def test_a_reviewer_cannot_edit_recommendations_through_the_page_or_the_api(login, client, bearer, released,
                                                                            reviewer, firm, adviser, client_user):
    case = _to_advice(services.open_case(client=released.case.client, by=adviser, domains=["investment"],
                                         reason="other"), adviser)
    need = services.needs_in_scope(case)[0]["type"]
    before = Recommendation.objects.count()
    page = login(reviewer).post(reverse("advice:recommendation_save", kwargs={"pk": case.pk}), {
        "need_type": need, f"{need}-need_type": need, f"{need}-no_product": "on", f"{need}-rationale": "x",
        f"{need}-horizon_years": "1"})
    assert page.status_code == 403
    api = client.post(f"/api/v1/cases/{case.pk}/recommendations",
                      {"need_type": need, "no_product": True, "rationale": "x"},
                      content_type="application/json", headers=bearer(reviewer))
    assert api.status_code == 403
    assert Recommendation.objects.count() == before


@pytest.mark.parametrize(("role", "status"), [("adviser", 200), ("reviewer", 200), ("manager", 200),
                                              ("admin_user", 200), ("marketing", 403), ("client_user", 403),
                                              ("product_developer", 403)])
def test_case_list_permission_matrix(request, login, role, status):
    assert login(request.getfixturevalue(role)).get(reverse("advice:case_list")).status_code == status


def test_api_journey(client, bearer, firm, adviser, reviewer, client_user):
    from klantbelang.products.tests.factories import ProductFactory

    ProductFactory(firm=firm, code="CALM", sri=1, min_horizon_years=0.0)
    household_client = ready_client(firm, adviser, client_user)
    headers = bearer(adviser)
    case = client.post("/api/v1/cases", {"client_id": household_client.pk, "domains": ["investment"],
                                         "reason": "first_advice"}, content_type="application/json", headers=headers)
    assert case.status_code == 201
    case_id = case.json()["id"]
    for phase in ("inventory", "analysis", "advice"):
        moved = client.post(f"/api/v1/cases/{case_id}/move", {"to": phase}, content_type="application/json",
                            headers=headers)
        assert moved.json()["status"] == phase
    needs = [need["type"] for need in household_client.current_profile.needs if need["domain"] == "investment"]
    for need in needs:
        saved = client.post(f"/api/v1/cases/{case_id}/recommendations",
                            {"need_type": need, "product_code": "CALM", "rationale": "Past goed"},
                            content_type="application/json", headers=headers)
        assert saved.status_code == 201
    assert client.post(f"/api/v1/cases/{case_id}/move", {"to": "review"}, content_type="application/json",
                       headers=headers).json()["status"] == "review"
    early = client.post(f"/api/v1/cases/{case_id}/move", {"to": "released"}, content_type="application/json",
                        headers=headers)
    assert (early.status_code, early.json()["code"]) == (409, "invalid_transition")
    own = client.post(f"/api/v1/cases/{case_id}/reviews", {"outcome": "approved", "checklist": APPROVE},
                      content_type="application/json", headers=headers)
    assert own.status_code == 403
    approved = client.post(f"/api/v1/cases/{case_id}/reviews", {"outcome": "approved", "checklist": APPROVE},
                           content_type="application/json", headers=bearer(reviewer))
    assert approved.status_code == 201
    released = client.post(f"/api/v1/cases/{case_id}/move", {"to": "released"}, content_type="application/json",
                           headers=headers)
    assert released.json()["status"] == "released"
    version = AdviceVersion.objects.get(case_id=case_id)
    pdf = client.get(f"/api/v1/advice-versions/{version.pk}/report.pdf", headers=headers)
    assert pdf.content.startswith(b"%PDF")
    accepted = client.post(f"/api/v1/advice-versions/{version.pk}/responses", {"kind": "accepted"},
                           content_type="application/json", headers=bearer(client_user))
    assert accepted.status_code == 201


@pytest.mark.parametrize(("language", "choose", "chosen"), [
    ("nl", "Kiezen voor het advies", "Gekozen: Rustig Fonds (CALM) van Aanbieder Rust."),
    ("en", "Choose for the advice", "Chosen: Rustig Fonds (CALM) of Aanbieder Rust."),
])
def test_a_matched_product_is_chosen_into_the_advice_without_retyping_its_code(login, firm, adviser, client_user,
                                                                               language, choose, chosen):
    """Regression: nothing connected the match to the recommendation; the adviser retyped codes."""
    from klantbelang.products.tests.factories import ProductFactory, ProviderFactory

    provider = ProviderFactory(firm=firm, name="Aanbieder Rust")
    product = ProductFactory(firm=firm, provider=provider, code="CALM", name="Rustig Fonds", sri=1,
                             min_horizon_years=0.0, ongoing_cost_pct=0.35)
    case = _to_advice(services.open_case(client=ready_client(firm, adviser, client_user), by=adviser,
                                         domains=["investment"], reason="first_advice"), adviser)
    need_type = services.needs_in_scope(case)[0]["type"]
    browser = login(adviser)
    browser.cookies["django_language"] = language
    page = browser.get(reverse("advice:case_match", args=[case.pk, need_type]),
                       HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'href="{reverse("products:product_detail", args=[product.pk])}"' in page
    assert "0,35 %" in page if language == "nl" else "0.35 %" in page
    assert choose in page
    link = f'{reverse("advice:case_detail", args=[case.pk])}?choose={need_type}:CALM#need-{need_type}'
    assert f'href="{link}"' in page
    assert reverse("advice:case_detail", args=[case.pk]) + f"#need-{need_type}" in page  # the way back
    before = Recommendation.objects.count()
    detail = browser.get(link.split("#")[0], HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert chosen in detail
    assert f'name="{need_type}-product_code" value="CALM"' in detail
    assert Recommendation.objects.count() == before  # choosing fills in the form; saving is the adviser's


def test_choosing_a_code_that_is_not_on_the_shelf_says_so_and_fills_in_nothing(login, firm, adviser, client_user,
                                                                              other_firm):
    from klantbelang.products.tests.factories import ProductFactory

    ProductFactory(firm=other_firm, code="ELSEWHERE")  # another firm's shelf
    case = _to_advice(services.open_case(client=ready_client(firm, adviser, client_user), by=adviser,
                                         domains=["investment"], reason="first_advice"), adviser)
    need_type = services.needs_in_scope(case)[0]["type"]
    page = login(adviser).get(reverse("advice:case_detail", args=[case.pk]),
                              {"choose": f"{need_type}:ELSEWHERE"}).content.decode()
    assert "Geen product met code ELSEWHERE in het aanbod." in page
    assert 'value="ELSEWHERE"' not in page

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from klantbelang.core.models import AuditEvent, BackgroundJob
from klantbelang.products.models import Product, ProductImport

from .emt_rows import GOOD, SECOND, changed, emt
from .factories import ProductFactory

SHELF_MATRIX = {"adviser": 200, "reviewer": 200, "marketing": 200, "manager": 200, "admin_user": 200,
                "client_user": 403, "product_developer": 403}


@pytest.mark.parametrize(("role", "status"), SHELF_MATRIX.items())
def test_product_pages_permission_matrix(request, login, firm, role, status):
    product = ProductFactory(firm=firm)
    browser = login(request.getfixturevalue(role))
    assert browser.get(reverse("products:product_list")).status_code == status
    assert browser.get(reverse("products:product_detail", kwargs={"pk": product.pk})).status_code == (
        200 if status == 200 else 404)


def test_product_list_filters_and_constant_queries(login, firm, adviser, django_assert_num_queries):
    ProductFactory(firm=firm, name="Groen Aandelenfonds", sri=5, sfdr_article=8, needs_served=["wealth_building"])
    ProductFactory(firm=firm, name="Spaarrekening", sri=1, category="savings", needs_served=["emergency_buffer"])
    browser = login(adviser)
    names = lambda response: [product.name for product in response.context["page"]]  # noqa: E731
    assert names(browser.get(reverse("products:product_list"), {"sri_max": 3})) == ["Spaarrekening"]
    assert names(browser.get(reverse("products:product_list"), {"q": "groen"})) == ["Groen Aandelenfonds"]
    assert names(browser.get(reverse("products:product_list"), {"need": "emergency_buffer"})) == ["Spaarrekening"]
    assert names(browser.get(reverse("products:product_list"), {"category": "savings"})) == ["Spaarrekening"]
    assert names(browser.get(reverse("products:product_list"), {"sfdr_article": "8"})) == ["Groen Aandelenfonds"]
    with django_assert_num_queries(7) as baseline:
        browser.get(reverse("products:product_list"))
    for _ in range(20):
        ProductFactory(firm=firm)
    with django_assert_num_queries(len(baseline.captured_queries)):
        browser.get(reverse("products:product_list"))


def test_the_search_form_as_the_page_sends_it_finds_insurance_too(login, firm, adviser):
    """Regression: the SFDR select had no empty choice, so a browser sent article 6 with every search
    and products without an SFDR article (insurance, mortgages) were never found."""
    ProductFactory(firm=firm, name="Overlijdensrisicoverzekering", category="term_life", sfdr_article=None,
                   needs_served=["death_cover"])
    ProductFactory(firm=firm, name="Groen Aandelenfonds", sfdr_article=8)
    browser = login(adviser)
    page = browser.get(reverse("products:product_list")).content.decode()
    select = page[page.index('name="sfdr_article"'):]
    first_option = select[select.index("<option"):select.index("</option>")]
    assert 'value=""' in first_option  # what an untouched select sends: nothing
    found = browser.get(reverse("products:product_list"), {"q": "", "category": "", "sfdr_article": "",
                                                           "need": "death_cover"})
    assert [product.name for product in found.context["page"]] == ["Overlijdensrisicoverzekering"]


def test_product_page_states_the_target_market_in_plain_words(login, firm, adviser):
    product = ProductFactory(firm=firm)
    page = login(adviser).get(reverse("products:product_detail", kwargs={"pk": product.pk}))
    rows = {row["axis"]: row for row in page.context["target_market"]}
    assert rows["loss"]["fit"] == ["beperkt verlies kunnen dragen", "geen kapitaalgarantie nodig"]
    assert rows["loss"]["not_fit"] == ["geen verlies kunnen dragen"]
    assert rows["service"]["not_fit"] == ["execution only"]


def test_import_through_the_ui_checks_then_imports_as_a_job(login, firm, manager, django_capture_on_commit_callbacks):
    browser = login(manager)
    upload = SimpleUploadedFile("fondsen.csv", emt([GOOD, SECOND]), content_type="text/csv")
    response = browser.post(reverse("products:import_list"), {"file": upload, "provider": "Acme",
                                                               "category": "investment_fund"})
    staged = ProductImport.objects.get()
    assert response["Location"] == reverse("products:import_detail", kwargs={"pk": staged.pk})
    assert staged.status == "ready"
    assert {key: staged.summary[key] for key in ("created", "updated", "unchanged", "rows")} == {
        "created": 2, "updated": 0, "unchanged": 0, "rows": 2}
    assert [item["code"] for item in staged.summary["preview"]] == ["NL0000000001", "NL0000000002"]
    assert Product.objects.count() == 0  # nothing written before confirmation
    with django_capture_on_commit_callbacks(execute=True):
        confirm = browser.post(reverse("products:import_confirm", kwargs={"pk": staged.pk}))
    job = BackgroundJob.objects.get(kind="product_import")
    assert confirm["Location"] == reverse("core:job_detail", kwargs={"pk": job.pk})
    staged.refresh_from_db()
    job.refresh_from_db()
    assert staged.status == "applied"
    assert (job.status, job.done, job.total) == ("succeeded", 2, 2)
    assert Product.objects.filter(firm=firm).count() == 2
    again = browser.post(reverse("products:import_confirm", kwargs={"pk": staged.pk}), follow=True)
    assert "Dit bestand kan niet (opnieuw) worden geïmporteerd." in again.content.decode()
    assert Product.objects.count() == 2


def test_an_invalid_upload_shows_every_problem_and_cannot_be_confirmed(login, firm, manager):
    browser = login(manager)
    upload = SimpleUploadedFile("fondsen.csv", emt([changed(GOOD, "01020", "P"), changed(SECOND, "04010", "9")]))
    browser.post(reverse("products:import_list"), {"file": upload, "provider": "Acme", "category": "investment_fund"})
    staged = ProductImport.objects.get()
    assert staged.status == "invalid"
    page = browser.get(reverse("products:import_detail", kwargs={"pk": staged.pk})).content.decode()
    assert "row 2, field 01020: &#x27;P&#x27; is not Y, N or Neutral" in page
    assert "row 3, field 04010: &#x27;9&#x27; is not a risk indicator from 1 to 7" in page
    browser.post(reverse("products:import_confirm", kwargs={"pk": staged.pk}))
    assert Product.objects.count() == 0
    assert BackgroundJob.objects.count() == 0


@pytest.mark.parametrize("role", ["adviser", "reviewer", "marketing", "client_user", "product_developer"])
def test_only_managers_and_admins_upload(request, login, firm, role):
    browser = login(request.getfixturevalue(role))
    upload = SimpleUploadedFile("fondsen.csv", emt([GOOD]))
    assert browser.post(reverse("products:import_list"), {"file": upload, "provider": "Acme",
                                                          "category": "investment_fund"}).status_code == 403
    assert ProductImport.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_template_download_is_a_valid_import(login, firm, manager):
    from klantbelang.products.importing import parse_product_file

    response = login(manager).get(reverse("products:import_template"))
    result = parse_product_file(response.content, filename="template.csv")
    assert result.problems == []
    assert result.products[0].code == "NL0012345678"


PROFILE = {"client_type": "retail", "knowledge": "basic", "ability_to_bear_loss": "limited", "loss_limit_pct": 10,
           "risk_tolerance": 3, "objectives": ["growth"], "horizon_years": 5, "service": "advice"}


def test_match_api_ranks_the_firms_shelf(client, bearer, firm, other_firm, adviser):
    ProductFactory(firm=firm, code="GOOD", ongoing_cost_pct=0.2)
    ProductFactory(firm=firm, code="RISKY", sri=6)
    ProductFactory(firm=firm, code="CLOSED", status="closed")
    ProductFactory(firm=other_firm, code="ELSEWHERE")
    response = client.post("/api/v1/match", {"profile": PROFILE}, content_type="application/json",
                           headers=bearer(adviser))
    assert response.status_code == 200
    body = response.json()
    assert [entry["code"] for entry in body] == ["GOOD", "RISKY"]
    assert body[1]["eligible"] is False
    assert body[1]["reasons"] == [{"axis": "risk", "code": "risk_above_tolerance",
                                   "text_nl": "Risicoindicator 6 ligt boven de risicotolerantie van de klant (3).",
                                   "text_en": "Risk indicator 6 is above the client's risk tolerance (3)."}]
    closed = client.post("/api/v1/match", {"profile": PROFILE, "include_closed": True, "top": 2},
                         content_type="application/json", headers=bearer(adviser)).json()
    assert [entry["code"] for entry in closed] == ["GOOD", "CLOSED"]


def test_match_api_ignores_remuneration(client, bearer, firm, adviser):
    ProductFactory(firm=firm, code="A", attributes={"commission_pct": "3.0"})
    ProductFactory(firm=firm, code="B", attributes={"commission_pct": "0"})
    body = client.post("/api/v1/match", {"profile": PROFILE}, content_type="application/json",
                       headers=bearer(adviser)).json()
    assert body[0]["score"] == body[1]["score"]
    assert [entry["code"] for entry in body] == ["A", "B"]


def test_match_api_field_errors(client, bearer, firm, adviser):
    response = client.post("/api/v1/match", {"profile": {**PROFILE, "risk_tolerance": 0, "service": "x"}},
                           content_type="application/json", headers=bearer(adviser))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "profile.service", "message": "must be one of execution_only, non_advised, advice, "
                                                "portfolio_management"},
        {"field": "profile.risk_tolerance", "message": "must be a whole number from 1 to 7"},
    ]


@pytest.mark.parametrize(("role", "status"), [("adviser", 200), ("reviewer", 200), ("manager", 200),
                                              ("marketing", 403), ("client_user", 403), ("product_developer", 403),
                                              ("admin_user", 403)])
def test_match_permission_matrix(request, client, bearer, login, firm, role, status):
    user = request.getfixturevalue(role)
    assert client.post("/api/v1/match", {"profile": PROFILE}, content_type="application/json",
                       headers=bearer(user)).status_code == status
    assert login(user).get(reverse("matching:match")).status_code == status


def test_match_page_shows_ranked_products_and_why_others_were_excluded(login, firm, adviser):
    ProductFactory(firm=firm, code="GOOD", name="Goed Fonds")
    ProductFactory(firm=firm, code="RISKY", name="Risicovol Fonds", sri=6)
    params = {"client_type": "retail", "knowledge": "basic", "ability_to_bear_loss": "limited",
              "loss_limit_pct": 10, "risk_tolerance": 3, "objectives": ["growth"], "horizon_years": 5,
              "service": "advice", "taxonomy_min_pct": 0, "sfdr_sustainable_min_pct": 0}
    response = login(adviser).get(reverse("matching:match"), params)
    assert response.status_code == 200
    assert [entry["code"] for entry in response.context["shown"]] == ["GOOD"]
    assert response.context["why"] == [
        ("risk_above_tolerance", 1, "Risicoindicator 6 ligt boven de risicotolerantie van de klant (3).")]
    bad = login(adviser).get(reverse("matching:match"), {**params, "risk_tolerance": 9})
    assert "risk_tolerance" in bad.context["form"].errors
    assert "shown" not in bad.context


def test_products_api_list_detail_and_upload(client, bearer, firm, adviser, manager,
                                             django_capture_on_commit_callbacks):
    product = ProductFactory(firm=firm, code="X1", needs_served=["wealth_building"])
    listing = client.get("/api/v1/products", {"need": "wealth_building"}, headers=bearer(adviser)).json()
    assert listing["count"] == 1
    assert listing["items"][0]["code"] == "X1"
    detail = client.get(f"/api/v1/products/{product.pk}", headers=bearer(adviser)).json()
    assert detail["negative_target_market"] == {"loss": ["none"], "objectives": ["leveraged"],
                                                "service": ["execution_only"]}
    headers = bearer(manager)
    upload = client.post("/api/v1/products/imports",
                         {"file": SimpleUploadedFile("f.csv", emt([GOOD])), "provider": "Acme"}, headers=headers)
    assert upload.status_code == 201
    staged = upload.json()
    assert staged["status"] == "ready"
    assert (staged["summary"]["created"], staged["summary"]["rows"]) == (1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(f"/api/v1/products/imports/{staged['id']}/confirm", headers=headers)
    assert confirmed.status_code == 202
    assert client.get(f"/api/v1/products/imports/{staged['id']}", headers=headers).json()["status"] == "applied"
    assert Product.objects.filter(code="NL0000000001").exists()
    denied = client.post("/api/v1/products/imports", {"file": SimpleUploadedFile("f.csv", emt([GOOD]))},
                         headers=bearer(adviser))
    assert denied.status_code == 403


def test_products_api_rejects_a_bad_filter_with_field_errors(client, bearer, firm, adviser):
    response = client.get("/api/v1/products", {"category": "rocket"}, headers=bearer(adviser))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "category"


def test_filter_products_within_the_target_market_of_a_client(login, client, bearer, firm, adviser, second_adviser):
    from klantbelang.clients.tests.factories import household

    calm = ProductFactory(firm=firm, code="CALM", sri=1)
    ProductFactory(firm=firm, code="WILD", sri=6)
    person = household(firm, adviser, data={"risk": {"loss_capacity": "limited", "loss_limit_pct": 20,
                                                     "horizon_years": 10}})
    page = login(adviser).get(reverse("products:product_list"), {"fits_client": person.pk})
    assert [product.code for product in page.context["page"]] == ["CALM"]
    api = client.get("/api/v1/products", {"fits_client": person.pk}, headers=bearer(adviser)).json()
    assert [item["id"] for item in api["items"]] == [calm.pk]
    # Someone who may not see the client cannot filter on it either.
    denied = client.get("/api/v1/products", {"fits_client": person.pk}, headers=bearer(second_adviser))
    assert denied.status_code == 422


@pytest.mark.parametrize(("fields", "errors"), [
    ({"file_format": "spreadsheet-of-2026"}, {"file_format"}),
    ({"provider": "A" * 201}, {"provider"}),
    ({"category": "casino"}, {"category"}),
])
def test_an_upload_with_bad_fields_is_refused_whole(client, bearer, firm, manager, fields, errors):
    """The API fuzzer found these reaching the database (PostgreSQL refused the long format)."""
    from klantbelang.products.models import ProductImport

    response = client.post("/api/v1/products/imports", {"file": SimpleUploadedFile("f.csv", emt([GOOD])), **fields},
                           headers=bearer(manager))
    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == errors
    assert not ProductImport.objects.exists()

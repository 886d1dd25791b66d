import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from klantbelang.clients.models import Client, domain_mask
from klantbelang.core.models import AuditEvent

from .factories import household


def test_client_list_filters_and_constant_queries(login, firm, adviser, manager, django_assert_num_queries):
    household(firm, adviser, name="Huishouden Bakker", data={"life_events": [{"type": "child", "date": "2099-01-01"}]})
    complete_enough = household(firm, adviser, name="Huishouden Visser")
    Client.objects.filter(pk=complete_enough.pk).update(missing_mask=domain_mask(["pension"]))
    browser = login(manager)
    names = lambda response: [client.name for client in response.context["page"]]  # noqa: E731
    assert names(browser.get(reverse("clients:client_list"))) == ["Huishouden Bakker", "Huishouden Visser"]
    assert names(browser.get(reverse("clients:client_list"), {"q": "bakk"})) == ["Huishouden Bakker"]
    assert names(browser.get(reverse("clients:client_list"), {"missing": "investment"})) == ["Huishouden Bakker"]
    assert names(browser.get(reverse("clients:client_list"), {"recent_life_event": "on"})) == ["Huishouden Bakker"]
    with django_assert_num_queries(7) as baseline:
        browser.get(reverse("clients:client_list"))
    for number in range(15):
        household(firm, adviser, name=f"Extra {number}")
    with django_assert_num_queries(len(baseline.captured_queries)):
        browser.get(reverse("clients:client_list"))


@pytest.mark.parametrize(("role", "list_status", "detail_status"), [
    ("adviser", 200, 200), ("second_adviser", 200, 404), ("reviewer", 200, 200), ("manager", 200, 200),
    ("admin_user", 200, 200), ("marketing", 403, 404), ("product_developer", 403, 404), ("client_user", 403, 404),
])
def test_client_pages_permission_matrix(request, login, firm, adviser, role, list_status, detail_status):
    client = household(firm, adviser)
    browser = login(request.getfixturevalue(role))
    assert browser.get(reverse("clients:client_list")).status_code == list_status
    assert browser.get(reverse("clients:client_detail", kwargs={"pk": client.pk})).status_code == detail_status
    before = AuditEvent.objects.count()
    response = browser.post(reverse("clients:section_edit", kwargs={"pk": client.pk, "section": "finances"}),
                            {"finances-savings": "5000", "version": "1", "mortgage-TOTAL_FORMS": "0",
                             "mortgage-INITIAL_FORMS": "0"})
    if role in {"adviser", "manager", "admin_user"}:
        assert response.status_code == 302
        assert client.profiles.count() == 2
    else:
        assert response.status_code in {403, 404}
        assert client.profiles.count() == 1
        assert AuditEvent.objects.count() == before


def test_inventory_step_saves_a_version_and_htmx_returns_the_section(login, firm, adviser):
    client = household(firm, adviser)
    browser = login(adviser)
    response = browser.post(reverse("clients:section_edit", kwargs={"pk": client.pk, "section": "income"}), {
        "version": "1", "income-TOTAL_FORMS": "2", "income-INITIAL_FORMS": "0",
        "income-0-person": "client", "income-0-source": "employment", "income-0-gross_yearly": "48000",
        "income-1-person": "client", "income-1-source": "employment", "income-1-gross_yearly": ""},
        headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card" id="section">')
    assert "Opgeslagen als versie 2." in body
    client.refresh_from_db()
    assert client.current_profile.data["income"] == [{"person": "client", "source": "employment",
                                                     "gross_yearly": 48000.0}]


def test_a_stale_form_is_refused_with_a_message(login, firm, adviser, manager):
    client = household(firm, adviser)
    login(manager).post(reverse("clients:section_edit", kwargs={"pk": client.pk, "section": "pension"}),
                        {"version": "1", "pension-expected_yearly": "20000"})
    response = login(adviser).post(reverse("clients:section_edit", kwargs={"pk": client.pk, "section": "pension"}),
                                   {"version": "1", "pension-expected_yearly": "25000"}, follow=True)
    assert "versie 2" in response.content.decode()
    client.refresh_from_db()
    assert client.current_profile.data["pension"]["expected_yearly"] == 20000.0


def test_an_aow_age_that_contradicts_the_birth_date_is_a_field_error(login, firm, adviser):
    # Jan Jansen, born 01-05-1980: the AOW age fixed by law for births after the table is 67 years and 3 months.
    client = household(firm, adviser)
    url = reverse("clients:section_edit", kwargs={"pk": client.pk, "section": "pension"})
    response = login(adviser).post(url, {"version": "1", "pension-aow_age": "65"})
    assert response.context["forms"]["main"].errors["aow_age"] == [
        "Bij een geboortedatum van 01-05-1980 is de AOW-leeftijd 67 jaar en 3 maanden."]
    assert client.profiles.count() == 1
    login(adviser).post(url, {"version": "1", "pension-aow_age": "67.25"})
    assert client.profiles.count() == 2


def test_bad_input_gives_field_errors_and_no_version(login, firm, adviser):
    client = household(firm, adviser)
    response = login(adviser).post(reverse("clients:section_edit", kwargs={"pk": client.pk, "section": "finances"}),
                                   {"version": "1", "finances-savings": "-5", "finances-monthly_commitments": "veel",
                                    "mortgage-TOTAL_FORMS": "0", "mortgage-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    assert set(response.context["forms"]["main"].errors) == {"savings", "monthly_commitments"}
    assert client.profiles.count() == 1


def test_portal_shows_only_the_clients_own_household(login, firm, adviser, client_user):
    own = household(firm, adviser, name="Eigen huishouden")
    other = household(firm, adviser, name="Ander huishouden")
    Client.objects.filter(pk=own.pk).update(portal_user=client_user)
    browser = login(client_user)
    page = browser.get(reverse("clients:portal"))
    assert page.status_code == 200
    assert page.context["client"] == own
    assert browser.get(reverse("clients:client_detail", kwargs={"pk": other.pk})).status_code == 404
    assert browser.get(reverse("clients:section_edit", kwargs={"pk": other.pk, "section": "income"})).status_code == 404
    assert browser.get(f"/api/v1/clients/{other.pk}").status_code == 404
    listing = browser.get("/api/v1/clients").json()
    assert [item["id"] for item in listing["items"]] == [own.pk]
    response = browser.post(reverse("clients:section_edit", kwargs={"pk": own.pk, "section": "pension"}),
                            {"version": "1", "pension-aow_age": "67.25"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.current_profile.source, own.current_profile.provenance["pension.aow_age"]["source"]) == (
        "client", "client")
    browser.post(reverse("clients:confirm", kwargs={"pk": own.pk}))
    assert own.current_profile.confirmations.get().confirmed_by == client_user


def test_version_compare_shows_what_changed(login, firm, adviser):
    client = household(firm, adviser, data={"monthly_commitments": 1200})
    response = login(adviser).get(reverse("clients:compare_versions", kwargs={"pk": client.pk}), {"a": 1, "b": 2})
    assert [(path, before, after) for path, before, after, _origin in response.context["rows"]] == [
        ("monthly_commitments", None, 1200)]


def test_need_match_ranks_products_for_that_need(login, firm, adviser):
    from klantbelang.products.shelf_generator import _target_market
    from klantbelang.products.tests.factories import ProductFactory

    insurance_market = _target_market(loss=("Y", "Y", "Y", "Y"), objectives={"hedging": "Y"},
                                      service=("Y", "Y", "Y", "Y"))
    ProductFactory(firm=firm, code="AVP", category="liability", sri=None, needs_served=["liability_cover"],
                   min_horizon_years=1.0, target_market=insurance_market)
    ProductFactory(firm=firm, code="FUND", needs_served=["wealth_building"])
    client = household(firm, adviser, data={"existing_products": [], "answered_sections": ["existing_products"]})
    index = [need["type"] for need in client.current_profile.needs].index("liability_cover")
    response = login(adviser).get(reverse("clients:need_match", kwargs={"pk": client.pk, "index": index}))
    assert response.status_code == 200
    assert response.context["profile_json"]["need_type"] == "liability_cover"
    assert [entry["code"] for entry in response.context["shown"]] == ["AVP"]
    assert sorted(code for code, _count, _example in response.context["why"]) == [
        "loss_negative", "need_not_served", "risk_above_tolerance"]


def test_api_profile_versions_and_match_profile(client, bearer, firm, adviser):
    household_client = household(firm, adviser, data={"monthly_commitments": 1000, "assets": {"savings": 500},
                                                      "answered_sections": ["existing_products"]})
    headers = bearer(adviser)
    detail = client.get(f"/api/v1/clients/{household_client.pk}", headers=headers).json()
    assert (detail["profile_version"], detail["persons"][0]["first_name"]) == (2, "Jan")
    created = client.post(f"/api/v1/clients/{household_client.pk}/profiles",
                          {"changes": {"assets": {"savings": 9000}}, "based_on_version": 2},
                          content_type="application/json", headers=headers)
    assert created.status_code == 201
    assert created.json()["version"] == 3
    stale = client.post(f"/api/v1/clients/{household_client.pk}/profiles",
                        {"changes": {"assets": {"savings": 1}}, "based_on_version": 2},
                        content_type="application/json", headers=headers)
    assert (stale.status_code, stale.json()["code"]) == (409, "conflict")
    versions = client.get(f"/api/v1/clients/{household_client.pk}/profiles", headers=headers).json()
    assert [item["version"] for item in versions] == [3, 2, 1]
    exported = client.get(f"/api/v1/clients/{household_client.pk}/profile", headers=headers).json()
    assert exported["version"] == 3
    assert set(exported["profile"]) >= {"client_type", "knowledge", "ability_to_bear_loss", "risk_tolerance",
                                        "objectives", "horizon_years", "service", "sustainability"}
    needs = client.get(f"/api/v1/clients/{household_client.pk}/needs", headers=headers).json()
    # No policies at all, answered: contents and liability cover are needs; 9.000 saved covers the buffer.
    assert [need["type"] for need in needs] == ["contents_cover", "liability_cover"]
    match = client.post("/api/v1/match", {"client_id": household_client.pk}, content_type="application/json",
                        headers=headers)
    assert match.status_code == 200


def test_api_create_client(client, bearer, firm, adviser):
    response = client.post("/api/v1/clients", {
        "name": "Huishouden de Wit", "responsible_adviser": adviser.pk,
        "persons": [{"role": "client", "first_name": "Wim", "last_name": "de Wit", "date_of_birth": "1975-02-03"}]},
        content_type="application/json", headers=bearer(adviser))
    assert response.status_code == 201
    assert response.json()["profile_version"] == 1
    bad = client.post("/api/v1/clients", {"name": "X", "responsible_adviser": adviser.pk,
                                          "persons": [{"role": "partner", "first_name": "A", "last_name": "B"}]},
                      content_type="application/json", headers=bearer(adviser))
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "persons"


WRONG_SHAPES = [
    ({"knowledge": 5}, "changes.knowledge"),
    ({"knowledge": {"levels": {"investment": "expert"}}}, "changes.knowledge.levels.investment"),
    ({"assets": 5}, "changes.assets"),
    ({"assets": {"savings": "veel"}}, "changes.assets.savings"),
    ({"assets": {"savings": -5}}, "changes.assets.savings"),
    ({"monthly_commitments": True}, "changes.monthly_commitments"),
    ({"income": {"person": "client"}}, "changes.income"),
    ({"income": [5]}, "changes.income.0"),
    ({"income": [{"person": "buurman", "source": "employment", "gross_yearly": 1}]}, "changes.income.0.person"),
    ({"risk": {"answers": {"goal": 9}}}, "changes.risk.answers.goal"),
    ({"risk": "high"}, "changes.risk"),
    ({"life_events": [{"type": "child", "date": "14-03-2026"}]}, "changes.life_events.0.date"),
    ({"mortgage_parts": [{"amount": 1, "fixed_until": 2030}]}, "changes.mortgage_parts.0.fixed_until"),
    ({"existing_products": [{"category": "spaceship"}]}, "changes.existing_products.0.category"),
    ({"person_details": {"kind": {"work_years": 3}}}, "changes.person_details.kind"),
    ({"sustainability": {"taxonomy_min_pct": 150}}, "changes.sustainability.taxonomy_min_pct"),
    ({"shoe_size": 43}, "changes.shoe_size"),
]


@pytest.mark.parametrize(("changes", "field"), WRONG_SHAPES, ids=[field for _changes, field in WRONG_SHAPES])
def test_a_wrong_shape_is_a_field_error_and_stores_nothing(client, bearer, firm, adviser, client_user, changes,
                                                           field):
    """Regression: change sets were stored unvalidated; 18 of 32 wrong shapes were a 500 at once, and
    ``{"knowledge": 5}`` from the portal client was stored and broke the profile, the match and the
    page to repair it."""
    household_client = household(firm, adviser)
    Client.objects.filter(pk=household_client.pk).update(portal_user=client_user)
    audit = AuditEvent.objects.count()
    for user in (adviser, client_user):
        answer = client.post(f"/api/v1/clients/{household_client.pk}/profiles", data={"changes": changes},
                             content_type="application/json", headers=bearer(user))
        assert answer.status_code == 422
        assert [error["field"] for error in answer.json()["errors"]] == [field]
    assert household_client.profiles.count() == 1
    assert AuditEvent.objects.count() == audit + 2  # the two tokens issued, nothing else


def test_the_field_errors_speak_the_readers_language(client, bearer, firm, adviser):
    household_client = household(firm, adviser)
    answer = client.post(f"/api/v1/clients/{household_client.pk}/profiles", data={"changes": {"knowledge": 5}},
                         content_type="application/json", headers={**bearer(adviser), "Accept-Language": "nl"})
    assert answer.json()["errors"] == [{"field": "changes.knowledge", "message": "Dit moet een groep velden zijn."}]


def _household_with_email(firm, adviser):
    return household(firm, adviser, persons=[{"role": "client", "first_name": "Jan", "last_name": "Jansen",
                                              "email": "jan@example.nl"}])


def _edit_email(browser, household_client, email):
    person = household_client.persons.get()
    return browser.post(reverse("clients:person_edit", args=[household_client.pk, person.pk]), {
        "role": "client", "first_name": "Jan", "last_name": "Jansen", "email": email})


def test_an_adviser_cannot_become_the_client_by_changing_the_address(login, firm, adviser, mailoutbox,
                                                                     django_capture_on_commit_callbacks):
    """Regression: an adviser changed a person's e-mail to their own, sent the invitation to it, set
    the password and accepted advice as the client. Now the old address stays in force until the
    person confirms the new one from it, or a second member of staff does."""
    from klantbelang.clients import services

    household_client = _household_with_email(firm, adviser)
    browser = login(adviser)
    with django_capture_on_commit_callbacks(execute=True):
        assert _edit_email(browser, household_client, "adviseur.prive@example.org").status_code == 302
    person = household_client.persons.get()
    assert (person.email, person.email_pending, person.email_pending_by) == (
        "jan@example.nl", "adviseur.prive@example.org", adviser)
    assert [message.to for message in mailoutbox] == [["jan@example.nl"]]  # the link goes to the old address
    services.invite_client(client=household_client, person=person, by=adviser, base_url="http://testserver")
    assert Client.objects.get(pk=household_client.pk).portal_user.email == "jan@example.nl"
    with pytest.raises(PermissionDenied):  # the one who entered it cannot confirm it
        services.confirm_email_change(person=person, by=adviser)
    assert AuditEvent.objects.filter(action="person.email_change_requested").count() == 1
    assert not AuditEvent.objects.filter(action="person.email_changed").exists()


def test_the_old_address_or_a_second_colleague_confirms_the_new_one(login, client, firm, adviser, manager,
                                                                   mailoutbox, django_capture_on_commit_callbacks):
    household_client = _household_with_email(firm, adviser)
    with django_capture_on_commit_callbacks(execute=True):
        _edit_email(login(adviser), household_client, "jan.nieuw@example.nl")
    link = next(line for line in mailoutbox[0].body.splitlines() if "/email/confirm/" in line)
    path = link.split("testserver", 1)[1]
    assert client.get(path).status_code == 200  # a page that asks; a scanner following the link changes nothing
    assert household_client.persons.get().email == "jan@example.nl"
    assert client.post(path).status_code == 200
    person = household_client.persons.get()
    assert (person.email, person.email_pending) == ("jan.nieuw@example.nl", "")
    assert AuditEvent.objects.get(action="person.email_changed").changes["confirmed_by"]["after"] == "old_address"
    assert client.post(path).status_code == 404  # used once
    _edit_email(login(adviser), household_client, "jan.derde@example.nl")
    page = login(manager).get(reverse("clients:person_edit", args=[household_client.pk, person.pk]))
    assert page.context["may_confirm_email"] is True
    login(manager).post(reverse("clients:person_email_confirm", args=[household_client.pk, person.pk]))
    assert household_client.persons.get().email == "jan.derde@example.nl"
    assert AuditEvent.objects.filter(action="person.email_changed").latest("pk").changes["confirmed_by"] == {
        "before": None, "after": manager.email}


def test_the_client_changes_their_own_address_at_once(login, firm, adviser, client_user):
    household_client = _household_with_email(firm, adviser)
    Client.objects.filter(pk=household_client.pk).update(portal_user=client_user)
    _edit_email(login(client_user), household_client, "jan.zelf@example.nl")
    assert household_client.persons.get().email == "jan.zelf@example.nl"


def test_confirmed_by_names_who_confirmed(login, client, bearer, firm, adviser, client_user):
    """Regression: staff confirming a profile was shown as "confirmed by the client"."""
    from klantbelang.clients import services

    household_client = household(firm, adviser)
    Client.objects.filter(pk=household_client.pk).update(portal_user=client_user)
    household_client = Client.objects.select_related("current_profile__client").get(pk=household_client.pk)
    services.confirm_profile(profile=household_client.current_profile, by=adviser)
    page = login(adviser).get(reverse("clients:client_detail", args=[household_client.pk])).content.decode()
    assert f"bevestigd door {adviser.full_name} namens de klant" in page
    assert "bevestigd door de klant" not in page
    versions = client.get(f"/api/v1/clients/{household_client.pk}/profiles", headers=bearer(adviser)).json()
    assert (versions[0]["confirmed"], versions[0]["confirmed_by"]) == (False, [adviser.email])
    services.confirm_profile(profile=household_client.current_profile, by=client_user)
    versions = client.get(f"/api/v1/clients/{household_client.pk}/profiles", headers=bearer(adviser)).json()
    assert (versions[0]["confirmed"], sorted(versions[0]["confirmed_by"])) == (
        True, sorted([adviser.email, client_user.email]))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_saving_a_person_unchanged_keeps_the_date_of_birth(login, firm, adviser, language):
    """Regression (data loss): the Dutch form rendered <input type=date value="14-03-1988">, which a
    browser shows empty and submits empty, so saving a person unchanged erased the birth date."""
    import datetime
    import re

    household_client = household(firm, adviser, persons=[
        {"role": "client", "first_name": "Jan", "last_name": "Jansen", "date_of_birth": datetime.date(1988, 3, 14)}])
    person = household_client.persons.get()
    browser = login(adviser)
    browser.cookies["django_language"] = language
    url = reverse("clients:person_edit", args=[household_client.pk, person.pk])
    page = browser.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    (value,) = re.findall(r'<input type="date" name="date_of_birth" value="([^"]*)"', page)
    assert value == "1988-03-14"  # what a date picker can show, in either language
    form = {"role": "client", "first_name": "Jan", "last_name": "Jansen", "date_of_birth": value}
    assert browser.post(url, form, HTTP_ACCEPT_LANGUAGE=language).status_code == 302
    assert household_client.persons.get().date_of_birth == datetime.date(1988, 3, 14)


def test_every_date_picker_speaks_iso(login, firm, adviser):
    """The inventory's dated rows (life events, mortgage parts, policies) render ISO in Dutch too."""
    import re

    household_client = household(firm, adviser, data={
        "life_events": [{"type": "child", "date": "2025-02-03"}],
        "mortgage_parts": [{"amount": 200000, "rate_pct": 3.5, "fixed_until": "2031-05-01", "repayment": "annuity"}]})
    browser = login(adviser)
    values = []
    for section in ("life_events", "finances"):
        page = browser.get(reverse("clients:section_edit", args=[household_client.pk, section])).content.decode()
        values += re.findall(r'<input type="date"[^>]*value="([^"]+)"', page)
    assert sorted(values) == ["2025-02-03", "2031-05-01"]


@pytest.mark.parametrize(("language", "lead", "staff_heading"), [
    ("nl", "Uw dossier bij Demo Advies", "Uw rollen"), ("en", "Your file at Demo Advies", "Your roles")])
def test_the_portal_speaks_to_the_client_and_asks_each_question_once(login, firm, adviser, client_user, language,
                                                                      lead, staff_heading):
    """Regression: a client's home explained what the tool does for a firm and listed "Your roles:
    Client", and the portal opened with every missing item once per domain (38 lines)."""
    household_client = household(firm, adviser)
    Client.objects.filter(pk=household_client.pk).update(portal_user=client_user)
    browser = login(client_user)
    browser.cookies["django_language"] = language
    home = browser.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "data-client-home" in home
    assert lead in home
    assert staff_heading not in home
    missing = household_client.current_profile.missing
    per_domain = sum(len(items) for items in missing.values())
    distinct = {item["field"] for items in missing.values() for item in items}
    assert per_domain > len(distinct)  # the same question is asked for several domains
    page = browser.get(reverse("clients:portal"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'data-missing-count="{len(distinct)}"' in page
    fields = re.findall(r'<li data-field="([^"]+)"', page)
    assert sorted(fields) == sorted(distinct)  # each once
    # Staff still see the table per domain.
    staff = login(adviser).get(reverse("clients:client_detail", args=[household_client.pk])).content.decode()
    assert len(re.findall(r'<li data-field="', staff)) == per_domain

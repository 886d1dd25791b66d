"""The planning core as people reach it: the household's Financiële analyse page, the API (posted and
stored households) and manage.py plan."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klantbelang.accounts.tests.factories import member
from klantbelang.clients import services
from klantbelang.clients.models import NeedsProfile
from klantbelang.clients.queries import plan_input
from klantbelang.core.models import AuditEvent, BackgroundJob

from .factories import household

TODAY = datetime.date(2026, 12, 1)
COUPLE = [
    {"role": "client", "first_name": "Jan", "last_name": "Jansen", "date_of_birth": datetime.date(1990, 3, 15),
     "employment": "employment", "relationship_status": "married"},
    {"role": "partner", "first_name": "Eva", "last_name": "Jansen", "date_of_birth": datetime.date(1991, 6, 1),
     "employment": "employment", "relationship_status": "married"},
    {"role": "dependant", "first_name": "Sem", "last_name": "Jansen", "date_of_birth": datetime.date(2019, 5, 1)},
]
PROFILE = {
    "income": [{"person": "client", "source": "employment", "gross_yearly": 64_000},
               {"person": "partner", "source": "employment", "gross_yearly": 30_000}],
    "assets": {"savings": 15_000, "investments": 0, "home_value": 450_000, "other": 0},
    "mortgage_parts": [{"amount": 300_000, "rate_pct": 3.9, "fixed_until": "2033-12-01", "repayment": "annuity"}],
    "monthly_commitments": 2_500,
    "pension": {"employer_scheme": True, "expected_yearly": 21_000, "aow_age": 67.25, "annuities": 0},
    "existing_products": [{"category": "liability", "provider": "P"}, {"category": "home", "provider": "V"},
                          {"category": "term_life", "provider": "Z", "cover": 100_000}],
    "answered_sections": ["existing_products"],
}
HOUSEHOLD = {"reference_date": "2026-12-01", "situation": "single",
             "persons": [{"id": "p1", "birth_date": "1990-03-15", "employment_income": 64_000, "pensions": [],
                          "cover": {"term_life": 0, "disability_benefit_year": 0}}], "home": None}


@pytest.fixture
def couple(firm, adviser):
    return household(firm, adviser, persons=COUPLE, data=PROFILE, today=TODAY)


def test_stored_profile_becomes_the_planning_input(couple):
    data = plan_input(client=couple, profile=couple.current_profile, persons=list(couple.persons.all()), today=TODAY)
    assert data["situation"] == "married"
    assert [(person["id"], person["employment_income"], person["birth_date"]) for person in data["persons"]] == [
        ("client", 64_000, "1990-03-15"), ("partner", 30_000, "1991-06-01")]
    # The household-level pension of the old inventory is read as the client's own; the partner's is asked.
    assert data["persons"][0]["pensions"] == [{"projected_year": 21_000}]
    assert "pensions" not in data["persons"][1]
    assert data["persons"][0]["cover"] == {"term_life": 100_000, "disability_benefit_year": 0}
    assert data["children"] == [{"birth_date": "2019-05-01"}]
    assert data["home"]["market_value"] == 450_000
    assert data["mortgage"][0]["amount"] == 300_000
    assert round(data["mortgage"][0]["fixed_years_left"], 2) == 7.0
    assert data["covers"] == {"home": True, "contents": True, "liability": True}


@pytest.mark.parametrize(("language", "title", "need"), [("nl", "Financiële analyse", "Dekking bij overlijden"),
                                                          ("en", "Financial analysis", "Cover on death")])
def test_analysis_page_in_both_languages(login, manager, couple, language, title, need):
    browser = login(manager)
    browser.post(reverse("accounts:switch_language"), {"language": language, "next": "/"})
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(reverse("clients:analysis", args=[couple.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert title in body
    assert need in body
    assert "need_type" not in body
    assert "pension_gap" not in body.replace('id="retirement"', "")
    assert set(response.context["plan"]["scenarios"]) == {
        "retirement", "death_client", "death_partner", "disability_client", "disability_partner",
        "unemployment_client", "unemployment_partner"}
    assert len(queries) <= 12
    if language == "nl":
        assert "Overlijden van Jan Jansen" in body
        assert "15-06-2057" in body  # Jan's AOW date in the Dutch date format
        assert "€ 14.378,64" in body
    else:
        assert "Death of Jan Jansen" in body


def test_analysis_page_is_the_households_own(login, other_firm_adviser, couple, adviser):
    assert login(other_firm_adviser).get(reverse("clients:analysis", args=[couple.pk])).status_code == 404
    assert login(adviser).get(reverse("clients:analysis", args=[couple.pk])).status_code == 200


def test_analysis_page_without_a_date_of_birth_says_what_is_missing(login, manager, firm, adviser):
    client = household(firm, adviser, persons=[{"role": "client", "first_name": "A", "last_name": "B"}])
    response = login(manager).get(reverse("clients:analysis", args=[client.pk]))
    assert response.status_code == 200
    assert response.context["plan"] is None


def test_post_plan_matches_the_command(client, bearer, adviser, tmp_path, capsys):
    headers = bearer(adviser)
    events = AuditEvent.objects.count()
    response = client.post("/api/v1/plan", data=json.dumps(HOUSEHOLD), content_type="application/json",
                           headers=headers)
    assert response.status_code == 200
    path = tmp_path / "household.json"
    path.write_text(json.dumps(HOUSEHOLD))
    call_command("plan", "--household", str(path), "--format", "json")
    assert json.loads(capsys.readouterr().out) == response.json()
    assert response.json()["max_mortgage"]["max_loan"] == 261_401.48
    assert AuditEvent.objects.count() == events  # nothing is stored


def test_post_plan_refuses_impossible_input_with_the_field(client, bearer, adviser):
    bad = {**HOUSEHOLD, "persons": [{**HOUSEHOLD["persons"][0], "birth_date": "2031-01-01"}]}
    response = client.post("/api/v1/plan", data=json.dumps(bad), content_type="application/json",
                           headers={**bearer(adviser), "Accept-Language": "en"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert [error["field"] for error in response.json()["errors"]] == ["persons.p1.birth_date"]


@pytest.mark.parametrize("role", ["marketing", "product_developer", "client_user"])
def test_post_plan_is_for_staff_working_on_files(client, bearer, request, role):
    user = request.getfixturevalue(role)
    response = client.post("/api/v1/plan", data=json.dumps(HOUSEHOLD), content_type="application/json",
                           headers=bearer(user))
    assert response.status_code == 403


def test_stored_household_plan_through_the_api(client, bearer, manager, other_firm_adviser, couple):
    response = client.get(f"/api/v1/clients/{couple.pk}/plan", headers=bearer(manager))
    assert response.status_code == 200
    body = response.json()
    assert (body["client_id"], body["parameters"], body["profile_version"]) == (couple.pk, "NL-2026", 2)
    assert [person["id"] for person in body["persons"]] == ["client", "partner"]
    assert client.get(f"/api/v1/clients/{couple.pk}/plan", headers=bearer(other_firm_adviser)).status_code == 404


def test_command_exits_2_naming_the_field(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**HOUSEHOLD, "mortgage": [{"amount": 100_000}]}))
    with pytest.raises(CommandError) as refused:
        call_command("plan", "--household", str(path))
    assert refused.value.returncode == 2
    assert "mortgage" in str(refused.value)


def test_command_table(tmp_path, capsys):
    path = tmp_path / "household.json"
    path.write_text(json.dumps(HOUSEHOLD))
    call_command("plan", "--household", str(path), "--format", "table")
    out = capsys.readouterr().out
    assert "AOW from 2057-06-15" in out
    assert "Maximum mortgage € 261.401" in out


def test_saved_profile_needs_come_from_the_plan_with_its_parameter_set(firm, adviser, couple):
    profile = couple.current_profile
    assert profile.derived["plan"]["parameters"] == "NL-2026"
    # Jan's death: Eva cannot carry the mortgage alone, and 100.000 of term life is on Jan's life.
    needs = {(need["type"], need["person"]): need for need in profile.needs}
    assert set(needs) >= {("death_cover", "client"), ("death_cover", "partner")}
    assert needs[("death_cover", "client")]["domain"] == "life"
    assert "persons.partner.pensions" in {item["field"] for item in profile.derived["plan"]["to_ask"]}


def test_buying_a_home_is_a_mortgage_need_and_a_fixed_rate_ending_soon_is_one_too(firm, adviser):
    client = household(firm, adviser, persons=COUPLE[:1], today=TODAY, data={
        "objectives": [{"type": "buy_home", "horizon_years": 2, "target_amount": 350_000, "priority": "need",
                        "funded": False}],
        "assets": {"home_value": 300_000},
        "mortgage_parts": [{"amount": 150_000, "rate_pct": 2.1, "fixed_until": "2027-06-01"},
                           {"amount": 50_000, "rate_pct": 2.1, "fixed_until": "2029-06-01"}]})
    kinds = [(need["type"], need["amount"], need["domain"]) for need in client.current_profile.needs
             if need["type"].startswith("mortgage")]
    assert kinds == [("mortgage_financing", 350_000.0, "mortgage"), ("mortgage_rate_reset", 150_000, "mortgage")]
    reset = next(need for need in client.current_profile.needs if need["type"] == "mortgage_rate_reset")
    assert reset["reason_nl"] == "De rentevaste periode van een leningdeel van € 150.000 eindigt op 01-06-2027."


def _stale(client):
    """A version whose needs were derived before (here: none recorded), as after a change of year."""
    client.refresh_from_db()
    current = client.current_profile
    stale = NeedsProfile.objects.create(client=client, version=current.version + 1, data=current.data,
                                        provenance=current.provenance, derived={"plan": {"parameters": "NL-2025"}},
                                        needs=[], missing=current.missing, source="import")
    client.current_profile = stale
    client.save(update_fields=["current_profile"])
    return stale


def test_replan_writes_a_version_for_households_whose_needs_changed_only(firm, manager, adviser, couple):
    unchanged = household(firm, adviser, name="Huishouden Smit", persons=COUPLE, data=PROFILE, today=TODAY)
    stale = _stale(couple)
    events = AuditEvent.objects.filter(action="profile.replanned").count()
    outcome = services.replan_book(firm=firm, by=manager, parameter_set="NL-2026", today=TODAY)
    assert (outcome["households"], [item["reference"] for item in outcome["changed"]]) == (2, [couple.reference])
    assert outcome["changed"][0]["before"] == []
    couple.refresh_from_db()
    assert couple.current_profile.version == stale.version + 1
    assert couple.current_profile.data == stale.data
    assert couple.current_profile.derived["plan"]["parameters"] == "NL-2026"
    assert {need["type"] for need in couple.current_profile.needs} >= {"death_cover"}
    assert unchanged.profiles.count() == 2  # its needs were already these: nothing written
    assert AuditEvent.objects.filter(action="profile.replanned").count() == events + 1
    again = services.replan_book(firm=firm, by=manager, parameter_set="NL-2026", today=TODAY)
    assert again["changed"] == []


def test_replan_is_for_managers_and_changes_nothing_for_others(firm, adviser, couple):
    stale = _stale(couple)
    with pytest.raises(PermissionDenied):
        services.replan_book(firm=firm, by=adviser, parameter_set="NL-2026", today=TODAY)
    couple.refresh_from_db()
    assert couple.current_profile == stale


def test_replan_page_runs_a_job_with_progress_and_lists_the_changes(login, firm, manager, couple,
                                                                     django_capture_on_commit_callbacks):
    _stale(couple)
    browser = login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("clients:replan"), {"parameters": "NL-2026"})
    job = BackgroundJob.objects.get(kind="replan")
    assert response.url == reverse("core:job_detail", args=[job.pk])
    assert (job.status, job.total, job.done) == ("succeeded", 1, 1)
    assert [item["reference"] for item in job.result["changed"]] == [couple.reference]
    page = browser.get(reverse("clients:replan"))
    assert couple.name in page.content.decode()
    assert login(member(firm, "adviser")).get(reverse("clients:replan")).status_code == 403


def test_replan_api_and_command(client, bearer, firm, manager, couple, capsys, django_capture_on_commit_callbacks):
    _stale(couple)
    headers = bearer(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/replan", data=json.dumps({"parameters": "NL-2026"}),
                               content_type="application/json", headers=headers)
    assert response.status_code == 202
    assert BackgroundJob.objects.get(pk=response.json()["job_id"]).result["households"] == 1
    unknown = client.post("/api/v1/replan", data=json.dumps({"parameters": "NL-1999"}),
                          content_type="application/json", headers=headers)
    assert unknown.status_code == 422
    _stale(couple)
    call_command("replan", "--firm", firm.slug)
    out = capsys.readouterr().out
    assert f"{couple.reference}  {couple.name}" in out
    assert "1 households planned under NL-2026; 1 with changed needs." in out
    with pytest.raises(CommandError):
        call_command("replan", "--firm", "no-such-firm")


def _section_post(browser, client, section):
    """The section's form as the page renders it, posted back unchanged."""
    page = browser.get(reverse("clients:section_edit", args=[client.pk, section]))
    data = {"version": client.current_profile.version}
    for form in page.context["forms"].values():
        forms = [form.management_form, *form.forms] if hasattr(form, "management_form") else [form]
        for each in forms:
            for field in each:
                value = field.value()
                if value is None or value is False:
                    continue
                data[field.html_name] = list(value) if isinstance(value, list | tuple) else value
    return browser.post(reverse("clients:section_edit", args=[client.pk, section]), data)


def test_pension_section_per_person_feeds_the_plan_and_an_unchanged_save_changes_nothing(login, firm, adviser):
    client = household(firm, adviser, persons=COUPLE, today=TODAY, data={**PROFILE, "pension": {}})
    browser = login(adviser)
    url = reverse("clients:section_edit", args=[client.pk, "pension"])
    response = browser.post(url, {
        "version": client.current_profile.version,
        "pension-employer_scheme": "yes",
        "pensions-TOTAL_FORMS": "2", "pensions-INITIAL_FORMS": "0",
        "pensions-0-person": "client", "pensions-0-provider": "ABP", "pensions-0-projected_year": "21000",
        "pensions-0-partner_pension_year": "14700",
        "pensions-1-person": "partner", "pensions-1-provider": "PFZW", "pensions-1-projected_year": "8000",
        "details-TOTAL_FORMS": "2", "details-INITIAL_FORMS": "0",
        "details-0-person": "client", "details-0-employer_covers_wia_excess": "no",
        "details-0-employer_covers_wga_gap": "yes", "details-0-work_years": "12",
        "details-1-person": "partner", "details-1-employer_covers_wga_gap": "no"})
    assert response.status_code in {200, 302}
    client.refresh_from_db()
    data = client.current_profile.data
    assert data["pensions"] == [
        {"person": "client", "provider": "ABP", "projected_year": 21000.0, "partner_pension_year": 14700.0},
        {"person": "partner", "provider": "PFZW", "projected_year": 8000.0}]
    assert data["person_details"] == {"client": {"employer_covers_wia_excess": False, "employer_covers_wga_gap": True,
                                                 "work_years": 12},
                                      "partner": {"employer_covers_wga_gap": False}}
    planned = plan_input(client=client, profile=client.current_profile, persons=list(client.persons.all()),
                         today=TODAY)
    assert planned["persons"][1]["pensions"] == [{"projected_year": 8000.0, "provider": "PFZW"}]
    assert planned["persons"][0]["employer_covers_wia_excess"] is False
    # Target 70 % × 94.000 = 65.800; AOW 2 × 14.378,64 + pensions 29.000 = 57.757,28: a gap of 8.042,72.
    assert [need["amount"] for need in client.current_profile.needs if need["type"] == "pension_gap"] == [8042.72]
    # The partner's employer did not insure the WGA gap: 0,7 × 30.000 − 19.272,96 = 1.727,04.
    assert [(need["person"], need["amount"]) for need in client.current_profile.needs
            if need["type"] == "wga_gap"] == [("partner", 1727.04)]
    version = client.current_profile.version
    for language in ("nl", "en"):
        browser.post(reverse("accounts:switch_language"), {"language": language, "next": "/"})
        _section_post(browser, client, "pension")
        client.refresh_from_db()
        assert client.current_profile.version == version


@pytest.mark.parametrize(("born", "message"), [
    ("2031-01-01", "Een geboortedatum kan niet in de toekomst liggen."),
    ("1850-06-01", "Een geboortedatum vóór 1900 kan niet kloppen."),
    ("1970-01-01", "Een kind kan niet ouder zijn dan een ouder."),
])
def test_person_form_refuses_impossible_birth_dates_and_stores_nothing(login, firm, adviser, couple, born, message):
    child = couple.persons.get(role="dependant")
    versions, events = couple.profiles.count(), AuditEvent.objects.count()
    response = login(adviser).post(reverse("clients:person_edit", args=[couple.pk, child.pk]), {
        "role": "dependant", "first_name": "Sem", "last_name": "Jansen", "date_of_birth": born})
    assert response.status_code == 200
    assert response.context["form"].errors["date_of_birth"] == [message]
    child.refresh_from_db()
    assert child.date_of_birth == datetime.date(2019, 5, 1)
    assert (couple.profiles.count(), AuditEvent.objects.count()) == (versions, events)


def test_api_refuses_a_household_whose_child_is_older_than_its_parent(client, bearer, adviser):
    response = client.post("/api/v1/clients", data=json.dumps({
        "name": "Huishouden Fout", "responsible_adviser": adviser.pk, "persons": [
            {"role": "client", "first_name": "A", "last_name": "B", "date_of_birth": "1990-01-01"},
            {"role": "dependant", "first_name": "C", "last_name": "B", "date_of_birth": "1985-01-01"}]}),
        content_type="application/json", headers={**bearer(adviser), "Accept-Language": "en"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "date_of_birth",
                                          "message": "A child cannot be older than a parent."}]


def test_batch_on_the_demo_generators_book():
    """The planning batch gives the per-household reference's needs on 300 households of the demo
    generator, read through the pages' mapping."""
    import random

    from klantbelang.clients.household_generator import household as generated
    from klantbelang.clients.models import Client, Person
    from klantbelang.planning import parse_household
    from klantbelang.planning.tests.test_batch import assert_same

    rng = random.Random(5)
    book = []
    for number in range(300):
        _name, persons, data = generated(rng, TODAY, number)
        people = [Person(role=person["role"], first_name=person["first_name"], last_name=person["last_name"],
                         date_of_birth=person.get("date_of_birth"),
                         relationship_status=person.get("relationship_status", "")) for person in persons]
        book.append(parse_household(plan_input(client=Client(), profile=NeedsProfile(data=data), persons=people,
                                               today=TODAY)))
    assert_same(book)


def test_stored_plan_of_a_household_without_a_date_of_birth_is_a_409_that_says_why(client, bearer, firm, adviser):
    household_client = household(firm, adviser, persons=[{"role": "client", "first_name": "A", "last_name": "B"}])
    response = client.get(f"/api/v1/clients/{household_client.pk}/plan", headers=bearer(adviser))
    assert response.status_code == 409
    assert response.json() == {"code": "plan_unavailable", "message": (
        "Het huishouden heeft nog geen profiel of geen volwassene met een geboortedatum.")}


def test_household_page_names_the_priority_in_words(login, adviser, couple):
    body = login(adviser).get(reverse("clients:client_detail", args=[couple.pk])).content.decode()
    assert "<td>Dekking bij overlijden voor nabestaanden</td><td>noodzakelijk</td>" in body
    assert "<td>need</td>" not in body

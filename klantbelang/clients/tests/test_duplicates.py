"""A household already on file is named before a second one is made: same last name and date of
birth of an adult, and the same postcode unless either has none. Postcodes are Dutch or Belgian."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from klantbelang.clients import services
from klantbelang.clients.models import Client
from klantbelang.core.models import AuditEvent

from .factories import household

BORN = datetime.date(1980, 5, 1)


def _jansen(firm, adviser, *, postcode="3581 KP", name="Huishouden Jansen", last_name="Jansen", born=BORN):
    return services.create_client(firm=firm, by=None, name=name, responsible_adviser=adviser, postcode=postcode,
                                  persons=[{"role": "client", "first_name": "Jan", "last_name": last_name,
                                            "date_of_birth": born}])


def _duplicates(firm, *, last_name="Jansen", born=BORN, postcode="", role="client"):
    persons = [{"role": role, "first_name": "J.", "last_name": last_name, "date_of_birth": born}]
    return [item.reference for item in Client.objects.possible_duplicates(firm=firm, persons=persons,
                                                                          postcode=postcode)]


@pytest.mark.parametrize(("typed", "stored"), [
    ("3581kp", "3581 KP"), (" 3581  kp ", "3581 KP"), ("3581 KP", "3581 KP"), ("1000", "1000"), ("", ""),
])
def test_postcodes_are_stored_the_way_the_post_writes_them(typed, stored):
    assert services.normal_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["0581 KP", "3581 SS", "3581 SA", "358 KP", "35811", "3581 K", "AB 3581", "0999"])
def test_other_postcodes_are_a_field_error(typed):
    with pytest.raises(ValidationError) as refused:
        services.normal_postcode(typed)
    assert list(refused.value.message_dict) == ["postcode"]


def test_the_same_last_name_and_date_of_birth_is_a_possible_duplicate(firm, adviser, other_firm_adviser):
    jansen = _jansen(firm, adviser)
    assert jansen.reference == "K000001"
    assert _duplicates(firm) == ["K000001"]  # no postcode given: the name and the date decide
    assert _duplicates(firm, last_name="JANSEN ") == ["K000001"]  # any case, spaces trimmed
    assert _duplicates(firm, postcode="3581 KP") == ["K000001"]
    assert _duplicates(firm, role="partner") == ["K000001"]
    assert _duplicates(firm, postcode="3811 AB") == []  # somebody else of that name and age, elsewhere
    assert _duplicates(firm, born=datetime.date(1980, 5, 2)) == []
    assert _duplicates(firm, last_name="Janssen") == []
    assert _duplicates(firm, role="dependant") == []  # a child of that name is not the adult on file
    assert _duplicates(firm, born=None) == []  # without a date of birth nothing can be told
    assert _duplicates(other_firm_adviser.firm) == []  # another firm's households are never searched


def test_a_household_without_postcode_still_matches_one_with(firm, adviser):
    _jansen(firm, adviser, postcode="")
    assert _duplicates(firm, postcode="3581 KP") == ["K000001"]


def test_an_erased_household_is_no_duplicate(firm, adviser):
    jansen = _jansen(firm, adviser)
    Client.objects.filter(pk=jansen.pk).update(erased_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC))
    assert _duplicates(firm) == []


def _form(**extra):
    return {"name": "Huishouden Jansen", "first_name": "Jan", "last_name": "Jansen", "date_of_birth": "1980-05-01",
            "postcode": "3581kp", **extra}


@pytest.mark.parametrize(("language", "warning", "anyway"), [
    ("nl", "Dit huishouden staat mogelijk al in het bestand.", "Dit is een ander huishouden: toch aanmaken"),
    ("en", "This household may already be on file.", "This is another household: create it anyway"),
])
def test_the_new_client_page_names_the_household_on_file_and_creates_nothing(login, firm, adviser, second_adviser,
                                                                            language, warning, anyway):
    # The household on file is a colleague's, which this adviser may not open: named, not linked.
    existing = _jansen(firm, second_adviser)
    browser = login(adviser)
    browser.cookies["django_language"] = language
    before = (Client.objects.count(), AuditEvent.objects.count())
    page = browser.post(reverse("clients:client_create"), _form(responsible_adviser=adviser.pk),
                        HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    text = page.content.decode()
    assert warning in text
    assert 'data-duplicate="K000001"' in text
    assert "K000001 · Huishouden Jansen · 3581 KP" in text
    assert reverse("clients:client_detail", args=[existing.pk]) not in text
    assert anyway in text
    assert (Client.objects.count(), AuditEvent.objects.count()) == before
    # Confirmed: the second household is made, with the postcode as the post writes it.
    created = browser.post(reverse("clients:client_create"), _form(responsible_adviser=adviser.pk, create_anyway="on"),
                           HTTP_ACCEPT_LANGUAGE=language)
    assert created.status_code == 302
    second = Client.objects.get(reference="K000002")
    assert second.postcode == "3581 KP"
    audit = AuditEvent.objects.get(action="client.created", object_id=str(second.pk))
    assert audit.changes["postcode"] == {"before": None, "after": "3581 KP"}


def test_a_household_on_file_that_the_user_may_open_is_linked(login, firm, adviser):
    existing = _jansen(firm, adviser)
    text = login(adviser).post(reverse("clients:client_create"), _form(responsible_adviser=adviser.pk)).content.decode()
    assert reverse("clients:client_detail", args=[existing.pk]) in text


def test_a_new_household_without_a_match_is_created_at_once(login, firm, adviser):
    household(firm, adviser)  # Jan Jansen, 1980-05-01, no postcode
    page = login(adviser).post(reverse("clients:client_create"), _form(
        responsible_adviser=adviser.pk, last_name="de Wit", name="Huishouden de Wit"))
    assert page.status_code == 302
    assert Client.objects.filter(name="Huishouden de Wit", postcode="3581 KP").count() == 1


def test_a_wrong_postcode_on_the_page_is_a_field_error_and_saves_nothing(login, firm, adviser):
    page = login(adviser).post(reverse("clients:client_create"), _form(responsible_adviser=adviser.pk,
                                                                       postcode="3581 SS"))
    assert page.status_code == 200
    assert "Vul een Nederlandse postcode (1234 AB) of een Belgische (1000) in." in page.content.decode()
    assert not Client.objects.exists()


def _api_payload(**extra):
    return {"name": "Huishouden Jansen", "responsible_adviser": None, "postcode": "3581 kp",
            "persons": [{"role": "client", "first_name": "Jan", "last_name": "Jansen", "date_of_birth": "1980-05-01"}],
            **extra}


def test_the_api_refuses_a_possible_duplicate_with_409_unless_told(client, bearer, firm, adviser):
    _jansen(firm, adviser)
    headers = bearer(adviser)  # issuing the token is audited itself
    before = (Client.objects.count(), AuditEvent.objects.count())
    refused = client.post("/api/v1/clients", _api_payload(responsible_adviser=adviser.pk),
                          content_type="application/json", headers=headers)
    assert refused.status_code == 409
    assert refused.json()["code"] == "possible_duplicate"
    assert "K000001" in refused.json()["message"]
    assert (Client.objects.count(), AuditEvent.objects.count()) == before
    created = client.post("/api/v1/clients", _api_payload(responsible_adviser=adviser.pk, allow_duplicate=True),
                          content_type="application/json", headers=headers)
    assert created.status_code == 201
    assert (created.json()["reference"], created.json()["postcode"]) == ("K000002", "3581 KP")


def test_the_api_answers_a_wrong_postcode_with_a_field_error(client, bearer, firm, adviser):
    answer = client.post("/api/v1/clients", _api_payload(responsible_adviser=adviser.pk, postcode="12345"),
                         content_type="application/json", headers=bearer(adviser))
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "postcode"
    assert not Client.objects.exists()

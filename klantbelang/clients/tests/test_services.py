import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klantbelang.clients import services
from klantbelang.clients.models import Client, NeedsProfile, ProfileLocked
from klantbelang.core.errors import Conflict
from klantbelang.core.models import AuditEvent

from .factories import household

TODAY = datetime.date(2026, 11, 26)


def test_create_client_makes_version_one_and_audits(firm, adviser):
    client = household(firm, adviser, today=TODAY)
    profile = client.current_profile
    assert (profile.version, profile.source, client.reference) == (1, "adviser", "K000001")
    assert profile.data["household"] == [{"id": client.persons.get().pk, "role": "client",
                                          "date_of_birth": "1980-05-01", "employment": "employment",
                                          "relationship_status": None}]
    assert set(client.incomplete_domains) == {"mortgage", "pension", "income_protection", "life", "non_life",
                                              "investment"}
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "client.created", "profile.version_created"]


def test_a_deleted_household_does_not_block_the_next_client(login, client, bearer, firm, adviser, manager):
    """Regression: client numbers were ``count() + 1``, so after one household was deleted every
    create (API and page) collided with an existing number and answered 500."""
    from django.urls import reverse

    created = [household(firm, adviser, name=f"Huishouden {index}") for index in range(3)]
    assert [item.reference for item in created] == ["K000001", "K000002", "K000003"]
    created[0].delete()  # as the purge after the retention period does
    answer = client.post("/api/v1/clients", content_type="application/json", headers=bearer(manager), data={
        "name": "Huishouden Vier", "responsible_adviser": adviser.pk,
        "persons": [{"role": "client", "first_name": "Vera", "last_name": "Vier"}]})
    assert (answer.status_code, answer.json()["reference"]) == (201, "K000004")
    page = login(manager).post(reverse("clients:client_create"), {
        "name": "Huishouden Vijf", "first_name": "Vincent", "last_name": "Vijf", "responsible_adviser": adviser.pk})
    assert page.status_code == 302
    assert Client.objects.get(name="Huishouden Vijf").reference == "K000005"
    created[2].delete()  # the last number handed out is not handed out again either
    assert household(firm, adviser, name="Huishouden Zes").reference == "K000006"


def test_a_number_already_held_is_skipped_and_a_given_one_refused(firm, adviser):
    household(firm, adviser)
    services.create_client(firm=firm, by=None, name="Geïmporteerd", responsible_adviser=adviser, reference="K000002",
                           persons=[{"role": "client", "first_name": "Ida", "last_name": "Import"}])
    assert household(firm, adviser, name="Volgende").reference == "K000003"
    with pytest.raises(ValidationError) as refused:
        services.create_client(firm=firm, by=None, name="Dubbel", responsible_adviser=adviser, reference="K000001",
                               persons=[{"role": "client", "first_name": "Dirk", "last_name": "Dubbel"}])
    assert list(refused.value.message_dict) == ["reference"]
    assert Client.objects.filter(firm=firm).count() == 3


def test_saving_makes_a_new_version_with_provenance_and_needs(firm, adviser):
    client = household(firm, adviser, today=TODAY)
    version = services.save_profile(client=client, by=adviser, source="adviser", based_on_version=1, today=TODAY,
                                    changes={"monthly_commitments": 2000, "assets": {"savings": 1000}})
    assert version.version == 2
    assert version.changed_fields == ["assets.savings", "monthly_commitments"]
    assert version.provenance["monthly_commitments"]["source"] == "adviser"
    assert version.provenance["monthly_commitments"]["by"] == adviser.pk
    # Three months of fixed costs (3 × 2.000) less 1.000 saved. The policies were never asked about:
    # liability cover is a question of the plan, not a need.
    assert [(need["type"], need["amount"]) for need in version.needs] == [("emergency_buffer", 5000.0)]
    assert version.derived["plan"]["parameters"] == "NL-2026"
    assert "covers.liability" in {item["field"] for item in version.derived["plan"]["to_ask"]}
    event = AuditEvent.objects.filter(action="profile.version_created").latest("pk")
    assert event.changes == {"assets.savings": {"before": None, "after": 1000},
                             "monthly_commitments": {"before": None, "after": 2000}}
    assert client.profiles.get(version=1).data["monthly_commitments"] is None  # the old version is untouched


def test_saving_nothing_new_makes_no_version(firm, adviser):
    client = household(firm, adviser, today=TODAY)
    same = services.save_profile(client=client, by=adviser, source="adviser", changes={"client_type": "retail"})
    assert same.version == 1
    assert NeedsProfile.objects.count() == 1


def test_a_stale_edit_is_refused_and_writes_nothing(firm, adviser, manager):
    client = household(firm, adviser, today=TODAY)
    services.save_profile(client=client, by=manager, source="adviser", changes={"monthly_commitments": 1500},
                          based_on_version=1)
    with pytest.raises(Conflict, match="Marit Manager heeft versie 2 opgeslagen terwijl u bewerkte"):
        services.save_profile(client=client, by=adviser, source="adviser", changes={"monthly_commitments": 900},
                              based_on_version=1)
    client.refresh_from_db()
    assert client.current_profile.data["monthly_commitments"] == 1500
    assert client.profiles.count() == 2


def test_a_version_cannot_be_changed_by_code_or_by_sql(firm, adviser):
    client = household(firm, adviser, today=TODAY)
    profile = client.current_profile
    profile.data = {"forged": True}
    with pytest.raises(ProfileLocked):
        profile.save()
    with pytest.raises(DatabaseError, match="never changes"), transaction.atomic():
        NeedsProfile.objects.filter(pk=profile.pk).update(data={"forged": True})
    profile.refresh_from_db()
    assert "forged" not in profile.data


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.fixed_dictionaries({
    "monthly_commitments": st.one_of(st.none(), st.integers(0, 10_000)),
    "assets": st.fixed_dictionaries({"savings": st.one_of(st.none(), st.integers(0, 10**6))}),
    "objectives": st.lists(st.fixed_dictionaries({"type": st.sampled_from(["build_wealth", "buy_home"]),
                                                  "horizon_years": st.integers(0, 30), "priority": st.just("want"),
                                                  "funded": st.booleans()}), max_size=2),
}), min_size=1, max_size=4))
def test_versions_never_change_once_written(firm, adviser, edits):
    with transaction.atomic():
        client = household(firm, adviser, name="Hypothese", today=TODAY)
        seen = {}
        for edit in edits:
            version = services.save_profile(client=client, by=adviser, source="adviser", changes=edit, today=TODAY)
            seen[version.version] = (version.data, version.needs, version.provenance)
            for number, (data, found, provenance) in seen.items():
                stored = NeedsProfile.objects.get(client=client, version=number)
                assert (stored.data, stored.needs, stored.provenance) == (data, found, provenance)
        transaction.set_rollback(True)


@pytest.mark.parametrize("role", ["reviewer", "marketing", "product_developer", "client_user", "second_adviser",
                                  "other_firm_adviser"])
def test_who_may_not_edit_a_profile(request, firm, adviser, role):
    client = household(firm, adviser, today=TODAY)
    audit_before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.save_profile(client=client, by=request.getfixturevalue(role), source="adviser",
                              changes={"monthly_commitments": 1})
    assert client.profiles.count() == 1
    assert AuditEvent.objects.count() == audit_before


def test_team_members_and_managers_may_edit(firm, adviser, second_adviser, manager):
    from klantbelang.accounts.tests.factories import TeamFactory

    team = TeamFactory(firm=firm)
    team.members.add(second_adviser)
    client = household(firm, adviser, team=team, today=TODAY)
    services.save_profile(client=client, by=second_adviser, source="adviser", changes={"monthly_commitments": 1})
    services.save_profile(client=client, by=manager, source="adviser", changes={"monthly_commitments": 2})
    assert client.profiles.count() == 3


def test_a_vulnerability_needs_consent(firm, adviser):
    client = household(firm, adviser, today=TODAY)
    with pytest.raises(ValidationError):
        services.save_person(client=client, by=adviser, fields={
            "role": "partner", "first_name": "Els", "last_name": "Jansen", "is_vulnerable": True,
            "vulnerability_note": "slechtziend"})
    assert client.persons.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        client.persons.create(role="partner", first_name="Els", last_name="Jansen", is_vulnerable=True)


def test_adding_a_person_makes_a_version_with_the_household(firm, adviser):
    client = household(firm, adviser, today=TODAY)
    services.save_person(client=client, by=adviser, fields={"role": "partner", "first_name": "Els",
                                                            "last_name": "Jansen", "employment": "employment"})
    client.refresh_from_db()
    assert [person["role"] for person in client.current_profile.data["household"]] == ["client", "partner"]
    assert client.current_profile.version == 2
    assert AuditEvent.objects.filter(action="person.added").count() == 1


def test_invitation_creates_a_portal_account_and_mails_a_link(firm, adviser, django_capture_on_commit_callbacks):
    client = household(firm, adviser, today=TODAY)
    person = client.persons.get()
    with django_capture_on_commit_callbacks(execute=True):
        user = services.invite_client(client=client, person=person, by=adviser, base_url="http://testserver/")
    client.refresh_from_db()
    assert client.portal_user == user
    assert user.roles == frozenset({"client"})
    assert len(mail.outbox) == 1
    assert "/password/set/" in mail.outbox[0].body
    with pytest.raises(ValidationError):
        services.invite_client(client=client, person=person, by=adviser, base_url="http://testserver/")


def test_the_invitation_comes_from_the_firm_names_the_adviser_and_a_reply_reaches_them(
        firm, adviser, manager, django_capture_on_commit_callbacks):
    """Regression: the invitation came from "klantbelang <noreply@localhost>" and named neither the
    firm nor the adviser, so a client could not tell who wrote and whether to trust the link."""
    firm.name = "Demo & Zonen Advies"  # plain text: no HTML escaping of the firm's name
    firm.save(update_fields=["name"])
    client = household(firm, adviser, today=TODAY)
    person = client.persons.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_client(client=client, person=person, by=manager, base_url="http://testserver/")
    (message,) = mail.outbox
    assert message.from_email == "Demo & Zonen Advies <noreply@localhost>"
    assert message.reply_to == ["adviser@test.nl"]  # the responsible adviser, not whoever clicked
    assert message.to == ["jan@example.nl"]
    assert message.subject == "Uw klantportaal bij Demo & Zonen Advies"
    assert message.body.startswith("Beste Jan Jansen,")
    assert "Anna Adviseur van Demo & Zonen Advies nodigt u uit voor uw klantportaal." in message.body
    assert "schrijf aan Anna Adviseur via adviser@test.nl" in message.body
    assert "http://testserver/password/set/" in message.body


def test_clients_are_visible_by_role(firm, other_firm, adviser, second_adviser, reviewer, manager, marketing,
                                     client_user, other_firm_adviser):
    mine = household(firm, adviser, name="Mijn klant", today=TODAY)
    theirs = household(firm, second_adviser, name="Andere klant", today=TODAY)
    Client.objects.filter(pk=mine.pk).update(portal_user=client_user)
    assert list(Client.objects.visible_to(adviser)) == [mine]
    assert set(Client.objects.visible_to(reviewer)) == {mine, theirs}
    assert set(Client.objects.visible_to(manager)) == {mine, theirs}
    assert list(Client.objects.visible_to(client_user)) == [mine]
    assert list(Client.objects.visible_to(marketing)) == []
    assert list(Client.objects.visible_to(other_firm_adviser)) == []

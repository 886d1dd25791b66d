import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from klantbelang.accounts import services
from klantbelang.accounts.models import ApiToken, Expertise, Membership, User
from klantbelang.accounts.tests.factories import TeamFactory
from klantbelang.core.models import AuditEvent


def test_admin_adds_a_member_with_roles_teams_and_expertise(firm, admin_user):
    team = TeamFactory(firm=firm, name="Hypotheek")
    person = services.add_member(firm=firm, email="Nieuw@Example.NL", full_name="Nina Nieuw",
                                 roles=["adviser", "reviewer"], by=admin_user, teams=[team],
                                 expertise=["mortgage", "pension"])
    person = User.objects.get(pk=person.pk)
    assert person.email == "nieuw@example.nl"
    assert person.firm == firm
    assert person.roles == frozenset({"adviser", "reviewer"})
    assert not person.has_usable_password()
    assert list(person.teams.all()) == [team]
    assert sorted(Expertise.objects.filter(user=person).values_list("domain", flat=True)) == ["mortgage", "pension"]
    event = AuditEvent.objects.get(action="member.added")
    assert (event.actor, event.firm, event.object_id) == (admin_user, firm, str(person.pk))
    assert event.changes["roles"] == {"before": [], "after": ["adviser", "reviewer"]}


@pytest.mark.parametrize("role_fixture", ["adviser", "reviewer", "manager", "marketing", "client_user",
                                          "product_developer"])
def test_only_admins_add_members(request, firm, role_fixture):
    actor = request.getfixturevalue(role_fixture)
    users_before = User.objects.count()
    with pytest.raises(PermissionDenied):
        services.add_member(firm=firm, email="x@example.nl", full_name="X", roles=["adviser"], by=actor)
    assert User.objects.count() == users_before
    assert AuditEvent.objects.count() == 0


def test_an_admin_cannot_add_members_to_another_firm(other_firm, admin_user):
    with pytest.raises(PermissionDenied):
        services.add_member(firm=other_firm, email="x@example.nl", full_name="X", roles=["adviser"], by=admin_user)
    assert not User.objects.filter(email="x@example.nl").exists()


@pytest.mark.parametrize(("email", "roles", "field"), [
    ("adviser@test.nl", ["adviser"], "email"),
    ("ADVISER@test.nl", ["adviser"], "email"),
    ("new@test.nl", [], "roles"),
    ("new@test.nl", ["boss"], "roles"),
])
def test_add_member_rejects_bad_input_and_writes_nothing(firm, admin_user, adviser, email, roles, field):
    users_before = User.objects.count()
    with pytest.raises(ValidationError) as error:
        services.add_member(firm=firm, email=email, full_name="X", roles=roles, by=admin_user)
    assert field in error.value.message_dict
    assert User.objects.count() == users_before


def test_team_of_another_firm_is_refused_and_nothing_is_written(firm, other_firm, admin_user):
    foreign_team = TeamFactory(firm=other_firm)
    with pytest.raises(ValidationError):
        services.add_member(firm=firm, email="t@test.nl", full_name="T", roles=["adviser"], by=admin_user,
                            teams=[foreign_team])
    assert not User.objects.filter(email="t@test.nl").exists()


def test_set_password_link_is_mailed_and_works_once(client, firm, admin_user):
    person = services.add_member(firm=firm, email="n@test.nl", full_name="N", roles=["adviser"], by=admin_user)
    link = services.send_set_password_link(user=person, base_url="http://testserver/")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["n@test.nl"]
    assert link in mail.outbox[0].body
    path = link.removeprefix("http://testserver")
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    new_password = "lange-zin van woorden"
    response = client.post(set_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    signed_in = client.post(reverse("accounts:login"), {"username": "n@test.nl", "password": new_password})
    assert signed_in.status_code == 302
    client.logout()
    again = client.get(path, follow=True)
    assert again.context["validlink"] is False


def test_roles_change_is_audited_and_an_admin_keeps_their_own_admin_role(firm, admin_user, adviser):
    services.set_member_roles(user=adviser, roles=["adviser", "reviewer"], by=admin_user)
    assert set(Membership.objects.filter(user=adviser).values_list("role", flat=True)) == {"adviser", "reviewer"}
    event = AuditEvent.objects.get(action="member.roles_changed")
    assert event.changes == {"roles": {"before": ["adviser"], "after": ["adviser", "reviewer"]}}
    with pytest.raises(ValidationError):
        services.set_member_roles(user=admin_user, roles=["manager"], by=admin_user)
    assert set(Membership.objects.filter(user=admin_user).values_list("role", flat=True)) == {"admin"}


def test_api_tokens_are_stored_hashed_and_revocable(adviser):
    token, raw = services.issue_api_token(user=adviser, name="script")
    assert raw.startswith("kb_")
    assert raw not in token.key_hash
    assert services.user_for_token(raw) == adviser
    services.revoke_api_token(token=token, by=adviser)
    assert services.user_for_token(raw) is None
    assert ApiToken.objects.get().revoked_at is not None
    assert list(AuditEvent.objects.values_list("action", flat=True).order_by("pk")) == [
        "api_token.issued", "api_token.revoked"]


def test_nobody_revokes_someone_elses_token(adviser, manager):
    token, raw = services.issue_api_token(user=adviser, name="script")
    with pytest.raises(PermissionDenied):
        services.revoke_api_token(token=token, by=manager)
    assert services.user_for_token(raw) == adviser


def test_inactive_users_tokens_stop_working(adviser):
    _token, raw = services.issue_api_token(user=adviser, name="script")
    adviser.is_active = False
    adviser.save()
    assert services.user_for_token(raw) is None
    assert services.user_for_token("kb_unknown") is None
    assert services.user_for_token("not-ours") is None

import pytest
from django.core import mail
from django.urls import reverse

from klantbelang.accounts.models import Membership, User
from klantbelang.core.models import AuditEvent


def test_login_with_email_and_password(client, adviser):
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200
    assert "E-mailadres" in page.content.decode()  # Dutch is the default language
    response = client.post(reverse("accounts:login"), {"username": "adviser@test.nl",
                                                       "password": "correct horse battery"})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    home = client.get(reverse("core:home"))
    assert "Anna Adviseur" in home.content.decode()


def test_wrong_password_shows_an_error_and_no_session(client, adviser):
    response = client.post(reverse("accounts:login"), {"username": "adviser@test.nl", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get(reverse("core:home")).status_code == 302


def test_logout_is_a_post(login, adviser):
    browser = login(adviser)
    response = browser.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert browser.get(reverse("core:home"))["Location"].startswith(reverse("accounts:login"))


def test_language_switch_sets_the_language_and_remembers_it(login, adviser):
    browser = login(adviser)
    response = browser.post(reverse("accounts:switch_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = browser.get(reverse("core:home")).content.decode()
    assert "Welcome, Anna Adviseur" in page
    adviser.refresh_from_db()
    assert adviser.language == "en"
    browser.post(reverse("accounts:switch_language"), {"language": "nl", "next": "/"})
    assert "Welkom, Anna Adviseur" in browser.get(reverse("core:home")).content.decode()


def test_anonymous_can_switch_the_login_page_language(client):
    client.post(reverse("accounts:switch_language"), {"language": "en", "next": "/login/"})
    assert "E-mail address" in client.get(reverse("accounts:login")).content.decode()


NAV = {
    "adviser": {"core:home", "core:job_list"},
    "reviewer": {"core:home", "core:job_list"},
    "marketing": {"core:home", "core:job_list"},
    "manager": {"core:home", "core:job_list", "core:audit_list", "accounts:user_list"},
    "product_developer": {"core:home"},
    "client_user": {"core:home"},
    "admin_user": {"core:home", "core:job_list", "core:audit_list", "accounts:user_list"},
}


@pytest.mark.parametrize(("role", "expected"), NAV.items())
def test_navigation_shows_each_role_what_it_may_use(request, login, role, expected):
    user = request.getfixturevalue(role)
    items = login(user).get(reverse("core:home")).context["nav_items"]
    shown = {item.url_name for item in items}
    # Later apps add their own entries; the foundation's entries must be exactly these.
    foundation = {"core:home", "core:job_list", "core:audit_list", "accounts:user_list"}
    assert shown & foundation == expected


PEOPLE_MATRIX = {
    # role: (people list status, add-person status)
    "adviser": (403, 403),
    "reviewer": (403, 403),
    "marketing": (403, 403),
    "manager": (200, 403),
    "product_developer": (403, 403),
    "client_user": (403, 403),
    "admin_user": (200, 200),
}


@pytest.mark.parametrize(("role", "statuses"), PEOPLE_MATRIX.items())
def test_people_pages_permission_matrix(request, login, firm, role, statuses):
    user = request.getfixturevalue(role)
    browser = login(user)
    assert browser.get(reverse("accounts:user_list")).status_code == statuses[0]
    users_before = User.objects.count()
    response = browser.post(reverse("accounts:user_create"), {
        "full_name": "Nieuw", "email": "nieuw@test.nl", "language": "nl", "roles": ["admin"]})
    if statuses[1] == 403:
        assert response.status_code == 403
        assert User.objects.count() == users_before
        assert AuditEvent.objects.filter(action="member.added").count() == 0
    else:
        assert response.status_code == 302
        assert User.objects.get(email="nieuw@test.nl").firm == firm


def test_people_list_shows_only_own_firm_with_constant_queries(login, firm, admin_user, adviser, manager,
                                                              other_firm_adviser, django_assert_num_queries):
    browser = login(admin_user)
    response = browser.get(reverse("accounts:user_list"))
    assert [person.email for person in response.context["members"]] == [
        "admin@test.nl", "adviser@test.nl", "manager@test.nl"]
    # Session, user, firm, members with roles, teams and expertise, and who has two-factor on.
    with django_assert_num_queries(8) as baseline:
        browser.get(reverse("accounts:user_list"))
    from klantbelang.accounts.tests.factories import member

    for number in range(10):
        member(firm, "adviser", email=f"extra{number}@test.nl")
    with django_assert_num_queries(len(baseline.captured_queries)):
        browser.get(reverse("accounts:user_list"))


def test_admin_adds_a_person_who_gets_a_set_password_mail(login, firm, admin_user):
    response = login(admin_user).post(reverse("accounts:user_create"), {
        "full_name": "Nina Nieuw", "email": "nina@test.nl", "language": "en", "roles": ["adviser", "reviewer"],
        "expertise": ["pension"]})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Your klantbelang account"
    nina = User.objects.get(email="nina@test.nl")
    assert nina.roles == frozenset({"adviser", "reviewer"})


def test_add_person_form_shows_field_errors(login, admin_user, adviser):
    response = login(admin_user).post(reverse("accounts:user_create"), {
        "full_name": "", "email": "adviser@test.nl", "language": "nl", "roles": []})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"full_name", "roles"}
    duplicate = login(admin_user).post(reverse("accounts:user_create"), {
        "full_name": "X", "email": "ADVISER@test.nl", "language": "nl", "roles": ["adviser"]})
    assert duplicate.status_code == 200
    assert list(duplicate.context["form"].errors) == ["email"]


def test_admin_changes_roles(login, admin_user, adviser):
    response = login(admin_user).post(reverse("accounts:user_roles", kwargs={"pk": adviser.pk}),
                                      {"roles": ["reviewer"]})
    assert response.status_code == 302
    assert list(Membership.objects.filter(user=adviser).values_list("role", flat=True)) == ["reviewer"]


def test_account_page_creates_and_revokes_tokens(login, adviser):
    browser = login(adviser)
    response = browser.post(reverse("accounts:account"), {"name": "Excel-koppeling"})
    token = response.context["new_token"]
    assert token.startswith("kb_")
    assert browser.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    token_row = adviser.api_tokens.get()
    browser.post(reverse("accounts:revoke_token", kwargs={"pk": token_row.pk}))
    assert browser.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401

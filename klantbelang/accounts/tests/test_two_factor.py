"""Two-factor authentication (TOTP): set-up, the second step of signing in, the API, and the
firm's requirement for managers and administrators."""

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from klantbelang.accounts import two_factor
from klantbelang.accounts.tests.factories import PASSWORD, member
from klantbelang.core.models import AuditEvent, Firm

pytestmark = pytest.mark.django_db


def code(device, drift=0) -> str:
    """The code an authenticator app shows now (``drift`` time steps later: a code is used once)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def _with_device(user, drift=0):
    device = two_factor.start_setup(user=user)
    return two_factor.confirm_setup(user=user, token=code(device, drift))


def _sign_in(browser, user):
    return browser.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})


def test_setting_up_an_authenticator(login, firm, adviser):
    elsewhere = Client()
    _sign_in(elsewhere, adviser)  # a session from before: it never passed a code
    browser = login(adviser)
    page = browser.get(reverse("accounts:two_factor_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=adviser, confirmed=False)
    assert page.context["secret"] == two_factor.secret(device)
    assert page.context["qr"].startswith("data:image/svg+xml;base64,")
    wrong = browser.post(reverse("accounts:two_factor_setup"), {"token": "000000" if code(device) != "000000"
                                                                else "111111"})
    assert list(wrong.context["form"].errors) == ["token"]
    assert not TOTPDevice.objects.filter(user=adviser, confirmed=True).exists()
    done = browser.post(reverse("accounts:two_factor_setup"), {"token": code(device)})
    assert done["Location"] == reverse("accounts:account")
    assert TOTPDevice.objects.get(user=adviser).confirmed is True
    assert browser.get(reverse("core:home")).status_code == 200  # this session is verified
    assert elsewhere.get(reverse("core:home"))["Location"].startswith(reverse("accounts:login"))
    assert AuditEvent.objects.filter(action="two_factor.enabled", object_id=str(adviser.pk)).count() == 1


def test_signing_in_takes_the_code_after_the_password(firm, adviser):
    device = _with_device(adviser)
    browser = Client()
    assert _sign_in(browser, adviser)["Location"] == "/"
    held = browser.get(reverse("clients:client_list"))
    assert held["Location"] == f"{reverse('accounts:two_factor_verify')}?next=%2Fclients%2F"
    assert browser.get("/api/v1/me").status_code == 401  # the session API waits for the code too
    wrong = browser.post(reverse("accounts:two_factor_verify"), {"token": "12345x", "next": "/clients/"})
    assert list(wrong.context["form"].errors) == ["token"]
    passed = browser.post(reverse("accounts:two_factor_verify"), {"token": code(device, 1), "next": "/clients/"})
    assert passed["Location"] == "/clients/"
    assert browser.get(reverse("clients:client_list")).status_code == 200
    assert browser.get("/api/v1/me").status_code == 200


def test_the_next_address_stays_on_this_site(firm, adviser):
    device = _with_device(adviser)
    browser = Client()
    _sign_in(browser, adviser)
    response = browser.post(reverse("accounts:two_factor_verify"), {"token": code(device, 1),
                                                                    "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_password_alone_cannot_replace_the_authenticator(firm, adviser):
    _with_device(adviser)
    browser = Client()
    _sign_in(browser, adviser)
    response = browser.get(reverse("accounts:two_factor_setup"))
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert TOTPDevice.objects.filter(user=adviser).count() == 1


def test_api_tokens_need_the_code(client, firm, adviser):
    device = _with_device(adviser)
    body = {"email": adviser.email, "password": PASSWORD}
    missing = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert (missing.status_code, missing.json()["code"]) == (401, "otp_required")
    given = client.post("/api/v1/auth/token", {**body, "otp": code(device, 1)}, content_type="application/json")
    assert given.status_code == 201


def test_turning_it_off_needs_a_code(login, firm, adviser):
    device = _with_device(adviser)
    browser = login(adviser)
    browser.post(reverse("accounts:two_factor_disable"), {"token": "999999" if code(device, 1) != "999999"
                                                          else "888888"})
    assert TOTPDevice.objects.filter(user=adviser).exists()
    browser.post(reverse("accounts:two_factor_disable"), {"token": code(device, 1)})
    assert not TOTPDevice.objects.filter(user=adviser).exists()


def test_a_firm_requires_it_for_management(login, firm, admin_user, manager, adviser):
    before = model_to_dict(Firm.objects.get(pk=firm.pk))
    assert login(manager).post(reverse("accounts:firm_two_factor"), {"required": "on"}).status_code == 403
    assert model_to_dict(Firm.objects.get(pk=firm.pk)) == before
    login(admin_user).post(reverse("accounts:firm_two_factor"), {"required": "on"})
    assert Firm.objects.get(pk=firm.pk).require_two_factor is True
    held = login(manager).get(reverse("core:home"))
    assert held["Location"] == f"{reverse('accounts:two_factor_setup')}?next=%2F"
    assert login(adviser).get(reverse("core:home")).status_code == 200  # advisers choose for themselves
    device = _with_device(member(firm, "manager", email="m2@test.nl"))
    with pytest.raises(ValidationError) as refused:
        two_factor.disable(user=device.user, token=code(device, 1))
    assert list(refused.value.message_dict) == ["token"]
    assert TOTPDevice.objects.filter(user=device.user).exists()
    assert AuditEvent.objects.get(action="firm.two_factor_required").changes == {
        "require_two_factor": {"before": False, "after": True}}


def _require_for_the_firm(firm):
    Firm.objects.filter(pk=firm.pk).update(require_two_factor=True)
    firm.refresh_from_db()


def test_the_api_obeys_the_firms_requirement(client, firm, manager):
    """Regression: with the requirement on, a manager without an authenticator got a token with the
    password alone, and that token and the session read the audit trail."""
    from klantbelang.accounts.services import issue_api_token

    _token, earlier = issue_api_token(user=manager, name="before the requirement")
    _require_for_the_firm(firm)
    body = {"email": manager.email, "password": PASSWORD}
    refused = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert (refused.status_code, refused.json()["code"]) == (403, "two_factor_setup_required")
    assert manager.api_tokens.count() == 1  # no token was issued
    assert client.get("/api/v1/audit-events", HTTP_AUTHORIZATION=f"Bearer {earlier}").status_code == 401
    browser = Client()
    _sign_in(browser, manager)
    assert browser.get("/api/v1/audit-events").status_code == 401  # nor through the web session
    assert browser.get("/api/v1/me").status_code == 401
    device = _with_device(manager)
    given = client.post("/api/v1/auth/token", {**body, "otp": code(device, 1)}, content_type="application/json")
    assert given.status_code == 201
    assert client.get("/api/v1/audit-events", HTTP_AUTHORIZATION=f"Bearer {given.json()['token']}"
                      ).status_code == 200


def test_connecting_an_authenticator_revokes_older_tokens(client, firm, adviser):
    """Regression: tokens issued on the password alone stayed valid after two-factor was set up."""
    from klantbelang.accounts.services import issue_api_token

    _token, earlier = issue_api_token(user=adviser, name="password only")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {earlier}").status_code == 200
    _with_device(adviser)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {earlier}").status_code == 401
    assert adviser.api_tokens.filter(revoked_at__isnull=True).count() == 0
    assert AuditEvent.objects.get(action="two_factor.enabled").changes == {
        "tokens_revoked": {"before": None, "after": 1}}

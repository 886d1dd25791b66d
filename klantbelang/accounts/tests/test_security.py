"""Passwords, sign-in throttling, sessions and tokens, and the Content-Security-Policy."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from klantbelang.accounts import services
from klantbelang.accounts.models import ApiToken, User
from klantbelang.accounts.tests.factories import PASSWORD, member
from klantbelang.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _sign_in(browser, email, password, address="10.0.0.1"):
    return browser.post(reverse("accounts:login"), {"username": email, "password": password},
                        REMOTE_ADDR=address)


# Passwords ---------------------------------------------------------------------------------------

def test_new_passwords_are_argon2_and_old_ones_are_upgraded(firm, production_hashers):
    user = member(firm, "adviser", email="a@test.nl")
    assert user.password.startswith("argon2$")
    User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    assert _sign_in(Client(), "a@test.nl", PASSWORD).status_code == 302
    assert User.objects.get(pk=user.pk).password.startswith("argon2$")


# Throttling --------------------------------------------------------------------------------------

def test_five_failures_lock_the_address_and_email_out(firm):
    member(firm, "adviser", email="a@test.nl")
    browser = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(browser, "a@test.nl", "wrong").status_code == 200  # the form again, with its error
    assert _sign_in(browser, "a@test.nl", PASSWORD).status_code == 302  # a success resets the count
    browser.logout()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(browser, "a@test.nl", "wrong")
    locked = _sign_in(browser, "a@test.nl", PASSWORD)
    assert locked.status_code == 429
    assert b"data-locked-out" in locked.content
    assert "_auth_user_id" not in browser.session
    # The same person from another address, and the API from this one, are judged separately by address.
    assert _sign_in(Client(), "a@test.nl", PASSWORD, address="10.0.0.2").status_code == 302
    api = Client().post("/api/v1/auth/token", {"email": "a@test.nl", "password": PASSWORD},
                        content_type="application/json", REMOTE_ADDR="10.0.0.1")
    assert api.status_code == 429
    assert api.json()["code"] == "locked_out"
    assert not ApiToken.objects.exists()


def test_behind_a_trusted_proxy_a_lock_out_is_the_attackers_alone(firm, settings):
    """Regression: behind the TLS proxy every attempt came from the proxy's address, so five wrong
    passwords from anyone locked the account for everyone for fifteen minutes."""
    settings.TRUSTED_PROXIES = ["10.9.0.0/24"]
    member(firm, "adviser", email="a@test.nl")

    def via_proxy(client_address, password):
        return Client().post(reverse("accounts:login"), {"username": "a@test.nl", "password": password},
                             REMOTE_ADDR="10.9.0.5", HTTP_X_FORWARDED_FOR=f"{client_address}, 10.9.0.7")

    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        via_proxy("203.0.113.5", "wrong")
    assert via_proxy("203.0.113.5", PASSWORD).status_code == 429  # the attacker's address is locked out
    assert via_proxy("198.51.100.7", PASSWORD).status_code == 302  # the owner, elsewhere, is not


def test_a_forwarded_address_from_outside_the_proxies_is_ignored(firm, settings):
    """Nobody picks their own address by sending X-Forwarded-For: from an untrusted connection the
    header counts for nothing, so changing it does not escape a lock-out."""
    settings.TRUSTED_PROXIES = ["10.9.0.0/24"]
    member(firm, "adviser", email="a@test.nl")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("accounts:login"), {"username": "a@test.nl", "password": "wrong"},
                      REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}")
    escaped = Client().post(reverse("accounts:login"), {"username": "a@test.nl", "password": PASSWORD},
                            REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert escaped.status_code == 429


# Sessions and tokens -----------------------------------------------------------------------------

def test_log_out_everywhere_ends_every_session_and_token(firm):
    user = member(firm, "adviser", email="a@test.nl")
    laptop, phone = Client(), Client()
    _sign_in(laptop, "a@test.nl", PASSWORD)
    _sign_in(phone, "a@test.nl", PASSWORD, address="10.0.0.3")
    _token, raw = services.issue_api_token(user=user, name="script")
    headers = {"Authorization": f"Bearer {raw}"}
    assert Client().get("/api/v1/me", headers=headers).status_code == 200
    response = laptop.post(reverse("accounts:log_out_everywhere"))
    assert response["Location"] == reverse("accounts:login")
    for browser in (laptop, phone):
        assert browser.get(reverse("accounts:account"))["Location"].startswith(reverse("accounts:login"))
    assert Client().get("/api/v1/me", headers=headers).status_code == 401
    assert User.objects.get(pk=user.pk).session_version == 1
    event = AuditEvent.objects.get(action="member.logged_out_everywhere")
    assert (event.actor, event.changes) == (user, {"tokens_revoked": {"before": None, "after": 1}})
    # Signing in again works as before.
    assert _sign_in(laptop, "a@test.nl", PASSWORD).status_code == 302
    assert laptop.get(reverse("accounts:account")).status_code == 200


def test_an_admin_logs_a_member_out_everywhere(login, firm, other_firm, admin_user, manager, adviser):
    before = model_to_dict(User.objects.get(pk=adviser.pk))
    assert login(manager).post(reverse("accounts:user_log_out_everywhere", args=[adviser.pk])).status_code == 403
    outsider = member(other_firm, "admin")
    assert login(outsider).post(reverse("accounts:user_log_out_everywhere", args=[adviser.pk])).status_code == 404
    assert model_to_dict(User.objects.get(pk=adviser.pk)) == before
    response = login(admin_user).post(reverse("accounts:user_log_out_everywhere", args=[adviser.pk]))
    assert response["Location"] == reverse("accounts:user_list")
    assert User.objects.get(pk=adviser.pk).session_version == before["session_version"] + 1


def test_the_api_logs_out_everywhere(client, firm, adviser):
    _first, raw = services.issue_api_token(user=adviser, name="one")
    services.issue_api_token(user=adviser, name="two")
    response = client.post("/api/v1/auth/log-out-everywhere", headers={"Authorization": f"Bearer {raw}"})
    assert response.json() == {"tokens_revoked": 2}
    assert ApiToken.objects.active().count() == 0


def test_tokens_expire(client, firm, adviser):
    token, raw = services.issue_api_token(user=adviser, name="script")
    expected = timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS)
    assert abs((token.expires_at - expected).total_seconds()) < 60
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_sessions_last_a_working_day_and_end_with_the_browser(client, firm, adviser):
    _sign_in(client, adviser.email, PASSWORD)
    assert client.session.get_expire_at_browser_close() is True
    assert settings.SESSION_COOKIE_AGE == 10 * 60 * 60
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True


# Content-Security-Policy ----------------------------------------------------------------------------

def test_every_page_carries_a_strict_policy(client, login, adviser):
    for response in (client.get(reverse("accounts:login")), login(adviser).get(reverse("core:home"))):
        policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
        assert policy["script-src"] == "'self'"
        assert policy["style-src"] == "'self'"
        assert policy["default-src"] == "'self'"
        assert policy["object-src"] == "'none'"
        assert policy["frame-ancestors"] == "'none'"
        assert "unsafe" not in response["Content-Security-Policy"]


# Templates rendered into PDF by WeasyPrint never reach a browser; they may carry their own <style>.
PDF_TEMPLATES = re.compile(r"print|_pdf")
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE), "inline script"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "event handler attribute"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "style attribute"),
    (re.compile(r"<style", re.IGNORECASE), "style element"),
    (re.compile(r"javascript:", re.IGNORECASE), "javascript: URL"),
]


def test_no_template_needs_inline_script_or_style():
    root = Path(settings.BASE_DIR) / "klantbelang"
    found = []
    for template in root.rglob("templates/**/*.html"):
        if PDF_TEMPLATES.search(template.name):
            continue
        text = template.read_text()
        found += [f"{template.relative_to(root)}: {what}" for pattern, what in INLINE if pattern.search(text)]
    assert found == []

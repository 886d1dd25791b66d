"""Shared fixtures: two firms, one person per role in the first, an adviser in the second."""

import datetime
import os

# Two test workers share two cores: with one thread each for the native pools (OpenMP in
# scikit-learn's gradient boosting, BLAS in numpy) the workers do not starve each other's spinning
# threads, which made the model-selection tests thirty times slower. Set before anything loads them.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from klantbelang.accounts.services import issue_api_token
from klantbelang.accounts.tests.factories import member
from klantbelang.core.audit import append_only_sql
from klantbelang.core.roles import Role
from klantbelang.core.tests.factories import FirmFactory


def pytest_configure(config):
    """``KLANTBELANG_TEST_CLOCK=2028-02-29 make test`` runs the whole suite as if that day had come (the
    clock keeps ticking from its start): no test may depend on the day it happens to run on. Each
    test worker process starts the same travel."""
    clock = os.environ.get("KLANTBELANG_TEST_CLOCK")
    if clock:
        start = datetime.datetime.fromisoformat(clock)
        if start.tzinfo is None:
            start = start.replace(hour=9, tzinfo=datetime.UTC)
        config._klantbelang_clock = time_machine.travel(start, tick=True)
        config._klantbelang_clock.start()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Dutch); a request may switch it within the test,
    never for the next one."""
    from django.conf import settings as django_settings
    from django.utils import translation

    with translation.override(django_settings.LANGUAGE_CODE):
        yield


# What production hashes with; tests that are about password hashing ask for it (production_hashers).
PRODUCTION_HASHERS = list(django_settings.PASSWORD_HASHERS)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow (about 140 ms of CPU a hash); thousands of test users do not
    need it. Passwords in tests hash with MD5; accounts/tests/test_security.py checks Argon2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PRODUCTION_HASHERS]


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Tasks run in-process during tests, so a test sees the outcome of what it enqueued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _audit_triggers_for_flush(request):
    """Keep the append-only audit triggers in place for every test that uses the database.

    Transactional tests (browser tests with a live server) end with a flush; on SQLite that is a
    DELETE, which the trigger rightly refuses. So the trigger is lifted just for that flush and
    put back before the next test runs. PostgreSQL flushes with TRUNCATE, which row triggers
    do not see.
    """
    transactional = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    uses_db = transactional or "db" in request.fixturenames
    if uses_db and connection.vendor == "sqlite":
        request.getfixturevalue("transactional_db" if transactional else "db")
        with connection.cursor() as cursor:
            for statement in append_only_sql("sqlite", install=True):
                cursor.execute(statement)
    yield
    if transactional and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for statement in append_only_sql("sqlite", install=False):
                cursor.execute(statement)


@pytest.fixture
def firm(db):
    return FirmFactory(name="Demo Advies", slug="demo-advies")


@pytest.fixture
def other_firm(db):
    return FirmFactory(name="Ander Kantoor", slug="ander-kantoor", country="BE")


@pytest.fixture
def adviser(firm):
    return member(firm, Role.ADVISER, email="adviser@test.nl", full_name="Anna Adviseur")


@pytest.fixture
def second_adviser(firm):
    return member(firm, Role.ADVISER, email="adviser2@test.nl", full_name="Bram Adviseur")


@pytest.fixture
def reviewer(firm):
    return member(firm, Role.REVIEWER, email="reviewer@test.nl", full_name="Rita Reviewer")


@pytest.fixture
def marketing(firm):
    return member(firm, Role.MARKETING, email="marketing@test.nl", full_name="Mees Marketing")


@pytest.fixture
def manager(firm):
    return member(firm, Role.MANAGER, email="manager@test.nl", full_name="Marit Manager")


@pytest.fixture
def product_developer(firm):
    return member(firm, Role.PRODUCT_DEVELOPER, email="productdev@test.nl", full_name="Pim Product")


@pytest.fixture
def client_user(firm):
    return member(firm, Role.CLIENT, email="client@test.nl", full_name="Carla Klant")


@pytest.fixture
def admin_user(firm):
    return member(firm, Role.ADMIN, email="admin@test.nl", full_name="Aart Admin")


@pytest.fixture
def other_firm_adviser(other_firm):
    return member(other_firm, Role.ADVISER, email="adviser@other.test", full_name="Olaf Ander")


ROLE_FIXTURES = ["adviser", "reviewer", "marketing", "manager", "product_developer", "client_user", "admin_user"]


@pytest.fixture
def everyone(request):
    """Every role of the first firm plus the other firm's adviser, by fixture name."""
    return {name: request.getfixturevalue(name) for name in [*ROLE_FIXTURES, "other_firm_adviser"]}


def _logged_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def login():
    """``login(user)`` gives a test client signed in as ``user``."""
    return _logged_in


@pytest.fixture
def bearer():
    """``bearer(user)`` gives the Authorization header of a fresh API token for ``user``."""

    def make(user) -> dict[str, str]:
        _token, raw = issue_api_token(user=user, name="test")
        return {"Authorization": f"Bearer {raw}"}

    return make


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def _browser():
    """Debian's Chromium driven by Playwright (no downloaded browser). Browser tests are skipped
    where it is not installed; CI installs it."""
    import os
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # ordinary synchronous code, so Django's async-safety guard does not apply to them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(_browser, live_server):
    context = _browser.new_context(base_url=live_server.url, locale="nl-NL")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_in(page):
    """``sign_in(email, password)`` signs in through the login page, as a person would."""

    def go(email: str, password: str) -> None:
        page.goto("/login/")
        page.get_by_label("E-mailadres").fill(email)
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url("**/")

    return go

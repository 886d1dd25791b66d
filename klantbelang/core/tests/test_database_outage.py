"""The database going away for a moment: a clean 503 (page or JSON) that says nothing was saved,
and the running application recovers by itself when the database is back."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.db.backends.utils import CursorWrapper

from klantbelang.accounts.services import issue_api_token
from klantbelang.clients.models import Client
from klantbelang.clients.tests.factories import household

ROOT = Path(__file__).resolve().parents[3]


def test_a_lost_database_is_a_503_page_and_api_answer_not_a_crash(login, bearer, adviser, firm, monkeypatch):
    client = household(firm, adviser)
    browser = login(adviser)
    browser.raise_request_exception = False
    browser.get("/")
    headers = bearer(adviser)
    real_execute = CursorWrapper.execute

    def gone(self, sql, params=None):
        if sql.lstrip().upper().startswith("SELECT"):
            raise OperationalError("server closed the connection unexpectedly")
        return real_execute(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", gone)
    page = browser.get(f"/clients/{client.pk}/")
    api = browser.get("/api/v1/me", headers=headers)
    monkeypatch.undo()
    assert page.status_code == 503
    assert page["Retry-After"] == "5"
    assert "Er is niets opgeslagen" in page.content.decode()
    assert api.status_code == 503
    assert api.json()["code"] == "unavailable"
    assert browser.get(f"/clients/{client.pk}/").status_code == 200
    assert browser.get("/api/v1/me", headers=headers).status_code == 200


def test_other_errors_stay_a_plain_500(login, adviser, monkeypatch):
    browser = login(adviser)
    browser.raise_request_exception = False
    monkeypatch.setattr("klantbelang.clients.views.ClientFilter", None)
    response = browser.get("/clients/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Er ging iets mis" in response.content.decode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port, path, **headers):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-Proto": "https",
                                                                                 **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:  # noqa: S310 - our own server
            return reply.status, dict(reply.headers), reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture
def admin_connection():
    """A superuser connection to the server's maintenance database, or a skip."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    import psycopg

    database = connection.settings_dict
    try:
        admin = psycopg.connect(host=database["HOST"] or "127.0.0.1", port=database["PORT"] or 5432,
                                user=database["USER"], password=database["PASSWORD"] or None, dbname="postgres",
                                autocommit=True)
    except psycopg.Error:
        pytest.skip("cannot reach the PostgreSQL server as an administrator")
    if not admin.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]:
        admin.close()
        pytest.skip("cannot control the PostgreSQL server (not a superuser)")
    yield admin
    admin.close()


def test_postgresql_goes_away_and_comes_back_without_a_restart(transactional_db, admin_connection, settings,
                                                                 firm, adviser, manager):
    """A gunicorn process in the production configuration (kept, health-checked connections)
    serves this test's database; every connection to it is cut and new ones refused, as in a
    restart or fail-over, then allowed again."""
    settings.SECRET_KEY = "outage-test-key-" + "x" * 50
    client = household(firm, adviser)
    _token, raw = issue_api_token(user=adviser, name="outage")
    from django.test import Client as Browser

    browser = Browser()
    browser.force_login(manager)
    cookie = f"sessionid={browser.cookies['sessionid'].value}"
    database = connection.settings_dict
    name, port = database["NAME"], _free_port()
    environment = {**{key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")},
                   "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
                                   f"{database['PORT'] or 5432}/{name}",
                   "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": settings.SECRET_KEY,
                   "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_CONN_MAX_AGE": "60", "DJANGO_LOG_LEVEL": "CRITICAL"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",  # noqa: S603
                               "--workers", "1", "--log-level", "critical"], cwd=ROOT, env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # A page that renders no static files: the fresh checkout has no collected, hashed ones.
    page, api = f"/clients/{client.pk}/privacy/export.json", "/api/v1/me"
    try:
        for _ in range(100):
            try:
                if _get(port, "/health/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        assert _get(port, page, Cookie=cookie)[0] == 200
        assert _get(port, api, Authorization=f"Bearer {raw}")[0] == 200

        admin_connection.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        admin_connection.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                                 [name])
        status, headers, body = _get(port, page, Cookie=cookie)
        assert (status, headers["Retry-After"]) == (503, "5")
        assert "Nothing of what you just did was saved" in body
        status, _headers, body = _get(port, api, Authorization=f"Bearer {raw}")
        assert status == 503
        assert '"code": "unavailable"' in body

        admin_connection.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
        assert _get(port, page, Cookie=cookie)[0] == 200
        assert _get(port, api, Authorization=f"Bearer {raw}")[0] == 200
        assert server.poll() is None  # the same process, not restarted
    finally:
        admin_connection.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
        server.terminate()
        server.wait(timeout=30)
        admin_connection.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                                 [name])
        connection.close()  # this test's own connection was cut as well
    assert Client.objects.filter(pk=client.pk).exists()


def test_a_database_error_that_is_no_outage_is_a_500_not_a_503(login, bearer, adviser, monkeypatch):
    """Regression: "too many SQL variables" answered as "the database cannot be reached" (503,
    retry), which hid the real cause."""
    browser = login(adviser)
    browser.raise_request_exception = False
    headers = bearer(adviser)
    real_execute = CursorWrapper.execute

    def too_many(self, sql, params=None):
        if sql.lstrip().upper().startswith("SELECT"):
            raise OperationalError("too many SQL variables")
        return real_execute(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", too_many)
    page = browser.get("/clients/")
    api = browser.get("/api/v1/me", headers=headers)
    monkeypatch.undo()
    assert (page.status_code, "Retry-After" in page) == (500, False)
    assert (api.status_code, api.json()["code"]) == (500, "server_error")

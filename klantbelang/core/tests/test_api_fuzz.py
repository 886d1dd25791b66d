"""The REST API fuzzed from its own OpenAPI schema (schemathesis): whatever a client sends, no
operation answers with a server error, every answer has a status code the schema documents, and
every documented response matches its schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
pytestmark = pytest.mark.fuzz


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go straight to the WSGI application; like Django's test client, keep the end of a
    request from closing the test's database connection (PostgreSQL would lose its transaction)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(firm):
    from klantbelang.accounts.services import issue_api_token
    from klantbelang.accounts.tests.factories import member
    from klantbelang.clients.tests.factories import household

    everyone = member(firm, "admin", "manager", "adviser", "reviewer", "marketing", email="fuzz@test.nl")
    household(firm, everyone)  # something to find, not only 404s
    _row, raw = issue_api_token(user=everyone, name="fuzz")
    return raw


@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_no_server_error_and_responses_match_the_schema(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"},
                           checks=[not_a_server_error, status_code_conformance, response_schema_conformance])


def test_every_schema_has_its_own_name():
    """OpenAPI names components by class: two schemas of one name would document one of them
    under the other's shape (a prospects report was described as a distributor report)."""
    from ninja import Schema

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    names: dict = {}
    for cls in subclasses(Schema):
        if cls.__module__.startswith("klantbelang."):
            names.setdefault(cls.__name__, set()).add(cls.__module__)
    assert {name: modules for name, modules in names.items() if len(modules) > 1} == {}


@pytest.mark.django_db
def test_the_nul_character_is_a_clear_400(client, firm, adviser):
    """PostgreSQL cannot store NUL in text; the fuzzer found it turning into a server error."""
    body = client.post("/api/v1/auth/token", '{"email": "a\\u0000@test.nl", "password": "x"}',
                       content_type="application/json")
    assert body.status_code == 400
    query = client.get("/api/v1/topics?stage=%00", HTTP_AUTHORIZATION="Bearer x")
    assert query.status_code in (400, 401)
    from klantbelang.accounts.services import issue_api_token

    _row, raw = issue_api_token(user=adviser, name="t")
    searched = client.get("/api/v1/clients?q=a%00b", headers={"Authorization": f"Bearer {raw}"})
    assert searched.status_code == 400
    assert searched.json()["message"] == "Tekst mag het NUL-teken niet bevatten."


@pytest.mark.django_db
def test_a_lone_surrogate_deep_nesting_and_a_huge_body_are_clear_client_errors(client, firm, adviser, settings):
    """Regression: a lone surrogate reached the immutable audit log on SQLite and broke /audit/ and
    the exports for good; deeply nested JSON and a body over the upload limit were 500s."""
    from klantbelang.accounts.services import issue_api_token
    from klantbelang.clients.tests.factories import household
    from klantbelang.core.models import AuditEvent

    household_client = household(firm, adviser)
    _row, raw = issue_api_token(user=adviser, name="t")
    headers, audit = {"Authorization": f"Bearer {raw}"}, AuditEvent.objects.count()
    url = f"/api/v1/clients/{household_client.pk}/profiles"
    lone = client.post(url, '{"changes": {"own_words": "a\\ud800b"}}', content_type="application/json",
                       headers=headers)
    assert (lone.status_code, lone.json()["code"]) == (400, "bad_request")
    nested = client.post(url, '{"changes": ' + "[" * 5000 + "]" * 5000 + "}", content_type="application/json",
                         headers=headers)
    assert nested.status_code == 400
    deep = client.post(url, '{"changes": {"own_words": ' + '{"a": ' * 30 + "1" + "}" * 30 + "}}",
                       content_type="application/json", headers=headers)
    assert deep.status_code == 400
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = client.post(url, '{"changes": {"own_words": "' + "x" * 2000 + '"}}', content_type="application/json",
                      headers=headers)
    assert (big.status_code, big.json()["code"]) == (413, "too_large")
    assert household_client.profiles.count() == 1
    assert AuditEvent.objects.count() == audit


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["limit=100000", "limit=0", "offset=-1", "offset=99999999999999999999999"])
def test_pages_are_bounded(client, firm, manager, query):
    """Regression: a huge limit or offset was a 500, and limit=100000 returned the whole audit trail."""
    from klantbelang.accounts.services import issue_api_token

    _row, raw = issue_api_token(user=manager, name="t")
    answer = client.get(f"/api/v1/audit-events?{query}", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 422
    assert [error["field"] for error in answer.json()["errors"]] == [query.split("=")[0]]


@pytest.mark.django_db
def test_the_largest_page_is_served(client, firm, manager):
    from klantbelang.accounts.services import issue_api_token

    _row, raw = issue_api_token(user=manager, name="t")
    answer = client.get("/api/v1/audit-events?limit=500&offset=10000000", headers={"Authorization": f"Bearer {raw}"})
    assert (answer.status_code, answer.json()["items"]) == (200, [])

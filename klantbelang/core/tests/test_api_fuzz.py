"""The REST API fuzzed from its own OpenAPI schema (schemathesis): whatever a client sends, no
operation answers with a server error, and every documented response matches its schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
pytestmark = pytest.mark.fuzz


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
                           checks=[not_a_server_error, response_schema_conformance])


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

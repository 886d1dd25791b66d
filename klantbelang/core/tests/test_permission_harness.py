"""Every page and every API operation, checked for two things by default:

* anonymous: a page redirects to the login page, an API operation answers 401;
* someone of another firm (holding every role there): an object of this firm is a 404, and
  nothing changed.

Endpoints that take an object id must be registered in their app's ``tests/harness.py``.
"""

import importlib
import importlib.util
import json

import pytest
from django.apps import apps
from django.forms.models import model_to_dict
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config.api import api
from klantbelang.accounts.tests.factories import member
from klantbelang.core.models import AuditEvent
from klantbelang.core.roles import Role

PUBLIC_PAGES = {"accounts:login", "accounts:password_set", "accounts:switch_language", "accounts:logout",
                "relationships:calendar", "core:health", "clients:email_confirm"}
PUBLIC_API = {("POST", "/api/v1/auth/token")}


def _harness(attribute: str) -> dict:
    """``attribute`` of every app's ``tests/harness.py``, merged."""
    merged = {}
    for app_config in apps.get_app_configs():
        name = f"{app_config.name}.tests.harness"
        if app_config.name.startswith("klantbelang.") and importlib.util.find_spec(name):
            merged.update(getattr(importlib.import_module(name), attribute, {}))
    return merged


def _pages():
    """(url name, number of arguments) for every named page outside the API."""
    found = []

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if str(entry.pattern).startswith("api/"):
                    continue
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                found.append((name, entry.pattern.regex.groups))

    walk(get_resolver().url_patterns, None)
    return sorted(found)


def _operations():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return sorted(
        (method.upper(), path, bool(operation.get("parameters")) and "{" in path)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    )


PAGES = _pages()
OPERATIONS = _operations()
URL_OBJECTS, API_OBJECTS = _harness("URL_OBJECTS"), _harness("API_OBJECTS")


def test_the_harness_sees_the_endpoints():
    names = {name for name, _args in PAGES}
    assert {"core:home", "core:audit_list", "accounts:login", "accounts:account"} <= names
    assert ("GET", "/api/v1/me", False) in OPERATIONS


@pytest.mark.parametrize(("name", "args"), [page for page in PAGES if page[1]], ids=lambda value: str(value))
def test_every_page_with_an_object_is_registered(name, args):
    assert name in URL_OBJECTS, f"register {name} in its app's tests/harness.py"


@pytest.mark.parametrize(("method", "path", "has_object"), [op for op in OPERATIONS if op[2]], ids=str)
def test_every_operation_with_an_object_is_registered(method, path, has_object):
    assert (method, path) in API_OBJECTS, f"register {method} {path} in its app's tests/harness.py"


def _url(name, args, firm, owner):
    if not args:
        return reverse(name), None
    factory = URL_OBJECTS.get(name)
    if factory is None:
        return None, None
    obj, kwargs = factory(firm, owner)
    return reverse(name, kwargs=kwargs), obj


@pytest.mark.parametrize(("name", "args"), PAGES, ids=lambda value: str(value))
def test_anonymous_is_sent_to_login(client, firm, adviser, name, args):
    if name in PUBLIC_PAGES:
        pytest.skip("public page")
    url, _obj = _url(name, args, firm, adviser)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, f"{method.__name__} {url}"
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("name", "args"), [page for page in PAGES if page[1]], ids=lambda value: str(value))
def test_another_firm_gets_404_and_changes_nothing(login, firm, other_firm, manager, name, args):
    if URL_OBJECTS.get(name) is None:
        pytest.skip("not a firm object")
    url, obj = _url(name, args, firm, manager)
    outsider = member(other_firm, *Role.values)
    before = model_to_dict(obj)
    audit_before = AuditEvent.objects.count()
    browser = login(outsider)
    # A POST-only endpoint answers GET with 405 before it looks anything up; that reveals nothing.
    statuses = {browser.get(url).status_code, browser.post(url, {"roles": ["admin"], "name": "x"}).status_code}
    assert 404 in statuses
    assert statuses <= {404, 405}
    obj.refresh_from_db()
    assert model_to_dict(obj) == before
    assert AuditEvent.objects.count() == audit_before


def _api_path(method, path, firm, owner):
    """The operation's URL for an object of ``firm``, the object, and a valid request body (a
    registry entry may give one as a third item, so that validation cannot answer first)."""
    factory = API_OBJECTS.get((method, path))
    if factory is None:
        return path.replace("{", "").replace("}", ""), None, {}
    obj, params, *body = factory(firm, owner)
    return path.format(**params), obj, body[0] if body else {}


@pytest.mark.parametrize(("method", "path", "has_object"), OPERATIONS, ids=str)
def test_api_without_credentials_is_401(client, firm, adviser, method, path, has_object):
    if (method, path) in PUBLIC_API:
        pytest.skip("public operation")
    url, _obj, _body = _api_path(method, path, firm, adviser)
    response = client.generic(method, url, data="{}", content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    bad_token = client.generic(method, url, data="{}", content_type="application/json",
                               headers={"Authorization": "Bearer kb_not-a-real-token"})
    assert bad_token.status_code == 401


@pytest.mark.parametrize(("method", "path", "has_object"), [op for op in OPERATIONS if op[2]], ids=str)
def test_api_another_firm_gets_404_and_changes_nothing(client, bearer, firm, other_firm, manager, method, path,
                                                        has_object):
    url, obj, body = _api_path(method, path, firm, manager)
    outsider = member(other_firm, *Role.values)
    headers = bearer(outsider)
    before = model_to_dict(obj)
    audit_before = AuditEvent.objects.count()
    response = client.generic(method, url, data=json.dumps(body, default=str), content_type="application/json",
                              headers=headers)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    obj.refresh_from_db()
    assert model_to_dict(obj) == before
    assert AuditEvent.objects.count() == audit_before

"""Every page and every API operation × every role, inside the firm.

Who may use an endpoint is declared next to it, in its app's ``tests/harness.py`` (``ACCESS``: the
roles that get through, as a space-separated string). For each endpoint a fresh member of the firm
holding exactly one role tries it — pages with GET and POST, operations with their method — on an
object someone else in the firm owns: a declared role must get through (any answer but 403/404),
any other role must get 403 or 404 with the object and the audit log unchanged. The endpoints come
from the URL conf and the OpenAPI schema, so a new endpoint without a declaration fails here; the
other-firm half of the matrix is in test_permission_harness.py.

An operation whose body is checked before its permission (422 for everyone, nothing changed) is
declared ``VALIDATED_FIRST``. Run with ``KB_OBSERVE_ACCESS=FILE`` to write what happens instead of
asserting it (for declaring a new endpoint; review the result before copying it).
"""

import json
import os

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from klantbelang.accounts.tests.factories import member
from klantbelang.core.models import AuditEvent
from klantbelang.core.roles import Role

from .matrix import VALIDATED_FIRST
from .test_permission_harness import API_OBJECTS, OPERATIONS, PAGES, PUBLIC_API, PUBLIC_PAGES, URL_OBJECTS, _harness

ROLES = sorted(Role.values)
OBSERVE = os.environ.get("KB_OBSERVE_ACCESS")
DENIED = {403, 404}


ACCESS = _harness("ACCESS")
MATRIX_PAGES = [page for page in PAGES if page[0] not in PUBLIC_PAGES]
MATRIX_OPERATIONS = [op for op in OPERATIONS if (op[0], op[1]) not in PUBLIC_API]


def _observe(key, outcome):
    with open(OBSERVE, "a") as handle:
        handle.write(json.dumps({"key": key, "outcome": outcome}) + "\n")


def _roles(declaration: str) -> set[str]:
    return set(declaration.split()) if declaration != VALIDATED_FIRST else set()


def test_every_endpoint_declares_who_may_use_it():
    missing = [name for name, _args in MATRIX_PAGES if name not in ACCESS]
    missing += [f"{method} {path}" for method, path, _object in MATRIX_OPERATIONS if (method, path) not in ACCESS]
    assert missing == [], "declare ACCESS for these in their app's tests/harness.py"
    unknown = {role for declaration in ACCESS.values() for role in _roles(declaration)} - set(ROLES)
    assert unknown == set()


def _snapshot(obj):
    return model_to_dict(obj) if obj is not None else None


def _changed(obj, before) -> bool:
    if obj is None:
        return False
    model = type(obj)
    current = model._default_manager.filter(pk=obj.pk).first()
    return current is None or model_to_dict(current) != before


@pytest.mark.parametrize(("name", "args"), MATRIX_PAGES, ids=lambda value: str(value))
def test_each_role_of_the_firm_on_every_page(login, firm, manager, name, args):
    outcome = {}
    for role in ROLES:
        obj, kwargs = URL_OBJECTS[name](firm, manager) if args else (None, {})
        url = reverse(name, kwargs=kwargs)
        browser = login(member(firm, role))
        before, audit = _snapshot(obj), AuditEvent.objects.count()
        statuses = {browser.get(url).status_code, browser.post(url, {}).status_code} - {405}
        allowed = bool(statuses - DENIED)
        outcome[role] = allowed
        if OBSERVE:
            continue
        assert allowed == (role in _roles(ACCESS[name])), f"{role} on {url}: {sorted(statuses)}"
        if not allowed:
            assert not _changed(obj, before), f"{role} changed {url}"
            assert AuditEvent.objects.count() == audit
    if OBSERVE:
        _observe(name, outcome)


@pytest.mark.parametrize(("method", "path", "has_object"), MATRIX_OPERATIONS, ids=str)
def test_each_role_of_the_firm_on_every_api_operation(client, bearer, firm, manager, method, path, has_object):
    outcome = {}
    for role in ROLES:
        headers = bearer(member(firm, role))
        factory = API_OBJECTS.get((method, path))
        obj = None
        if factory is not None:
            obj, params, *body = factory(firm, manager)
            url, payload = path.format(**params), (body[0] if body else {})
        else:
            url, payload = path, {}
        before, audit = _snapshot(obj), AuditEvent.objects.count()
        response = client.generic(method, url, data=json.dumps(payload, default=str),
                                  content_type="application/json", headers=headers)
        status = response.status_code
        outcome[role] = "validated" if status == 422 else status not in DENIED
        if OBSERVE:
            continue
        declaration = ACCESS[(method, path)]
        if declaration == VALIDATED_FIRST:
            assert status == 422, f"{role}: {method} {url} answered {status}"
        else:
            assert (status not in DENIED) == (role in _roles(declaration)), f"{role}: {method} {url} {status}"
        if status in DENIED or status == 422:
            assert not _changed(obj, before), f"{role} changed {method} {url}"
            audit_after = AuditEvent.objects.count()
            assert audit_after == audit, f"{role}: {method} {url} wrote audit events"
    if OBSERVE:
        _observe(f"{method} {path}", outcome)

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

import datetime
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


def test_a_reviewer_who_edited_the_advice_is_refused_on_the_page_and_the_api(login, client, bearer, firm, adviser):
    """Four-eyes inside the firm: a manager who is also a reviewer steps into an adviser's case and
    writes the advice; neither the review page nor the API lets them approve it, and nothing changes."""
    from klantbelang.advice import services
    from klantbelang.advice.models import AdviceCase, Review
    from klantbelang.advice.tests.factories import ready_client
    from klantbelang.products.tests.factories import ProductFactory

    product = ProductFactory(firm=firm, code="ANY", needs_served=["goal_funding", "emergency_buffer"])
    case = services.open_case(client=ready_client(firm, adviser, member(firm, Role.CLIENT)), by=adviser,
                              domains=["investment"], reason="first_advice")
    for phase in ("inventory", "analysis", "advice"):
        services.transition(case=case, by=adviser, to=phase)
    case.refresh_from_db()
    stepping_in = member(firm, Role.MANAGER, Role.REVIEWER)
    for need in services.needs_in_scope(case):
        services.save_recommendation(case=case, by=stepping_in, need_type=need["type"], product=product,
                                     rationale="Zo.", deviation_reason="Bewust")
    services.submit_for_review(case=case, by=adviser)
    approve = {key: {"ok": True, "comment": ""} for key, _nl, _en in services.CHECKLIST}
    before, audit = model_to_dict(AdviceCase.objects.get(pk=case.pk)), AuditEvent.objects.count()
    page = login(stepping_in).post(reverse("advice:review", args=[case.pk]), {"outcome": "approved", **{
        f"{key}_ok": "on" for key in approve}})
    api = client.post(f"/api/v1/cases/{case.pk}/reviews", data={"outcome": "approved", "checklist": approve},
                      content_type="application/json", headers=bearer(stepping_in))
    assert (page.status_code, api.status_code) == (403, 403)
    assert model_to_dict(AdviceCase.objects.get(pk=case.pk)) == before
    assert (Review.objects.count(), AuditEvent.objects.count()) == (0, audit + 1)  # + the token issued


def test_a_manufacturer_sees_no_single_households_deviations(login, client, bearer, firm, adviser, manager,
                                                             product_developer):
    """Five deviation reasons about one household, each naming its client number, birth date and
    postcode, reach the developer of the product's provider as nothing: not on the page, in JSON,
    CSV or the API."""
    from klantbelang.clients.tests.factories import household
    from klantbelang.governance import services, sharing
    from klantbelang.products.tests.factories import ProductFactory, ProviderFactory
    from klantbelang.quality.tests.factories import moment, released

    provider = ProviderFactory(firm=firm, name="Oostwind")
    sharing.link_developer(user=product_developer, provider=provider, by=manager)
    product = ProductFactory(firm=firm, provider=provider, code="SOLO")
    single = household(firm, adviser, name="Huishouden Solo")
    reason = f"Klant {single.reference} (geb. 1991-04-03, postcode 2011 AB) wilde dit."
    for day in range(1, 6):
        released(firm, adviser, client=single, at=moment(2026, 2, day),
                 recommendations=[("goal_funding", product, False, reason)])
    report = services.create_report(firm=firm, by=manager, provider=provider, start=datetime.date(2026, 1, 1),
                                    end=datetime.date(2026, 3, 31))
    services.mark_sent(report=report, by=manager, to="pg@oostwind.nl")
    browser, headers = login(product_developer), bearer(product_developer)
    answers = [browser.get(reverse(name, args=[report.pk])) for name in (
        "governance:provider_report", "governance:provider_report_json", "governance:provider_report_csv")]
    answers.append(client.get(f"/api/v1/manufacturer/reports/{report.pk}", headers=headers))
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200]
    for answer in answers:
        text = answer.content.decode()
        assert "SOLO" in text
        assert not any(fact in text for fact in (single.reference, "1991-04-03", "2011 AB", "wilde dit"))

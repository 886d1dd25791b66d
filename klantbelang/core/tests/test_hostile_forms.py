"""Every form of every page, filled with hostile input.

The pages come from the URL conf (objects from the apps' harness registries); each is opened by a
role that may use it (ACCESS), its POST forms are read as a browser would, and then sent with, per
field type, oversized text, markup and script, formula prefixes, control characters, negative and
overflowing numbers, impossible and far-away dates, unknown choices and tampered hidden fields —
first every field at once, then one field at a time with the rest as the page filled them in.
Every answer must be a page or a redirect, never a 500; a refused form (400) writes no audit event;
and no page ever echoes the planted script unescaped.
"""

import html.parser
import itertools

import pytest
from django.urls import reverse

from klantbelang.accounts.tests.factories import member
from klantbelang.core.models import AuditEvent

from .test_authorization_matrix import ACCESS, MATRIX_PAGES, _roles
from .test_permission_harness import URL_OBJECTS

SCRIPT = "<script>alert('kb')</script>"
TEXT = [SCRIPT, "x" * 100_000, "=HYPERLINK(\"http://evil\")", "nul\x00byte", "\u202e\ufeff🙂 ‮"]
NUMBER = ["-1", "99999999999999999999999", "-1e308", "NaN", "1e400"]
DATE = ["0001-01-01", "9999-12-31", "2026-02-30", "-5"]
CHOICE = ["not-a-choice", SCRIPT, ""]
PREFERENCE = ["manager", "admin", "reviewer", "adviser", "marketing", "client", "product_developer"]
SKIP_FIELDS = {"csrfmiddlewaretoken"}


class Forms(html.parser.HTMLParser):
    """The POST forms of a page: action and fields (name, kind, value as the page filled it in)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.current: dict | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = {"action": attrs.get("action") or "", "fields": [], "multipart": False}
            self.current["multipart"] = "multipart" in (attrs.get("enctype") or "")
            self.forms.append(self.current)
            return
        if self.current is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "reset", "image"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                self.current["fields"].append((name, kind, None))
                return
            self.current["fields"].append((name, kind, attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.select = name
            self.current["fields"].append((name, "select", ""))
        elif tag == "option" and self.select and ("selected" in attrs):
            fields = self.current["fields"]
            index = max(i for i, field in enumerate(fields) if field[0] == self.select)
            fields[index] = (self.select, "select", attrs.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self.current["fields"].append((name, "textarea", ""))

    def handle_data(self, data):
        if self.current is not None and self.textarea:
            name, kind, value = self.current["fields"][-1]
            self.current["fields"][-1] = (name, kind, value + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def _hostile(kind: str) -> list[str]:
    if kind in {"number", "range"}:
        return NUMBER
    if kind in {"date", "datetime-local", "month"}:
        return DATE
    if kind in {"select", "radio"}:
        return CHOICE
    if kind == "hidden":
        return ["-1", "99999999999999999999999", SCRIPT]
    if kind in {"checkbox", "file"}:
        return []
    return TEXT


def _payload(fields, replace: dict) -> dict:
    data: dict[str, list[str]] = {}
    for name, _kind, value in fields:
        if name in replace:
            data.setdefault(name, []).append(replace[name])
        elif value is not None:
            data.setdefault(name, []).append(value)
    return data


def _actor(name) -> str | None:
    allowed = _roles(ACCESS[name])
    return next((role for role in PREFERENCE if role in allowed), None)


@pytest.mark.parametrize(("name", "args"), MATRIX_PAGES, ids=lambda value: str(value))
def test_every_form_survives_hostile_input(login, firm, manager, name, args):
    role = _actor(name)
    if role is None:
        pytest.skip("no role may use this page on another's object")
    _obj, kwargs = URL_OBJECTS[name](firm, manager) if args else (None, {})
    url = reverse(name, kwargs=kwargs)
    browser = login(member(firm, role))
    browser.raise_request_exception = False
    page = browser.get(url)
    if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
        pytest.skip("no form page")
    parser = Forms()
    parser.feed(page.content.decode())
    forms = [form for form in parser.forms if not form["multipart"]
             and any(name not in SKIP_FIELDS for name, _kind, _value in form["fields"])]
    if not forms:
        pytest.skip("no form")
    problems = []
    for form in forms:
        action = form["action"] or url
        fields = list(form["fields"])
        hostile_fields = [(field_name, _hostile(kind)) for field_name, kind, _value in fields
                          if field_name not in SKIP_FIELDS and _hostile(kind)]
        attempts = [dict(zip([field for field, _values in hostile_fields],
                             [values[index % len(values)] for _field, values in hostile_fields], strict=True))
                    for index in range(5)]
        attempts += [{field: value} for field, values in hostile_fields for value in values[:3]]
        for replace in attempts:
            audit = AuditEvent.objects.count()
            response = browser.post(action, _payload(fields, replace))
            label = f"{action} {sorted(replace.items())[:3]!r:.200}"
            if response.status_code >= 500:
                problems.append(f"{response.status_code} on {label}")
            elif response.status_code == 400 and AuditEvent.objects.count() != audit:
                problems.append(f"refused but audited: {label}")
            elif SCRIPT in response.content.decode(errors="replace"):
                problems.append(f"script echoed unescaped: {label}")
    again = browser.get(url)
    if SCRIPT in again.content.decode(errors="replace"):
        problems.append(f"script shown unescaped on {url}")
    assert problems == []


def test_the_form_reader_reads_what_a_browser_sends():
    parser = Forms()
    parser.feed('<form method="post" action="/x/"><input type="hidden" name="csrfmiddlewaretoken" value="t">'
                '<input name="a" value="1"><input type="checkbox" name="b" checked><input type="checkbox" name="c">'
                '<select name="d"><option value="1">1</option><option value="2" selected>2</option></select>'
                '<textarea name="e">hi</textarea><input type="number" name="f"></form>'
                '<form method="get"><input name="q"></form>')
    assert parser.forms == [{"action": "/x/", "multipart": False, "fields": [
        ("csrfmiddlewaretoken", "hidden", "t"), ("a", "text", "1"), ("b", "checkbox", "on"), ("c", "checkbox", None),
        ("d", "select", "2"), ("e", "textarea", "hi"), ("f", "number", "")]}]
    assert _payload(parser.forms[0]["fields"], {"f": "-1"}) == {
        "csrfmiddlewaretoken": ["t"], "a": ["1"], "b": ["on"], "d": ["2"], "e": ["hi"], "f": ["-1"]}
    assert list(itertools.islice(_hostile("number"), 2)) == ["-1", "99999999999999999999999"]


@pytest.mark.parametrize("tampered", ["abc", "-3", "99999999999999999999", "1e3", "", "<script>"])
def test_tampered_numbers_in_links_and_fields_are_not_errors(login, firm, manager, adviser, tampered):
    from klantbelang.clients.tests.factories import household

    client = household(firm, adviser)
    browser = login(manager)
    browser.raise_request_exception = False
    assert browser.get(f"/clients/{client.pk}/versions/", {"a": tampered, "b": "1"}).status_code == 404
    assert browser.post(f"/clients/{client.pk}/invite/", {"person": tampered}).status_code == 404
    assert browser.get("/quality/files/", {"lead": tampered, "provider": tampered}).status_code == 200
    assert browser.get("/prospects/", {"source": tampered}).status_code == 200

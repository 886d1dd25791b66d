"""A product developer tries to reach a client's identity, or a group of fewer than five clients,
through every page, export and API operation of klantbelang — and must fail.

The world below puts the clients' names where a careless system would leak them: in advisers'
deviation reasons, a complaint's subject, an adviser's signal, a client's own dialogue account.
The walk is generated from the URL conf and the OpenAPI schema (as the permission harness is),
so a page or operation added later is walked too; for endpoints that take an object it tries
every row of that object's model.
"""

import datetime
import io
import itertools
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from klantbelang.accounts.tests.factories import member
from klantbelang.clients.models import Client
from klantbelang.clients.tests.factories import household
from klantbelang.core.tests.test_permission_harness import API_OBJECTS, OPERATIONS, PAGES, URL_OBJECTS
from klantbelang.governance import services, sharing, topics
from klantbelang.governance.models import DistributorReport, Signal, developer_provider
from klantbelang.products.tests.factories import ProductFactory, ProviderFactory
from klantbelang.quality.tests.factories import moment, released
from klantbelang.relationships.models import Complaint

pytestmark = pytest.mark.django_db
SURNAME = "Quaxenburg"
IDENTITY = re.compile(rf"{SURNAME}|Zoravel|zq\d@example|0612345678|Huishouden Q|K\d{{6}}|1991-04-03|2011 ?AB",
                      re.IGNORECASE)
# Keys that carry a number of clients (or of signals, one per client for complaints) in reports and the API.
COUNT_KEYS = {"clients", "advised", "within_target", "outside_target", "review_findings", "signals"}
# What a product developer may open at all; everything else answers 403 or 404.
DEVELOPER_PAGES = {
    "core:home", "accounts:account", "accounts:tokens", "governance:provider_home", "governance:provider_signal",
    "governance:provider_report", "governance:provider_report_json", "governance:provider_report_csv",
    "governance:provider_report_pdf", "governance:topic_list", "governance:topic_new", "governance:topic_detail",
    "governance:notifications",
    "core:job_list",  # their own background jobs
    "accounts:two_factor_setup",  # connecting their own authenticator app
    "products:import_template",  # the empty spreadsheet of the product import format
}


def _person(index):
    return {"role": "client", "first_name": f"Zoravel{index}", "last_name": SURNAME,
            "date_of_birth": datetime.date(1960 + index, 1, 1), "employment": "employment",
            "email": f"zq{index}@example.nl", "phone": "0612345678"}


@pytest.fixture
def world(firm, adviser, manager, product_developer):
    provider = ProviderFactory(firm=firm, name="Noorderlicht")
    sharing.link_developer(user=product_developer, provider=provider, by=manager)
    product = ProductFactory(firm=firm, provider=provider, code="KANON", needs_served=["goal_funding"])
    clients = [household(firm, adviser, name=f"Huishouden Q{index}", persons=[_person(index)]) for index in range(8)]
    # Q1: five advised outside the target market (reasons name them), three within: the split is hidden.
    for index, client in enumerate(clients):
        inside = index >= 5
        released(firm, adviser, client=client, at=moment(2026, 2, 1 + index), recommendations=[(
            "goal_funding", product, inside, "" if inside else f"Zoravel{index} {SURNAME} wilde dit zelf.")])
    # Q2: one client only.
    released(firm, adviser, client=clients[0], at=moment(2026, 5, 4),
             recommendations=[("goal_funding", product, False, f"{SURNAME} opnieuw.")])
    # Q3: five cases of one household, each reason identifying it (five texts, one client).
    for index in range(5):
        released(firm, adviser, client=clients[0], at=moment(2026, 8, 1 + index), recommendations=[(
            "goal_funding", product, False,
            f"Klant {clients[0].reference} (geb. 1991-04-03, postcode 2011 AB), {SURNAME}, Zoravel0: eigen keuze.")])
    Complaint.objects.create(firm=firm, client=clients[1], product=product, subject=f"Klacht Zoravel1 {SURNAME}",
                             description="x", received_on=datetime.date(2026, 3, 1),
                             acknowledge_by=datetime.date(2026, 3, 5), resolve_by=datetime.date(2026, 4, 1),
                             root_cause="costs")
    services.collect(firm)
    for signal in Signal.objects.filter(firm=firm).order_by("pk")[:3]:
        services.triage(signal=signal, by=manager, status="accepted")
        sharing.share_signal(signal=signal, by=manager, summary="Klanten vinden dit product duur.")
    own = services.report(product=product, by=adviser, category="cost",
                          description=f"Mevrouw {SURNAME} vond de kosten te hoog.")
    services.triage(signal=own, by=manager, status="accepted")
    sharing.share_signal(signal=own, by=manager, summary="Kosten te hoog voor kleine bedragen.")
    for start, end in ((datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
                       (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
                       (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))):
        report = services.create_report(firm=firm, by=manager, provider=provider, start=start, end=end)
        services.mark_sent(report=report, by=manager, to="pg@noorderlicht.nl")
    client_user = member(firm, "client", email="zq9@example.nl", full_name=f"Zoravel9 {SURNAME}")
    Client.objects.filter(pk=clients[0].pk).update(portal_user=client_user)
    topics.opt_in(by=client_user, show_name=False)
    topic = topics.open_topic(by=manager, title="Kosten bij kleine inleg", subject="product", product=product,
                              question="Wat zou helpen?", provider=provider, clients_invited=True)
    topics.contribute(topic=topic, by=client_user, kind="need", text="Ik wil weten wat het kost.")
    topics.contribute(topic=topic, by=product_developer, kind="idea", text="Een kostenvoorbeeld op één pagina.")
    return provider


def _counts_ok(value, path="") -> list[str]:
    """Every count of clients in a JSON document is hidden (null) or at least five."""
    problems = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in COUNT_KEYS and isinstance(item, int) and not isinstance(item, bool) and item < 5:
                problems.append(f"{path}.{key}={item}")
            problems += _counts_ok(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problems += _counts_ok(item, f"{path}[{index}]")
    return problems


def _check(response, where) -> list[str]:
    if response.status_code != 200:
        return []
    content = response.content
    if content.startswith(b"%PDF"):
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        return [f"{where}: {match}" for match in IDENTITY.findall(text)]
    text = content.decode()
    problems = [f"{where}: {match}" for match in IDENTITY.findall(text)]
    if response["Content-Type"].startswith("application/json"):
        problems += [f"{where}: {problem}" for problem in _counts_ok(json.loads(text))]
    return problems


def _rows(factory, firm, user):
    """Every stored row of the model the harness factory makes (after making one)."""
    if factory is None:
        return []  # not a firm object (a password link's token)
    made = factory(firm, user)
    obj, kwargs = made[0], made[1]
    key = next((name for name, value in kwargs.items() if value == obj.pk), None)
    if key is None:
        return [kwargs]
    return [{**kwargs, key: pk} for pk in type(obj).objects.values_list("pk", flat=True)]


def test_the_identities_are_there_to_find(world, login, firm, manager):
    """The walk below means something: the firm's own staff do see the names it hunts for."""
    own = Signal.objects.get(firm=firm, source="adviser")
    page = login(manager).get(reverse("governance:signal_detail", args=[own.pk])).content.decode()
    assert IDENTITY.search(page)


def test_no_page_shows_an_identity_or_a_small_group(world, login, firm, product_developer):
    browser = login(product_developer)
    owner = member(firm, "adviser")
    problems, opened = [], set()
    for name, args in PAGES:
        if name in {"accounts:logout"}:
            continue
        attempts = [{}] if not args else _rows(URL_OBJECTS[name], firm, owner)
        for kwargs in attempts:
            url = reverse(name, kwargs=kwargs)
            response = browser.get(url)
            problems += _check(response, url)
            if response.status_code == 200:
                opened.add(name)
    assert problems == []
    assert opened <= DEVELOPER_PAGES | {"accounts:login", "accounts:password_set", "accounts:switch_language",
                                        "relationships:calendar", "core:health"}, sorted(opened - DEVELOPER_PAGES)
    assert {"governance:provider_home", "governance:provider_signal", "governance:provider_report",
            "governance:provider_report_json", "governance:topic_detail"} <= opened


def test_no_api_operation_shows_an_identity_or_a_small_group(world, client, bearer, firm, product_developer):
    headers = bearer(product_developer)
    owner = member(firm, "adviser")
    problems, answered = [], set()
    for method, path, has_object in OPERATIONS:
        if method != "GET":
            continue
        attempts = [{}] if not has_object else _rows(API_OBJECTS[(method, path)], firm, owner)
        for kwargs in attempts:
            url = path.format(**kwargs)
            response = client.get(url, headers=headers)
            problems += _check(response, url)
            if response.status_code == 200 and response.json() not in ([], {"items": [], "count": 0}):
                answered.add(path)  # lists the developer may ask for but that are empty for them don't count
    assert problems == []
    assert {"/api/v1/manufacturer/signals", "/api/v1/manufacturer/reports", "/api/v1/topics"} <= answered
    assert all(path.startswith(("/api/v1/manufacturer/", "/api/v1/topics", "/api/v1/notifications", "/api/v1/me",
                                "/api/v1/auth/tokens", "/api/v1/jobs")) for path in answered), sorted(answered)


def test_two_reports_cannot_be_subtracted(world, firm, manager, product_developer):
    reports = list(DistributorReport.objects.sent_to_developer(product_developer).order_by("start"))
    assert len(reports) == 3
    for earlier, later in itertools.pairwise(reports):
        assert earlier.end < later.start  # disjoint periods: no difference is a sub-period
    # Nor can a manager make a wider or narrower report that overlaps them.
    for start, end in ((datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
                       (datetime.date(2026, 1, 1), datetime.date(2026, 2, 28))):
        with pytest.raises(ValidationError) as error:
            services.create_report(firm=firm, by=manager, provider=world, start=start, end=end)
        assert list(error.value.message_dict) == ["start"]
    first = reports[0].data
    product = next(item for item in first["products"] if item["code"] == "KANON")
    # 8 advised, 5 outside, 3 within: the small half and so the other half too are hidden.
    assert (product["advised"], product["within_target"], product["outside_target"]) == (8, None, None)
    assert product["deviation_reasons"] == ["[…] wilde dit zelf."] * 5
    second = next(item for item in reports[1].data["products"] if item["code"] == "KANON")
    assert (second["advised"], second["within_target"], second["outside_target"], second["deviation_reasons"]) == (
        None, None, None, [])
    third = next(item for item in reports[2].data["products"] if item["code"] == "KANON")
    assert (third["advised"], third["deviation_reasons"]) == (None, [])  # five reasons, one household


def test_a_developer_of_another_provider_sees_none_of_it(world, login, client, bearer, firm, manager):
    stranger = member(firm, "product_developer")
    sharing.link_developer(user=stranger, provider=ProviderFactory(firm=firm, name="Zuiderzon"), by=manager)
    assert developer_provider(stranger).name == "Zuiderzon"
    home = login(stranger).get(reverse("governance:provider_home"))
    assert (list(home.context["signals"]), list(home.context["reports"]), list(home.context["topics"])) == ([], [], [])
    headers = bearer(stranger)
    for path in ("/api/v1/manufacturer/signals", "/api/v1/manufacturer/reports", "/api/v1/topics"):
        assert client.get(path, headers=headers).json() == [], path
    for signal in Signal.objects.filter(shared_with=world):
        assert client.get(f"/api/v1/manufacturer/signals/{signal.pk}", headers=headers).status_code == 404

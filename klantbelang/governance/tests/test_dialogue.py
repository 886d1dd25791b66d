import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse

from klantbelang.accounts.tests.factories import member
from klantbelang.clients.tests.factories import household
from klantbelang.core.errors import Conflict
from klantbelang.core.models import AuditEvent
from klantbelang.governance import services, sharing, topics
from klantbelang.governance.models import Contribution, DialogueOptIn, Notification, Participant, Topic
from klantbelang.products.tests.factories import ProductFactory, ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def opted_in(client_user):
    topics.opt_in(by=client_user, show_name=False)
    return client_user


def _topic(by, provider=None, **fields):
    return topics.open_topic(by=by, title=fields.pop("title", "Uitleg van uitsluitingen"),
                             subject=fields.pop("subject", "way_of_working"),
                             question=fields.pop("question", "Hoe leggen we uitsluitingen beter uit?"),
                             provider=provider, **fields)


# Who sees and opens what ------------------------------------------------------------------------

def test_visibility_per_party(firm, other_firm, adviser, manager, marketing, developer, provider, client_user):
    closed = _topic(manager)
    invited = _topic(manager, provider=provider, clients_invited=True)
    other_provider = _topic(manager, provider=ProviderFactory(firm=firm), clients_invited=False)
    visible = lambda user: set(Topic.objects.visible_to(user))  # noqa: E731
    assert visible(adviser) == visible(marketing) == {closed, invited, other_provider}
    assert visible(developer) == {invited}
    assert visible(client_user) == set()  # not opted in
    topics.opt_in(by=client_user, show_name=False)
    assert visible(client_user) == {invited}
    topics.opt_out(by=client_user)
    assert visible(client_user) == set()
    assert visible(member(other_firm, "manager")) == set()
    assert list(AuditEvent.objects.filter(action__startswith="dialogue.").order_by("pk").values_list(
        "action", flat=True)) == ["dialogue.opted_in", "dialogue.opted_out"]


def test_a_developer_opens_topics_for_their_own_provider(firm, manager, developer, provider, product_developer):
    mine = ProductFactory(firm=firm, provider=provider)
    theirs = ProductFactory(firm=firm, provider=ProviderFactory(firm=firm))
    with pytest.raises(ValidationError) as error:
        _topic(developer, subject="product", product=theirs)
    assert list(error.value.message_dict) == ["product"]
    topic = _topic(developer, subject="product", product=mine, provider=ProviderFactory(firm=firm))
    assert (topic.provider, topic.product, topic.opened_by) == (provider, mine, developer)
    assert list(topic.participants.values_list("user", "party")) == [(developer.pk, "product_developer")]
    unlinked = member(firm, "product_developer")
    assert not topics.can_open(unlinked)
    with pytest.raises(PermissionDenied):
        _topic(unlinked)


@pytest.mark.parametrize(("fields", "errors"), [
    ({"subject": "product"}, ["product"]),
    ({"subject": "need", "need_type": "nonsense"}, ["need_type"]),
    ({"subject": "nothing"}, ["subject"]),
    ({"title": "  ", "question": ""}, ["title", "question"]),
    ({"question": "Mail jan@example.nl wat hij vindt."}, ["question"]),
])
def test_opening_validates(manager, fields, errors):
    with pytest.raises(ValidationError) as error:
        _topic(manager, **fields)
    assert sorted(error.value.message_dict) == sorted(errors)
    assert not Topic.objects.exists()


# Contributions, pseudonyms, notifications ---------------------------------------------------------

def test_contributions_pseudonyms_and_notifications(firm, adviser, manager, developer, provider, opted_in):
    other_client = member(firm, "client", full_name="Bram Klant")
    topics.opt_in(by=other_client, show_name=True)
    topic = _topic(manager, provider=provider, clients_invited=True)
    topics.contribute(topic=topic, by=opted_in, kind="need", text="Ik wil het vooraf weten.")
    topics.contribute(topic=topic, by=other_client, kind="observation", text="Ik las het pas bij de claim.")
    topics.contribute(topic=topic, by=developer, kind="idea", text="Een kaart van één pagina.")
    participants = list(Participant.objects.filter(topic=topic).select_related("user"))
    assert [(item.user, item.party, item.client_number) for item in participants] == [
        (manager, "management", None), (opted_in, "client", 1), (other_client, "client", 2),
        (developer, "product_developer", None)]
    shown = {other_client.pk}
    assert [topics.shown_name(item, names_shown=shown) for item in participants] == [
        manager.full_name, "Klant 1", "Bram Klant", developer.full_name]
    # Everyone but the author hears of each contribution.
    assert Notification.objects.filter(user=manager).count() == 3
    assert Notification.objects.filter(user=opted_in).count() == 2
    assert Notification.objects.filter(user=developer).count() == 0
    assert topics.mark_read(user=manager, topic=topic) == 3
    assert Notification.objects.visible_to(manager).unread().count() == 0
    with pytest.raises(PermissionDenied):  # a client who did not opt in
        topics.contribute(topic=topic, by=member(firm, "client"), kind="need", text="x")
    with pytest.raises(ValidationError) as error:
        topics.contribute(topic=topic, by=adviser, kind="vote", text="")
    assert sorted(error.value.message_dict) == ["kind", "text"]


def test_no_client_names_in_contributions(firm, adviser, manager):
    household(firm, adviser, persons=[{"role": "client", "first_name": "Zora", "last_name": "Quaxenburg",
                                       "date_of_birth": datetime.date(1970, 1, 1), "employment": "employment"}])
    topic = _topic(manager)
    with pytest.raises(ValidationError) as error:
        topics.contribute(topic=topic, by=adviser, kind="observation", text="Zora Quaxenburg begreep het niet.")
    assert list(error.value.message_dict) == ["text"]
    assert not Contribution.objects.exists()


def test_moderation(firm, adviser, manager, reviewer):
    topic = _topic(manager)
    contribution = topics.contribute(topic=topic, by=adviser, kind="idea", text="Regel het buiten de regels om.")
    for user in (adviser, reviewer):
        with pytest.raises(PermissionDenied):
            topics.hide(contribution=contribution, by=user, reason="x")
    with pytest.raises(ValidationError):
        topics.hide(contribution=contribution, by=manager, reason=" ")
    hidden = topics.hide(contribution=contribution, by=manager, reason="Niet hoe wij werken.")
    assert (hidden.hidden_reason, hidden.hidden_by, hidden.text) == ("Niet hoe wij werken.", manager,
                                                                     "Regel het buiten de regels om.")
    with pytest.raises(ValidationError):
        topics.hide(contribution=hidden, by=manager, reason="Nog eens.")
    # A hidden idea does not carry a topic to the proposal stage.
    with pytest.raises(ValidationError) as error:
        topics.advance(topic=topic, by=manager, expected_stage="exploring")
    assert list(error.value.message_dict) == ["stage"]


# Stages -----------------------------------------------------------------------------------------

def test_from_exploring_to_follow_up(firm, adviser, manager, developer, provider, opted_in):
    product = ProductFactory(firm=firm, provider=provider)
    topic = _topic(developer, subject="product", product=product)
    topics.contribute(topic=topic, by=adviser, kind="observation", text="Klanten haken af.")
    with pytest.raises(PermissionDenied):  # neither the opener nor management
        topics.advance(topic=topic, by=adviser, expected_stage="exploring")
    topics.contribute(topic=topic, by=developer, kind="experiment", text="Digitale vragenlijst, drie maanden.")
    topic = topics.advance(topic=topic, by=developer, expected_stage="exploring")
    assert topic.stage == "proposal"
    with pytest.raises(Conflict):  # someone saw the topic before it moved
        topics.advance(topic=topic, by=manager, expected_stage="exploring")
    with pytest.raises(ValidationError) as error:
        topics.advance(topic=topic, by=manager, expected_stage="proposal")
    assert sorted(error.value.message_dict) == ["decision", "decision_change"]
    signal = services.report(product=product, by=adviser, category="process", description="Offertes traag.")
    services.triage(signal=signal, by=manager, status="accepted")
    with pytest.raises(ValidationError) as error:  # not answered by the manufacturer
        topics.advance(topic=topic, by=manager, expected_stage="proposal", decision="Digitaal.", decision_signal=signal)
    assert list(error.value.message_dict) == ["decision_signal"]
    sharing.share_signal(signal=signal, by=manager, summary="Offertes duren drie weken.")
    sharing.answer_signal(signal=signal, by=developer, text="Vanaf Q1 digitaal.")
    topic = topics.advance(topic=topic, by=manager, expected_stage="proposal", decision="Digitale vragenlijst.",
                           decision_signal=signal)
    assert (topic.stage, topic.decision, topic.decision_signal, topic.decided_by) == (
        "decision", "Digitale vragenlijst.", signal, manager)
    topic = topics.advance(topic=topic, by=developer, expected_stage="decision")
    assert topic.stage == "follow_up"
    with pytest.raises(ValidationError):
        topics.advance(topic=topic, by=manager, expected_stage="follow_up")
    assert list(AuditEvent.objects.filter(action="topic.advanced").order_by("pk").values_list(
        "changes__stage__after", flat=True)) == ["proposal", "decision", "follow_up"]
    # Each move told the other participants.
    assert Notification.objects.filter(user=adviser, kind="stage").count() == 3


def test_a_decision_about_how_we_work(manager, adviser):
    topic = _topic(manager)
    topics.contribute(topic=topic, by=adviser, kind="idea", text="Eerst kennismaken.")
    topics.advance(topic=topic, by=manager, expected_stage="exploring")
    topic = topics.advance(topic=topic, by=manager, expected_stage="proposal", decision="Eerst kennismaken.",
                           decision_change="Kennismaking is stap één van onze werkwijze.")
    assert (topic.stage, topic.decision_signal, topic.decision_change) == (
        "decision", None, "Kennismaking is stap één van onze werkwijze.")


# Pages and API -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "status"), [
    ("adviser", 200), ("reviewer", 200), ("marketing", 200), ("manager", 200), ("admin_user", 200),
    ("product_developer", 200), ("client_user", 200)])
def test_pages_per_role(request, login, firm, manager, role, status):
    topic = _topic(manager)
    user = request.getfixturevalue(role)
    browser = login(user)
    assert browser.get(reverse("governance:topic_list")).status_code == status
    # The topic is neither open to clients nor to a provider: those two parties get a 404.
    expected = 404 if role in ("product_developer", "client_user") else 200
    assert browser.get(reverse("governance:topic_detail", args=[topic.pk])).status_code == expected


def test_denied_writes_change_nothing(login, client, bearer, firm, adviser, manager, reviewer):
    topic = _topic(manager)
    contribution = topics.contribute(topic=topic, by=manager, kind="idea", text="Een idee.")
    browser, token = login(reviewer), bearer(reviewer)
    before = (model_to_dict(Topic.objects.get(pk=topic.pk)), model_to_dict(Contribution.objects.get(
        pk=contribution.pk)))
    audit = AuditEvent.objects.count()
    assert browser.post(reverse("governance:topic_advance", args=[topic.pk]),
                        {"expected_stage": "exploring"}).status_code == 403
    assert browser.post(reverse("governance:contribution_hide", args=[contribution.pk]),
                        {"reason": "x"}).status_code == 403
    assert client.post(f"/api/v1/topics/{topic.pk}/advance", {"expected_stage": "exploring"},
                       content_type="application/json", headers=token).status_code == 403
    assert client.post(f"/api/v1/contributions/{contribution.pk}/hide", {"reason": "x"},
                       content_type="application/json", headers=token).status_code == 403
    assert (model_to_dict(Topic.objects.get(pk=topic.pk)), model_to_dict(Contribution.objects.get(
        pk=contribution.pk))) == before
    assert AuditEvent.objects.count() == audit


def test_the_journey_through_the_api(client, bearer, firm, adviser, manager, developer, provider, opted_in):
    product = ProductFactory(firm=firm, provider=provider, code="NL0000000005")
    as_developer, as_client, as_manager = bearer(developer), bearer(opted_in), bearer(manager)
    created = client.post("/api/v1/topics", {"title": "Offertes sneller", "subject": "product",
                                             "product_code": product.code, "question": "Hoe sneller?",
                                             "clients_invited": True},
                          content_type="application/json", headers=as_developer)
    assert created.status_code == 201
    topic_id = created.json()["id"]
    assert (created.json()["provider_id"], created.json()["product_code"]) == (provider.pk, product.code)
    added = client.post(f"/api/v1/topics/{topic_id}/contributions", {"kind": "need", "text": "Binnen een week."},
                        content_type="application/json", headers=as_client)
    assert added.status_code == 201
    assert added.json()["contributions"][0]["author"] == "Klant 1"
    assert added.json()["participants"] == [{"name": developer.full_name, "party": "product_developer"},
                                            {"name": "Klant 1", "party": "client"}]
    bad = client.post(f"/api/v1/topics/{topic_id}/contributions", {"kind": "vote", "text": "x"},
                      content_type="application/json", headers=as_client)
    assert bad.status_code == 422
    client.post(f"/api/v1/topics/{topic_id}/contributions", {"kind": "idea", "text": "Digitale vragenlijst."},
                content_type="application/json", headers=as_developer)
    moved = client.post(f"/api/v1/topics/{topic_id}/advance", {"expected_stage": "exploring"},
                        content_type="application/json", headers=as_developer)
    assert moved.json()["stage"] == "proposal"
    stale = client.post(f"/api/v1/topics/{topic_id}/advance", {"expected_stage": "exploring"},
                        content_type="application/json", headers=as_manager)
    assert stale.status_code == 409
    no_link = client.post(f"/api/v1/topics/{topic_id}/advance", {"expected_stage": "proposal", "decision": "x"},
                          content_type="application/json", headers=as_manager)
    assert no_link.status_code == 422
    assert {error["field"] for error in no_link.json()["errors"]} == {"decision_change"}
    decided = client.post(f"/api/v1/topics/{topic_id}/advance", {
        "expected_stage": "proposal", "decision": "Vragenlijst digitaal.",
        "decision_change": "Wij leveren de vragenlijst digitaal aan."}, content_type="application/json",
        headers=as_manager)
    assert (decided.json()["stage"], decided.json()["decision"]) == ("decision", "Vragenlijst digitaal.")
    notes = client.get("/api/v1/notifications", headers=as_client).json()
    assert [item["kind"] for item in notes] == ["stage", "stage", "contribution"]
    assert client.post("/api/v1/notifications/read", headers=as_client).json() == {"marked": 3}
    listed = client.get("/api/v1/topics?stage=decision", headers=as_client).json()
    assert [item["id"] for item in listed] == [topic_id]
    assert client.delete("/api/v1/dialogue/opt-in", headers=as_client).status_code == 204
    assert client.get(f"/api/v1/topics/{topic_id}", headers=as_client).status_code == 404
    assert not DialogueOptIn.objects.filter(user=opted_in).exists()
    assert client.put("/api/v1/dialogue/opt-in", {"show_name": True}, content_type="application/json",
                      headers=as_manager).status_code == 403


def test_topic_list_query_count(login, firm, manager, adviser, django_assert_max_num_queries):
    for index in range(6):
        topic = _topic(manager, title=f"Onderwerp {index}")
        topics.contribute(topic=topic, by=adviser, kind="idea", text="Een idee.")
    browser = login(manager)
    browser.get(reverse("governance:topic_list"))
    with django_assert_max_num_queries(8):
        response = browser.get(reverse("governance:topic_list"))
    assert [item.unread for item in response.context["topics"]] == [1] * 6
    assert [item.contribution_count for item in response.context["topics"]] == [1] * 6


def test_portal_opt_in(login, client_user):
    browser = login(client_user)
    assert browser.get(reverse("governance:portal")).status_code == 200
    response = browser.post(reverse("governance:portal"), {"show_name": "on"})
    assert response["Location"] == reverse("governance:topic_list")
    assert DialogueOptIn.objects.get(user=client_user).show_name is True
    browser.post(reverse("governance:portal"), {"withdraw": "1"})
    assert not DialogueOptIn.objects.filter(user=client_user).exists()


@pytest.mark.parametrize("text", [
    "Jansen, Piet vroeg ernaar", "Piet Jansen vroeg ernaar", "Jansen Piet vroeg ernaar", "P. Jansen vroeg ernaar",
    "Mevrouw Jansen vroeg ernaar", "Klant {reference} vroeg ernaar", "Geboren 03-04-1991", "Geboren 1991-04-03",
    "Geboren 3 april 1991", "Woont in 2011 AB", "Woont in 2011AB"])
def test_the_identity_filter_knows_numbers_dates_postcodes_and_name_orders(firm, adviser, text):
    """Regression: the filter on manufacturer-facing text caught "First Last" only."""
    from klantbelang.governance import privacy

    client = household(firm, adviser, persons=[{"role": "client", "first_name": "Piet", "last_name": "Jansen"}])
    assert privacy.identifying_text(firm=firm, text=text.format(reference=client.reference)) != []


def test_the_identity_filter_lets_plain_product_talk_pass(firm, adviser):
    from klantbelang.governance import privacy

    household(firm, adviser, persons=[{"role": "client", "first_name": "Piet", "last_name": "Jansen"}])
    assert privacy.identifying_text(firm=firm, text="Klanten vragen om een kortere looptijd dan 10 jaar en "
                                                   "een premie onder 1200 euro per jaar.") == []

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from klantbelang.accounts.tests.factories import member
from klantbelang.clients.models import NeedsProfile
from klantbelang.clients.tests.factories import household
from klantbelang.core.errors import InvalidTransition
from klantbelang.core.models import AuditEvent
from klantbelang.relationships import services
from klantbelang.relationships.health import relationship_health
from klantbelang.relationships.models import Complaint, ServiceAgreement, Survey

from .factories import TERMS, confirmed_client

START = datetime.date(2026, 1, 15)


def test_the_gate_opens_only_with_an_agreement_confirmed_by_both(firm, adviser, client_user):
    client = household(firm, adviser)
    assert services.has_confirmed_agreement(client=client) is False
    agreement = services.draft_agreement(client=client, by=adviser, terms=TERMS)
    assert services.has_confirmed_agreement(client=client) is False
    services.confirm_agreement(agreement=agreement, by=adviser, today=START)
    assert services.has_confirmed_agreement(client=client) is False
    client.portal_user = client_user
    client.save()
    with pytest.raises(PermissionDenied):
        services.confirm_agreement(agreement=agreement, by=adviser, today=START)
    services.confirm_agreement(agreement=agreement, by=client_user, today=START)
    assert services.has_confirmed_agreement(client=client) is True
    assert services.has_confirmed_agreement(client=client, domain="investment") is True
    assert services.has_confirmed_agreement(client=client, domain="mortgage") is False
    with pytest.raises(InvalidTransition):
        services.confirm_agreement(agreement=agreement, by=client_user, today=START)
    assert list(AuditEvent.objects.filter(action__startswith="agreement.").values_list("action", flat=True)
                .order_by("pk")) == ["agreement.drafted", "agreement.confirmed_by_adviser",
                                     "agreement.confirmed_by_client"]


@pytest.mark.parametrize(("terms", "field"), [
    ({**TERMS, "basis": "panel", "panel": ""}, "panel"),
    ({**TERMS, "fee_model": "commission", "commission_disclosure": ""}, "commission_disclosure"),
    ({**TERMS, "domains": []}, "domains"),
])
def test_agreement_terms_are_checked(firm, adviser, terms, field):
    client = household(firm, adviser)
    with pytest.raises(ValidationError) as error:
        services.draft_agreement(client=client, by=adviser, terms=terms)
    assert field in error.value.message_dict
    assert ServiceAgreement.objects.count() == 0


def test_confirmation_schedules_the_review_and_the_clients_information_obligation(firm, adviser, client_user):
    client = confirmed_client(firm, adviser, client_user, today=START)
    review = client.reviews.get()
    assert (review.trigger, review.due_on, review.status) == ("cadence", datetime.date(2027, 1, 15), "open")
    obligations = {(item.party, item.kind, item.due_on) for item in client.obligations.all()}
    assert obligations == {("adviser", "periodic_review", datetime.date(2027, 1, 15)),
                           ("client", "provide_information", datetime.date(2026, 1, 29))}


def test_obligation_states(firm, adviser, client_user):
    client = confirmed_client(firm, adviser, client_user, today=START)
    information = client.obligations.get(kind="provide_information")
    assert information.state(datetime.date(2026, 1, 29)) == "open"
    assert information.state(datetime.date(2026, 1, 30)) == "overdue"
    information.fulfilled_at = timezone.now()
    assert information.state(datetime.date(2027, 1, 1)) == "fulfilled"


def test_a_reported_life_event_opens_a_review_an_obligation_and_mails_after_commit(
        firm, adviser, client_user, django_capture_on_commit_callbacks):
    client = confirmed_client(firm, adviser, client_user, today=START)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        review = services.report_life_event(client=client, by=client_user, event_type="child",
                                            date=datetime.date(2026, 3, 1), today=datetime.date(2026, 3, 2))
        assert len(mail.outbox) == 0  # nothing is sent before the transaction commits
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["adviser@test.nl"]
    assert (review.trigger, review.due_on) == ("life_event", datetime.date(2026, 3, 16))
    respond = client.obligations.get(kind="respond_to_life_event")
    assert (respond.party, respond.due_on, respond.review) == ("adviser", datetime.date(2026, 3, 5), review)
    client.refresh_from_db()
    assert client.current_profile.source == NeedsProfile.Source.CLIENT
    assert client.current_profile.data["life_events"] == [{"type": "child", "date": "2026-03-01"}]
    # The same event never opens a second review.
    assert services.scan_triggers(client=client, today=datetime.date(2026, 3, 3)) == []


@pytest.mark.parametrize(("data", "today", "trigger", "key"), [
    ({"mortgage_parts": [{"amount": 200000, "fixed_until": "2026-07-01"}]}, datetime.date(2026, 2, 1),
     "product_event", "fixed_rate:2026-07-01:200000"),
    ({"existing_products": [{"category": "home", "start": "2019-02-20"}]}, datetime.date(2026, 2, 1),
     "product_event", "anniversary:home:2026-02-20"),
])
def test_product_event_triggers(firm, adviser, client_user, data, today, trigger, key):
    client = confirmed_client(firm, adviser, client_user, today=START, data=data)
    opened = services.scan_triggers(client=client, today=today)
    assert [(review.trigger, review.trigger_key) for review in opened] == [(trigger, key)]


@pytest.mark.parametrize(("data", "today"), [
    ({"mortgage_parts": [{"amount": 200000, "fixed_until": "2026-09-01"}]}, datetime.date(2026, 2, 1)),
    ({"existing_products": [{"category": "home", "start": "2019-04-20"}]}, datetime.date(2026, 2, 1)),
])
def test_events_further_away_trigger_nothing(firm, adviser, client_user, data, today):
    client = confirmed_client(firm, adviser, client_user, today=START, data=data)
    assert services.scan_triggers(client=client, today=today) == []


def test_a_changed_target_market_of_a_held_product_triggers_a_review(firm, adviser, client_user, manager):
    from klantbelang.products.models import ProductVersion
    from klantbelang.products.tests.factories import ProductFactory

    product = ProductFactory(firm=firm, code="NL0001")
    client = confirmed_client(firm, adviser, client_user, today=START,
                              data={"existing_products": [{"category": "investment_fund", "code": "NL0001"}]})
    ProductVersion.objects.create(product=product, version=2, data={}, changed_fields=["target_market"], source="emt")
    opened = services.scan_triggers(client=client, today=timezone.localdate())
    assert [review.trigger_key for review in opened] == ["product_change:NL0001:2"]


def test_a_stale_profile_triggers_a_review(firm, adviser, client_user):
    client = confirmed_client(firm, adviser, client_user, today=START)
    profile_day = client.current_profile.created_at.date()
    assert services.scan_triggers(client=client, today=profile_day + datetime.timedelta(days=365)) == []
    opened = services.scan_triggers(client=client, today=profile_day + datetime.timedelta(days=366))
    assert [review.trigger for review in opened] == ["stale_profile"]


def test_without_a_confirmed_agreement_nothing_is_triggered(firm, adviser):
    client = household(firm, adviser, data={"mortgage_parts": [{"amount": 1, "fixed_until": "2026-07-01"}]})
    assert services.scan_triggers(client=client, today=datetime.date(2026, 2, 1)) == []


def test_review_outcomes(firm, adviser, client_user):
    client = confirmed_client(firm, adviser, client_user, today=START)
    review = client.reviews.get()
    with pytest.raises(ValidationError):
        services.record_review_outcome(review=review, by=adviser, status="declined", note=" ")
    services.record_review_outcome(review=review, by=adviser, status="delivered", note="Alles doorgenomen",
                                   today=datetime.date(2027, 1, 10))
    review.refresh_from_db()
    assert (review.status, review.profile_version) == ("delivered", client.current_profile.version)
    assert client.obligations.get(kind="periodic_review", review=review).fulfilled_at is not None
    assert Survey.objects.get(review=review).answered_at is None
    next_review = client.reviews.get(status="open")
    assert next_review.due_on == datetime.date(2028, 1, 15)
    with pytest.raises(InvalidTransition):
        services.record_review_outcome(review=review, by=adviser, status="delivered", note="")
    services.record_review_outcome(review=next_review, by=adviser, status="not_attempted", note="Niet bereikbaar",
                                   today=datetime.date(2028, 1, 20))
    assert Survey.objects.count() == 1


@pytest.mark.parametrize("role", ["reviewer", "marketing", "product_developer", "client_user", "second_adviser"])
def test_who_may_not_record_a_review(request, firm, adviser, client_user, role):
    client = confirmed_client(firm, adviser, member(firm, "client"), today=START)
    review = client.reviews.get()
    with pytest.raises(PermissionDenied):
        services.record_review_outcome(review=review, by=request.getfixturevalue(role), status="delivered", note="")
    review.refresh_from_db()
    assert review.status == "open"


def test_only_the_client_answers_a_survey_once(firm, adviser, client_user):
    client = confirmed_client(firm, adviser, client_user, today=START)
    survey = Survey.objects.create(firm=firm, client=client, about="Herziening")
    with pytest.raises(PermissionDenied):
        services.answer_survey(survey=survey, by=adviser, satisfaction=5, would_recommend=10)
    with pytest.raises(ValidationError):
        services.answer_survey(survey=survey, by=client_user, satisfaction=6, would_recommend=10)
    services.answer_survey(survey=survey, by=client_user, satisfaction=4, would_recommend=8, comment="Prima")
    with pytest.raises(InvalidTransition):
        services.answer_survey(survey=survey, by=client_user, satisfaction=1, would_recommend=0)
    survey.refresh_from_db()
    assert (survey.satisfaction, survey.would_recommend, survey.comment) == (4, 8, "Prima")


def test_complaint_steps_in_order_with_deadlines(firm, adviser, manager):
    client = household(firm, adviser)
    complaint = services.register_complaint(client=client, by=adviser, subject="Traag", description="…",
                                            received_on=datetime.date(2026, 11, 1))
    assert (complaint.acknowledge_by, complaint.resolve_by) == (datetime.date(2026, 11, 6), datetime.date(2026, 12, 13))
    assert complaint.overdue(datetime.date(2026, 11, 7)) == ["acknowledge"]
    with pytest.raises(InvalidTransition):
        services.advance_complaint(complaint=complaint, by=manager, to="resolved")
    services.advance_complaint(complaint=complaint, by=manager, to="acknowledged", today=datetime.date(2026, 11, 3))
    with pytest.raises(ValidationError):
        services.advance_complaint(complaint=complaint, by=manager, to="analysed", analysis="", root_cause="")
    services.advance_complaint(complaint=complaint, by=manager, to="analysed", analysis="Te laat gebeld",
                               root_cause="process")
    services.advance_complaint(complaint=complaint, by=manager, to="resolved", resolution="Excuses",
                               today=datetime.date(2026, 11, 20))
    services.advance_complaint(complaint=complaint, by=manager, to="client_informed", today=datetime.date(2026, 11, 21))
    complaint.refresh_from_db()
    assert (complaint.status, complaint.root_cause, complaint.overdue(datetime.date(2027, 1, 1))) == (
        "client_informed", "process", [])


def test_complaints_are_for_the_manager_and_the_responsible_adviser(firm, adviser, second_adviser, manager,
                                                                    reviewer, client_user):
    client = household(firm, adviser)
    complaint = services.register_complaint(client=client, by=manager, subject="X", description="…",
                                            received_on=datetime.date(2026, 11, 1))
    assert list(Complaint.objects.visible_to(manager)) == [complaint]
    assert list(Complaint.objects.visible_to(adviser)) == [complaint]
    assert list(Complaint.objects.visible_to(second_adviser)) == []
    assert list(Complaint.objects.visible_to(reviewer)) == []


# The survey below is answered now (the clock); health is judged on fixed days around it.
@time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_a_new_client_without_an_agreement_is_not_a_healthy_relationship_yet(firm, adviser):
    """Regression: a household just entered, with no agreement at all, showed 100/100 "good"."""
    client = household(firm, adviser, today=START)
    with translation.override("en"):
        health = relationship_health(client=client, today=START)
    assert (health.level, health.points, health.reasons) == (
        "attention", 70, ["No service agreement confirmed by both sides yet: the relationship is not agreed."])
    with translation.override("nl"):
        assert relationship_health(client=client, today=START).reasons == [
            "Nog geen dienstverleningsovereenkomst die beide kanten bevestigden: de relatie is niet afgesproken."]


def test_health_components_each_with_a_reason(firm, adviser, client_user):
    client = confirmed_client(firm, adviser, client_user, today=START)
    with translation.override("en"):
        health = relationship_health(client=client, today=START)
    assert (health.level, health.points, health.reasons) == (
        "good", 100, ["Recent contact, nothing overdue, no open complaints."])
    later = datetime.date(2027, 6, 1)
    Survey.objects.create(firm=firm, client=client, about="x", answered_at=timezone.now(), satisfaction=2,
                          would_recommend=3)
    services.register_complaint(client=client, by=adviser, subject="X", description="…", received_on=later)
    with translation.override("en"):
        health = relationship_health(client=client, today=later)
    assert health.reasons == [
        "2 obligation(s) overdue.",  # the client's information (Jan 2026) and the review (Jan 2027)
        "A periodic review is overdue.",
        "The latest satisfaction score was 2 of 5.",
        "1 complaint(s) open.",
    ]
    assert (health.points, health.level) == (100 - 20 - 20 - 20 - 15, "at_risk")
    with translation.override("en"):
        silent = relationship_health(client=client, today=datetime.date(2028, 6, 1))
    assert silent.reasons[0] == "No contact for more than a year."

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from klantbelang.accounts.models import Expertise
from klantbelang.accounts.tests.factories import member
from klantbelang.clients.models import Client
from klantbelang.core.errors import Conflict, InvalidTransition
from klantbelang.core.models import AuditEvent
from klantbelang.prospects import scoring, services
from klantbelang.prospects.models import AdviserCapacity, LostReason, Prospect, ServiceScope, StageChange
from klantbelang.prospects.qualification import relationship_concerns, scope_fit
from klantbelang.prospects.reports import classify, marketing_report, summarise

from .factories import GOOD_CHECK, days_ago, prospect, source, stage

pytestmark = pytest.mark.django_db


def _state(item: Prospect):
    item.refresh_from_db()
    return (item.stage_id, item.lost_reason_id, item.edit_version, item.stage_changes.count(),
            AuditEvent.objects.count())


def test_a_new_prospect_starts_in_new_with_a_logged_change_and_an_audit_event(firm, marketing):
    item = prospect(firm, marketing)
    assert item.stage.kind == "new"
    assert item.owner == marketing
    assert item.contact_consent_at is not None
    assert list(item.stage_changes.values_list("from_stage", "to_stage__kind")) == [(None, "new")]
    assert AuditEvent.objects.filter(action="prospect.created", object_id=str(item.pk)).count() == 1


def test_lost_needs_a_reason_and_nothing_changes_without_one(firm, marketing):
    item = prospect(firm, marketing)
    before = _state(item)
    with pytest.raises(ValidationError) as error:
        services.move(prospect=item, to=stage(firm, "lost"), by=marketing)
    assert list(error.value.message_dict) == ["lost_reason"]
    assert _state(item) == before
    reason = LostReason.objects.get(firm=firm, code="unreachable")
    moved = services.move(prospect=item, to=stage(firm, "lost"), by=marketing, lost_reason=reason, note="3x gebeld")
    assert moved.stage.kind == "lost"
    assert moved.lost_reason == reason
    assert moved.lost_note == "3x gebeld"


def test_another_firms_lost_reason_is_refused(firm, other_firm, marketing):
    services.ensure_pipeline(other_firm)
    item = prospect(firm, marketing)
    foreign = LostReason.objects.filter(firm=other_firm).first()
    with pytest.raises(ValidationError):
        services.move(prospect=item, to=stage(firm, "lost"), by=marketing, lost_reason=foreign)


def test_no_agreement_before_a_mutual_relationship_check(firm, adviser):
    item = prospect(firm, adviser)
    services.move(prospect=item, to=stage(firm, "qualifying"), by=adviser)
    before = _state(item)
    with pytest.raises(InvalidTransition, match="Doe eerst de relatiecheck"):
        services.move(prospect=item, to=stage(firm, "agreement"), by=adviser)
    assert _state(item) == before
    services.record_check(prospect=item, by=adviser, answers={**GOOD_CHECK, "accepts_fee": "no"})
    with pytest.raises(InvalidTransition):
        services.move(prospect=item, to=stage(firm, "agreement"), by=adviser)
    check = services.record_check(prospect=item, by=adviser, answers=GOOD_CHECK)
    assert check.mutual
    assert services.move(prospect=item, to=stage(firm, "agreement"), by=adviser).stage.kind == "agreement"


def test_new_cannot_jump_to_agreement_and_won_is_final(firm, adviser):
    item = prospect(firm, adviser)
    services.record_check(prospect=item, by=adviser, answers=GOOD_CHECK)
    with pytest.raises(InvalidTransition):
        services.move(prospect=item, to=stage(firm, "agreement"), by=adviser)
    with pytest.raises(InvalidTransition):
        services.move(prospect=item, to=stage(firm, "won"), by=adviser)


def test_marketing_cannot_move_to_the_advisers_stages(firm, marketing):
    item = prospect(firm, marketing)
    with pytest.raises(PermissionDenied):
        services.move(prospect=item, to=stage(firm, "introduction"), by=marketing)


def test_winning_makes_a_client_for_the_assigned_adviser(firm, adviser):
    item = prospect(firm, adviser, email="sanne@example.nl")
    services.move(prospect=item, to=stage(firm, "qualifying"), by=adviser)
    services.record_check(prospect=item, by=adviser, answers=GOOD_CHECK)
    services.move(prospect=item, to=stage(firm, "agreement"), by=adviser)
    with pytest.raises(InvalidTransition, match="Wijs een adviseur toe"):
        services.move(prospect=item, to=stage(firm, "won"), by=adviser)
    Expertise.objects.create(user=adviser, domain="mortgage")
    services.assign(prospect=item, by=adviser, adviser=adviser)
    won = services.move(prospect=item, to=stage(firm, "won"), by=adviser)
    client = Client.objects.get(pk=won.client_id)
    assert won.won_on == timezone.localdate()
    assert client.responsible_adviser == adviser
    assert client.firm == firm
    assert list(client.persons.values_list("first_name", "last_name", "email")) == [
        ("Sanne", "de Jong", "sanne@example.nl")]
    assert AuditEvent.objects.filter(action="prospect.became_client", object_id=str(client.pk)).exists()


def test_stage_changes_record_the_time_spent_in_the_previous_stage(firm, marketing):
    start = days_ago(10)
    item = services.create_prospect(firm=firm, by=marketing, now=start, fields={
        "first_name": "A", "last_name": "B", "source": source(firm)})
    services.move(prospect=item, to=stage(firm, "qualifying"), by=marketing, now=start + datetime.timedelta(days=3))
    change = StageChange.objects.filter(prospect=item).order_by("at").last()
    assert change.seconds_in_previous == 3 * 86400
    assert change.days_in_previous == 3.0


def test_a_stale_version_is_a_conflict_and_changes_nothing(firm, marketing):
    item = prospect(firm, marketing)
    services.update_prospect(prospect=item, by=marketing, fields={"phone": "010"}, based_on_version=1)
    before = _state(item)
    with pytest.raises(Conflict):
        services.update_prospect(prospect=item, by=marketing, fields={"phone": "020"}, based_on_version=1)
    with pytest.raises(Conflict):
        services.move(prospect=item, to=stage(firm, "qualifying"), by=marketing, based_on_version=1)
    assert _state(item) == before
    item.refresh_from_db()
    assert item.phone == "010"


def test_an_adviser_edits_only_their_own_or_unassigned_prospects(firm, adviser, second_adviser, marketing):
    item = prospect(firm, marketing)
    services.assign(prospect=item, by=marketing, adviser=second_adviser)
    with pytest.raises(PermissionDenied):
        services.update_prospect(prospect=item, by=adviser, fields={"phone": "1"})
    services.update_prospect(prospect=item, by=second_adviser, fields={"phone": "1"})


def _fit(**scope):
    return scope_fit(needs=scope.pop("needs"), audience=scope.pop("audience", "private"),
                     country=scope.pop("country", "NL"),
                     scope=ServiceScope(needs=["mortgage_financing", "pension_gap"], audiences=["private"],
                                        countries=["NL"]))


def test_scope_fit():
    assert _fit(needs=["mortgage_financing"]).status == "in"
    assert _fit(needs=["mortgage_financing", "car_cover"]).status == "partly"
    out = _fit(needs=["car_cover"])
    assert out.status == "out"
    assert len(out.reasons) == 1
    assert _fit(needs=["pension_gap"], audience="business_owner").status == "out"
    assert _fit(needs=["pension_gap"], country="BE").status == "out"
    assert _fit(needs=[]).status == "unknown"


@pytest.mark.parametrize(("change", "concerns"), [
    ({}, 0), ({"shares_information": "partly"}, 1), ({"accepts_fee": "unsure"}, 1), ({"horizon": "under_1"}, 1),
    ({"horizon": "1_3"}, 0), ({"contact": "on_request"}, 1), ({"firm_wants": False, "firm_can_meet": False}, 2),
])
def test_relationship_concerns(change, concerns):
    answers = {key: value for key, value in {**GOOD_CHECK, **change}.items() if key != "firm_note"}
    assert len(relationship_concerns(**answers)) == concerns


def test_round_robin_by_expertise_and_capacity_explained(firm, adviser, second_adviser, marketing):
    third = member(firm, "adviser", full_name="Cas Capaciteit")
    for user in (adviser, second_adviser, third):
        Expertise.objects.create(user=user, domain="mortgage")
    Expertise.objects.create(user=second_adviser, domain="pension")
    AdviserCapacity.objects.create(firm=firm, adviser=third, max_open=0)
    mixed = prospect(firm, marketing, stated_needs=["mortgage_financing", "pension_gap"])
    assigned = services.assign(prospect=mixed, by=marketing)
    assert assigned.adviser == second_adviser  # the only one with both mortgage and pension expertise
    assert "1" in assigned.assignment_note
    assert "3" in assigned.assignment_note
    first = services.assign(prospect=prospect(firm, marketing), by=marketing).adviser
    assert first == adviser  # never assigned before, so first in the round
    second = services.assign(prospect=prospect(firm, marketing), by=marketing).adviser
    assert second == second_adviser  # adviser just had a turn; Cas is full
    third_pick = services.assign(prospect=prospect(firm, marketing), by=marketing).adviser
    assert third_pick == adviser


def test_no_fitting_adviser_is_a_clear_error(firm, adviser, marketing):
    item = prospect(firm, marketing, stated_needs=["pension_gap"])
    with pytest.raises(ValidationError, match="Anna Adviseur"):
        services.assign(prospect=item, by=marketing)
    item.refresh_from_db()
    assert item.adviser is None


def test_an_override_sits_beside_the_computed_score_and_needs_a_reason(firm, marketing):
    item = prospect(firm, marketing)
    Prospect.objects.filter(pk=item.pk).update(score=0.2)
    with pytest.raises(ValidationError):
        services.override_score(prospect=item, by=marketing, score=0.7, reason=" ")
    item = services.override_score(prospect=item, by=marketing, score=0.7, reason="bekende van klant")
    assert (item.score, item.override_score, item.shown_score) == (0.2, 0.7, 0.7)
    item = services.override_score(prospect=item, by=marketing, score=None)
    assert (item.score, item.override_score, item.override_reason, item.shown_score) == (0.2, None, "", 0.2)


def test_time_entries_are_checked(firm, marketing):
    item = prospect(firm, marketing)
    with pytest.raises(ValidationError) as error:
        services.log_time(prospect=item, by=marketing, activity="call", minutes=20,
                          on=timezone.localdate() + datetime.timedelta(days=1))
    assert list(error.value.message_dict) == ["on"]
    services.log_time(prospect=item, by=marketing, activity="call", minutes=20, on=timezone.localdate())
    assert item.time_entries.get().minutes == 20


def test_outcome_and_report_classification():
    today = datetime.date(2026, 11, 27)
    year_ago = today - datetime.timedelta(days=365)
    assert classify(kind="lost", won_on=None, ended_on=None, today=today) == "lost"
    assert classify(kind="won", won_on=year_ago, ended_on=None, today=today) == "lasting"
    assert classify(kind="won", won_on=year_ago + datetime.timedelta(days=1), ended_on=None,
                    today=today) == "not_yet_known"
    assert classify(kind="won", won_on=year_ago, ended_on=today - datetime.timedelta(days=1),
                    today=today) == "left_within_year"
    assert classify(kind="qualifying", won_on=None, ended_on=None, today=today) == "open"


def test_summary_against_hand_computed_figures():
    today = datetime.date(2026, 11, 27)
    old = datetime.date(2024, 1, 1)
    records = [
        {"source": 1, "campaign": None, "kind": "won", "won_on": old, "ended_on": None, "lost_reason": None,
         "minutes": 300},
        {"source": 1, "campaign": None, "kind": "won", "won_on": old, "ended_on": datetime.date(2024, 6, 1),
         "lost_reason": None, "minutes": 240},
        {"source": 1, "campaign": None, "kind": "lost", "won_on": None, "ended_on": None, "lost_reason": 9,
         "minutes": 60},
        {"source": 2, "campaign": None, "kind": "lost", "won_on": None, "ended_on": None, "lost_reason": 9,
         "minutes": 90},
        {"source": 2, "campaign": None, "kind": "new", "won_on": None, "ended_on": None, "lost_reason": None,
         "minutes": 0},
    ]
    lines = summarise(records, by="source", labels={1: "Referral", 2: "List"}, today=today,
                      costs={2: Decimal(1000)})
    referral, listing = lines
    assert (referral.label, referral.prospects, referral.won, referral.lasting, referral.left_within_year,
            referral.lost, referral.minutes, referral.minutes_lost) == ("Referral", 3, 2, 1, 1, 1, 600, 300)
    assert referral.cost_lost(Decimal(90)) == Decimal("450.00")
    assert referral.cost_per_lasting_client(Decimal(90)) == Decimal("900.00")
    assert referral.lasting_rate == round(1 / 3, 3)
    assert (listing.prospects, listing.lost, listing.open, listing.minutes_lost, listing.lost_reasons[9]) == (
        2, 1, 1, 90, 1)
    assert listing.cost_per_lasting_client(Decimal(90)) is None
    assert listing.campaign_cost == Decimal(1000)


def test_marketing_report_reads_the_database(firm, marketing):
    item = prospect(firm, marketing)
    services.log_time(prospect=item, by=marketing, activity="call", minutes=45, on=timezone.localdate())
    services.move(prospect=item, to=stage(firm, "lost"), by=marketing,
                  lost_reason=LostReason.objects.get(firm=firm, code="price"))
    prospect(firm, marketing)
    today = timezone.localdate()
    report = marketing_report(firm=firm, start=today - datetime.timedelta(days=7), end=today, today=today)
    (line,) = report["by_source"]
    assert (line.label, line.prospects, line.lost, line.open, line.minutes, line.minutes_lost) == (
        "Website", 2, 1, 1, 45, 45)
    assert report["total"].prospects == 2


def test_training_needs_fifty_of_each_outcome(firm, marketing):
    prospect(firm, marketing)
    with pytest.raises(scoring.InsufficientHistory, match="50"):
        scoring.train(firm=firm, by=marketing)
    assert scoring.history(firm, today=timezone.localdate()) == {
        "positives": 0, "negatives": 0, "minimum": 50, "enough": False}


def test_out_of_scope_stays_in_qualification_without_a_managers_exception(login, firm, adviser, manager):
    """Regression: the fit check was advisory; a Belgian business owner wanting car and travel cover
    reached the agreement stage."""
    from django.urls import reverse

    from klantbelang.prospects.models import ServiceScope

    services.ensure_pipeline(firm)
    ServiceScope.objects.filter(firm=firm).update(needs=["pension_gap", "mortgage_financing"], countries=["NL"])
    outside = prospect(firm, adviser, audience="business_owner", country="BE",
                       stated_needs=["car_cover", "travel_cover"])
    services.move(prospect=outside, to=stage(firm, "qualifying"), by=adviser)
    with pytest.raises(InvalidTransition, match="Buiten ons aanbod: Wij adviseren geen klanten in België"):
        services.move(prospect=outside, to=stage(firm, "introduction"), by=adviser)
    assert Prospect.objects.get(pk=outside.pk).stage.kind == "qualifying"
    board = login(adviser).get(reverse("prospects:board")).content.decode()
    assert "data-out-of-scope" in board
    assert "Wij adviseren geen klanten in België." in board
    with pytest.raises(PermissionDenied):  # an adviser cannot lift it
        services.record_fit_exception(prospect=outside, by=adviser, reason="Wil ik graag")
    services.record_fit_exception(prospect=outside, by=manager, reason="Broer van een vaste klant; eenmalig.")
    moved = services.move(prospect=outside, to=stage(firm, "introduction"), by=adviser)
    assert moved.stage.kind == "introduction"
    event = AuditEvent.objects.get(action="prospect.fit_exception")
    assert (event.actor, event.changes["fit_exception"]["after"]) == (manager, "Broer van een vaste klant; eenmalig.")
    detail = login(adviser).get(reverse("prospects:detail", args=[outside.pk])).content.decode()
    assert "data-fit-exception" in detail


def test_a_prospect_within_scope_moves_on_as_before(firm, adviser):
    services.ensure_pipeline(firm)
    inside = prospect(firm, adviser, stated_needs=["pension_gap"])
    services.move(prospect=inside, to=stage(firm, "qualifying"), by=adviser)
    assert services.move(prospect=inside, to=stage(firm, "introduction"), by=adviser).stage.kind == "introduction"

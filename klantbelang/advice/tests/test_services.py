import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import translation

from klantbelang.advice import services
from klantbelang.advice.models import AdviceVersion, Recommendation, Review, ReviewPolicy
from klantbelang.clients.tests.factories import household
from klantbelang.core.errors import Conflict, InvalidTransition
from klantbelang.core.models import AuditEvent
from klantbelang.products.shelf_generator import _target_market
from klantbelang.products.tests.factories import ProductFactory

from .factories import ready_client

APPROVE = {key: {"ok": True, "comment": ""} for key, _nl, _en in services.CHECKLIST}


@pytest.fixture
def shelf(firm):
    calm = ProductFactory(firm=firm, code="CALM", name="Rustig Fonds", sri=2, min_horizon_years=1.0,
                          needs_served=["goal_funding", "emergency_buffer"],
                          target_market=_target_market(loss=("N", "Y", "Y", "N"), objectives={"growth": "Y",
                                                                                               "preservation": "Y"},
                                                       service=("N", "Y", "Y", "Y")))
    wild = ProductFactory(firm=firm, code="WILD", name="Wild Fonds", sri=6, needs_served=["goal_funding"])
    return calm, wild


@pytest.fixture
def case(firm, adviser, client_user, shelf):
    client = ready_client(firm, adviser, client_user)
    return services.open_case(client=client, by=adviser, domains=["investment"], reason="first_advice")


def _to_advice(case, adviser):
    services.transition(case=case, by=adviser, to="inventory")
    services.transition(case=case, by=adviser, to="analysis")
    services.transition(case=case, by=adviser, to="advice")
    case.refresh_from_db()
    return case


def _recommend_all(case, adviser, product):
    for need in services.needs_in_scope(case):
        services.save_recommendation(case=case, by=adviser, need_type=need["type"], product=product,
                                     rationale="Past bij de doelen en het risico.", one_off_cost=0, yearly_cost=12,
                                     horizon_years=10)


def test_the_phase_map_allows_and_refuses(case, adviser):
    assert case.status == "intake"
    with pytest.raises(InvalidTransition):
        services.transition(case=case, by=adviser, to="analysis")
    with pytest.raises(InvalidTransition):
        services.transition(case=case, by=adviser, to="released")
    services.transition(case=case, by=adviser, to="inventory")
    services.transition(case=case, by=adviser, to="analysis")
    services.transition(case=case, by=adviser, to="inventory")  # back, to complete the inventory
    services.transition(case=case, by=adviser, to="analysis")
    services.transition(case=case, by=adviser, to="advice")
    with pytest.raises(InvalidTransition):
        services.transition(case=case, by=adviser, to="review")  # only through submit_for_review
    case.refresh_from_db()
    assert [change.to_status for change in case.status_changes.all()] == [
        "intake", "inventory", "analysis", "inventory", "analysis", "advice"]


def test_analysis_needs_a_complete_inventory_and_a_confirmed_agreement(firm, adviser, client_user, shelf):
    incomplete = household(firm, adviser)
    case = services.open_case(client=incomplete, by=adviser, domains=["investment"], reason="first_advice")
    services.transition(case=case, by=adviser, to="inventory")
    with pytest.raises(InvalidTransition, match="investment"):
        services.transition(case=case, by=adviser, to="analysis")
    ready = ready_client(firm, adviser, client_user)
    mortgage = services.open_case(client=ready, by=adviser, domains=["mortgage"], reason="first_advice")
    services.transition(case=mortgage, by=adviser, to="inventory")
    with pytest.raises(InvalidTransition, match="mortgage"):  # the agreement covers investment and pension only
        services.transition(case=mortgage, by=adviser, to="analysis")


def test_a_stale_edit_is_refused(case, adviser):
    services.transition(case=case, by=adviser, to="inventory", based_on=1)
    with pytest.raises(Conflict):
        services.transition(case=case, by=adviser, to="analysis", based_on=1)


def test_recommendation_outside_the_target_market_needs_a_reason_and_flags_the_case(case, adviser, shelf):
    _calm, wild = shelf
    case = _to_advice(case, adviser)
    need = services.needs_in_scope(case)[0]["type"]
    with pytest.raises(ValidationError) as error:
        services.save_recommendation(case=case, by=adviser, need_type=need, product=wild, rationale="Rendement")
    assert "deviation_reason" in error.value.message_dict
    assert Recommendation.objects.count() == 0
    item = services.save_recommendation(case=case, by=adviser, need_type=need, product=wild, rationale="Rendement",
                                        deviation_reason="De klant wil bewust meer risico.")
    case.refresh_from_db()
    assert (item.eligible, case.needs_review) == (False, True)
    assert item.verdicts["risk"] == "fail"
    assert [alternative["code"] for alternative in item.alternatives][:1] == ["CALM"]
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds the same rule
        Recommendation.objects.filter(pk=item.pk).update(deviation_reason="")


def test_no_product_is_advice_too(case, adviser):
    case = _to_advice(case, adviser)
    need = services.needs_in_scope(case)[0]["type"]
    item = services.save_recommendation(case=case, by=adviser, need_type=need, no_product=True,
                                        rationale="Eerst de buffer aanvullen uit het inkomen.")
    assert (item.no_product, item.product, item.eligible) == (True, None, True)


def test_four_eyes_self_review_is_refused_in_the_service_and_the_database(case, adviser, reviewer, shelf):
    calm, _wild = shelf
    case = _to_advice(case, adviser)
    _recommend_all(case, adviser, calm)
    services.submit_for_review(case=case, by=adviser)
    with pytest.raises(PermissionDenied):
        services.review_case(case=case, by=adviser, outcome="approved", checklist=APPROVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(case=case, reviewer=adviser, author=adviser, outcome="approved", checklist={},
                              submitted_at=case.created_at)
    case.specialists.add(reviewer)
    with pytest.raises(PermissionDenied):  # a reviewer on the team is not a second pair of eyes
        services.review_case(case=case, by=reviewer, outcome="approved", checklist=APPROVE)
    assert Review.objects.count() == 0


@pytest.mark.parametrize("roles", [("admin", "reviewer"), ("manager", "reviewer")])
def test_who_changed_the_advice_cannot_approve_it(firm, case, adviser, reviewer, shelf, roles):
    """Regression: an admin (or manager) holding the reviewer role stepped into an adviser's case,
    wrote an out-of-target-market recommendation, submitted it, approved it and released it; the
    review named the case lead as author."""
    from klantbelang.accounts.tests.factories import member

    _calm, wild = shelf
    stepping_in = member(firm, *roles, email=f"{roles[0]}-reviewer@test.nl")
    case = _to_advice(case, adviser)
    for need in services.needs_in_scope(case):
        services.save_recommendation(case=case, by=stepping_in, need_type=need["type"], product=wild,
                                     rationale="Zo wil ik het.", deviation_reason="Omdat het kan")
    services.submit_for_review(case=case, by=stepping_in)
    with pytest.raises(PermissionDenied):
        services.review_case(case=case, by=stepping_in, outcome="approved", checklist=APPROVE)
    assert Review.objects.count() == 0
    with pytest.raises(InvalidTransition):
        services.release(case=case, by=stepping_in)
    review = services.review_case(case=case, by=reviewer, outcome="approved", checklist=APPROVE)
    assert review.author == stepping_in  # who submitted, not the lead
    assert set(review.editors.all()) == {stepping_in}


def test_an_editor_since_the_last_approval_is_not_a_second_pair_of_eyes(firm, case, adviser, reviewer, shelf):
    """The reviewer of an earlier round who later changed the advice cannot approve the amended
    advice; before that change they could."""
    from klantbelang.accounts.tests.factories import member

    calm, _wild = shelf
    both = member(firm, "manager", "reviewer", email="both@test.nl")
    case = _to_advice(case, adviser)
    _recommend_all(case, adviser, calm)
    services.submit_for_review(case=case, by=adviser)
    services.review_case(case=case, by=both, outcome="approved", checklist=APPROVE)  # not an editor yet
    services.release(case=case, by=adviser)
    services.transition(case=case, by=adviser, to="advice")
    need = services.needs_in_scope(case)[0]["type"]
    services.save_recommendation(case=case, by=both, need_type=need, product=calm, rationale="Aangepast")
    services.submit_for_review(case=case, by=adviser)
    with pytest.raises(PermissionDenied):
        services.review_case(case=case, by=both, outcome="approved", checklist=APPROVE)
    review = services.review_case(case=case, by=reviewer, outcome="approved", checklist=APPROVE)
    assert set(review.editors.all()) == {both, adviser}


@pytest.mark.parametrize(("draw", "expected"), [(24, "required"), (25, "sampled_out"), (99, "sampled_out")])
def test_the_review_sample_is_a_secret_draw_recorded_at_submission(monkeypatch, firm, case, adviser, shelf,
                                                                   draw, expected):
    """Regression: the draw followed from the case id (``Random(f"sample-{pk}")``), so an adviser
    could open throw-away cases until one was sampled out. Now it comes from ``secrets`` and is kept."""
    calm, _wild = shelf
    ReviewPolicy.objects.create(firm=firm, sample_percentage=25, first_cases_of_new_adviser=0)
    monkeypatch.setattr(services.secrets, "randbelow", lambda upper: draw if upper == 100 else 0)
    case = _to_advice(case, adviser)
    _recommend_all(case, adviser, calm)
    services.submit_for_review(case=case, by=adviser)
    case.refresh_from_db()
    assert (case.sampling, case.sampling_draw) == (expected, draw)
    assert AuditEvent.objects.get(action="case.sampled").changes == {
        "sampling": {"before": None, "after": expected}, "draw": {"before": None, "after": draw}}


def test_changes_requested_then_approved_then_released_and_frozen(case, adviser, reviewer, shelf):
    calm, _wild = shelf
    case = _to_advice(case, adviser)
    _recommend_all(case, adviser, calm)
    services.submit_for_review(case=case, by=adviser)
    case.refresh_from_db()
    assert case.sampling == "required"  # an adviser's first cases are always reviewed
    with pytest.raises(ValidationError):
        services.review_case(case=case, by=reviewer, outcome="changes_requested", checklist={})
    services.review_case(case=case, by=reviewer, outcome="changes_requested",
                         checklist={**APPROVE, "costs": {"ok": False, "comment": "Kosten over de looptijd ontbreken"}})
    case.refresh_from_db()
    assert case.status == "advice"
    with pytest.raises(InvalidTransition):
        services.release(case=case, by=adviser)
    services.submit_for_review(case=case, by=adviser)
    with pytest.raises(InvalidTransition):  # the earlier approval does not count: none yet since resubmission
        services.release(case=case, by=adviser)
    services.review_case(case=case, by=reviewer, outcome="approved", checklist=APPROVE)
    version = services.release(case=case, by=adviser)
    case.refresh_from_db()
    assert (case.status, version.number) == ("released", 1)
    assert version.snapshot["client"]["name"] == case.client.name
    assert version.snapshot["recommendations"][0]["product"]["code"] == "CALM"
    assert version.snapshot["review"]["reviewer"] == str(reviewer)
    with pytest.raises(DatabaseError, match="never changes"), transaction.atomic():
        AdviceVersion.objects.filter(pk=version.pk).update(snapshot={"forged": True})
    with pytest.raises(InvalidTransition):
        services.save_recommendation(case=case, by=adviser, need_type=services.needs_in_scope(case)[0]["type"],
                                     no_product=True, rationale="Toch niet")
    assert "case.released" in set(AuditEvent.objects.values_list("action", flat=True))


def test_sampled_out_cases_may_be_released_with_the_decision_recorded(case, adviser, shelf, firm):
    calm, _wild = shelf
    ReviewPolicy.objects.create(firm=firm, sample_percentage=0, first_cases_of_new_adviser=0)
    case = _to_advice(case, adviser)
    _recommend_all(case, adviser, calm)
    services.submit_for_review(case=case, by=adviser)
    case.refresh_from_db()
    assert case.sampling == "sampled_out"
    version = services.release(case=case, by=adviser)
    assert version.snapshot["sampling"] == "sampled_out"


def test_deviations_are_always_reviewed(case, adviser, shelf, firm):
    _calm, wild = shelf
    ReviewPolicy.objects.create(firm=firm, sample_percentage=0, first_cases_of_new_adviser=0)
    case = _to_advice(case, adviser)
    for need in services.needs_in_scope(case):
        services.save_recommendation(case=case, by=adviser, need_type=need["type"], product=wild, rationale="X",
                                     deviation_reason="Bewust")
    services.submit_for_review(case=case, by=adviser)
    case.refresh_from_db()
    assert case.sampling == "required"


@pytest.mark.parametrize("role", ["reviewer", "marketing", "client_user", "second_adviser", "product_developer"])
def test_who_may_not_edit_recommendations(request, case, adviser, role):
    case = _to_advice(case, adviser)
    with pytest.raises(PermissionDenied):
        services.save_recommendation(case=case, by=request.getfixturevalue(role),
                                     need_type=services.needs_in_scope(case)[0]["type"], no_product=True,
                                     rationale="X")
    assert Recommendation.objects.count() == 0


def test_specialists_are_suggested_by_expertise_and_workload(firm, case, adviser):
    from klantbelang.accounts.models import Expertise
    from klantbelang.accounts.tests.factories import member

    busy = member(firm, "adviser", full_name="Bezette Belegger")
    free = member(firm, "adviser", full_name="Vrije Belegger")
    other = member(firm, "adviser", full_name="Hypotheekspecialist")
    for person, domain in ((busy, "investment"), (free, "investment"), (other, "mortgage")):
        Expertise.objects.create(user=person, domain=domain)
    client = case.client
    services.open_case(client=client, by=adviser, domains=["investment"], reason="other", lead=busy)
    suggestions = services.suggest_specialists(case=case)
    assert [user.full_name for user, _why in suggestions] == ["Vrije Belegger", "Bezette Belegger"]
    with translation.override("en"):
        assert services.suggest_specialists(case=case)[1][1] == "expertise in investment; 1 open case(s)"


def test_client_accepts_released_advice_once(case, adviser, reviewer, client_user, shelf):
    calm, _wild = shelf
    case = _to_advice(case, adviser)
    _recommend_all(case, adviser, calm)
    services.submit_for_review(case=case, by=adviser)
    services.review_case(case=case, by=reviewer, outcome="approved", checklist=APPROVE)
    version = services.release(case=case, by=adviser)
    with pytest.raises(PermissionDenied):
        services.respond_to_report(version=version, by=adviser, kind="accepted")
    services.respond_to_report(version=version, by=client_user, kind="question", text="Wat als de koers daalt?")
    services.respond_to_report(version=version, by=client_user, kind="accepted")
    with pytest.raises(InvalidTransition):
        services.respond_to_report(version=version, by=client_user, kind="accepted")
    assert list(version.responses.values_list("kind", flat=True)) == ["question", "accepted"]


def test_fee_statement_from_the_agreement_and_the_time(case, adviser):
    services.log_time(case=case, by=adviser, activity="meeting", minutes=90, on=datetime.date(2026, 2, 1))
    assert services.fee_statement(case) == {"model": "fixed", "hours": "1.50", "estimated": "1450.00",
                                            "actual": "1450.00"}
    agreement = case.client.agreements.get()
    type(agreement).objects.filter(pk=agreement.pk).update(fee_model="hourly", fee_amount=120)
    assert services.fee_statement(case) == {"model": "hourly", "hours": "1.50", "estimated": "480.00",
                                            "actual": "180.00"}


def test_released_advice_is_amended_as_a_new_version_with_a_reason(case, adviser, reviewer, shelf):
    calm, _wild = shelf
    case = _to_advice(case, adviser)
    _recommend_all(case, adviser, calm)
    services.submit_for_review(case=case, by=adviser)
    services.review_case(case=case, by=reviewer, outcome="approved", checklist=APPROVE)
    first = services.release(case=case, by=adviser)
    services.transition(case=case, by=adviser, to="advice")
    need = services.needs_in_scope(case)[0]["type"]
    services.save_recommendation(case=case, by=adviser, need_type=need, no_product=True, rationale="Toch niet")
    services.submit_for_review(case=case, by=adviser)
    services.review_case(case=case, by=reviewer, outcome="approved", checklist=APPROVE)
    with pytest.raises(ValidationError):
        services.release(case=case, by=adviser)
    second = services.release(case=case, by=adviser, amendment_reason="De klant wil eerst de buffer aanvullen.")
    first.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert first.snapshot["recommendations"][0]["no_product"] is False  # the first version is untouched
    assert next(item for item in second.snapshot["recommendations"] if item["need_type"] == need)["no_product"]


def test_a_mention_mails_the_colleague_after_commit(case, adviser, second_adviser, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        note = services.add_note(case=case, by=adviser, text="@adviser2@test.nl kun jij de pensioenkant bekijken?")
    assert list(note.mentions.all()) == [second_adviser]
    assert mail.outbox[-1].to == ["adviser2@test.nl"]


def test_tasks_go_to_staff_and_the_people_page_lists_staff(login, case, adviser, client_user, admin_user):
    """Regression: clients were offered as task assignees and listed on the people page as staff."""
    from django.urls import reverse

    from klantbelang.advice.forms import TaskForm

    choices = set(TaskForm(user=adviser).fields["assignee"].queryset)
    assert adviser in choices
    assert client_user not in choices
    with pytest.raises(ValidationError) as refused:
        services.add_task(case=case, by=adviser, title="Stukken opvragen", due_on=datetime.date(2026, 12, 10),
                          assignee=client_user)
    assert list(refused.value.message_dict) == ["assignee"]
    assert case.tasks.count() == 0
    people = login(admin_user).get(reverse("accounts:user_list")).context["members"]
    assert adviser in list(people)
    assert client_user not in list(people)

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.utils import timezone

from klantbelang.advice.tests.factories import ready_client
from klantbelang.clients.profile_data import to_match_profile
from klantbelang.core.models import AuditEvent
from klantbelang.governance import review, services
from klantbelang.governance.models import Finding, Signal, UnmetNeed
from klantbelang.matching import engine
from klantbelang.matching.profile import parse_profile
from klantbelang.products.tests.factories import ProductFactory, _market
from klantbelang.quality.tests.factories import moment, released
from klantbelang.relationships.models import PeriodicReview

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def book(firm, adviser, client_user):
    client = ready_client(firm, adviser, client_user)
    fits = ProductFactory(firm=firm, code="FIT", needs_served=["goal_funding"], sri=3)
    pros_only = _market()
    pros_only["client_type"].update(retail="N", professional="Y")
    outside = ProductFactory(firm=firm, code="PRO", needs_served=["goal_funding"], target_market=pros_only)
    risky = ProductFactory(firm=firm, code="RISK", needs_served=["emergency_buffer"], sri=7)
    released(firm, adviser, client=client, at=moment(2026, 3, 1),
             recommendations=[("goal_funding", fits, True, ""), ("emergency_buffer", risky, False, "Wens")])
    # A later advice replaced the fund for the goal by the professional-only product.
    released(firm, adviser, client=client, at=moment(2026, 6, 1),
             recommendations=[("goal_funding", outside, False, "Keuze van de klant")])
    return client, fits, outside, risky


def _reference(client, product, need):
    profile = parse_profile(to_match_profile(client.current_profile.data, need_type=need, today=TODAY))
    return engine.evaluate(profile, product.to_profile())


def test_holdings_are_the_latest_advice_per_need(firm, book):
    _client, _fits, outside, risky = book
    held = {(holding.need_type, holding.product_id) for holding in review.current_holdings(firm)}
    assert held == {("goal_funding", outside.pk), ("emergency_buffer", risky.pk)}


def test_the_batch_review_equals_the_per_pair_engine(firm, adviser, book):
    client, _fits, outside, risky = book
    stored = services.book_review(firm=firm, by=None, today=TODAY)
    found = {(finding.product_id, finding.need_type): finding.axes for finding in Finding.objects.filter(
        review=stored)}
    for product, need in ((outside, "goal_funding"), (risky, "emergency_buffer")):
        result = _reference(client, product, need)
        failing = [axis for axis, verdict in result.verdicts.items() if verdict == "fail"]
        if failing:
            assert sorted(found[(product.pk, need)]) == sorted(failing)
        else:
            assert (product.pk, need) not in found
    assert found[(outside.pk, "goal_funding")] == ["client_type"]  # professional clients only
    assert stored.holdings == 2
    assert stored.outside == len(found)


def test_findings_open_one_review_per_cause_and_signal_the_products(firm, adviser, book):
    client, _fits, outside, _risky = book
    services.book_review(firm=firm, by=None, today=TODAY)
    reviews = PeriodicReview.objects.filter(client=client, trigger_key__startswith="target_market:")
    assert "target_market:PRO:goal_funding" in set(reviews.values_list("trigger_key", flat=True))
    signal = Signal.objects.get(firm=firm, source="review", product=outside)
    assert (signal.category, signal.clients, signal.status) == ("outside_target", 1, "new")
    count = reviews.count()
    services.book_review(firm=firm, by=None, today=TODAY)  # again: no second review, no second signal
    assert reviews.count() == count
    assert Signal.objects.filter(firm=firm, source="review", product=outside).count() == 1


def test_unmet_needs_against_the_per_pair_engine(firm, adviser, book):
    client, fits, outside, risky = book
    stored = services.book_review(firm=firm, by=None, today=TODAY)
    shelf = [product.to_profile() for product in (fits, outside, risky)]
    expected = {}
    for need in client.current_profile.needs:
        profile = parse_profile(to_match_profile(client.current_profile.data, need_type=need["type"], today=TODAY))
        if not any(engine.evaluate(profile, product).eligible for product in shelf):
            key = (need["type"], review.age_band(profile.age))
            expected[key] = expected.get(key, 0) + 1
    rows = {(row.need_type, row.segment): (row.clients, row.needs) for row in UnmetNeed.objects.filter(review=stored)}
    assert rows == {key: (1, count) for key, count in expected.items()}
    assert stored.needs_checked == len(client.current_profile.needs)
    assert set(Signal.objects.filter(firm=firm, source="unmet_need").values_list("need_type", "segment")) == set(
        expected)


def test_age_bands():
    assert [review.age_band(age) for age in (None, 34, 35, 54, 55, 66, 67)] == [
        "age unknown", "under 35", "35-54", "35-54", "55-66", "55-66", "67 and over"]


def test_collect_is_idempotent(firm, adviser, book):
    made = services.collect(firm)
    assert made == 2  # the two deviations
    assert services.collect(firm) == 0
    assert set(Signal.objects.filter(source="deviation").values_list("product__code", flat=True)) == {"PRO", "RISK"}


def test_feedback_needs_a_category_and_a_description(firm, adviser, reviewer, book):
    _client, fits, _outside, _risky = book
    with pytest.raises(ValidationError) as error:
        services.report(product=fits, by=adviser, category="outside_target", description=" ")
    assert set(error.value.message_dict) == {"category", "description"}
    signal = services.report(product=fits, by=reviewer, category="cost", description="Te duur bij kleine inleg.")
    assert (signal.source, signal.provider, signal.created_by) == ("adviser", fits.provider, reviewer)
    assert AuditEvent.objects.filter(action="signal.reported", object_id=str(signal.pk)).exists()


def test_triage_rules(firm, adviser, manager, book):
    _client, fits, _outside, _risky = book
    first = services.report(product=fits, by=adviser, category="cost", description="a")
    second = services.report(product=fits, by=adviser, category="cost", description="b")
    before = model_to_dict(first)
    with pytest.raises(PermissionDenied):
        services.triage(signal=first, by=adviser, status="accepted")
    with pytest.raises(ValidationError) as error:
        services.triage(signal=first, by=manager, status="dismissed", note=" ")
    assert list(error.value.message_dict) == ["note"]
    with pytest.raises(ValidationError):
        services.triage(signal=first, by=manager, status="merged", merged_into=first)
    first.refresh_from_db()
    assert model_to_dict(first) == before
    merged = services.triage(signal=first, by=manager, status="merged", merged_into=second)
    second.refresh_from_db()
    assert (merged.status, merged.merged_into, second.clients) == ("merged", second, 2)
    with pytest.raises(ValidationError):
        services.triage(signal=second, by=manager, status="merged", merged_into=first)  # first was merged itself
    assert services.triage(signal=second, by=manager, status="accepted").status == "accepted"
    assert timezone.now() - second.created_at < datetime.timedelta(minutes=5)


def test_batched_and_per_pair_holdings_agree(firm, adviser, book, monkeypatch):
    """Whether a product's holders go through the vectorised engine or the per-pair one, the
    findings are the same."""
    results = []
    for threshold in (1, 10**9):
        monkeypatch.setattr(review, "BATCH_FROM", threshold)
        outcome = review.run(firm, today=TODAY)
        results.append(sorted((holding.product_id, holding.need_type, tuple(sorted(axes)))
                              for holding, axes in outcome.outside))
    assert results[0] == results[1]
    assert results[0]  # the professional-only product is found either way

"""Each metric against hand-computed values on a small fixture, through the refresh and the
dashboard's reading (so the pre-aggregation is what is tested)."""

import datetime

import pytest
from django.utils import timezone

from klantbelang.clients.tests.factories import household
from klantbelang.prospects.tests.factories import prospect
from klantbelang.quality import services
from klantbelang.quality.models import MonthlyFigure
from klantbelang.relationships.models import Complaint, PeriodicReview, Survey

from .factories import moment, product, released

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def book(firm, adviser, second_adviser):
    alfa, beta = product(firm, "Alfa"), product(firm, "Beta")
    # Adviser: three files in October, one on the 30th (period end); one deviation with a reason,
    # one "no product"; one file needed changes first.
    released(firm, adviser, at=moment(2026, 10, 5), minutes=240,
             recommendations=[("death_cover", alfa, True, ""), ("home_cover", None, True, "")],
             reviews=[("approved", 10, None)])
    released(firm, adviser, at=moment(2026, 10, 12), minutes=480,
             recommendations=[("death_cover", alfa, False, "Keuze van de klant")],
             reviews=[("changes_requested", 20, "costs"), ("approved", 30, None)])
    released(firm, adviser, at=moment(2026, 10, 30), minutes=120,
             recommendations=[("death_cover", beta, True, "")])
    # Second adviser: one file in September.
    released(firm, second_adviser, at=moment(2026, 9, 10), minutes=240,
             recommendations=[("death_cover", beta, True, "")], reviews=[("approved", 4, None)])
    return alfa, beta


def _values(firm, **scope):
    data = services.dashboard(firm, scope=services.Scope("firm", "", **scope), start=datetime.date(2026, 9, 1),
                              end=TODAY)
    return data["values"], data


def test_advice_four_eyes_and_fee_figures(firm, adviser, book):
    services.refresh(firm, months=3, today=TODAY)
    values, _data = _values(firm)
    assert values["within_target_market"] == pytest.approx(3 / 4)   # 4 products, 1 outside
    assert values["deviations_with_reason"] == 1.0                   # the one deviation has its reason
    assert values["no_product_advice"] == pytest.approx(1 / 5)       # 5 recommendations, 1 "no product"
    assert values["releases"] == 4
    assert values["reviewed"] == pytest.approx(3 / 4)                 # the 30 October file was sampled out
    assert values["first_time_right"] == pytest.approx(2 / 3)
    assert values["review_findings"] == pytest.approx(1 / 4)          # 4 reviews, 1 with findings
    assert values["review_turnaround_hours"] == pytest.approx((10 + 20 + 30 + 4) / 4, abs=0.05)
    assert values["releases_period_end"] == pytest.approx(1 / 4)
    assert values["fee_statements"] == 1.0
    # Estimated 4 h per domain (one domain each): |4-4|, |8-4|/4 capped at 1, |2-4|/4, |4-4| → (0+1+0.5+0)/4
    assert values["fee_estimate_gap"] == pytest.approx(1.5 / 4)
    adviser_only, _ = _values(firm, advisers=[adviser.pk])
    assert adviser_only["releases"] == 3
    assert adviser_only["within_target_market"] == pytest.approx(2 / 3)


def test_findings_per_checklist_item(firm, book):
    services.refresh(firm, months=3, today=TODAY)
    _unused, data = _values(firm)
    four_eyes = next(view for view in data["modules"] if view.module == "four_eyes")
    assert [(item["key"], item["count"]) for item in four_eyes.breakdown] == [("costs", 1.0)]


def test_aftercare_client_voice_and_complaints(firm, adviser):
    client = household(firm, adviser)
    for status, due in (("delivered", 5), ("delivered", 6), ("declined", 7), ("not_attempted", 8), ("open", 9)):
        PeriodicReview.objects.create(firm=firm, client=client, trigger="cadence", trigger_key=f"k{due}",
                                      reason="Jaarlijks", due_on=datetime.date(2026, 10, due), status=status,
                                      outcome_note="" if status in ("open", "delivered") else "Uitleg",
                                      completed_at=None if status == "open" else moment(2026, 10, due + 1))
    for satisfaction, recommend in ((5, 9), (3, 6)):
        Survey.objects.create(firm=firm, client=client, about="x", answered_at=moment(2026, 10, 20),
                              satisfaction=satisfaction, would_recommend=recommend)
    Complaint.objects.create(firm=firm, client=client, subject="a", description="…", received_on=datetime.date(
        2026, 10, 1), acknowledge_by=datetime.date(2026, 10, 6), resolve_by=datetime.date(2026, 10, 20),
        resolved_on=datetime.date(2026, 10, 15), root_cause="costs", status="resolved")
    Complaint.objects.create(firm=firm, client=client, subject="b", description="…", received_on=datetime.date(
        2026, 10, 2), acknowledge_by=datetime.date(2026, 10, 7), resolve_by=datetime.date(2026, 10, 10),
        resolved_on=datetime.date(2026, 10, 25), root_cause="process", status="resolved")
    released(firm, adviser, client=client, at=moment(2026, 10, 3))
    services.refresh(firm, months=3, today=TODAY)
    values, data = _values(firm)
    assert values["reviews_delivered"] == pytest.approx(2 / 5)
    assert values["reviews_declined"] == pytest.approx(1 / 5)
    assert values["reviews_not_attempted"] == pytest.approx(1 / 5)
    assert values["satisfaction"] == 4.0
    assert values["would_recommend"] == 7.5
    assert values["complaints_per_100"] == 200.0  # 2 complaints against 1 released file
    assert values["complaints_within_norm"] == 0.5
    voice = next(view for view in data["modules"] if view.module == "client_voice")
    assert sorted((item["key"], item["count"]) for item in voice.breakdown) == [("costs", 1.0), ("process", 1.0)]


def test_inventory_is_a_snapshot_of_this_month(firm, adviser):
    household(firm, adviser)
    services.refresh(firm, months=3, today=TODAY)
    rows = MonthlyFigure.objects.filter(firm=firm, metric="complete_profiles")
    assert [(row.month, row.denominator) for row in rows] == [(datetime.date(2026, 11, 1), 1.0)]
    # A later refresh keeps November's snapshot once December is the current month.
    services.refresh(firm, months=3, today=datetime.date(2026, 12, 2))
    assert sorted(MonthlyFigure.objects.filter(firm=firm, metric="complete_profiles").values_list(
        "month", flat=True)) == [datetime.date(2026, 11, 1), datetime.date(2026, 12, 1)]
    # The period's value is the latest snapshot, never a sum of months.
    data = services.dashboard(firm, scope=services.Scope("firm", ""), start=datetime.date(2026, 10, 1),
                              end=datetime.date(2026, 12, 2))
    inventory = next(view for view in data["modules"] if view.module == "inventory")
    assert next(entry for entry in inventory.figures if entry["metric"].slug == "complete_profiles")[
        "denominator"] == 1.0


def test_prospect_hours_lost(firm, adviser, marketing):
    from klantbelang.prospects import services as pipeline
    from klantbelang.prospects.models import LostReason
    from klantbelang.prospects.tests.factories import stage

    kept = prospect(firm, marketing)
    lost = prospect(firm, marketing)
    for item, minutes in ((kept, 60), (lost, 90)):
        pipeline.log_time(prospect=item, by=adviser, activity="call", minutes=minutes, on=item.created_at.date())
    pipeline.move(prospect=lost, to=stage(firm, "lost"), by=marketing,
                  lost_reason=LostReason.objects.get(firm=firm, code="price"))
    today = lost.created_at.date()
    services.refresh(firm, months=2, today=today)
    data = services.dashboard(firm, scope=services.Scope("firm", ""), start=services.month_start(today), end=today)
    assert data["values"]["prospect_hours_lost"] == pytest.approx(90 / 150)


def test_replacements_within_24_months(firm, adviser):
    client = household(firm, adviser)
    alfa = product(firm, "Alfa")
    released(firm, adviser, client=client, at=moment(2025, 6, 1), recommendations=[("death_cover", alfa, True, "")])
    released(firm, adviser, client=client, at=moment(2026, 10, 1), recommendations=[("death_cover", alfa, True, "")])
    released(firm, adviser, at=moment(2026, 10, 2), recommendations=[("death_cover", alfa, True, "")])
    services.refresh(firm, months=3, today=TODAY)
    values, _data = _values(firm)
    assert values["replacements"] == pytest.approx(1 / 2)


def test_refresh_is_all_or_nothing(firm, adviser, book, monkeypatch):
    services.refresh(firm, months=3, today=TODAY)
    before = sorted(MonthlyFigure.objects.filter(firm=firm).values_list("metric", "month", "numerator"))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.metrics, "provider_mix", broken)
    with pytest.raises(RuntimeError):
        services.refresh(firm, months=3, today=TODAY)
    assert sorted(MonthlyFigure.objects.filter(firm=firm).values_list("metric", "month", "numerator")) == before


def test_nothing_counts_sales_per_adviser():
    """The dashboard has no revenue, premium, commission or production figure, and no model of
    the product has a field for a sales target."""
    from django.apps import apps

    from klantbelang.quality.metrics import METRICS

    forbidden = ("revenue", "turnover", "omzet", "premium", "commission", "provisie", "sales", "quota", "production")
    for metric in METRICS:
        assert not any(word in metric.slug or word in str(metric.label).lower() for word in forbidden), metric.slug
    for model in apps.get_models():
        if model._meta.app_label in {"quality", "accounts", "prospects", "advice", "clients", "relationships"}:
            for field in model._meta.get_fields():
                assert not any(word in field.name for word in ("sales_target", "quota", "revenue", "turnover")), (
                    model, field.name)


def test_report_items_answered(firm, manager):
    from klantbelang.governance import services as governance
    from klantbelang.governance.models import DistributorReport
    from klantbelang.products.tests.factories import ProviderFactory

    report = DistributorReport.objects.create(
        firm=firm, provider=ProviderFactory(firm=firm), start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 9, 30), data={"products": [{"item": "product:A", "code": "A", "name": "A"},
                                                           {"item": "product:B", "code": "B", "name": "B"}],
                                              "signals": [{"item": "signal:cost:adviser", "category": "cost",
                                                           "source": "adviser"}], "unmet_needs": []})
    governance.mark_sent(report=report, by=manager, to="maker@example.nl")
    governance.record_response(report=report, by=manager, item="product:A", text="Komt goed.")
    governance.record_response(report=report, by=manager, item="product:A", text="Nog een aanvulling.")
    today = timezone.localdate()
    services.refresh(firm, months=2, today=today)
    data = services.dashboard(firm, scope=services.Scope("firm", ""), start=services.month_start(today), end=today)
    assert data["values"]["report_items_answered"] == pytest.approx(1 / 3)  # one of three items, answered twice


def test_signals_answered(firm, adviser, manager, product_developer):
    from klantbelang.governance import services as governance
    from klantbelang.governance import sharing
    from klantbelang.products.tests.factories import ProductFactory, ProviderFactory

    provider = ProviderFactory(firm=firm)
    sharing.link_developer(user=product_developer, provider=provider, by=manager)
    shared = []
    for text in ("Duur.", "Traag.", "Onduidelijk."):
        signal = governance.report(product=ProductFactory(firm=firm, provider=provider), by=adviser, category="cost",
                                   description=text)
        governance.triage(signal=signal, by=manager, status="accepted")
        shared.append(sharing.share_signal(signal=signal, by=manager, summary=text))
    governance.triage(signal=governance.report(product=ProductFactory(firm=firm, provider=provider), by=adviser,
                                               category="cost", description="Niet gedeeld."),
                      by=manager, status="accepted")
    sharing.answer_signal(signal=shared[0], by=product_developer, text="Herkend.")
    sharing.answer_signal(signal=shared[0], by=product_developer, text="Aanvulling.")
    today = timezone.localdate()
    services.refresh(firm, months=2, today=today)
    data = services.dashboard(firm, scope=services.Scope("firm", ""), start=services.month_start(today), end=today)
    assert data["values"]["signals_answered"] == pytest.approx(1 / 3)  # one of three shared, answered twice

"""The demo a newcomer sees after `make run`: loads on an empty database, twice without duplicates."""

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.xdist_group("demo")


def test_seed_demo_loads_every_capability_and_is_idempotent(db, settings):
    from klantbelang.accounts.models import User
    from klantbelang.advice.models import AdviceCase, AdviceVersion
    from klantbelang.clients.models import Client
    from klantbelang.products.models import Product
    from klantbelang.prospects.models import Prospect, ScoringModel
    from klantbelang.quality.models import MonthlyFigure, QualityGoal
    from klantbelang.relationships.models import Complaint, PeriodicReview, ServiceAgreement

    settings.DEMO_DATA_ALLOWED = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    counts = {model.__name__: model.objects.count() for model in
              (User, Client, Product, ServiceAgreement, PeriodicReview, Complaint, AdviceCase, AdviceVersion,
               Prospect, ScoringModel, MonthlyFigure, QualityGoal)}
    assert counts["User"] == 11
    assert counts["Client"] == 551
    assert counts["Product"] == 2420
    assert counts["ServiceAgreement"] == 551
    # Ten files in every phase, and two years of released history (its size follows the calendar).
    assert counts["AdviceCase"] > 400
    assert {"intake", "inventory", "analysis", "advice", "review", "released"} <= set(
        AdviceCase.objects.values_list("status", flat=True))
    assert len({version.released_at.strftime("%Y-%m") for version in AdviceVersion.objects.all()}) >= 24
    assert counts["Prospect"] == 1190
    assert counts["ScoringModel"] == 1
    assert counts["QualityGoal"] == 6
    assert counts["AdviceVersion"] >= 2
    assert set(Complaint.objects.values_list("status", flat=True)) == {
        "received", "acknowledged", "analysed", "resolved", "client_informed"}
    assert "adviser@demo.nl" in out.getvalue()
    assert Client.objects.get(portal_user__email="client@demo.nl").name == "Huishouden Mulder"
    _governance_demo()
    call_command("seed_demo", stdout=io.StringIO())
    assert {model.__name__: model.objects.count() for model in
            (User, Client, Product, ServiceAgreement, PeriodicReview, Complaint, AdviceCase, AdviceVersion,
             Prospect, ScoringModel, MonthlyFigure, QualityGoal)} == counts


def test_seed_demo_is_refused_without_debug(db, settings):
    from django.core.management.base import CommandError

    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="only loaded when DJANGO_DEBUG is true"):
        call_command("seed_demo", stdout=io.StringIO())


def _governance_demo():
    from klantbelang.governance.models import (
        Contribution,
        DistributorReport,
        ProviderDeveloper,
        ReportResponse,
        Signal,
        SignalAnswer,
        Topic,
    )

    assert set(Signal.objects.values_list("source", flat=True)) == {
        "adviser", "complaint", "deviation", "unmet_need", "review"}
    link = ProviderDeveloper.objects.get(user__email="productdev@demo.nl")
    reports = DistributorReport.objects.filter(sent_at__isnull=False)
    assert reports.count() == 2
    assert ReportResponse.objects.filter(report__in=reports).count() >= 2
    assert ReportResponse.objects.filter(by_manufacturer=True, report__provider=link.provider).exists()
    assert Signal.objects.filter(shared_with=link.provider).count() >= 2
    assert SignalAnswer.objects.filter(signal__shared_with=link.provider).exists()
    assert set(Topic.objects.values_list("stage", flat=True)) == {"exploring", "proposal", "decision", "follow_up"}
    assert set(Contribution.objects.values_list("participant__party", flat=True)) == {
        "client", "adviser", "product_developer", "management"}
    assert Topic.objects.get(stage="decision").decision_signal.answers.exists()
    assert Contribution.objects.filter(hidden_at__isnull=False).count() == 1

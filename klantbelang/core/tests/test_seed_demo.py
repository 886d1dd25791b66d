"""The demo a newcomer sees after `make run`: loads on an empty database, twice without duplicates."""

import datetime
import io
import sqlite3

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import F

pytestmark = pytest.mark.xdist_group("demo")


# The demo history is built back from today; its counted periods (quarters, years) are asserted for one day.
@time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC), tick=True)
def test_seed_demo_loads_every_capability_and_is_idempotent(transactional_db, settings, tmp_path):
    """Committed (transactional), so that the backup below sees what a running server would."""
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
    _privacy_demo()
    _governance_demo()
    _planning_demo()
    call_command("seed_demo", stdout=io.StringIO())
    assert {model.__name__: model.objects.count() for model in
            (User, Client, Product, ServiceAgreement, PeriodicReview, Complaint, AdviceCase, AdviceVersion,
             Prospect, ScoringModel, MonthlyFigure, QualityGoal)} == counts
    _backup_and_restore(tmp_path)


def _planning_demo():
    """Every need the planning core knows appears somewhere in the demo book, each profile records the
    parameter set it was planned with, and no demo household is refused by the planning core."""
    from klantbelang.clients.models import NeedsProfile
    from klantbelang.planning import NEED_TYPES

    current = NeedsProfile.objects.filter(client__firm__slug="demo-advies", client__current_profile__pk=F("pk"))
    found = {need["type"] for profile in current for need in profile.needs}
    assert set(NEED_TYPES) <= found
    assert {"mortgage_financing", "mortgage_rate_reset"} <= found
    assert {profile.derived["plan"]["parameters"] for profile in current} == {"NL-2026"}
    assert [profile.pk for profile in current if profile.derived["plan"]["errors"]] == []


def _privacy_demo():
    from klantbelang.advice.models import AdviceVersion
    from klantbelang.clients.models import Client, Consent
    from klantbelang.clients.privacy import current_consents

    claire = Client.objects.get(portal_user__email="client@demo.nl")
    assert {row["purpose"]: row["given"] for row in current_consents(claire)} == {
        "marketing_email": True, "marketing_phone": False, "marketing_post": False}
    assert set(Consent.objects.values_list("channel", flat=True)) == {"portal", "in_person", "phone", "writing"}
    assert Consent.objects.filter(given=False).count() == 3
    erased = Client.objects.get(erased_at__isnull=False)
    assert erased.retain_until is not None
    assert erased.portal_user is None
    assert set(erased.persons.values_list("email", flat=True)) == {""}
    assert AdviceVersion.objects.filter(case__client=erased).exists()


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


def _backup_and_restore(tmp_path):
    """manage.py backup of the demo database, restore into an empty one: same rows, same audit log."""
    from django.db import connection

    from klantbelang.core import backup
    from klantbelang.core.models import AuditEvent

    out = io.StringIO()
    call_command("backup", output=str(tmp_path), stdout=out)
    made = sorted(tmp_path.glob("klantbelang-*"))
    dump = next(path for path in made if not path.name.endswith(".json"))
    written = backup.read_manifest(dump)
    assert written["audit_events"] == AuditEvent.objects.count() > 1000
    assert written["tables"]["clients_client"] == 551
    if connection.vendor == "sqlite":
        target = tmp_path / "restored.sqlite3"
        call_command("restore", str(dump), into=str(target), stdout=out)
        restored = sqlite3.connect(target)
        found = backup.manifest(restored, "sqlite")
        restored.close()
        with pytest.raises(CommandError, match="holds data"):  # never over an existing database
            call_command("restore", str(dump), into=str(target), stdout=io.StringIO())
    else:
        name = f"{connection.settings_dict['NAME']}_restored"
        _create_database(connection, name)
        try:
            call_command("restore", str(dump), into=name, stdout=out)
            with backup._pg_connect(connection.settings_dict, name) as raw:
                found = backup.manifest(raw, "postgresql")
            with pytest.raises(CommandError, match="holds tables"):
                call_command("restore", str(dump), into=name, stdout=io.StringIO())
        finally:
            _drop_database(connection, name)
    assert found["tables"] == written["tables"]
    assert found["audit_checksum"] == written["audit_checksum"]
    assert "row counts and the audit checksum match the backup" in out.getvalue()
    # A manifest that does not match is refused, not silently accepted.
    tampered = dict(written, audit_checksum="0" * 64)
    assert backup.differences(tampered, found) == ["the audit log differs from the backup"]


def _create_database(connection, name):
    from klantbelang.core import backup

    with backup._pg_connect(connection.settings_dict, "postgres") as raw:
        raw.autocommit = True
        raw.execute(f'DROP DATABASE IF EXISTS "{name}"')
        raw.execute(f'CREATE DATABASE "{name}"')


def _drop_database(connection, name):
    from klantbelang.core import backup

    with backup._pg_connect(connection.settings_dict, "postgres") as raw:
        raw.autocommit = True
        raw.execute(f'DROP DATABASE IF EXISTS "{name}"')

"""Two people edit the same object at the same moment, each through their own database connection
(PostgreSQL row locks; SQLite has none and serialises whole transactions). The first save wins,
the second gets a conflict that says what happened, and nothing is silently overwritten."""

import threading

import pytest
from django.db import connection, connections, transaction

from klantbelang.core.errors import Conflict

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across connections: PostgreSQL"),
    pytest.mark.xdist_group("concurrency"),
]


def _race(first, second):
    """Run ``first`` in a transaction that stays open until ``second`` (on another connection) has
    started and is waiting; returns what each raised (or None)."""
    holding, release = threading.Event(), threading.Event()
    outcome = {}

    def run_first():
        try:
            with transaction.atomic():
                first()
                holding.set()
                release.wait(10)
            outcome["first"] = None
        except Exception as error:
            outcome["first"] = error
            holding.set()
        finally:
            connections.close_all()

    def run_second():
        holding.wait(10)
        try:
            second()
            outcome["second"] = None
        except Exception as error:
            outcome["second"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    # The second editor now waits on the row lock the first one holds; then the first commits.
    threading.Timer(1.0, release.set).start()
    for thread in threads:
        thread.join(20)
    return outcome["first"], outcome["second"]


def test_two_people_save_the_same_profile_version(transactional_db, firm, adviser, manager):
    from klantbelang.clients import services
    from klantbelang.clients.models import Client, NeedsProfile
    from klantbelang.clients.tests.factories import household

    client = household(firm, adviser)
    base = client.current_profile.version
    first, second = _race(
        lambda: services.save_profile(client=Client.objects.get(pk=client.pk), by=adviser, source="adviser",
                                      changes={"monthly_commitments": 1200}, based_on_version=base),
        lambda: services.save_profile(client=Client.objects.get(pk=client.pk), by=manager,
                                      source="adviser", changes={"monthly_commitments": 9999},
                                      based_on_version=base))
    assert first is None
    assert isinstance(second, Conflict)
    assert adviser.full_name in second.message
    assert str(base + 1) in second.message
    profiles = NeedsProfile.objects.filter(client=client).order_by("version")
    assert [profile.version for profile in profiles] == [base, base + 1]
    assert profiles.last().data["monthly_commitments"] == 1200


def test_two_people_save_the_same_recommendation(transactional_db, firm, adviser, client_user, manager):
    from klantbelang.advice import services
    from klantbelang.advice.models import AdviceCase, Recommendation
    from klantbelang.advice.tests.factories import ready_client
    from klantbelang.products.tests.factories import ProductFactory

    ProductFactory(firm=firm, code="CALM", needs_served=["goal_funding"])
    case = services.open_case(client=ready_client(firm, adviser, client_user), by=adviser, domains=["investment"],
                              reason="first_advice")
    for phase in ("inventory", "analysis", "advice"):
        services.transition(case=AdviceCase.objects.get(pk=case.pk), by=adviser, to=phase)
    case = AdviceCase.objects.get(pk=case.pk)
    need = services.needs_in_scope(case)[0]["type"]
    base = case.edit_version

    def save(by, rationale):
        return lambda: services.save_recommendation(case=AdviceCase.objects.get(pk=case.pk), by=by, need_type=need,
                                                    no_product=True, rationale=rationale, based_on=base)

    first, second = _race(save(adviser, "Eerst sparen."), save(manager, "Toch beleggen."))
    assert first is None
    assert isinstance(second, Conflict)
    assert list(Recommendation.objects.filter(case=case).values_list("rationale", flat=True)) == ["Eerst sparen."]
    assert AdviceCase.objects.get(pk=case.pk).edit_version == base + 1


def test_four_simultaneous_creates_get_four_numbers(transactional_db, firm, adviser):
    """Regression: on PostgreSQL four simultaneous creates gave two or three 500s (the same
    ``count() + 1`` number twice)."""
    from klantbelang.clients import services
    from klantbelang.clients.models import Client

    start, errors = threading.Barrier(4), []

    def create(index):
        try:
            start.wait(10)
            services.create_client(firm=firm, by=None, name=f"Tegelijk {index}", responsible_adviser=adviser,
                                   persons=[{"role": "client", "first_name": "Tim", "last_name": f"Tegelijk{index}"}])
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(Client.objects.filter(firm=firm).values_list("reference", flat=True)) == [
        "K000001", "K000002", "K000003", "K000004"]


def _at_once(*calls):
    """Run ``calls`` at the same moment, each on its own connection; what each raised (or None)."""
    start, outcome = threading.Barrier(len(calls)), {}

    def run(index, call):
        try:
            start.wait(10)
            call()
            outcome[index] = None
        except Exception as error:
            outcome[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return [outcome.get(index) for index in range(len(calls))]


def test_two_overlapping_distributor_reports_at_once_store_one(transactional_db, firm, manager):
    """Regression: two overlapping reports created at the same moment were both stored (the rule
    exists so a manufacturer cannot subtract one from the other)."""
    import datetime

    from django.core.exceptions import ValidationError
    from django.db import IntegrityError

    from klantbelang.governance import services
    from klantbelang.governance.models import DistributorReport
    from klantbelang.products.tests.factories import ProviderFactory

    provider = ProviderFactory(firm=firm, name="Tegelijk")
    outcomes = _at_once(
        *(
            lambda start=start, end=end: services.create_report(
                firm=firm, by=manager, provider=provider, start=start, end=end
            )
            for start, end in (
                (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
                (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
            )
        )
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["NoneType", "ValidationError"]
    assert DistributorReport.objects.filter(provider=provider).count() == 1
    kept = DistributorReport.objects.get(provider=provider)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database itself refuses an overlap
        DistributorReport.objects.create(firm=firm, provider=provider, start=kept.start, end=kept.end, data={})
    assert isinstance(next(outcome for outcome in outcomes if outcome is not None), ValidationError)


def test_two_acceptances_at_once_store_one(transactional_db, firm, adviser, client_user):
    """Regression: a double "accept" stored two acceptances."""
    from klantbelang.advice import services
    from klantbelang.advice.models import AdviceCase, AdviceVersion, ReportResponse
    from klantbelang.clients.models import Client
    from klantbelang.clients.tests.factories import household

    household_client = household(firm, adviser)
    Client.objects.filter(pk=household_client.pk).update(portal_user=client_user)
    case = AdviceCase.objects.create(
        firm=firm,
        client=household_client,
        title="Advies",
        reason="other",
        domains=["life"],
        profile=household_client.current_profile,
        status="released",
        lead=adviser,
    )
    version = AdviceVersion.objects.create(case=case, number=1, snapshot={}, released_by=adviser)
    outcomes = _at_once(
        *(
            lambda: services.respond_to_report(
                version=AdviceVersion.objects.get(pk=version.pk), by=client_user, kind="accepted"
            )
            for _ in range(4)
        )
    )
    assert sum(outcome is None for outcome in outcomes) == 1
    assert ReportResponse.objects.filter(version=version, kind="accepted").count() == 1

"""A background job whose worker dies half-way leaves nothing of its result behind, is recognised
as interrupted, and can be started again."""

import datetime
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from klantbelang.core.jobs import mark_interrupted, retry_job, start_job
from klantbelang.core.models import AuditEvent, BackgroundJob


def _book(firm, adviser, client_user):
    """A client holding a product outside its target market, so the review writes findings."""
    from klantbelang.advice.tests.factories import ready_client
    from klantbelang.products.tests.factories import ProductFactory, _market
    from klantbelang.quality.tests.factories import moment, released

    client = ready_client(firm, adviser, client_user)
    pros_only = _market()
    pros_only["client_type"].update(retail="N", professional="Y")
    outside = ProductFactory(firm=firm, code="PRO", needs_served=["goal_funding"], target_market=pros_only)
    released(firm, adviser, client=client, at=moment(2026, 6, 1),
             recommendations=[("goal_funding", outside, False, "Keuze van de klant")])


def _review_job(firm, manager):
    from klantbelang.governance.tasks import run_book_review

    return start_job(firm=firm, by=manager, kind="book_review", title="Boekcontrole", task=run_book_review,
                     firm_id=firm.pk, user_id=manager.pk)


def _second_row(firm, manager):
    """Another book-review job row of the firm (start_job would hand back the unfinished first)."""
    return BackgroundJob.objects.create(firm=firm, created_by=manager, kind="book_review", title="Boekcontrole")


def _results(firm):
    from klantbelang.governance.models import BookReview, Finding, Signal
    from klantbelang.relationships.models import PeriodicReview

    return (BookReview.objects.filter(firm=firm).count(), Finding.objects.filter(review__firm=firm).count(),
            Signal.objects.filter(firm=firm, source="review").count(),
            PeriodicReview.objects.filter(firm=firm, trigger_key__startswith="target_market:").count())


@pytest.mark.django_db
def test_a_silent_running_job_is_marked_interrupted(firm, manager):
    job = _review_job(firm, manager)
    now = timezone.now()
    stale = now - datetime.timedelta(minutes=settings.JOB_STALE_MINUTES + 1)
    BackgroundJob.objects.filter(pk=job.pk).update(status="running", started_at=stale, heartbeat_at=stale)
    fresh = _second_row(firm, manager)
    BackgroundJob.objects.filter(pk=fresh.pk).update(status="running", started_at=now, heartbeat_at=now)
    assert mark_interrupted(now=now) == 1
    job.refresh_from_db()
    assert (job.status, job.finished_at) == ("failed", now)
    assert job.message == ("De verwerking stopte terwijl deze taak liep; niets van het resultaat is bewaard. "
                           "Start de taak opnieuw.")
    assert BackgroundJob.objects.get(pk=fresh.pk).status == "running"


@pytest.mark.django_db
def test_a_failed_job_is_started_again(firm, manager, adviser, client_user, login, other_firm,
                                       django_capture_on_commit_callbacks):
    from klantbelang.accounts.tests.factories import member

    _book(firm, adviser, client_user)
    job = _review_job(firm, manager)
    assert (job.task_path, job.task_kwargs) == ("klantbelang.governance.tasks.run_book_review",
                                                {"firm_id": firm.pk, "user_id": manager.pk})
    BackgroundJob.objects.filter(pk=job.pk).update(status="failed")
    job.refresh_from_db()
    with pytest.raises(PermissionDenied):
        retry_job(job=job, by=adviser)  # neither its starter nor management
    assert login(member(other_firm, "manager")).post(reverse("core:job_retry", args=[job.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = login(manager).post(reverse("core:job_retry", args=[job.pk]))
    job.refresh_from_db()
    again = BackgroundJob.objects.get(pk=job.retried_as_id)
    assert response["Location"] == reverse("core:job_detail", args=[again.pk])
    assert (again.status, again.kind, again.created_by) == ("succeeded", "book_review", manager)
    assert _results(firm) == (1, 1, 1, 1)
    assert AuditEvent.objects.filter(action="job.retried", object_id=str(again.pk)).count() == 1
    with pytest.raises(ValidationError):
        retry_job(job=job, by=manager)  # once only
    with pytest.raises(ValidationError):
        retry_job(job=again, by=manager)  # it succeeded


# The real thing: a worker process killed (SIGKILL) after it wrote part of the review --------------

WORKER = textwrap.dedent("""
    import sys, time
    import django
    django.setup()
    from klantbelang.governance.models import Finding
    from klantbelang.governance.tasks import run_book_review

    original = Finding.objects.bulk_create

    def write_then_wait(*args, **kwargs):
        made = original(*args, **kwargs)
        print("HALF", flush=True)  # the review, its follow-ups and findings are written, not committed
        time.sleep(60)
        return made

    Finding.objects.bulk_create = write_then_wait
    run_book_review.func(job_id=int(sys.argv[1]), firm_id=int(sys.argv[2]), user_id=int(sys.argv[3]))
""")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second process needs a shared database")
@pytest.mark.xdist_group("concurrency")
def test_a_killed_worker_leaves_nothing_and_the_job_runs_again(transactional_db, firm, manager, adviser,
                                                                client_user, django_capture_on_commit_callbacks):
    _book(firm, adviser, client_user)
    # Recorded as start_job would, but not enqueued: the worker below is the one that runs it.
    job = BackgroundJob.objects.create(firm=firm, created_by=manager, kind="book_review", title="Boekcontrole",
                                       task_path="klantbelang.governance.tasks.run_book_review",
                                       task_kwargs={"firm_id": firm.pk, "user_id": manager.pk})
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", WORKER, str(job.pk), str(firm.pk), str(manager.pk)],
        stdout=subprocess.PIPE, text=True, cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"})
    try:
        assert worker.stdout.readline().strip() == "HALF"
        assert BackgroundJob.objects.get(pk=job.pk).status == "running"
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert _results(firm) == (0, 0, 0, 0)  # the killed transaction kept nothing
    later = timezone.now() + datetime.timedelta(minutes=settings.JOB_STALE_MINUTES + 1)
    assert mark_interrupted(now=later) == 1
    job.refresh_from_db()
    assert job.status == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        again = retry_job(job=job, by=manager)
    assert BackgroundJob.objects.get(pk=again.pk).status == "succeeded"
    assert _results(firm) == (1, 1, 1, 1)


@pytest.mark.django_db
def test_the_job_page_shows_a_silent_job_as_interrupted(login, firm, manager):
    stale = timezone.now() - datetime.timedelta(minutes=settings.JOB_STALE_MINUTES + 1)
    silent, busy = _review_job(firm, manager), _second_row(firm, manager)
    BackgroundJob.objects.filter(pk=silent.pk).update(status="running", started_at=stale, heartbeat_at=stale)
    BackgroundJob.objects.filter(pk=busy.pk).update(status="running", started_at=stale, heartbeat_at=timezone.now())
    browser = login(manager)
    assert browser.get(reverse("core:job_detail", args=[silent.pk])).context["job"].status == "failed"
    assert browser.get(reverse("core:job_detail", args=[busy.pk])).context["job"].status == "running"
    assert BackgroundJob.objects.get(pk=busy.pk).status == "running"


@pytest.mark.django_db
def test_a_silent_job_does_not_block_the_next_start(firm, manager):
    """One book review at a time per firm, but a job whose worker died does not hold the place."""
    job = _review_job(firm, manager)
    assert _review_job(firm, manager) == job  # queued: the same job
    stale = timezone.now() - datetime.timedelta(minutes=settings.JOB_STALE_MINUTES + 1)
    BackgroundJob.objects.filter(pk=job.pk).update(status="running", started_at=stale, heartbeat_at=stale)
    again = _review_job(firm, manager)
    assert again != job
    assert BackgroundJob.objects.get(pk=job.pk).status == "failed"

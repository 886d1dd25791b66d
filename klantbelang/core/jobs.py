"""Background jobs with visible progress.

``start_job`` records the job and enqueues its django-tasks task after the surrounding
transaction commits (so the worker never looks for a row that is not there yet). The task wraps
its work in ``run_job``, which moves the job through running → succeeded/failed and lets the
work report progress that the job page polls.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .audit import record_audit
from .models import BackgroundJob, Firm
from .roles import Role

# Work over the firm's whole book: one of each kind per firm is queued or running at a time, so that
# one person cannot fill the workers' queue with them.
ONE_AT_A_TIME = {"quality_refresh", "prospect_score_training", "prospect_rescore", "book_review", "replan"}


@transaction.atomic
def start_job(*, firm: Firm, by, kind: str, title: str, task, **task_kwargs) -> BackgroundJob:
    """A new job, enqueued after commit. For a kind in ``ONE_AT_A_TIME`` that already has a job
    queued or running for the firm (and not silent: ``mark_interrupted``), that job is returned
    instead (its page shows its progress); the firm's row is locked while looking, so two
    simultaneous starts make one job."""
    if kind in ONE_AT_A_TIME:
        Firm.objects.select_for_update().filter(pk=firm.pk).first()
        mark_interrupted(BackgroundJob.objects.filter(firm=firm, kind=kind))  # a dead worker holds no place
        running = BackgroundJob.objects.unfinished().filter(firm=firm, kind=kind).order_by("created_at").first()
        if running is not None:
            return running
    job = BackgroundJob.objects.create(firm=firm, created_by=by, kind=kind, title=title[:200],
                                       task_path=f"{task.func.__module__}.{task.func.__name__}",
                                       task_kwargs=task_kwargs)

    def enqueue():
        result = task.enqueue(job_id=job.pk, **task_kwargs)
        BackgroundJob.objects.filter(pk=job.pk).update(task_result_id=str(result.id))

    transaction.on_commit(enqueue)
    return job


class JobProgress:
    """Progress writes go straight to the row (no transaction of the work around them), so that
    the job page sees them while the work is still running."""

    def __init__(self, job: BackgroundJob):
        self.job = job

    def set_total(self, total: int) -> None:
        self.job.total = max(total, 0)
        BackgroundJob.objects.filter(pk=self.job.pk).update(total=self.job.total, heartbeat_at=timezone.now())

    def advance(self, done: int, message: str = "") -> None:
        self.job.done = min(done, self.job.total) if self.job.total else 0
        BackgroundJob.objects.filter(pk=self.job.pk).update(done=self.job.done, message=message[:500],
                                                            heartbeat_at=timezone.now())


@contextmanager
def run_job(job_id: int) -> Iterator[JobProgress]:
    job = BackgroundJob.objects.get(pk=job_id)
    now = timezone.now()
    BackgroundJob.objects.filter(pk=job.pk).update(status=BackgroundJob.Status.RUNNING, started_at=now,
                                                   heartbeat_at=now)
    try:
        yield JobProgress(job)
    except Exception as exc:
        BackgroundJob.objects.filter(pk=job.pk).update(
            status=BackgroundJob.Status.FAILED, message=str(exc)[:500], finished_at=timezone.now()
        )
        raise
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=BackgroundJob.Status.SUCCEEDED, finished_at=timezone.now()
    )


def reporter(progress: JobProgress, *, offset: int = 0, extra: int = 0):
    """A ``progress(done, total, message)`` callback for plain service code: one phase of a job,
    with ``offset`` steps before it and ``extra`` after it."""

    def report(done: int, total: int, message: str = "") -> None:
        if progress.job.total != offset + total + extra:
            progress.set_total(offset + total + extra)
        progress.advance(offset + done, message)

    return report


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.JOB_STALE_MINUTES)


def mark_interrupted(jobs=None, *, now: datetime.datetime | None = None) -> int:
    """A job that is running but has not reported progress for ``JOB_STALE_MINUTES`` lost its
    worker (a restart, a crash, a kill). Its work ran in one transaction, so nothing of it was
    kept: the job is marked failed, with that said, and can be started again. ``jobs``: the
    queryset to look at (the jobs a page shows), all jobs when None."""
    now = now or timezone.now()
    jobs = BackgroundJob.objects.all() if jobs is None else jobs
    return jobs.filter(status=BackgroundJob.Status.RUNNING, heartbeat_at__lt=now - stale_after()).update(
        status=BackgroundJob.Status.FAILED, finished_at=now,
        message=_("The worker stopped while this job ran; nothing of its result was kept. Start it again."))


def checked(job: BackgroundJob) -> BackgroundJob:
    """``job`` as a page or the API should show it: failed if its worker went silent. Only a
    running job is looked at, so the page that polls every second writes nothing otherwise."""
    if job.status == BackgroundJob.Status.RUNNING and mark_interrupted(BackgroundJob.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    return job


def can_retry(*, user, job: BackgroundJob) -> bool:
    return (user.is_authenticated and user.firm is not None and user.firm.pk == job.firm_id and job.task_path != ""
            and (job.created_by_id == user.pk or user.has_any_role({Role.MANAGER, Role.ADMIN})))


@transaction.atomic
def retry_job(*, job: BackgroundJob, by) -> BackgroundJob:
    """Start a failed job again, as a new job with the same work; the old one points to it."""
    if not can_retry(user=by, job=job):
        raise PermissionDenied
    job = BackgroundJob.objects.select_for_update().get(pk=job.pk)
    if job.status != BackgroundJob.Status.FAILED or job.retried_as_id is not None:
        raise ValidationError(_("Only a failed job that was not started again can be retried."))
    task = import_string(job.task_path)
    kwargs = {key: value for key, value in job.task_kwargs.items() if key != "job_id"}
    again = start_job(firm=job.firm, by=by, kind=job.kind, title=job.title, task=task, **kwargs)
    BackgroundJob.objects.filter(pk=job.pk).update(retried_as=again)
    record_audit(actor=by, action="job.retried", obj=again, firm=job.firm,
                 changes={"retry_of": {"before": None, "after": job.pk}})
    return again

"""Background jobs with visible progress.

``start_job`` records the job and enqueues its django-tasks task after the surrounding
transaction commits (so the worker never looks for a row that is not there yet). The task wraps
its work in ``run_job``, which moves the job through running → succeeded/failed and lets the
work report progress that the job page polls.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone

from .models import BackgroundJob, Firm


@transaction.atomic
def start_job(*, firm: Firm, by, kind: str, title: str, task, **task_kwargs) -> BackgroundJob:
    job = BackgroundJob.objects.create(firm=firm, created_by=by, kind=kind, title=title[:200])

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
        BackgroundJob.objects.filter(pk=self.job.pk).update(total=self.job.total)

    def advance(self, done: int, message: str = "") -> None:
        self.job.done = min(done, self.job.total) if self.job.total else 0
        BackgroundJob.objects.filter(pk=self.job.pk).update(done=self.job.done, message=message[:500])


@contextmanager
def run_job(job_id: int) -> Iterator[JobProgress]:
    job = BackgroundJob.objects.get(pk=job_id)
    BackgroundJob.objects.filter(pk=job.pk).update(status=BackgroundJob.Status.RUNNING, started_at=timezone.now())
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

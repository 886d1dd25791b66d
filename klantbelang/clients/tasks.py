from django_tasks import task

from klantbelang.accounts.models import User
from klantbelang.core.jobs import reporter, run_job
from klantbelang.core.models import BackgroundJob, Firm

from . import services


@task()
def replan_book(*, job_id: int, firm_id: int, parameter_set: str, user_id: int | None = None) -> int:
    """The book-wide re-plan as a background job with progress; the households whose needs changed are
    the job's result."""
    with run_job(job_id) as progress:
        outcome = services.replan_book(firm=Firm.objects.get(pk=firm_id), by=User.objects.filter(pk=user_id).first(),
                                       parameter_set=parameter_set, progress=reporter(progress))
        BackgroundJob.objects.filter(pk=job_id).update(result=outcome)
    return len(outcome["changed"])

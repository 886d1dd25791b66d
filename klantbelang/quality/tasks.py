from django_tasks import task

from klantbelang.core.jobs import reporter, run_job
from klantbelang.core.models import Firm


@task()
def refresh_figures(*, job_id: int, firm_id: int, months: int = 24) -> float:
    """Recompute the dashboard's monthly figures for one firm (run nightly and on request)."""
    from . import services

    with run_job(job_id) as progress:
        stored = services.refresh(Firm.objects.get(pk=firm_id), months=months, progress=reporter(progress))
    return stored.seconds

from django_tasks import task

from klantbelang.core.jobs import reporter, run_job
from klantbelang.core.models import Firm


@task()
def run_book_review(*, job_id: int, firm_id: int, user_id: int | None = None) -> int:
    """The book-wide target-market review as a background job with progress."""
    from klantbelang.accounts.models import User

    from . import services

    with run_job(job_id) as progress:
        stored = services.book_review(firm=Firm.objects.get(pk=firm_id), by=User.objects.filter(pk=user_id).first(),
                                      progress=reporter(progress))
    return stored.pk

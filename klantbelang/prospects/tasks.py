from django_tasks import task

from klantbelang.core.jobs import reporter as _reporter
from klantbelang.core.jobs import run_job
from klantbelang.core.models import Firm

TRAINING_STEPS = 7  # five backtest folds, the final fit, storing the model


def _open_count(firm) -> int:
    from .models import OPEN_KINDS, Prospect

    return Prospect.objects.filter(firm=firm, stage__kind__in=OPEN_KINDS).count()


@task()
def train_score(*, job_id: int, firm_id: int, user_id: int | None = None) -> int:
    """Retrain the firm's score on its closed prospects, then rescore the open ones."""
    from klantbelang.accounts.models import User

    from . import scoring

    firm = Firm.objects.get(pk=firm_id)
    by = User.objects.filter(pk=user_id).first()
    with run_job(job_id) as progress:
        stored = scoring.train(firm=firm, by=by, progress=_reporter(progress, extra=_open_count(firm)))
        scoring.score_open(firm=firm, progress=_reporter(progress, offset=TRAINING_STEPS))
    return stored.pk


@task()
def rescore(*, job_id: int, firm_id: int) -> int:
    """Recompute the score of every open prospect, in batches."""
    from . import scoring

    with run_job(job_id) as progress:
        return scoring.score_open(firm=Firm.objects.get(pk=firm_id), progress=_reporter(progress))


@task()
def score_prospect(*, prospect_id: int) -> bool:
    """Score one prospect now that it was created or its features changed (no job page: it takes a
    moment, and the prospect's page shows the score or why there is none)."""
    from . import scoring

    return scoring.score_one(prospect_id)

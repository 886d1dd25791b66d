"""Recompute the scores of open prospects in batches (run nightly), optionally retraining first."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from klantbelang.core.models import Firm
from klantbelang.prospects import scoring


class Command(BaseCommand):
    help = "Score every open prospect with the firm's newest model; --train retrains on the current history first."

    def add_arguments(self, parser):
        parser.add_argument("--firm", help="the firm's slug; all firms with a trained score when left out")
        parser.add_argument("--train", action="store_true", help="retrain first (firms with enough history)")

    def handle(self, *args, firm=None, train=False, **options):
        firms = Firm.objects.order_by("slug")
        if firm:
            firms = firms.filter(slug=firm)
            if not firms.exists():
                raise CommandError(f"there is no firm {firm!r}")
        today = timezone.localdate()
        for item in firms:
            if train:
                history = scoring.history(item, today=today)
                if history["enough"]:
                    stored = scoring.train(firm=item, by=None, today=today)
                    self.stdout.write(f"{item.slug}: trained on {stored.rows} closed prospects "
                                      f"(AUC {stored.metrics['auc']})")
                else:
                    self.stdout.write(f"{item.slug}: too little history to train "
                                      f"({history['positives']} lasting, {history['negatives']} not)")
            if scoring.current_model(item) is None:
                continue
            count = scoring.score_open(firm=item, today=today)
            self.stdout.write(f"{item.slug}: {count} open prospects scored")

"""Recompute the quality dashboard's figures (run nightly; the page says until when they reach)."""

from django.core.management.base import BaseCommand, CommandError

from klantbelang.core.models import Firm
from klantbelang.quality import services


class Command(BaseCommand):
    help = "Recompute the monthly figures behind the quality dashboard, for one firm or all."

    def add_arguments(self, parser):
        parser.add_argument("--firm", help="the firm's slug; all firms when left out")
        parser.add_argument("--months", type=int, default=24)

    def handle(self, *args, firm=None, months=24, **options):
        firms = Firm.objects.order_by("slug")
        if firm:
            firms = firms.filter(slug=firm)
            if not firms.exists():
                raise CommandError(f"there is no firm {firm!r}")
        for item in firms:
            stored = services.refresh(item, months=months)
            self.stdout.write(f"{item.slug}: figures for {months} months in {stored.seconds} s")

"""manage.py scan_relationships [--firm SLUG]: open the reviews that life events, product events
and stale profiles call for (run daily; the worker can also run the scan_firm task)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from klantbelang.clients.models import Client
from klantbelang.relationships.services import scan_triggers


class Command(BaseCommand):
    help = "Open periodic reviews for life events, product events and stale profiles."

    def add_arguments(self, parser):
        parser.add_argument("--firm", help="only this firm (short name)")

    def handle(self, *args, firm=None, **options):
        today = timezone.localdate()
        clients = Client.objects.filter(agreements__status="confirmed", erased_at__isnull=True).select_related(
            "current_profile", "firm")
        if firm:
            clients = clients.filter(firm__slug=firm)
        opened = sum(len(scan_triggers(client=client, today=today)) for client in clients.distinct())
        self.stdout.write(f"{opened} review(s) opened.")

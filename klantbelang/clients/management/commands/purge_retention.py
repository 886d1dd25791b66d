"""manage.py purge_retention: delete the erased households whose advice-file retention has ended
(run daily, next to scan_relationships)."""

from django.core.management.base import BaseCommand

from klantbelang.clients.privacy import purge


class Command(BaseCommand):
    help = "Delete erased households whose retention period has ended."

    def handle(self, *args, **options):
        self.stdout.write(f"{purge()} household(s) purged.")

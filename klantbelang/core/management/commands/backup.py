"""``manage.py backup``: a consistent copy of the whole database, with its manifest."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from klantbelang.core import backup


class Command(BaseCommand):
    help = "Back up the database (SQLite: online backup API; PostgreSQL: pg_dump) with a manifest."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(settings.DATA_DIR / "backups"),
                            help="a folder (a dated file is made in it) or a file name")

    def handle(self, *args, output, **options):
        target = Path(output)
        if target.suffix == "":
            target.mkdir(parents=True, exist_ok=True)
            extension = "sqlite3" if connection.vendor == "sqlite" else "dump"
            target = target / f"klantbelang-{timezone.now():%Y%m%d-%H%M%S}.{extension}"
        try:
            if connection.vendor == "sqlite":
                connection.ensure_connection()
                data = backup.backup_sqlite(connection.connection, target)
            elif connection.vendor == "postgresql":
                data = backup.backup_postgresql(connection.settings_dict, target)
            else:
                raise CommandError(f"no backup for {connection.vendor}")
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{target}: {len(data['tables'])} tables, {sum(data['tables'].values())} rows, "
                          f"{data['audit_events']} audit events (checksum {data['audit_checksum'][:12]}…)")

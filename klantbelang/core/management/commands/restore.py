"""``manage.py restore BACKUP``: into a new, empty database, checked against the manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = ("Restore a backup into a new, empty database and check every table's row count and the audit "
            "log's checksum against the backup's manifest.")

    def add_arguments(self, parser):
        parser.add_argument("backup", help="the backup file (its .json manifest lies next to it)")
        parser.add_argument("--into", help="SQLite: the database file; PostgreSQL: the database name "
                                           "(default: the configured database, which must be empty)")

    def handle(self, *args, backup: str, into: str | None, **options):
        from klantbelang.core import backup as backups

        source = Path(backup)
        if not source.exists():
            raise CommandError(f"{source} does not exist")
        try:
            if connection.vendor == "sqlite":
                found = backups.restore_sqlite(source, Path(into or connection.settings_dict["NAME"]))
            elif connection.vendor == "postgresql":
                found = backups.restore_postgresql(connection.settings_dict, source,
                                                   into or connection.settings_dict["NAME"])
            else:
                raise CommandError(f"no restore for {connection.vendor}")
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {len(found['tables'])} tables, {sum(found['tables'].values())} rows; row "
                          f"counts and the audit checksum match the backup.")

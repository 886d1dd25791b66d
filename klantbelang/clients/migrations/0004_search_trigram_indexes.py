"""On PostgreSQL, trigram indexes for the client search (name, client number, a person's last
name): Django's ``icontains`` is ``UPPER(column::text) LIKE UPPER('%…%')``, which no b-tree
serves, so the indexes are on that same expression. SQLite scans; it holds small books."""

from django.db import migrations

INDEXES = {
    "client_name_trgm": ("clients_client", "name"),
    "client_reference_trgm": ("clients_client", "reference"),
    "person_last_name_trgm": ("clients_person", "last_name"),
}


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin '
                              f'((UPPER(("{column}")::text)) gin_trgm_ops)')


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("clients", "0003_privacy")]

    operations = [migrations.RunPython(install, remove)]

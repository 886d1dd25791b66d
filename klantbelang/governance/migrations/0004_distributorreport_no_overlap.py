"""Two reports to one provider never overlap: on PostgreSQL an exclusion constraint holds it even
when two managers create reports at the same moment (services.create_report checks it first and
locks the provider; SQLite serialises whole write transactions, so the check suffices there)."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    'ALTER TABLE governance_distributorreport ADD CONSTRAINT distributorreport_no_overlap '
    'EXCLUDE USING gist (provider_id WITH =, daterange("start", "end", \'[]\') WITH &&)',
]
DROP = ["ALTER TABLE governance_distributorreport DROP CONSTRAINT IF EXISTS distributorreport_no_overlap"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):
    dependencies = [("governance", "0003_developers_and_dialogue")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]

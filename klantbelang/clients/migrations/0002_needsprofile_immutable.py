from django.db import migrations

from klantbelang.core.immutable import immutable_sql

TABLE = "clients_needsprofile"


def install(apps, schema_editor):
    for statement in immutable_sql(TABLE, schema_editor.connection.vendor, operations=("UPDATE",), install=True,
                                   message="a needs profile version never changes"):
        schema_editor.execute(statement)


def remove(apps, schema_editor):
    for statement in immutable_sql(TABLE, schema_editor.connection.vendor, operations=("UPDATE",), install=False):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]

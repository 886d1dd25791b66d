from django.db import migrations

from klantbelang.core.audit import append_only_sql


def install(apps, schema_editor):
    for statement in append_only_sql(schema_editor.connection.vendor, install=True):
        schema_editor.execute(statement)


def remove(apps, schema_editor):
    for statement in append_only_sql(schema_editor.connection.vendor, install=False):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]

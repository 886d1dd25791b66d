from django.db import migrations

from klantbelang.core.immutable import immutable_sql

TABLE = "advice_adviceversion"


def install(apps, schema_editor):
    for statement in immutable_sql(TABLE, schema_editor.connection.vendor, operations=("UPDATE",), install=True,
                                   message="released advice never changes"):
        schema_editor.execute(statement)


def remove(apps, schema_editor):
    for statement in immutable_sql(TABLE, schema_editor.connection.vendor, operations=("UPDATE",), install=False):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("advice", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]

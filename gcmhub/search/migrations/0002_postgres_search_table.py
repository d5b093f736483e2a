"""The PostgreSQL backend's table, created by migrate on PostgreSQL (no DDL while serving pages)."""

from django.db import migrations


def create_table(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The table as the current code creates it; an older table is replaced by the backend itself.
    from gcmhub.search.backends.postgres_backend import CREATE_SQL

    for statement in CREATE_SQL:
        schema_editor.execute(statement)


def drop_table(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from gcmhub.search.backends.postgres_backend import TABLE

    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create_table, drop_table)]

from django.core.management import call_command
from django.db import migrations, models


def create_cache_tables(apps, schema_editor):
    # The database caches of settings.CACHES (the shared "default" cache: login throttles,
    # and the page cache when it is configured as a database cache). Idempotent; deployments
    # that add a database cache later run `gcmhub createcachetable` (docs/deploy.md).
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Generation",
            fields=[
                ("scope", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("value", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop, elidable=False),
    ]

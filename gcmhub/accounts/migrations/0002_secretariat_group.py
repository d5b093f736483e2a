from django.contrib.auth.management import create_permissions
from django.db import migrations

from gcmhub.accounts.groups import SECRETARIAT_MODEL_APPS, sync_secretariat_group


def create_secretariat_group(apps, schema_editor):
    # Model permissions are normally created after all migrations (post_migrate); create them now.
    for label in SECRETARIAT_MODEL_APPS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps, using=schema_editor.connection.alias)
        app_config.models_module = None
    sync_secretariat_group(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def delete_secretariat_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Secretariat").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("taxonomy", "0001_initial"),
        ("workplan", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_secretariat_group, delete_secretariat_group)]

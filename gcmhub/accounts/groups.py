"""The Django group that gives Secretariat members the Wagtail admin.

Membership follows the Secretariat role (see `actions.do_grant_role`/`do_revoke_role`); the group's
permissions are kept in sync after every `migrate`, so models added later are covered.
"""

from django.db.models import Q

SECRETARIAT_GROUP = "Secretariat"
# Apps whose models the Secretariat edits as Wagtail snippets (view/add/change/delete; "view" lets
# it read the append-only models whose CMS screens refuse add/change/delete).
# Migration 0002 creates the permissions of the first two apps (it may only name apps it depends
# on); apps added later are covered by the post_migrate sync.
SECRETARIAT_MODEL_APPS = ("taxonomy", "workplan")
SECRETARIAT_ALL_MODEL_APPS = (*SECRETARIAT_MODEL_APPS, "knowledge", "consultations")


def secretariat_permissions_q() -> Q:
    """`Permission` rows the Secretariat group holds."""
    admin = Q(content_type__app_label="wagtailadmin", codename="access_admin")
    model_perms = Q(content_type__app_label__in=SECRETARIAT_ALL_MODEL_APPS) & (
        Q(codename__startswith="view_")
        | Q(codename__startswith="add_")
        | Q(codename__startswith="change_")
        | Q(codename__startswith="delete_")
    )
    return admin | model_perms


def sync_secretariat_group(group_model=None, permission_model=None):
    """Create the group if needed and give it its permissions; return it.

    The model arguments let a data migration pass its historical models.
    """
    if group_model is None or permission_model is None:
        from django.contrib.auth.models import Group, Permission

        group_model, permission_model = Group, Permission
    group, _created = group_model.objects.get_or_create(name=SECRETARIAT_GROUP)
    group.permissions.add(*permission_model.objects.filter(secretariat_permissions_q()))
    return group


def sync_secretariat_group_after_migrate(sender, **kwargs):
    """post_migrate receiver: permissions of new models exist only after their app's signal."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for label in SECRETARIAT_ALL_MODEL_APPS:
        create_permissions(apps.get_app_config(label), verbosity=0, using=kwargs.get("using", "default"))
    sync_secretariat_group()

"""Translation states follow every save of a translated model, whatever the path (site, CMS,
importers, bulk writes announced with `announce_changes`)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save

from gcmhub.lib.changes import content_changed
from gcmhub.translations.models import TranslationState
from gcmhub.translations.registry import kinds
from gcmhub.translations.status import sync


def _on_save(sender, instance, raw=False, **kwargs):
    if not raw:
        sync(sender, [instance])


def _on_delete(sender, instance, **kwargs):
    TranslationState.objects.filter(
        content_type=ContentType.objects.get_for_model(sender), object_id=instance.pk
    ).delete()


def _on_content_changed(sender, pks, deleted=False, **kwargs):
    if not getattr(sender, "_translated_fields", None):
        return
    if deleted:
        TranslationState.objects.filter(
            content_type=ContentType.objects.get_for_model(sender), object_id__in=pks
        ).delete()
        return
    sync(sender, sender._default_manager.filter(pk__in=pks))


def connect() -> None:
    for kind in kinds():
        post_save.connect(_on_save, sender=kind.model, dispatch_uid=f"translations-save-{kind.key}")
        post_delete.connect(_on_delete, sender=kind.model, dispatch_uid=f"translations-delete-{kind.key}")
    content_changed.connect(_on_content_changed, dispatch_uid="translations-content-changed")

"""Translation as work: the state of each translation of each translated field (decision 1304).

A translated field (`gcmhub.lib.i18n.Translated`) keeps its texts in one column per language. What
those columns cannot say is kept here, one row per object, field and language that has a text
other than the source: who made it and when, whether a person wrote it or it is a suggestion to
review (a machine translation), and a fingerprint of the source text it was made from. When the
source text changes afterwards, its fingerprint no longer matches: the translation is "source
changed since". A language without text is missing; the source language's text is the source.
Rows are kept in step by `signals.py` (any save: site, CMS, importers) and written by the
workspace and the XLIFF/PO import with their author.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gcmhub.lib.i18n import Language


class TranslationState(models.Model):
    class Status(models.TextChoices):
        HUMAN = "human", _("translated by a person")
        SUGGESTED = "suggested", _("suggested, to review")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    field = models.CharField(_("field"), max_length=60)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.HUMAN)
    # Fingerprints (`fingerprint()`) of the source text the translation was made from, and of the
    # translation as recorded (an edit elsewhere, in the CMS, shows as a different one).
    source_fingerprint = models.CharField(max_length=16)
    text_fingerprint = models.CharField(max_length=16)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("translation state")
        verbose_name_plural = _("translation states")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "language"], name="translation_state_unique"
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="translation_state_object")]

    def __str__(self):
        return f"{self.content_type_id}/{self.object_id}/{self.field}/{self.language}: {self.status}"


class TranslationExport(models.Model):
    """An export of segments to translate (XLIFF or PO). Its id is written in the file, so that an
    import knows which export a file answers and what each segment's translation was then."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    source_language = models.CharField(_("source language"), max_length=8, choices=Language.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    # {segment id: fingerprint of the translation at export ("" when missing)}
    segments = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("translation export")
        verbose_name_plural = _("translation exports")

    def __str__(self):
        return f"{self.language} {self.at:%Y-%m-%d %H:%M}"

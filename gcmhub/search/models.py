"""The search index's change log (what to re-index, written in the transaction of the change) and
the search glossary's concepts."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gcmhub.lib.concurrency import VersionedModel
from gcmhub.lib.i18n import LANGUAGE_CODES, active_language
from gcmhub.search.glossary import (
    CONCEPT_MAX_LENGTH,
    CONCEPT_SLUG,
    file_languages,
    invalidate,
    term_problems,
    terms_taken,
)


class IndexChange(models.Model):
    """A document to bring up to date. Signals write one row per changed item inside the
    transaction that changes it; the `apply_index_changes` task reads, applies and deletes them.

    `upsert` re-reads the item from the database (indexed when it should be searchable, removed
    otherwise); `delete` removes the document.
    """

    class Operation(models.TextChoices):
        UPSERT = "upsert", "upsert"
        DELETE = "delete", "delete"

    doc_id = models.CharField(max_length=40)  # "<kind>:<pk>", see documents.py
    operation = models.CharField(max_length=6, choices=Operation.choices, default=Operation.UPSERT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.operation} {self.doc_id}"


class GlossaryConceptQuerySet(models.QuerySet["GlossaryConcept"]):
    def in_use(self):
        """The concepts search expands queries with (the Secretariat may set one aside)."""
        return self.filter(in_use=True)


class GlossaryConcept(VersionedModel):
    """A concept of the search glossary and its terms in each language (`gcmhub.search.glossary`).

    Shipped in `data/glossary.csv` and loaded by `gcmhub load_glossary`; the Secretariat edits it
    in the CMS. A save in the CMS sets `edited_in_cms`, and the loader then keeps the concept as
    it is unless run with --force. The terms are not translations of each other (each language's
    are the words its speakers use), so they are one JSON field and not a `Translated` one.
    """

    concept = models.SlugField(
        _("concept"),
        max_length=CONCEPT_MAX_LENGTH,
        unique=True,
        validators=[RegexValidator(CONCEPT_SLUG.pattern, _("Lowercase ASCII words joined by hyphens."))],
        help_text=_("A stable identifier, in English: “smuggling-of-migrants”."),
    )
    terms = models.JSONField(
        _("terms"), default=dict, help_text=_("The terms in each language, the preferred term first.")
    )
    in_use = models.BooleanField(
        _("used by search"),
        default=True,
        help_text=_(
            "Untick to stop search from using this concept. Deleting it instead would bring it back at the next "
            "load of the glossary file."
        ),
    )
    edited_in_cms = models.BooleanField(
        _("edited in the CMS"),
        default=False,
        editable=False,
        help_text=_("Loading the glossary file keeps this concept's terms unless it is forced."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = GlossaryConceptQuerySet.as_manager()

    class Meta:
        ordering = ["concept"]
        verbose_name = _("glossary concept")
        verbose_name_plural = _("glossary concepts")

    def __str__(self):
        return self.preferred_term() or self.concept

    def terms_in(self, language: str) -> list[str]:
        return list((self.terms or {}).get(language, []))

    def preferred_term(self, language: str | None = None) -> str:
        """The first term in `language` (default: the reader's), else in the first language that has one."""
        terms = self.terms_in(language or active_language())
        if terms:
            return terms[0]
        for code in LANGUAGE_CODES:
            if self.terms_in(code):
                return self.terms_in(code)[0]
        return ""

    def preferred_terms(self) -> str:
        """The preferred term of each language, side by side (the CMS's list)."""
        return " · ".join(self.terms_in(code)[0] for code in LANGUAGE_CODES if self.terms_in(code))

    preferred_terms.short_description = _("preferred terms")  # type: ignore[attr-defined]

    def clean(self):
        terms = {code: self.terms_in(code) for code in LANGUAGE_CODES if self.terms_in(code)}
        problems = term_problems(self.concept, terms, file_languages(), terms_taken(exclude=self.pk))
        if problems:
            raise ValidationError({"terms": problems})
        self.terms = terms


@receiver([post_save, post_delete], sender=GlossaryConcept, dispatch_uid="search-glossary-changed")
def _glossary_changed(sender, **kwargs):
    # Now, for the rest of this transaction, and again once it commits (another thread may have
    # read the glossary in between).
    invalidate()
    transaction.on_commit(invalidate)

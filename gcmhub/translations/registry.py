"""The kinds of content that have translated fields.

Every model with a `Translated` field (`Model._translated_fields`) is a kind, found at start-up:
a model added later is in the workspace without a line here. What is declared here is only what
the models cannot say: which of their objects belong to an organisation (`permissions.py`: a
Network member's focal point translates their organisation's content), what to load with them for
their labels, and the order in which the workspace lists the kinds.
"""

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.text import capfirst

from gcmhub.lib.concurrency import VersionedModel, claim

# Kind key → the lookup from the model to the organisations whose focal points translate it.
ORGANISATION_LOOKUPS = {
    "workplan.activity": "organisations",
    "workplan.priority": "organisations",
    "knowledge.resource": "publishers",
    "taxonomy.organisation": "pk",
}
# Kind key → what its label (`str(obj)`) reads from related rows.
SELECT_RELATED = {"workplan.activity": ("priority",)}
# The workspace's order: the work plan first (the Network's calendar of action), then the Hub,
# then the reference data.
ORDER = ("workplan", "knowledge", "taxonomy")


@dataclass(frozen=True)
class Kind:
    key: str  # "workplan.activity"
    model: type[models.Model]

    @property
    def fields(self) -> tuple[str, ...]:
        return self.model._translated_fields  # type: ignore[attr-defined]

    @property
    def label(self) -> str:
        return str(capfirst(self.model._meta.verbose_name_plural))

    @property
    def content_type(self) -> ContentType:
        return ContentType.objects.get_for_model(self.model)

    @property
    def has_source_column(self) -> bool:
        return any(f.name == "source_language" for f in self.model._meta.concrete_fields)

    def column(self, field: str, lang: str) -> models.Field:
        return self.model._meta.get_field(f"{field}_{lang}")  # type: ignore[return-value]

    def lock(self, pk) -> models.Model:
        """The object, write-locked until the transaction ends; a versioned one's version goes up
        (an edit form opened before refuses its save). Inside `transaction.atomic` only."""
        if issubclass(self.model, VersionedModel):
            return claim(self.model, pk, None)
        return self.model._default_manager.select_for_update().get(pk=pk)

    def with_labels(self, queryset: models.QuerySet) -> models.QuerySet:
        related = SELECT_RELATED.get(self.key)
        return queryset.select_related(*related) if related else queryset


@cache
def kinds() -> tuple[Kind, ...]:
    found = [
        Kind(f"{model._meta.app_label}.{model._meta.model_name}", model)
        for model in apps.get_models()
        if getattr(model, "_translated_fields", None)
    ]
    rank = {label: i for i, label in enumerate(ORDER)}
    found.sort(key=lambda kind: (rank.get(kind.model._meta.app_label, len(rank)), kind.key))
    return tuple(found)


def kind_of(key: str) -> Kind | None:
    return next((kind for kind in kinds() if kind.key == key), None)

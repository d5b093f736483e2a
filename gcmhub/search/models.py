"""The search index's change log: what to re-index, written in the transaction of the change."""

from django.db import models
from django.utils import timezone


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

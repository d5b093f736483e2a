"""Announcing changes to content, so that derived data (the search index, cached pages) follows.

Ordinary saves and deletes already send Django's model signals. Bulk writes (`bulk_create`,
`bulk_update`, `QuerySet.update()`, raw SQL) send none: the code that does them calls
`announce_changes(Model, pks)` inside the writing transaction. Listeners (the search index, the
page cache) run at once, in that transaction, so whatever they record commits or rolls back with
the change. Domain apps depend on this module only, never on the apps that listen.
"""

from collections.abc import Iterable

from django.db.models import Model
from django.dispatch import Signal

# sender: the model class; pks: list of primary keys; deleted: whether those rows are gone.
content_changed = Signal()


def announce_changes(model: type[Model], pks: Iterable, *, deleted: bool = False) -> None:
    """Tell listeners that rows `pks` of `model` were written (or deleted) in bulk."""
    pks = list(dict.fromkeys(pks))
    if pks:
        content_changed.send(sender=model, pks=pks, deleted=deleted)

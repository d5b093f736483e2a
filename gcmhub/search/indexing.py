"""Keeping the index current: a change log written in the changing transaction, applied by one task.

1. Signals (`connect_signals`, called by the app config) call `record_changes` when a resource, a
   practice or an activity, or one of their many-to-many links, changes. It writes `IndexChange`
   rows in the same transaction as the change, so a rolled-back change leaves no trace, and
   registers once per transaction an on-commit callback that enqueues `apply_index_changes`.
2. `apply_index_changes` (django-tasks) drains the log: it reads the rows, builds the documents
   from the database, writes them, commits the index, then deletes the rows it applied. It is the
   only writer of the index besides `gcmhub search-rebuild`, so web processes never open a tantivy
   writer. When another process holds tantivy's writer lock (a rebuild, a second worker), the task
   leaves the rows in place and enqueues itself again a few seconds later (when the task backend
   can defer; otherwise the next change's task applies them).
3. Readers: tantivy searchers reload on their own after a commit (and the writing process reloads
   at once); the PostgreSQL backend reads committed rows.

Code that writes with `bulk_create` or `QuerySet.update()` (no signals) announces its changes with
`gcmhub.lib.changes.announce_changes` (heard here by `_on_content_changed`), or runs
`gcmhub search-rebuild` afterwards.
"""

import datetime
import logging
import time

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django_tasks import task

from gcmhub.search import documents, get_backend
from gcmhub.search.models import IndexChange

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5
APPLY_BATCH = 1000
REBUILD_BATCH = 5000


def record_changes(doc_ids, operation: str = IndexChange.Operation.UPSERT) -> None:
    """Log documents to bring up to date, in the current transaction; apply them after commit."""
    doc_ids = list(dict.fromkeys(doc_ids))
    if not doc_ids:
        return
    if len(doc_ids) == 1:
        IndexChange.objects.create(doc_id=doc_ids[0], operation=operation)
    else:
        IndexChange.objects.bulk_create([IndexChange(doc_id=value, operation=operation) for value in doc_ids])
    _enqueue_on_commit()


def _enqueue_on_commit() -> None:
    # One task per transaction (per savepoint level), however many changes it logs.
    if connection.in_atomic_block:
        level = set(connection.savepoint_ids)
        # (savepoint ids, callback, robust); django-stubs still lists the first two only.
        for entry in connection.run_on_commit:
            ids, func = entry[0], entry[1]
            if isinstance(func, _Enqueue) and not func.done and ids == level:
                return
    transaction.on_commit(_Enqueue())


class _Enqueue:
    """The on-commit callback; remembers that it ran (tests run callbacks without committing)."""

    def __init__(self):
        self.done = False

    def __call__(self):
        self.done = True
        apply_index_changes.enqueue()


@task()
def apply_index_changes() -> int:
    """Apply the logged changes to the index; return how many rows were applied."""
    backend = get_backend()
    applied = 0
    while True:
        changes = list(IndexChange.objects.order_by("id").values_list("id", "doc_id", "operation")[:APPLY_BATCH])
        if not changes:
            break
        last = {}  # the latest operation per document wins
        for _pk, value, operation in changes:
            last[value] = operation
        upserts = [value for value, operation in last.items() if operation == IndexChange.Operation.UPSERT]
        deletes = [value for value, operation in last.items() if operation == IndexChange.Operation.DELETE]
        docs, gone = documents.build_documents(upserts)
        try:
            backend.delete(deletes + gone)
            backend.index(docs)
            _release(backend)
        except ValueError as exc:  # tantivy: "Failed to acquire Lockfile" — another process writes
            logger.warning("Search index busy, changes kept for later: %s", exc)
            _retry_later()
            return applied
        IndexChange.objects.filter(pk__in=[pk for pk, _value, _operation in changes]).delete()
        applied += len(changes)
    if applied:
        _warm(backend)
    return applied


def _warm(backend) -> None:
    """Count the facets over the whole index now, in the task, so that no visitor of the search
    page without words pays for it after a commit (tantivy shares these counts between processes)."""
    if hasattr(backend, "warm"):
        from gcmhub.search.results import SHOWN_FACETS

        backend.warm(list(SHOWN_FACETS))


def _release(backend) -> None:
    """Commit; a tantivy writer also gives its lock back so a rebuild or another worker can write."""
    if hasattr(backend, "release"):
        backend.release()
    else:
        backend.commit()


def _retry_later() -> None:
    if apply_index_changes.get_backend().supports_defer:
        run_after = timezone.now() + datetime.timedelta(seconds=RETRY_SECONDS)
        apply_index_changes.using(run_after=run_after).enqueue()


def rebuild(stdout=None) -> dict:
    """Clear the index and index every searchable item; return counts per kind and seconds."""
    started = time.perf_counter()
    backend = get_backend()
    counts = dict.fromkeys(documents.KINDS, 0)
    # Changes logged before now are covered by the rebuild.
    high_water = IndexChange.objects.order_by("-id").values_list("id", flat=True).first()
    with transaction.atomic():  # PostgreSQL backend: all or nothing; tantivy: commits once below
        backend.clear()
        batch = []
        for docs in documents.iter_all_documents():
            for doc in docs:
                counts[doc.kind] += 1
            batch.extend(docs)
            if len(batch) >= REBUILD_BATCH:
                backend.index(batch)
                batch = []
        backend.index(batch)
        _release(backend)
    if high_water is not None:
        IndexChange.objects.filter(id__lte=high_water).delete()
    _warm(backend)
    return {"counts": counts, "seconds": time.perf_counter() - started}


# --- Signals ------------------------------------------------------------------------------------


def _was_ever_published(instance) -> bool:
    # Items never published were never indexed: their drafts need no index work.
    return instance.status == "published" or instance.published_at is not None


def _on_item_saved(sender, instance, **kwargs):
    kind = KIND_OF[sender]
    if kind not in ("resource", "practice") or _was_ever_published(instance):
        record_changes([documents.doc_id(kind, instance.pk)])


def _topics_and_comments(topic_ids) -> list[str]:
    """A topic's document and its comments' (they carry its title and tags, and follow whether it
    may be read by everyone)."""
    from gcmhub.consultations.models import Comment

    topic_ids = list(topic_ids)
    comments = Comment.objects.filter(topic_id__in=topic_ids, status=Comment.Status.PUBLISHED)
    return [documents.doc_id("topic", pk) for pk in topic_ids] + [
        documents.doc_id("comment", pk) for pk in comments.order_by().values_list("pk", flat=True)
    ]


def _on_topic_saved(sender, instance, created=False, **kwargs):
    if created:
        record_changes([documents.doc_id("topic", instance.pk)])
    else:
        record_changes(_topics_and_comments([instance.pk]))


def _on_space_saved(sender, instance, created=False, **kwargs):
    if not created:
        record_changes(_topics_and_comments(instance.topics.order_by().values_list("pk", flat=True)))


def _on_question_changed(sender, instance, **kwargs):
    record_changes([documents.doc_id("topic", instance.topic_id)])


def _tagged_items(model, pks) -> list[str]:
    """The documents that carry the names of these reference rows (their `tags`)."""
    from gcmhub.consultations.models import Comment, Topic
    from gcmhub.knowledge.models import CallForPractices, Practice, Resource
    from gcmhub.taxonomy.models import Country, GuidingPrinciple, Objective, Organisation, Region, ThematicArea
    from gcmhub.workplan.models import Activity

    pks = list(pks)
    lookups = {
        Objective: [
            (Resource, "objectives"),
            (Practice, "objectives"),
            (Activity, "priority__objectives"),
            (CallForPractices, "objectives"),
        ],
        GuidingPrinciple: [(Resource, "principles"), (Practice, "principles")],
        Country: [(Resource, "countries"), (Practice, "countries")],
        Region: [(Resource, "regions"), (Practice, "regions")],
        Organisation: [
            (Resource, "publishers"),
            (Practice, "implementing_organisation"),
            (Practice, "partner_organisations"),
            (Activity, "involvements__organisation"),
            (Activity, "priority__involvements__organisation"),
        ],
        ThematicArea: [(Resource, "thematic_area"), (Practice, "thematic_area"), (Activity, "priority__thematic_area")],
    }
    for reference, path in ((Objective, "objectives"), (GuidingPrinciple, "principles"), (Country, "countries")):
        lookups[reference] += [(Topic, path), (Comment, f"topic__{path}")]
    lookups[ThematicArea] += [(Topic, "thematic_areas"), (Comment, "topic__thematic_areas")]
    ids: list[str] = []
    for item_model, path in lookups.get(model, []):
        kind = KIND_OF[item_model]
        queryset = item_model._default_manager.filter(**{f"{path}__in": pks}).order_by().values_list("pk", flat=True)
        ids += [documents.doc_id(kind, pk) for pk in queryset.distinct()]
    return ids


def _on_reference_saved(sender, instance, created=False, **kwargs):
    """A name changed: the reference page's document (if it has one) and every document that
    carries the name in its tags. A new row is tagged on nothing yet."""
    from gcmhub.taxonomy.models import OrganisationAlias

    if sender is OrganisationAlias:
        sender, instance, created = type(instance.organisation), instance.organisation, False
    ids = [documents.doc_id(KIND_OF[sender], instance.pk)] if sender in KIND_OF else []
    if not created:
        ids += _tagged_items(sender, [instance.pk])
    record_changes(ids)


def _on_item_deleted(sender, instance, **kwargs):
    record_changes([documents.doc_id(KIND_OF[sender], instance.pk)], IndexChange.Operation.DELETE)


def _on_m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    owner_model, kind = M2M_OWNERS[sender]
    if not reverse:
        if kind == "priority":
            record_changes(_priority_activities([instance.pk]))
        elif kind == "topic":
            record_changes(_topics_and_comments([instance.pk]))
        elif kind not in ("resource", "practice") or _was_ever_published(instance):
            record_changes([documents.doc_id(kind, instance.pk)])
    elif pk_set:  # e.g. objective.resources.add(...): the items on the other side changed
        if kind == "priority":
            record_changes(_priority_activities(pk_set))
        elif kind == "topic":
            record_changes(_topics_and_comments(pk_set))
        else:
            record_changes([documents.doc_id(kind, pk) for pk in pk_set])


def _priority_activities(priority_ids) -> list[str]:
    from gcmhub.workplan.models import Activity

    pks = Activity.objects.filter(priority_id__in=list(priority_ids)).order_by().values_list("pk", flat=True)
    return [documents.doc_id("activity", pk) for pk in pks]


def _on_priority_saved(sender, instance, created=False, **kwargs):
    if not created:
        record_changes(_priority_activities([instance.pk]))


def _on_involvement_changed(sender, instance, **kwargs):
    from gcmhub.workplan.models import ActivityOrganisation

    if instance.role != "lead":
        return
    if sender is ActivityOrganisation:
        record_changes([documents.doc_id("activity", instance.activity_id)])
    else:
        record_changes(_priority_activities([instance.priority_id]))


def _on_content_changed(sender, pks, deleted=False, **kwargs):
    """Bulk writes announced through `gcmhub.lib.changes`."""
    kind = KIND_OF.get(sender)
    if kind is None:
        return
    operation = IndexChange.Operation.DELETE if deleted else IndexChange.Operation.UPSERT
    record_changes([documents.doc_id(kind, pk) for pk in pks], operation)


KIND_OF: dict = {}
M2M_OWNERS: dict = {}


def connect_signals() -> None:
    from gcmhub.consultations.models import Comment, Question, Space, Topic
    from gcmhub.knowledge.models import CallForPractices, Practice, Resource
    from gcmhub.lib.changes import content_changed
    from gcmhub.taxonomy.models import (
        Country,
        GuidingPrinciple,
        Objective,
        Organisation,
        OrganisationAlias,
        Region,
        ThematicArea,
    )
    from gcmhub.workplan.models import Activity, ActivityOrganisation, Priority, PriorityOrganisation

    content_changed.connect(_on_content_changed, dispatch_uid="search-content-changed")

    KIND_OF.update({Resource: "resource", Practice: "practice", Activity: "activity", CallForPractices: "call"})
    for model in KIND_OF:
        post_save.connect(_on_item_saved, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(_on_item_deleted, sender=model, dispatch_uid=f"search-delete-{model.__name__}")
    reference = {
        Organisation: "organisation",
        Country: "country",
        Objective: "objective",
        GuidingPrinciple: "principle",
    }
    KIND_OF.update(reference)
    for model in (*reference, Region, ThematicArea, OrganisationAlias):
        post_save.connect(_on_reference_saved, sender=model, dispatch_uid=f"search-reference-save-{model.__name__}")
    for model in reference:
        post_delete.connect(_on_item_deleted, sender=model, dispatch_uid=f"search-delete-{model.__name__}")
    m2m_fields = {
        Resource: ("objectives", "principles", "countries", "regions", "publishers"),
        Practice: ("objectives", "principles", "countries", "regions", "partner_organisations"),
        Priority: ("objectives",),
        CallForPractices: ("objectives",),
    }
    for model, names in m2m_fields.items():
        kind = KIND_OF.get(model, "priority")
        for name in names:
            through = getattr(model, name).through
            M2M_OWNERS[through] = (model, kind)
            m2m_changed.connect(_on_m2m_changed, sender=through, dispatch_uid=f"search-m2m-{through.__name__}")
    KIND_OF.update({Topic: "topic", Comment: "comment"})
    post_save.connect(_on_item_saved, sender=Comment, dispatch_uid="search-save-Comment")
    post_save.connect(_on_topic_saved, sender=Topic, dispatch_uid="search-save-Topic")
    post_save.connect(_on_space_saved, sender=Space, dispatch_uid="search-save-Space")
    for model in (Topic, Comment):
        post_delete.connect(_on_item_deleted, sender=model, dispatch_uid=f"search-delete-{model.__name__}")
    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(_on_question_changed, sender=Question, dispatch_uid=f"search-{name}-Question")
    for name in ("objectives", "principles", "countries", "thematic_areas"):
        through = getattr(Topic, name).through
        M2M_OWNERS[through] = (Topic, "topic")
        m2m_changed.connect(_on_m2m_changed, sender=through, dispatch_uid=f"search-m2m-{through.__name__}")
    post_save.connect(_on_priority_saved, sender=Priority, dispatch_uid="search-priority-save")
    for model in (ActivityOrganisation, PriorityOrganisation):
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(_on_involvement_changed, sender=model, dispatch_uid=f"search-{name}-{model.__name__}")

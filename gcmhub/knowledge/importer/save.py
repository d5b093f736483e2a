"""Step 4 of a Hub import: save the valid rows of an `ImportReport`, in one transaction.

Bulk inserts and one UPDATE per updated row; a workflow event for every item created (and for every
status an update changes). Bulk writes send no model signals, so every item written is announced
with `gcmhub.lib.changes.announce_changes` (the search index follows).
"""

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from gcmhub.knowledge.importer.parse import CREATE, PRACTICE, RESOURCE, UPDATE
from gcmhub.knowledge.importer.resolve import ImportReport, RowResult
from gcmhub.knowledge.models import Practice, PracticeEvent, Resource, ResourceEvent
from gcmhub.lib.changes import announce_changes

BATCH_SIZE = 500


@dataclass
class ImportResult:
    created: dict[str, int]
    updated: dict[str, int]
    skipped: int


def _moment(day: datetime.date | None, default: datetime.datetime) -> datetime.datetime:
    if day is None:
        return default
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def _unique_slugs(titles: list[str], taken: set[str], fallback: str) -> list[str]:
    slugs = []
    for title in titles:
        base = slugify(title)[:100].strip("-") or fallback
        slug, n = base, 2
        while slug in taken:
            slug = f"{base}-{n}"
            n += 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


def _set_relations(model, rows: list[tuple[int, RowResult]], names: list[str], replace_ids: list[int]) -> None:
    """Write the many-to-many rows of `rows` ((pk, row) pairs) with bulk inserts; rows of
    `replace_ids` lose their previous links first."""
    for name in names:
        through = getattr(model, name).through
        source = f"{model._meta.model_name}_id"
        target = next(f.attname for f in through._meta.concrete_fields if f.attname not in ("id", source))
        if replace_ids:
            through.objects.filter(**{f"{source}__in": replace_ids}).delete()
        links = [(pk, other) for pk, row in rows for other in row.relations.get(name, [])]
        if not links:
            continue
        # Plain INSERTs: the through rows have no behaviour, and building tens of thousands of model
        # instances (with their init signals) costs more than the database does.
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(through._meta.db_table)} ({quote(source)}, {quote(target)}) "  # noqa: S608
            "VALUES (%s, %s)"
        )
        with connection.cursor() as cursor:
            for start in range(0, len(links), BATCH_SIZE * 4):
                cursor.executemany(sql, links[start : start + BATCH_SIZE * 4])


RESOURCE_RELATIONS = ["publishers", "countries", "regions", "objectives", "principles"]
PRACTICE_RELATIONS = ["partner_organisations", "countries", "regions", "objectives", "principles"]


def _save_resources(rows: list[RowResult], user, note: str, now) -> tuple[int, int]:
    creates = [r for r in rows if r.action == CREATE]
    updates = [r for r in rows if r.action == UPDATE]
    taken = set(Resource.objects.values_list("slug", flat=True))
    taken |= {r.values["slug"] for r in creates if r.values.get("slug")}
    auto = [r for r in creates if not r.values.get("slug")]
    for row, slug in zip(auto, _unique_slugs([r.title for r in auto], taken, "resource"), strict=True):
        row.values["slug"] = slug
    objects = []
    for row in creates:
        published = row.values["status"] == Resource.Status.PUBLISHED
        objects.append(
            Resource(
                **row.values,
                proposed_by=None,
                created_at=now,
                published_at=_moment(row.values["publication_date"], now) if published else None,
            )
        )
    Resource.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    events = [
        ResourceEvent(resource_id=obj.pk, actor=user, to_status=obj.status, note=note, created_at=now)
        for obj in objects
    ]
    before = {
        pk: (status, published_at)
        for pk, status, published_at in Resource.objects.filter(pk__in=[r.target_pk for r in updates]).values_list(
            "pk", "status", "published_at"
        )
    }
    for row in updates:
        # One UPDATE per row: bulk_update's CASE expressions grow with rows × fields and cost far more.
        values = {name: value for name, value in row.values.items() if name != "slug"}
        old_status, published_at = before[row.target_pk]
        if not row.status_given:  # a row without a status keeps the resource's (e.g. a proposal stays one)
            values["status"] = old_status
        if values["status"] == Resource.Status.PUBLISHED and not published_at:
            values["published_at"] = _moment(values["publication_date"], now)
        Resource.objects.filter(pk=row.target_pk).update(**values, updated_at=now, version=F("version") + 1)
        if old_status != values["status"]:
            events.append(
                ResourceEvent(
                    resource_id=row.target_pk,
                    actor=user,
                    from_status=old_status,
                    to_status=values["status"],
                    note=note,
                    created_at=now,
                )
            )
    ResourceEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
    pairs = [(o.pk, r) for o, r in zip(objects, creates, strict=True)] + [(r.target_pk, r) for r in updates]
    _set_relations(Resource, pairs, RESOURCE_RELATIONS, [r.target_pk for r in updates])
    announce_changes(Resource, [pk for pk, _row in pairs])  # bulk writes send no signals
    return len(creates), len(updates)


def _save_practices(rows: list[RowResult], user, note: str, now) -> tuple[int, int]:
    creates = [r for r in rows if r.action == CREATE]
    updates = [r for r in rows if r.action == UPDATE]
    taken = set(Practice.objects.values_list("slug", flat=True))
    taken |= {r.values["slug"] for r in creates if r.values.get("slug")}
    auto = [r for r in creates if not r.values.get("slug")]
    for row, slug in zip(auto, _unique_slugs([r.title for r in auto], taken, "practice"), strict=True):
        row.values["slug"] = slug
    objects = []
    for row in creates:
        values = dict(row.values)
        published = values["status"] == Practice.Status.PUBLISHED
        values["published_at"] = _moment(values["published_at"], now) if published else None
        objects.append(Practice(**values, submitted_at=now, created_at=now))
    Practice.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    # A published row is a record reviewed before gcmhub: one "imported" event says so (the
    # practice then shows "Reviewed on the previous platform", not "Peer reviewed"). A submitted
    # row enters the screening queue like any submission.
    events = [
        PracticeEvent(
            practice_id=obj.pk,
            action=(
                PracticeEvent.Action.IMPORTED
                if obj.status == Practice.Status.PUBLISHED
                else PracticeEvent.Action.SUBMITTED
            ),
            actor=user,
            to_status=obj.status,
            note=note,
            created_at=now,
        )
        for obj in objects
    ]
    published = set(
        Practice.objects.filter(pk__in=[r.target_pk for r in updates], status=Practice.Status.PUBLISHED).values_list(
            "pk", flat=True
        )
    )
    for row in updates:
        values = dict(row.values)
        values.pop("slug", None)
        # An update keeps the record's place in the workflow; only its content changes.
        values.pop("status")
        published_on = values.pop("published_at")
        if published_on and row.target_pk in published:
            values["published_at"] = _moment(published_on, now)
        Practice.objects.filter(pk=row.target_pk).update(**values, updated_at=now, version=F("version") + 1)
    PracticeEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
    pairs = [(o.pk, r) for o, r in zip(objects, creates, strict=True)] + [(r.target_pk, r) for r in updates]
    _set_relations(Practice, pairs, PRACTICE_RELATIONS, [r.target_pk for r in updates])
    announce_changes(Practice, [pk for pk, _row in pairs])  # bulk writes send no signals
    return len(creates), len(updates)


class ImportHasErrors(Exception):
    pass


def do_import_knowledge(
    report: ImportReport, *, user=None, filename: str = "", valid_only: bool = False
) -> ImportResult:
    """Save the valid rows of `report` in one transaction. Refuses (ImportHasErrors) when some
    rows have errors, unless `valid_only`."""
    if report.invalid_rows and not valid_only:
        raise ImportHasErrors
    rows = report.valid_rows
    now = timezone.now()
    note = _("Imported from %(file)s") % {"file": filename} if filename else _("Imported")
    with transaction.atomic():
        resources = _save_resources([r for r in rows if r.kind == RESOURCE], user, note, now)
        practices = _save_practices([r for r in rows if r.kind == PRACTICE], user, note, now)
    return ImportResult(
        created={RESOURCE: resources[0], PRACTICE: practices[0]},
        updated={RESOURCE: resources[1], PRACTICE: practices[1]},
        skipped=len(report.invalid_rows),
    )

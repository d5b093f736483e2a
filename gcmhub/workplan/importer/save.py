"""Step 4 of a work-plan import: write the plan a `ParsedPlan` describes, in one transaction.

`do_import_workplan` creates or updates the plan (matched by its period's slug) with its
priorities, activities, periods and organisations, creating or aliasing the organisations a human
mapped; status updates of existing activities are kept. Rows are written in bulk (a fixed number of
queries per plan), so no per-row save signals run: the activities written are announced with
`gcmhub.lib.changes.announce_changes`.The Secretariat's fix of one deadline afterwards is
`gcmhub.workplan.actions.do_fix_activity_deadline`.
"""

import hashlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils.text import slugify
from django.utils.translation import gettext

from gcmhub.lib.changes import announce_changes
from gcmhub.lib.i18n import translated_names
from gcmhub.taxonomy.models import Objective, Organisation, OrganisationAlias, ThematicArea, normalize_name
from gcmhub.workplan.deadlines import ParsedDeadline
from gcmhub.workplan.importer.errors import UnknownOrganisationsError, WorkPlanImportError
from gcmhub.workplan.importer.parse import ParsedActivity, ParsedPlan, ParsedPriority
from gcmhub.workplan.importer.resolve import Resolution, deadline_state, resolve
from gcmhub.workplan.models import (
    Activity,
    ActivityOrganisation,
    ActivityPeriod,
    ImportRun,
    Involvement,
    Priority,
    PriorityOrganisation,
    StatusUpdate,
    WorkPlan,
)

NEW = "new"  # in a mapping: create the organisation as written


def priority_slug(block: ParsedPriority) -> str:
    if block.kind == Priority.Kind.CORE:
        return f"core-{slugify(block.code.replace('.', '-'))}"
    if block.kind == Priority.Kind.THEMATIC:
        return f"thematic-{slugify(block.code.replace('.', '-'))}"
    slug = slugify(block.title)
    if len(slug) > 60:
        slug = slug[:60].rsplit("-", 1)[0]
    return slug or "working-group"


@dataclass
class ImportResult:
    plan: WorkPlan
    created: bool
    run: ImportRun
    summary: dict


def _unique_org_slug(name: str) -> str:
    base = slugify(name)[:70].strip("-") or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _apply_mapping(resolution: Resolution, mapping: dict, language: str) -> dict[str, Organisation]:
    """Every organisation name -> Organisation, creating or aliasing the unknown ones as mapped."""
    missing = [name for name in resolution.unknown if not mapping.get(name)]
    if missing:
        raise UnknownOrganisationsError(missing)
    orgs = {name: org for name, org in resolution.organisations.items() if org is not None}
    targets = Organisation.objects.in_bulk(
        {int(v) for name, v in mapping.items() if name in resolution.unknown and v != NEW}
    )
    for name in resolution.unknown:
        choice = mapping[name]
        org: Organisation | None
        if choice == NEW:
            org = Organisation(slug=_unique_org_slug(name), kind=Organisation.Kind.OTHER, name_en=name)
            setattr(org, f"name_{language}", name)
            org.save()
            org.sync_aliases()
        else:
            org = targets.get(int(choice))
            if org is None:
                raise WorkPlanImportError(
                    gettext("The organisation chosen for “%(name)s” no longer exists.") % {"name": name}
                )
        # Remember the spelling, so the next import of this document resolves it.
        key = normalize_name(name)
        if key and not OrganisationAlias.objects.filter(normalized=key).exists():
            OrganisationAlias.objects.create(organisation=org, alias=name[:300])
        orgs[name] = org
    return orgs


def apply_deadline(activity: Activity, text: str, parsed: ParsedDeadline | None) -> list[ActivityPeriod]:
    """Set the activity's deadline fields from `parsed` (not saved) and return its new periods."""
    setattr(activity, f"deadline_text_{activity.source_language}", text)
    activity.deadline_state = deadline_state(text, parsed)
    periods = list(parsed.periods) if parsed else []
    activity.ongoing = bool(parsed and parsed.ongoing)
    activity.start_date = min((p.start for p in periods), default=None)
    activity.due_date = max((p.end for p in periods), default=None)
    return [
        ActivityPeriod(
            activity=activity,
            order=i,
            start=p.start,
            end=p.end,
            label=(p.label or "")[:200],
            year_inferred=p.year_inferred,
        )
        for i, p in enumerate(periods)
    ]


DEADLINE_FIELDS = [*translated_names("deadline_text"), "deadline_state", "ongoing", "start_date", "due_date"]


PRIORITY_FIELDS = [
    "kind",
    "code",
    "order",
    *translated_names("title"),
    "thematic_area",
    "all_objectives",
    "cross_cutting",
    *translated_names("objectives_text"),
]
ACTIVITY_FIELDS = [
    "number",
    "order",
    *translated_names("text"),
    *translated_names("other_participants"),
    *DEADLINE_FIELDS,
]


def do_import_workplan(
    parsed: ParsedPlan, *, mapping: dict | None = None, user=None, filename: str = "", data: bytes = b""
) -> ImportResult:
    """Create or update the plan `parsed` describes (matched by slug), with its priorities,
    activities, periods and organisations. Status updates of existing activities are kept.

    Raises UnknownOrganisationsError when an unknown organisation is not in `mapping`
    (name -> organisation pk or "new"). Everything happens in one transaction. Rows are written
    in bulk (a fixed number of queries per plan), so no per-row save signals run."""
    mapping = mapping or {}
    language = parsed.source_language
    with transaction.atomic():
        resolution = resolve(parsed)
        orgs = _apply_mapping(resolution, mapping, language)
        plan, created = _save_plan(parsed, data, filename)
        priorities = _save_priorities(plan, parsed)
        _save_priority_links(parsed, priorities, orgs)
        activities, summary = _save_activities(parsed, priorities, resolution, orgs)

        # What the document no longer lists goes, unless someone reported on it.
        with_updates = Exists(StatusUpdate.objects.filter(activity=OuterRef("pk")))
        stale = Activity.objects.filter(priority__workplan=plan).exclude(pk__in=[a.pk for a in activities])
        kept_stale = list(stale.filter(with_updates).values_list("pk", flat=True))
        stale.exclude(pk__in=kept_stale).delete()
        plan.priorities.exclude(pk__in=[p.pk for p in priorities]).exclude(activities__pk__in=kept_stale).delete()

        summary = {
            "language": language,
            "plan": plan.slug,
            "priorities": len(priorities),
            **summary,
            "organisations": len({org.pk for org in orgs.values()}),
            "unknown_organisations": {name: mapping[name] for name in resolution.unknown},
            "kept_activities_with_updates": kept_stale,
        }
        run = ImportRun.objects.create(
            workplan=plan,
            filename=filename[:300],
            sha256=hashlib.sha256(data).hexdigest() if data else "",
            created_by=user if user is not None and user.is_authenticated else None,
            created=created,
            summary=summary,
        )
    return ImportResult(plan=plan, created=created, run=run, summary=summary)


def _save_plan(parsed: ParsedPlan, data: bytes, filename: str) -> tuple[WorkPlan, bool]:
    language = parsed.source_language
    existing = WorkPlan.objects.select_for_update().filter(slug=parsed.slug).first()
    created = existing is None
    plan = WorkPlan(slug=parsed.slug, source_language=language) if existing is None else existing
    for lang, title in (parsed.titles or {language: parsed.title}).items():
        if created or lang == language or not getattr(plan, f"title_{lang}"):
            setattr(plan, f"title_{lang}", title[:300])
    plan.period_start, plan.period_end = parsed.period_start, parsed.period_end
    setattr(plan, f"as_of_{language}", parsed.as_of)
    if data:
        plan.source_sha256 = hashlib.sha256(data).hexdigest()
        plan.source_document.save(PurePath(filename or "workplan.txt").name, ContentFile(data), save=False)
    if created and not WorkPlan.objects.filter(is_current=True).exists():
        plan.is_current = True
    if not created:
        plan.version += 1  # a re-import is an edit: a CMS edit begun before it is refused afterwards
    plan.save()
    return plan, created


def _save_priorities(plan: WorkPlan, parsed: ParsedPlan) -> list[Priority]:
    """The plan's priorities in document order, matched by slug (working groups of a document in
    another language than the plan: by position among the working groups)."""
    language = parsed.source_language
    areas = {a.number: a for a in ThematicArea.objects.all()}
    existing = {p.slug: p for p in plan.priorities.order_by("order")}
    existing_groups = [p for p in existing.values() if p.kind == Priority.Kind.WORKING_GROUP]
    parsed_groups = [p for p in parsed.priorities if p.kind == Priority.Kind.WORKING_GROUP]
    taken = set(existing)
    result, new, old = [], [], []
    for index, block in enumerate(parsed.priorities):
        priority = existing.pop(priority_slug(block), None)
        if priority is None and block.kind == Priority.Kind.WORKING_GROUP and language != plan.source_language:
            position = parsed_groups.index(block)
            if position < len(existing_groups) and existing_groups[position].slug in existing:
                priority = existing.pop(existing_groups[position].slug)
        if priority is None:
            slug, n = priority_slug(block), 2
            while slug in taken:
                slug, n = f"{priority_slug(block)}-{n}", n + 1
            taken.add(slug)
            priority = Priority(workplan=plan, slug=slug, source_language=language)
            new.append(priority)
        else:
            old.append(priority)
        priority.kind, priority.code, priority.order = block.kind, block.code, index + 1
        setattr(priority, f"title_{language}", block.title)
        priority.thematic_area = areas.get(block.thematic_area) if block.thematic_area else None
        priority.all_objectives, priority.cross_cutting = block.all_objectives, block.cross_cutting
        setattr(priority, f"objectives_text_{language}", block.objectives_text[:300])
        result.append(priority)
    Priority.objects.bulk_create(new)
    Priority.objects.bulk_update(old, PRIORITY_FIELDS)
    # A re-import is an edit: an edit begun in the CMS before it is refused afterwards.
    Priority.objects.filter(pk__in=[p.pk for p in old]).update(version=F("version") + 1)
    return result


def _save_priority_links(parsed: ParsedPlan, priorities: list[Priority], orgs: dict) -> None:
    objectives = dict(Objective.objects.values_list("number", "pk"))
    through = Priority.objectives.through
    through.objects.filter(priority__in=priorities).delete()
    through.objects.bulk_create(
        [
            through(priority_id=priority.pk, objective_id=objectives[n])
            for priority, block in zip(priorities, parsed.priorities, strict=True)
            for n in block.objectives
            if n in objectives
        ]
    )
    PriorityOrganisation.objects.filter(priority__in=priorities).delete()
    PriorityOrganisation.objects.bulk_create(
        [
            row
            for priority, block in zip(priorities, parsed.priorities, strict=True)
            for row in _involvements(PriorityOrganisation, "priority", priority, block, orgs, with_notes=True)
        ]
    )


def _save_activities(parsed, priorities, resolution, orgs) -> tuple[list[Activity], dict]:
    language = parsed.source_language
    existing: dict[int, dict] = {}
    for activity in Activity.objects.filter(priority__in=priorities):
        key = activity.number if activity.number else f"o{activity.order}"
        existing.setdefault(activity.priority_id, {})[key] = activity
    result, items, new, old, periods, confirmed_ids = [], [], [], [], [], set()
    summary: dict[str, Any] = {"unparsed_deadlines": [], "inferred_deadlines": [], "remarks": []}
    for p_index, (priority, block) in enumerate(zip(priorities, parsed.priorities, strict=True)):
        summary["remarks"] += [f"{priority.heading}: {r}" for r in block.remarks]
        current = existing.get(priority.pk, {})
        for a_index, item in enumerate(block.activities):
            order = a_index + 1
            activity = current.pop(item.number if item.number else f"o{order}", None)
            if activity is None:
                activity = Activity(priority=priority, source_language=language)
                new.append(activity)
            else:
                old.append(activity)
            activity.number, activity.order = item.number, order
            setattr(activity, f"other_participants_{language}", "; ".join(item.remarks))
            setattr(activity, f"text_{language}", item.text)
            deadline = resolution.deadlines[(p_index, a_index)]
            if (
                activity.pk
                and activity.deadline_state == Activity.DeadlineState.CONFIRMED
                and activity.deadline_as_written == deadline.text
            ):
                confirmed_ids.add(activity.pk)  # the Secretariat checked these periods: keep them
            else:
                periods += apply_deadline(activity, deadline.text, deadline.parsed)
            result.append(activity)
            items.append(item)
            label = f"{priority.heading} – {activity.label}"
            if deadline.state in (Activity.DeadlineState.UNPARSED, Activity.DeadlineState.INFERRED):
                summary[f"{deadline.state}_deadlines"].append({"activity": label, "text": deadline.text})
            summary["remarks"] += [f"{label}: {r}" for r in item.remarks]
    Activity.objects.bulk_create(new)
    Activity.objects.bulk_update(old, ACTIVITY_FIELDS)
    Activity.objects.filter(pk__in=[a.pk for a in old]).update(version=F("version") + 1)
    ActivityPeriod.objects.filter(activity__in=old).exclude(activity__in=confirmed_ids).delete()
    for period in periods:
        period.activity_id = period.activity.pk
    ActivityPeriod.objects.bulk_create(periods)
    ActivityOrganisation.objects.filter(activity__in=old).delete()
    ActivityOrganisation.objects.bulk_create(
        [
            row
            for activity, item in zip(result, items, strict=True)
            for row in _activity_involvements(activity, item, orgs)
        ]
    )
    summary.update(activities=len(result), created_activities=len(new), updated_activities=len(old))
    announce_changes(Activity, [activity.pk for activity in result])  # bulk writes send no signals
    return result, summary


def _involvements(model, owner_field: str, owner, block: ParsedPriority, orgs: dict, with_notes: bool = False) -> list:
    rows, seen = [], set()
    for role, names in (
        (Involvement.LEAD, block.leads),
        (Involvement.PARTICIPANT, block.participants),
        (Involvement.OBSERVER, block.observers),
    ):
        for order, name in enumerate(names):
            org = orgs[name]
            if (org.pk, role) in seen:
                continue
            seen.add((org.pk, role))
            row = model(**{owner_field: owner}, organisation=org, role=role, order=order)
            if with_notes:
                row.note = block.org_notes.get(name, "")[:300]
            rows.append(row)
    return rows


def _activity_involvements(activity: Activity, item: ParsedActivity, orgs: dict) -> list[ActivityOrganisation]:
    rows, seen = [], set()
    for role, names in ((Involvement.LEAD, item.leads), (Involvement.PARTICIPANT, item.participants)):
        for order, name in enumerate(names):
            org = orgs[name]
            if (org.pk, role) not in seen:
                seen.add((org.pk, role))
                rows.append(ActivityOrganisation(activity=activity, organisation=org, role=role, order=order))
    return rows

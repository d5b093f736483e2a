"""A document of a plan already here, in another language than the plan's: its texts become the
plan's translations, nothing else changes (issue 9 §3).

Blocks are matched by their code (core and thematic priorities) or, for working groups, by their
place among the working groups; activities by their number (unnumbered ones by their place).
`match()` says what matches and what does not, for the preview; `attach()` writes the texts of
what matched — the plan's title and "as of" line, each priority's title and objectives as
written, each activity's text, deadline and other participants as written — recorded as
translations by a person (or as suggestions, to review) with their author.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F

from gcmhub.lib.changes import announce_changes
from gcmhub.lib.i18n import recorded_as
from gcmhub.workplan.importer.parse import ParsedActivity, ParsedPlan, ParsedPriority
from gcmhub.workplan.models import Activity, Priority, WorkPlan


@dataclass
class TranslationMatch:
    plan: WorkPlan
    language: str
    pairs: list[tuple[ParsedPriority, Priority]] = field(default_factory=list)
    activity_pairs: list[tuple[ParsedActivity, Activity]] = field(default_factory=list)
    # In the document, not in the plan; in the plan, not in the document.
    extra_blocks: list[ParsedPriority] = field(default_factory=list)
    extra_activities: list[tuple[ParsedPriority, ParsedActivity]] = field(default_factory=list)
    missing_priorities: list[Priority] = field(default_factory=list)
    missing_activities: list[Activity] = field(default_factory=list)
    # Texts in this language already there that the document's would replace.
    replaced: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not (self.extra_blocks or self.extra_activities or self.missing_priorities or self.missing_activities)


def is_translation(parsed: ParsedPlan, plan: WorkPlan | None) -> bool:
    """Whether importing `parsed` attaches translations to `plan` (the same plan, another language)."""
    return plan is not None and parsed.source_language != plan.source_language


def _block_key(block: ParsedPriority | Priority) -> str:
    return f"{block.kind}:{block.code}" if block.code else ""


def match(parsed: ParsedPlan, plan: WorkPlan) -> TranslationMatch:
    """What of the document matches the plan, and what does not (three queries)."""
    from gcmhub.workplan.importer.save import priority_slug  # noqa: F401 — same module family

    language = parsed.source_language
    result = TranslationMatch(plan=plan, language=language)
    priorities = list(plan.priorities.order_by("order"))
    by_code = {_block_key(p): p for p in priorities if p.code}
    groups = [p for p in priorities if not p.code]
    parsed_groups = [b for b in parsed.priorities if not b.code]
    used: set[int] = set()
    for block in parsed.priorities:
        priority = by_code.get(_block_key(block)) if block.code else None
        if priority is None and not block.code:
            position = parsed_groups.index(block)
            priority = groups[position] if position < len(groups) else None
        if priority is None or priority.pk in used:
            result.extra_blocks.append(block)
            continue
        used.add(priority.pk)
        result.pairs.append((block, priority))
    result.missing_priorities = [p for p in priorities if p.pk not in used]
    activities: dict[int, list[Activity]] = {}
    rows = Activity.objects.filter(priority__in=[p for _b, p in result.pairs]).select_related("priority")
    for row in rows.order_by("priority_id", "order"):
        activities.setdefault(row.priority_id, []).append(row)
    for block, priority in result.pairs:
        mine = activities.get(priority.pk, [])
        numbered = {a.number: a for a in mine if a.number}
        unnumbered = [a for a in mine if not a.number]
        taken: set[int] = set()
        unnumbered_seen = 0
        for item in block.activities:
            activity: Activity | None
            if item.number:
                activity = numbered.get(item.number)
            else:
                activity = unnumbered[unnumbered_seen] if unnumbered_seen < len(unnumbered) else None
                unnumbered_seen += 1
            if activity is None or activity.pk in taken:
                result.extra_activities.append((block, item))
                continue
            taken.add(activity.pk)
            result.activity_pairs.append((item, activity))
        result.missing_activities += [a for a in mine if a.pk not in taken]
    _replaced(result, parsed)
    return result


def _replaced(result: TranslationMatch, parsed: ParsedPlan) -> None:
    language = result.language

    def check(label: str, obj, name: str, new: str) -> None:
        old = getattr(obj, f"{name}_{language}", "") or ""
        if old.strip() and new.strip() and old.strip() != new.strip():
            result.replaced.append(label)

    check(str(result.plan), result.plan, "title", parsed.title)
    for block, priority in result.pairs:
        check(priority.heading, priority, "title", block.title)
    for item, activity in result.activity_pairs:
        check(f"{activity.priority.heading} – {activity.label}", activity, "text", item.text)


PLAN_FIELDS = ("title", "as_of")
PRIORITY_FIELDS = ("title", "objectives_text")
ACTIVITY_FIELDS = ("text", "deadline_text", "other_participants")


def attach(parsed: ParsedPlan, found: TranslationMatch, *, user=None, status: str = "human") -> dict:
    """Write the document's texts as the plan's translations into its language; in one
    transaction, each record's version bumped (an edit begun before is refused afterwards)."""
    language = found.language
    plan = found.plan
    with transaction.atomic(), recorded_as(status, by=user):
        plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
        title = parsed.titles.get(language) or parsed.title
        setattr(plan, f"title_{language}", title[:300])
        setattr(plan, f"as_of_{language}", parsed.as_of[:100])
        plan.version += 1
        plan.save(update_fields=[f"{name}_{language}" for name in PLAN_FIELDS] + ["version"])
        priorities = []
        for block, priority in found.pairs:
            setattr(priority, f"title_{language}", block.title)
            setattr(priority, f"objectives_text_{language}", block.objectives_text[:300])
            priorities.append(priority)
        Priority.objects.bulk_update(priorities, [f"{name}_{language}" for name in PRIORITY_FIELDS])
        Priority.objects.filter(pk__in=[p.pk for p in priorities]).update(version=F("version") + 1)
        activities = []
        for item, activity in found.activity_pairs:
            setattr(activity, f"text_{language}", item.text)
            setattr(activity, f"deadline_text_{language}", item.deadline_text)
            setattr(activity, f"other_participants_{language}", "; ".join(item.remarks))
            activities.append(activity)
        Activity.objects.bulk_update(activities, [f"{name}_{language}" for name in ACTIVITY_FIELDS])
        Activity.objects.filter(pk__in=[a.pk for a in activities]).update(version=F("version") + 1)
        # Bulk writes send no signals: announced, so that search, cached pages and the
        # translation states follow.
        announce_changes(Priority, [p.pk for p in priorities])
        announce_changes(Activity, [a.pk for a in activities])
        WorkPlan.objects.filter(pk=plan.pk).bump_data_version()
    return {
        "language": language,
        "plan": plan.slug,
        "priorities": len(priorities),
        "activities": len(activities),
        "not_matched": len(found.extra_blocks) + len(found.extra_activities),
    }

"""Step 3 of a work-plan import: a `ParsedPlan` → the organisations, deadlines and plan it names.

Every organisation as written is looked up among the aliases (acronyms and names in the three
languages); the unknown ones are listed for a human to map. Every deadline is parsed into periods
(`gcmhub.workplan.deadlines`); an unreadable one is kept and flagged, never dropped. Nothing is
written; a fixed number of queries whatever the document's size.
"""

from dataclasses import dataclass

from gcmhub.taxonomy.models import Organisation, OrganisationAlias
from gcmhub.workplan.deadlines import ParsedDeadline, parse_deadline
from gcmhub.workplan.importer.parse import ParsedPlan, lookup_name
from gcmhub.workplan.models import Activity, WorkPlan


@dataclass
class DeadlineResult:
    text: str
    parsed: ParsedDeadline | None

    @property
    def state(self) -> str:
        return deadline_state(self.text, self.parsed)


def deadline_state(text: str, parsed: ParsedDeadline | None) -> str:
    if not text.strip() or parsed is None:
        return Activity.DeadlineState.NONE
    if not parsed.ok:
        return Activity.DeadlineState.UNPARSED
    if parsed.year_inferred:
        return Activity.DeadlineState.INFERRED
    return Activity.DeadlineState.PARSED


@dataclass
class Resolution:
    organisations: dict[str, Organisation | None]
    deadlines: dict[tuple[int, int], DeadlineResult]
    existing_plan: WorkPlan | None

    @property
    def unknown(self) -> list[str]:
        return [name for name, org in self.organisations.items() if org is None]

    @property
    def unparsed(self) -> list[tuple[int, int]]:
        return [key for key, d in self.deadlines.items() if d.state == Activity.DeadlineState.UNPARSED]

    @property
    def inferred(self) -> list[tuple[int, int]]:
        return [key for key, d in self.deadlines.items() if d.state == Activity.DeadlineState.INFERRED]


def alias_map() -> dict[str, int]:
    """Normalized name -> organisation pk, for `parse_document(known=...)` and `resolve(aliases=...)`."""
    return dict(OrganisationAlias.objects.order_by().values_list("normalized", "organisation_id"))


def resolve(plan: ParsedPlan, *, aliases: dict[str, int] | None = None) -> Resolution:
    """Organisations and deadlines of a parsed plan; three queries whatever its size (two when
    `aliases` comes from `alias_map()`)."""
    aliases = alias_map() if aliases is None else aliases
    ids = {name: lookup_name(name, aliases) for name in plan.organisation_names()}
    orgs = Organisation.objects.in_bulk({i for i in ids.values() if i})
    deadlines = {}
    for p_index, priority in enumerate(plan.priorities):
        for a_index, activity in enumerate(priority.activities):
            text = activity.deadline_text
            parsed = parse_deadline(text, plan_start=plan.period_start, plan_end=plan.period_end) if text else None
            deadlines[(p_index, a_index)] = DeadlineResult(text=text, parsed=parsed)
    return Resolution(
        organisations={name: orgs.get(pk) if pk else None for name, pk in ids.items()},
        deadlines=deadlines,
        existing_plan=WorkPlan.objects.filter(slug=plan.slug).first(),
    )

import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict, StrictInt, StrictStr

from gcmhub.api.schemas.common import OrganisationRef, Translations, enum_schema
from gcmhub.workplan.models import Priority, Status

MAX_NARRATIVE = 10_000
MAX_LINKS = 20

StatusChoice = Annotated[Status, enum_schema(Status, "Status")]
PriorityKindChoice = Annotated[Priority.Kind, enum_schema(Priority.Kind, "PriorityKind")]


class WorkPlanOut(Schema):
    slug: str
    title: str
    titles: Translations
    source_language: str
    period_start: datetime.date
    period_end: datetime.date
    as_of: str
    is_current: bool
    url: str


class WorkPlanList(Schema):
    count: int
    items: list[WorkPlanOut]


class PriorityOut(Schema):
    id: int
    workplan: str = Field(description="Slug of the work plan.")
    kind: str
    kind_label: str
    code: str
    slug: str
    heading: str
    title: str
    titles: Translations
    source_language: str
    thematic_area: int | None = Field(description="Number of the thematic area.")
    objectives: list[int]
    all_objectives: bool
    cross_cutting: bool
    objectives_text: str
    leads: list[OrganisationRef]
    participants: list[OrganisationRef]
    url: str


class PriorityList(Schema):
    count: int
    items: list[PriorityOut]


class PriorityRef(Schema):
    id: int
    code: str
    title: str
    kind: str
    workplan: str


class PeriodOut(Schema):
    start: datetime.date
    end: datetime.date
    label: str
    year_inferred: bool


class ActivityOut(Schema):
    id: int
    number: int | None
    label: str
    text: str
    texts: Translations
    source_language: str
    priority: PriorityRef
    deadline_text: str
    deadline_state: str
    periods: list[PeriodOut]
    start_date: datetime.date | None
    due_date: datetime.date | None
    ongoing: bool
    overdue: bool
    leads: list[OrganisationRef]
    participants: list[OrganisationRef]
    objectives: list[int]
    status: str
    status_label: str
    percent_complete: int | None
    status_updated_at: datetime.datetime | None
    url: str


class ActivityList(Schema):
    count: int
    items: list[ActivityOut]


class StatusUpdateOut(Schema):
    id: int
    activity: int
    kind: str
    status: str
    status_label: str
    percent_complete: int | None
    narrative: str
    evidence_links: list[str]
    evidence_file: str | None = Field(description="Absolute address of the evidence document, if any.")
    organisation: OrganisationRef | None
    author: str | None = Field(description="Display name of the author.")
    created_at: datetime.datetime
    supersedes: int | None


class StatusUpdateList(Schema):
    count: int
    items: list[StatusUpdateOut]


class ActivityDetailOut(ActivityOut):
    updates: list[StatusUpdateOut]


class StatusUpdateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: StatusChoice
    percent_complete: StrictInt | None = Field(None, ge=0, le=100)
    narrative: StrictStr = Field("", max_length=MAX_NARRATIVE)
    evidence_links: list[StrictStr] = Field(default_factory=list, max_length=MAX_LINKS)


class ContributionNoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    narrative: StrictStr = Field(max_length=MAX_NARRATIVE)
    organisation: StrictStr | None = Field(None, description="Slug of the organisation the note speaks for.")
    evidence_links: list[StrictStr] = Field(default_factory=list, max_length=MAX_LINKS)


class UpdateConflictOut(Schema):
    """412: the activity changed, or updates were posted, since the `ETag` sent in `If-Match`."""

    detail: str
    etag: str
    newer_updates: list[StatusUpdateOut]

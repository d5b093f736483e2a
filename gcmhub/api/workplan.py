"""The work plan: plans, priorities, activities and their status updates."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Query, Router
from ninja import Status as HttpStatus

from gcmhub.api.auth import token_auth, token_user
from gcmhub.api.errors import ApiValidationError
from gcmhub.api.responses import kept_json_answer
from gcmhub.api.schemas.common import (
    Error,
    Pagination,
    ValidationErrorOut,
    organisation_ref,
    paginate,
    paginate_rows,
    translations,
)
from gcmhub.api.schemas.workplan import (
    ActivityDetailOut,
    ActivityList,
    ContributionNoteIn,
    PriorityKindChoice,
    PriorityList,
    PriorityOut,
    StatusChoice,
    StatusUpdateIn,
    StatusUpdateList,
    StatusUpdateOut,
    UpdateConflictOut,
    WorkPlanList,
    WorkPlanOut,
)
from gcmhub.lib.concurrency import parse_if_match
from gcmhub.lib.i18n import LANGUAGE_CODES, active_language, choice_label, translated_names
from gcmhub.lib.prepared import prepared
from gcmhub.lib.urls import absolute_url_maker
from gcmhub.taxonomy.models import Objective, Organisation
from gcmhub.workplan.actions import NewerUpdates, do_add_contribution_note, do_post_status_update
from gcmhub.workplan.calendar import period_bounds
from gcmhub.workplan.models import (
    NEVER_OVERDUE_STATUSES,
    ROW_ROLES,
    Activity,
    ActivityFilter,
    ActivityOrganisation,
    ActivityPeriod,
    Involvement,
    Priority,
    PriorityOrganisation,
    Status,
    StatusUpdate,
    WorkPlan,
)
from gcmhub.workplan.permissions import can_add_note, can_post_status, note_organisations, status_organisation

router = Router(tags=["Work plan"])

WRITE_RESPONSES = {
    201: StatusUpdateOut,
    400: ValidationErrorOut,
    401: Error,
    403: Error,
    404: Error,
    412: UpdateConflictOut,
}
IF_MATCH_UPDATES = (
    "Optional `If-Match`: the `ETag` of the activity as you last read it (`GET /activities/{id}`). "
    "If the activity changed or updates were posted since, nothing is written and 412 lists the "
    "newer updates, so an update written from an old view is never silently combined with them."
)


class _AllObjectives:
    """Numbers of every objective, read at most once per request (for 'all objectives' priorities)."""

    def __init__(self):
        self._numbers: list[int] | None = None

    def __call__(self) -> list[int]:
        if self._numbers is None:
            self._numbers = list(Objective.objects.order_by("number").values_list("number", flat=True))
        return self._numbers


def workplan_out(request: HttpRequest, plan: WorkPlan) -> dict:
    return {
        "slug": plan.slug,
        "title": plan.title,
        "titles": translations(plan, "title"),
        "source_language": plan.source_language,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "as_of": plan.as_of,
        "is_current": plan.is_current,
        "url": request.build_absolute_uri(plan.get_absolute_url()),
    }


def _priorities():
    return Priority.objects.select_related("workplan", "thematic_area").prefetch_related(
        "objectives",
        Prefetch("involvements", queryset=PriorityOrganisation.objects.select_related("organisation")),
    )


def priority_out(request: HttpRequest, priority: Priority, all_objectives: _AllObjectives) -> dict:
    """Reads the workplan, thematic area, objectives and involvements: use `_priorities()`."""
    involvements = list(priority.involvements.all())
    return {
        "id": priority.pk,
        "workplan": priority.workplan.slug,
        "kind": priority.kind,
        "kind_label": choice_label(Priority.Kind, priority.kind),
        "code": priority.code,
        "slug": priority.slug,
        "heading": priority.heading,
        "title": priority.title,
        "titles": translations(priority, "title"),
        "source_language": priority.source_language,
        "thematic_area": priority.thematic_area.number if priority.thematic_area else None,
        "objectives": _objective_numbers(priority, all_objectives),
        "all_objectives": priority.all_objectives,
        "cross_cutting": priority.cross_cutting,
        "objectives_text": priority.objectives_text,
        "leads": [organisation_ref(i.organisation) for i in involvements if i.role == Involvement.LEAD],
        "participants": [organisation_ref(i.organisation) for i in involvements if i.role == Involvement.PARTICIPANT],
        "url": request.build_absolute_uri(priority.get_absolute_url()),
    }


def _objective_numbers(priority: Priority, all_objectives: _AllObjectives) -> list[int]:
    if priority.all_objectives:
        return all_objectives()
    return sorted(o.number for o in priority.objectives.all())


class _Words:
    """What every item of a list repeats, worked out once per request: status labels, the
    activity label's wording, each organisation's reference, each priority's part, the site's
    address for absolute URLs."""

    def __init__(self, request: HttpRequest):
        self.status_labels = {value: str(label) for value, label in Status.choices}
        self.activity_label = gettext("Activity %(number)s")
        self.unnumbered_label = gettext("Unnumbered activity")
        # One reverse() and one absolute URL per request; items differ only by their id.
        self.activity_url = request.build_absolute_uri(reverse("workplan:activity", args=[987654321])).replace(
            "987654321", "{}"
        )
        self._orgs: dict = {}
        self._priorities: dict = {}
        self._objectives: dict = {}

    def org(self, org) -> dict:
        ref = self._orgs.get(org.pk)
        if ref is None:
            ref = self._orgs[org.pk] = organisation_ref(org)
        return ref

    def objectives(self, priority, all_objectives: _AllObjectives) -> list[int]:
        numbers = self._objectives.get(priority.pk)
        if numbers is None:
            numbers = self._objectives[priority.pk] = _objective_numbers(priority, all_objectives)
        return numbers

    def priority(self, priority) -> dict:
        ref = self._priorities.get(priority.pk)
        if ref is None:
            ref = self._priorities[priority.pk] = {
                "id": priority.pk,
                "code": priority.code,
                "title": priority.title,
                "kind": priority.kind,
                "workplan": priority.workplan.slug,
            }
        return ref


def activity_out(
    request: HttpRequest, activity: Activity, all_objectives: _AllObjectives, today=None, words: _Words | None = None
) -> dict:
    """Reads what `Activity.objects.for_list()` loads (or `attach_row_details`). Lists use
    `activity_rows_out`, which gives the same dicts from plain rows."""
    words = words or _Words(request)
    priority = activity.priority
    if hasattr(activity, "period_list"):
        periods = [
            {"start": start, "end": end, "label": label, "year_inferred": inferred}
            for start, end, inferred, label in activity.period_list
        ]
    else:
        periods = [
            {"start": p.start, "end": p.end, "label": p.label, "year_inferred": p.year_inferred}
            for p in activity.periods.all()
        ]
    leads, participants = activity.leads, activity.participants  # what attach_row_details loaded, if it ran
    number = activity.number
    return {
        "id": activity.pk,
        "number": number,
        "label": words.activity_label % {"number": number} if number else words.unnumbered_label,
        "text": activity.text,
        "texts": translations(activity, "text"),
        "source_language": activity.source_language,
        "priority": words.priority(priority),
        "deadline_text": activity.deadline_text,
        "deadline_state": activity.deadline_state,
        "periods": periods,
        "start_date": activity.start_date,
        "due_date": activity.due_date,
        "ongoing": activity.ongoing,
        "overdue": activity.is_overdue(today),
        "leads": [words.org(o) for o in leads],
        "participants": [words.org(o) for o in participants],
        "objectives": words.objectives(priority, all_objectives),
        "status": activity.status,
        "status_label": words.status_labels.get(activity.status, activity.status),
        "percent_complete": activity.percent_complete,
        "status_updated_at": activity.status_updated_at,
        "url": words.activity_url.format(activity.pk),
    }


def update_out(request: HttpRequest, update: StatusUpdate) -> dict:
    """Reads `update.author` and `update.organisation`: select them."""
    return {
        "id": update.pk,
        "activity": update.activity_id,
        "kind": update.kind,
        "status": update.status,
        "status_label": choice_label(Status, update.status) if update.status else "",
        "percent_complete": update.percent_complete,
        "narrative": update.narrative,
        "evidence_links": update.evidence_link_list(),
        "evidence_file": request.build_absolute_uri(update.evidence_url()) if update.evidence_file else None,
        "organisation": organisation_ref(update.organisation) if update.organisation else None,
        "author": update.author.display_name() if update.author else None,
        "created_at": update.created_at,
        "supersedes": update.supersedes_id,
    }


def _updates(activity: Activity):
    return StatusUpdate.objects.filter(activity=activity).select_related("author", "organisation")


def get_activity(pk: int) -> Activity:
    return get_object_or_404(Activity.objects.for_list(), pk=pk)


# Work plans and priorities


@router.get("/workplans", response=WorkPlanList, summary="List work plans")
def list_workplans(request: HttpRequest, page: Query[Pagination]):
    # Kept until the work plan changes (gcmhub/api/responses.py).
    return kept_json_answer(
        request, "api:workplans", ("workplan",), lambda: workplans_page(request, page), WorkPlanList
    )


def workplans_page(request: HttpRequest, page: Pagination) -> dict:
    result = paginate(WorkPlan.objects.order_by("-period_start", "slug"), page)
    result["items"] = [workplan_out(request, plan) for plan in result["items"]]
    return result


@router.get("/workplans/{slug}", response={200: WorkPlanOut, 404: Error}, summary="One work plan")
def get_workplan(request: HttpRequest, slug: str):
    return workplan_out(request, get_object_or_404(WorkPlan, slug=slug))


@router.get(
    "/workplans/{slug}/priorities", response={200: PriorityList, 404: Error}, summary="The priorities of a work plan"
)
def list_priorities(request: HttpRequest, slug: str, page: Query[Pagination]):
    plan = get_object_or_404(WorkPlan, slug=slug)
    # Kept until the work plan or the reference data change (gcmhub/api/responses.py).
    return kept_json_answer(
        request,
        "api:priorities",
        ("workplan", "taxonomy"),
        lambda: priorities_page(request, plan, page),
        PriorityList,
    )


def priorities_page(request: HttpRequest, plan: WorkPlan, page: Pagination) -> dict:
    result = paginate(_priorities().filter(workplan=plan).order_by("order", "pk"), page)
    all_objectives = _AllObjectives()
    result["items"] = [priority_out(request, p, all_objectives) for p in result["items"]]
    return result


@router.get("/priorities/{id:id}", response={200: PriorityOut, 404: Error}, summary="One priority")
def get_priority(request: HttpRequest, id: int):
    return priority_out(request, get_object_or_404(_priorities(), pk=id), _AllObjectives())


# Activities


class ActivityFilters(Pagination):
    workplan: str | None = Field(None, description="Slug of a work plan.")
    lead: str | None = Field(
        None, description="Lead organisation: slug, name or acronym in any language (OIM, IOM and iom are one)."
    )
    participant: str | None = Field(None, description="Participating organisation, as for `lead`.")
    objective: int | None = Field(None, ge=1, le=1000, description="Number of a GCM objective.")
    area: int | None = Field(None, ge=1, le=1000, description="Number of a thematic area.")
    kind: PriorityKindChoice | None = Field(None, description="Kind of priority.")
    status: StatusChoice | None = Field(None, description="Latest status.")
    overdue: bool | None = Field(
        None,
        description=(
            "Only overdue activities (true) or only the others (false). Overdue: the last deadline has "
            "passed, and the activity is neither completed, cancelled nor ongoing."
        ),
    )
    period: str | None = Field(None, description="Activities with a period in a year (2021) or quarter (2021-Q2).")
    q: str | None = Field(None, max_length=200, description="Part of the text in any language.")

    def activity_filter(self) -> ActivityFilter:
        """The cleaned values `Activity.objects.matching()` takes, as the pages' filter form gives
        them; an unknown plan or organisation, or a malformed period, raises ApiValidationError."""
        workplan_id = None
        if self.workplan:
            workplan_id = WorkPlan.objects.filter(slug=self.workplan).values_list("pk", flat=True).first()
            if workplan_id is None:
                raise ApiValidationError({"workplan": [gettext("No work plan has this identifier.")]})
        period = None
        if self.period:
            period = period_bounds(self.period)
            if period is None:
                raise ApiValidationError({"period": [gettext("Write a year (2021) or a quarter (2021-Q2).")]})
        return ActivityFilter(
            workplan_id=workplan_id,
            q=(self.q or "").replace("\x00", "").strip(),
            kind=self.kind.value if self.kind else "",
            area=self.area,
            objective=self.objective,
            lead=_resolve_organisation(self.lead, "lead").slug if self.lead else "",
            participant=_resolve_organisation(self.participant, "participant").slug if self.participant else "",
            status=self.status.value if self.status else "",
            period=period,
            overdue=self.overdue,
        )


def _resolve_organisation(value: str, field: str) -> Organisation:
    org = Organisation.objects.filter(slug=value).first() or Organisation.objects.resolving(value).first()
    if org is None:
        raise ApiValidationError({field: [gettext("No organisation is known by this name.")]})
    return org


@router.get("/activities", response={200: ActivityList, 400: ValidationErrorOut}, summary="List and filter activities")
def list_activities(request: HttpRequest, filters: Query[ActivityFilters]):
    # (No docstring: it would become the operation's description in the OpenAPI document.)
    # Serialised once without ninja's re-validation, and kept until the work plan or the reference
    # data change, or midnight (`overdue`): gcmhub/api/responses.py.
    activity_filter = filters.activity_filter()  # an unknown plan or organisation: 400 at once
    return kept_json_answer(
        request,
        "api:activities",
        ("workplan", "taxonomy"),
        lambda: activities_page(request, activity_filter, filters),
        ActivityList,
    )


# What a list item reads of an activity and its priority: plain rows (`values_list`), no model
# instances. `activity_rows_out` gives the same dicts as `activity_out`.
# The fixed columns first, then the activity's text and the priority's title in every language.
ROW_FIXED = (
    "id",
    "number",
    "source_language",
    "deadline_state",
    "start_date",
    "due_date",
    "ongoing",
    "status",
    "percent_complete",
    "status_updated_at",
    "priority_id",
    "priority__code",
    "priority__source_language",
    "priority__kind",
    "priority__workplan__slug",
    "priority__all_objectives",
)
ROW_FIELDS = (
    *ROW_FIXED,
    *translated_names("text"),
    *translated_names("priority__title"),
    *translated_names("deadline_text"),
)
ROW_PRIORITY_ID = ROW_FIXED.index("priority_id")
ORG_ROW_FIELDS = (
    "organisation_id",
    "organisation__slug",
    *translated_names("organisation__name"),
    *translated_names("organisation__acronym"),
)


def _pick(texts: dict[str, str], lang: str, source: str | None) -> str:
    """`gcmhub.lib.i18n.pick` on a row's texts by language: the active language's, else the
    source language's, else any."""
    return texts.get(lang) or texts.get(source or "en") or next((text for text in texts.values() if text), "")


# The four queries of a page's details, compiled once per process and number of ids
# (`gcmhub.lib.prepared`: a page holds at most MAX_LIMIT activities, so at most that many plans
# each): building and compiling them cost three times what running them does.
@prepared
def _periods_of(*activity_ids: int):
    return (
        ActivityPeriod.objects.filter(activity_id__in=activity_ids)
        .order_by("order", "pk")
        .values_list("activity_id", "start", "end", "label", "year_inferred")
    )


@prepared
def _involvements_of_priorities(*priority_ids: int):
    return (
        PriorityOrganisation.objects.filter(priority_id__in=priority_ids, role__in=ROW_ROLES)
        .order_by("order", "pk")
        .values_list("priority_id", "role", *ORG_ROW_FIELDS)
    )


@prepared
def _involvements_of_activities(*activity_ids: int):
    return (
        ActivityOrganisation.objects.filter(activity_id__in=activity_ids, role__in=ROW_ROLES)
        .order_by("order", "pk")
        .values_list("activity_id", "role", *ORG_ROW_FIELDS)
    )


@prepared
def _objectives_of_priorities(*priority_ids: int):
    return Priority.objectives.through.objects.filter(priority_id__in=priority_ids).values_list(
        "priority_id", "objective__number"
    )


def activities_page(request: HttpRequest, activity_filter: ActivityFilter, page: Pagination) -> dict:
    today = timezone.localdate()
    qs = Activity.objects.matching(activity_filter, today)
    # Counted before `values_list` joins the priority and plan: the count needs neither.
    count = qs.count()
    rows = paginate_rows(
        qs.order_by("priority__workplan", "priority__order", "order", "pk").values_list(*ROW_FIELDS), page
    )
    return {"count": count, "items": activity_rows_out(request, rows, today)}


def activity_rows_out(request: HttpRequest, rows: list[tuple], today) -> list[dict]:
    """`activity_out` for rows of `ROW_FIELDS`, in four more queries of plain rows whatever their
    number (periods, priorities' and activities' organisations, priorities' objectives): what
    `attach_row_details` and a prefetch of the objectives read, without building a model
    instance per activity, priority, period or organisation."""
    if not rows:
        return []
    lang = active_language()
    languages, fixed = len(LANGUAGE_CODES), len(ROW_FIXED)
    activity_ids = [row[0] for row in rows]
    priority_ids = list(dict.fromkeys(row[ROW_PRIORITY_ID] for row in rows))
    periods: dict[int, list[dict]] = {pk: [] for pk in activity_ids}
    for activity_id, start, end, label, inferred in _periods_of(*activity_ids):
        periods[activity_id].append({"start": start, "end": end, "label": label, "year_inferred": inferred})
    # Organisations in each role: the activity's own, else its priority's (`Activity.leads`).
    roles = ROW_ROLES
    organisations: dict[int, dict] = {}
    by_priority: dict[int, dict[str, list[dict]]] = {pk: {role: [] for role in roles} for pk in priority_ids}
    own: dict[int, dict[str, list[dict]]] = {pk: {role: [] for role in roles} for pk in activity_ids}
    for found, involvements in (
        (by_priority, _involvements_of_priorities(*priority_ids)),
        (own, _involvements_of_activities(*activity_ids)),
    ):
        for owner, role, org_id, slug, *names in involvements:
            ref = organisations.get(org_id)
            if ref is None:
                ref = organisations[org_id] = {
                    "slug": slug,
                    "acronym": _pick(dict(zip(LANGUAGE_CODES, names[languages:], strict=True)), lang, "en"),
                    "name": _pick(dict(zip(LANGUAGE_CODES, names[:languages], strict=True)), lang, "en"),
                }
            found[owner][role].append(ref)
    objectives: dict[int, list[int]] = {pk: [] for pk in priority_ids}
    for priority_id, number in _objectives_of_priorities(*priority_ids):
        objectives[priority_id].append(number)
    all_objectives = _AllObjectives()
    status_labels = {value: str(label) for value, label in Status.choices}
    activity_label = gettext("Activity %(number)s")
    unnumbered_label = gettext("Unnumbered activity")
    activity_url = absolute_url_maker(request, "workplan:activity", int)
    priorities: dict[int, tuple[dict, list[int]]] = {}
    items = []
    for row in rows:
        (
            pk,
            number,
            source_language,
            deadline_state,
            start_date,
            due_date,
            ongoing,
            status,
            percent_complete,
            status_updated_at,
            priority_id,
            code,
            priority_language,
            kind,
            workplan,
            priority_all_objectives,
        ) = row[:fixed]
        known = priorities.get(priority_id)
        if known is None:
            titles = dict(zip(LANGUAGE_CODES, row[fixed + languages : fixed + 2 * languages], strict=True))
            title = _pick(titles, lang, priority_language)
            priority = {"id": priority_id, "code": code, "title": title, "kind": kind, "workplan": workplan}
            numbers = all_objectives() if priority_all_objectives else sorted(objectives[priority_id])
            known = priorities[priority_id] = (priority, numbers)
        priority, numbers = known
        texts = {
            language: text or "" for language, text in zip(LANGUAGE_CODES, row[fixed : fixed + languages], strict=True)
        }
        mine, inherited = own[pk], by_priority[priority_id]
        items.append(
            {
                "id": pk,
                "number": number,
                "label": activity_label % {"number": number} if number else unnumbered_label,
                "text": _pick(texts, lang, source_language),
                "texts": texts,
                "source_language": source_language,
                "priority": priority,
                "deadline_text": _pick(
                    dict(zip(LANGUAGE_CODES, row[fixed + 2 * languages :], strict=True)), lang, source_language
                ),
                "deadline_state": deadline_state,
                "periods": periods[pk],
                "start_date": start_date,
                "due_date": due_date,
                "ongoing": ongoing,
                "overdue": bool(due_date and due_date < today and not ongoing and status not in NEVER_OVERDUE_STATUSES),
                "leads": mine[Involvement.LEAD] or inherited[Involvement.LEAD],
                "participants": mine[Involvement.PARTICIPANT] or inherited[Involvement.PARTICIPANT],
                "objectives": numbers,
                "status": status,
                "status_label": status_labels.get(status, status),
                "percent_complete": percent_complete,
                "status_updated_at": status_updated_at,
                "url": activity_url(pk),
            }
        )
    return items


@router.get(
    "/activities/{id:id}", response={200: ActivityDetailOut, 404: Error}, summary="One activity and its history"
)
def get_activity_detail(request: HttpRequest, id: int, response: HttpResponse):
    activity = get_activity(id)
    data = activity_out(request, activity, _AllObjectives())
    updates = list(_updates(activity))
    data["updates"] = [update_out(request, u) for u in updates]
    response["ETag"] = activity_etag(activity, max((u.pk for u in updates), default=0))
    return data


def activity_etag(activity: Activity, latest_update: int) -> str:
    """The activity's version and its newest update's id: both change what a client bases an update on."""
    return f'"{activity.version}.{latest_update}"'


class _Precondition:
    """What an `If-Match` on an update post asks: `latest_seen` (None: no check) or a refusal."""

    def __init__(self, request: HttpRequest, activity: Activity):
        self.latest_seen: int | None = None
        self.failed = False
        tags = parse_if_match(request.headers.get("If-Match"))
        if tags is None or tags == ["*"]:
            return
        for tag in tags:
            version, _dot, latest = tag.partition(".")
            if version.isdigit() and latest.isdigit() and len(tag) <= 40:
                if int(version) != activity.version:
                    break
                self.latest_seen = int(latest)
                return
        self.failed = True
        self.latest_seen = 0


def _update_conflict(request: HttpRequest, activity: Activity, latest_seen: int | None):
    """The 412 answer, with the updates newer than `latest_seen` (every update when None)."""
    updates = list(_updates(activity).filter(pk__gt=latest_seen or 0).order_by("pk"))
    latest = StatusUpdate.objects.filter(activity=activity).order_by("-pk").values_list("pk", flat=True).first()
    return HttpStatus(
        412,
        {
            "detail": gettext(
                "The activity changed or updates were posted since your version: nothing was written. "
                "Read the newer updates, then post again with the new ETag."
            ),
            "etag": activity_etag(Activity.objects.get(pk=activity.pk), latest or 0),
            "newer_updates": [update_out(request, u) for u in updates],
        },
    )


@router.get(
    "/activities/{id:id}/updates",
    response={200: StatusUpdateList, 404: Error},
    summary="Status history of an activity",
)
def list_updates(request: HttpRequest, id: int, page: Query[Pagination]):
    activity = get_object_or_404(Activity, pk=id)
    # Kept until the work plan, the accounts (authors' names) or the reference data change.
    return kept_json_answer(
        request,
        "api:updates",
        ("workplan", "accounts", "taxonomy"),
        lambda: updates_page(request, activity, page),
        StatusUpdateList,
    )


def updates_page(request: HttpRequest, activity: Activity, page: Pagination) -> dict:
    result = paginate(_updates(activity), page)
    result["items"] = [update_out(request, u) for u in result["items"]]
    return result


def _links_text(links: list[str]) -> str:
    """The links as the actions take them, one per line (the actions validate each address)."""
    return "\n".join(links)


@router.post(
    "/activities/{id:id}/updates",
    auth=token_auth,
    response=WRITE_RESPONSES,
    summary="Post a status update (leads and the Secretariat)",
    description=IF_MATCH_UPDATES,
)
def post_status_update(request: HttpRequest, id: int, payload: StatusUpdateIn):
    user = token_user(request)
    activity = get_activity(id)
    if not can_post_status(user, activity):
        raise PermissionDenied
    precondition = _Precondition(request, activity)
    if precondition.failed:
        return _update_conflict(request, activity, precondition.latest_seen)
    try:
        update = do_post_status_update(
            activity=activity,
            author=user,
            status=payload.status.value,
            percent_complete=payload.percent_complete,
            narrative=payload.narrative,
            evidence_links=_links_text(payload.evidence_links),
            organisation=status_organisation(user, activity),
            latest_seen=precondition.latest_seen,
        )
    except NewerUpdates:
        return _update_conflict(request, activity, precondition.latest_seen)
    update = _updates(activity).get(pk=update.pk)
    return HttpStatus(201, update_out(request, update))


@router.post(
    "/activities/{id:id}/notes",
    auth=token_auth,
    response=WRITE_RESPONSES,
    summary="Add a note on your organisation's contribution (participants and leads)",
    description=IF_MATCH_UPDATES,
)
def post_note(request: HttpRequest, id: int, payload: ContributionNoteIn):
    user = token_user(request)
    activity = get_activity(id)
    if not can_add_note(user, activity):
        raise PermissionDenied
    # As on the page: the note speaks for one of the user's organisations on this activity (any of
    # the activity's for the Secretariat); with a single one, it is the default.
    allowed = {org.slug: org for org in note_organisations(user, activity)}
    organisation = None
    if payload.organisation:
        organisation = allowed.get(payload.organisation)
        if organisation is None:
            raise ApiValidationError({"organisation": [gettext("Choose one of your organisations.")]})
    elif len(allowed) == 1:
        organisation = next(iter(allowed.values()))
    elif allowed:
        raise ApiValidationError({"organisation": [gettext("This field is required.")]})
    precondition = _Precondition(request, activity)
    if precondition.failed:
        return _update_conflict(request, activity, precondition.latest_seen)
    try:
        update = do_add_contribution_note(
            activity=activity,
            author=user,
            narrative=payload.narrative,
            organisation=organisation,
            evidence_links=_links_text(payload.evidence_links),
            latest_seen=precondition.latest_seen,
        )
    except NewerUpdates:
        return _update_conflict(request, activity, precondition.latest_seen)
    update = _updates(activity).get(pk=update.pk)
    return HttpStatus(201, update_out(request, update))

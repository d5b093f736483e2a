"""The Network's work plans: priority blocks, activities, their deadlines and status updates.

When is an activity overdue? One rule, used by every page, export, the API, the digest and the
PDF (`Activity.is_overdue`, `ActivityQuerySet.overdue`, `overdue_q`): its last deadline (the due
date) has passed, and it is neither finished (completed or cancelled) nor continuing work (its
deadline says "ongoing", or its latest status is "Ongoing"). docs/workplan.md says the same to users.
"""

import dataclasses
import datetime
from collections.abc import Iterable
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gcmhub.lib.concurrency import VersionedModel
from gcmhub.lib.files import UnguessablePath, filename_of
from gcmhub.lib.i18n import Language, Translated, translated_names
from gcmhub.lib.prepared import prepared


class WorkPlanQuerySet(models.QuerySet["WorkPlan"]):
    def current(self) -> "WorkPlan | None":
        """The plan marked current, else the latest one; None when there is no plan."""
        return self.filter(is_current=True).first() or self.first()

    def current_first(self) -> Self:
        """The current plan first, then the latest: the order in which pages show several plans."""
        return self.order_by("-is_current", "-period_start", "slug")

    def bump_data_version(self) -> int:
        """Mark these plans' data as changed (cached reports of them are then stale)."""
        return self.update(data_version=models.F("data_version") + 1)


class WorkPlan(VersionedModel):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = Translated(models.CharField, _("title"), max_length=300)
    source_language = models.CharField(_("source language"), max_length=2, choices=Language.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    as_of = Translated(models.CharField, _("as of (as written)"), max_length=100)
    source_document = models.FileField(
        _("source document"), upload_to=UnguessablePath("workplans/"), max_length=255, blank=True
    )
    source_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    is_current = models.BooleanField(
        _("current plan"),
        default=False,
        help_text=_("The plan the site shows by default. Only one plan can be current at a time."),
    )
    # Bumped in the transaction of every change to the plan, its priorities, activities and status
    # updates (see signals.py): cached downloads are keyed by it, so they never outlive a change.
    data_version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    objects = WorkPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "slug"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        constraints = [
            # The site shows "the current plan": there can be only one.
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="workplan_one_current",
                violation_error_message=_(
                    "Another work plan is already the current plan. Untick “current plan” on it first."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Signals bump `data_version` with UPDATE … + 1 while this instance may sit in memory: a
        # full save must not write the stale number back. It bumps the version instead.
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name != "data_version"
            ]
        super().save(*args, **kwargs)
        WorkPlan.objects.filter(pk=self.pk).bump_data_version()

    def get_absolute_url(self):
        return reverse("workplan:overview", args=[self.slug])

    def source_document_url(self) -> str:
        """The imported document's address (the Secretariat alone may open it)."""
        if not self.source_document:
            return ""
        return reverse("workplan_files:source_document", args=[self.slug, filename_of(self.source_document.name)])

    def clean(self):
        super().clean()
        if self.is_current:
            other = WorkPlan.objects.filter(is_current=True).exclude(pk=self.pk).first()
            if other is not None:
                raise ValidationError(
                    {
                        "is_current": _(
                            "“%(other)s” is the current plan. Only one plan can be current: untick "
                            "“current plan” on “%(other)s” first, then tick it here."
                        )
                        % {"other": other.title}
                    }
                )


class Priority(VersionedModel):
    """A priority block: a core priority, a thematic working group or a thematic priority."""

    class Kind(models.TextChoices):
        CORE = "core", _("Core priority")
        WORKING_GROUP = "working_group", _("Thematic working group")
        THEMATIC = "thematic", _("Thematic priority")

    workplan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="priorities")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(
        _("code"), max_length=20, blank=True, help_text=_('Such as "2.1"; empty for working groups')
    )
    slug = models.SlugField(_("slug"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = Translated(models.TextField, _("title"))
    source_language = models.CharField(_("source language"), max_length=2, choices=Language.choices)
    thematic_area = models.ForeignKey(
        "taxonomy.ThematicArea",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="priorities",
        verbose_name=_("thematic area"),
    )
    objectives = models.ManyToManyField(
        "taxonomy.Objective", blank=True, related_name="priorities", verbose_name=_("GCM objectives")
    )
    all_objectives = models.BooleanField(_("all objectives"), default=False)
    cross_cutting = models.BooleanField(_("cross-cutting priority"), default=False)
    objectives_text = Translated(models.CharField, _("objectives (as written)"), max_length=300)
    organisations = models.ManyToManyField(
        "taxonomy.Organisation", through="PriorityOrganisation", related_name="priorities", blank=True
    )

    class Meta:
        ordering = ["workplan", "order"]
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")
        constraints = [
            models.UniqueConstraint(fields=["workplan", "slug"], name="priority_unique_slug_per_plan"),
        ]

    def __str__(self):
        return self.heading

    def get_absolute_url(self):
        return reverse("workplan:priority", args=[self.workplan.slug, self.slug])

    @staticmethod
    def prefetch_involvements(priorities) -> None:
        """Load the priorities' organisations (one query), in role order. The explicit order:
        the default one follows Priority's and WorkPlan's orderings through two joins, which
        costs more to compile than to run."""
        models.prefetch_related_objects(
            list(priorities),
            models.Prefetch(
                "involvements",
                queryset=PriorityOrganisation.objects.select_related("organisation").order_by("role", "order", "pk"),
            ),
        )

    def clean(self):
        super().clean()
        self.code = (self.code or "").strip()
        if not self.code and self.kind != self.Kind.WORKING_GROUP:
            raise ValidationError({"code": _("Write the code of a core or thematic priority, such as 2.1.")})

    @property
    def heading(self) -> str:
        """'Core priority 2.1', 'Thematic priority 3' or the working group's title. The kind's
        label is looked up directly: `get_kind_display()` translates every choice to hash them."""
        if self.code:
            return f"{_KIND_LABELS.get(self.kind, self.kind)} {self.code}"
        return self.title


_KIND_LABELS = dict(Priority.Kind.choices)  # lazy labels, translated when shown


class Involvement(models.TextChoices):
    LEAD = "lead", _("Lead")
    PARTICIPANT = "participant", _("Participant")
    OBSERVER = "observer", _("Observer")


class PriorityOrganisation(models.Model):
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="involvements")
    organisation = models.ForeignKey(
        "taxonomy.Organisation", on_delete=models.PROTECT, related_name="priority_involvements"
    )
    role = models.CharField(_("role"), max_length=20, choices=Involvement.choices)
    order = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(
        _("note"), max_length=300, blank=True, help_text=_('Such as "represented by Migrant Forum in Asia"')
    )

    class Meta:
        ordering = ["priority_id", "role", "order"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "organisation", "role"], name="priority_org_role_unique"),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.get_role_display()}"


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    DELAYED = "delayed", _("Delayed")
    COMPLETED = "completed", _("Completed")
    ONGOING = "ongoing", _("Ongoing")
    CANCELLED = "cancelled", _("Cancelled")


# Finished activities: no longer open, never overdue.
CLOSED_STATUSES = (Status.COMPLETED, Status.CANCELLED)
# Statuses that exempt an activity from being overdue: finished, or continuing work.
NEVER_OVERDUE_STATUSES = (*CLOSED_STATUSES, Status.ONGOING)


def overdue_q(today: datetime.date, prefix: str = "") -> models.Q:
    """The overdue rule (see the module docstring) as a condition on activities; `prefix` for
    lookups through a relation ("activity__")."""
    return models.Q(**{f"{prefix}due_date__lt": today, f"{prefix}ongoing": False}) & ~models.Q(
        **{f"{prefix}status__in": NEVER_OVERDUE_STATUSES}
    )


@dataclasses.dataclass(frozen=True)
class ActivityFilter:
    """The cleaned values of the activity filters, whichever door they came in by (the pages' form,
    `ActivityFilterForm.activity_filter()`, or the API's query, `ActivityFilters.activity_filter()`).
    Empty values filter nothing. `period` is a (first day, last day) pair; `overdue` None means
    either way."""

    workplan_id: int | None = None
    q: str = ""
    kind: str = ""
    area: int | None = None
    objective: int | None = None
    lead: str = ""  # organisation slug
    participant: str = ""  # organisation slug
    status: str = ""
    period: tuple[datetime.date, datetime.date] | None = None
    overdue: bool | None = None


CALENDAR_FIELDS = (
    "id",
    "priority_id",
    "number",
    "order",
    *translated_names("text"),
    "source_language",
    "ongoing",
    "due_date",
    "status",
    "percent_complete",
    "priority__id",
    "priority__workplan_id",
    "priority__kind",
    "priority__code",
    "priority__slug",
    "priority__order",
    *translated_names("priority__title"),
    "priority__source_language",
)


class ActivityQuerySet(models.QuerySet["Activity"]):
    def matching(self, selection: ActivityFilter, today: datetime.date | None = None):
        """The activities the filters select: the one filter of the list, calendar, exports and API.
        Filters that go through to-many relations are written as `pk IN (subquery)`, so rows are
        never duplicated and no `distinct()` is needed."""
        qs = self
        if selection.workplan_id:
            qs = qs.filter(priority__workplan_id=selection.workplan_id)
        if selection.q:
            text = selection.q
            qs = qs.filter(
                models.Q(text_en__icontains=text)
                | models.Q(text_fr__icontains=text)
                | models.Q(text_es__icontains=text)
            )
        if selection.kind:
            qs = qs.filter(priority__kind=selection.kind)
        if selection.area:
            qs = qs.filter(priority__thematic_area__number=selection.area)
        if selection.objective:
            with_objective = Priority.objectives.through.objects.filter(objective__number=selection.objective)
            qs = qs.filter(
                models.Q(priority__all_objectives=True) | models.Q(priority_id__in=with_objective.values("priority_id"))
            )
        if selection.lead:
            qs = qs.involving(selection.lead, Involvement.LEAD)
        if selection.participant:
            qs = qs.involving(selection.participant, Involvement.PARTICIPANT)
        if selection.status:
            qs = qs.filter(status=selection.status)
        if selection.period:
            start, end = selection.period
            # Correlated: an index lookup per activity of the plan, not a scan of every plan's periods.
            qs = qs.filter(
                models.Exists(
                    ActivityPeriod.objects.filter(activity=models.OuterRef("pk"), start__lte=end, end__gte=start)
                )
            )
        if selection.overdue is not None:
            today = today or timezone.localdate()
            qs = qs.filter(overdue_q(today)) if selection.overdue else qs.exclude(overdue_q(today))
        return qs

    def for_rows(self):
        """What a row of the lists shows (`rows.RowBuilder`): the activity and its priority. Then
        `attach_row_details()` adds periods and lead organisations as plain rows."""
        return self.select_related("priority")

    def for_dashboard(self):
        """The charts read the priority and its thematic area; then `attach_row_details()`."""
        return self.select_related("priority__thematic_area")

    def for_calendar(self):
        """The calendar reads only these fields of an activity and its priority: skipping the rest
        (texts in other languages are kept, for the fallback) saves converting them per row."""
        return self.select_related("priority").only(*CALENDAR_FIELDS)

    def for_list(self):
        """Everything a list row shows, in a fixed number of queries."""
        return self.select_related("priority", "priority__workplan", "priority__thematic_area").prefetch_related(
            "periods",
            models.Prefetch("involvements", queryset=ActivityOrganisation.objects.select_related("organisation")),
            models.Prefetch(
                "priority__involvements", queryset=PriorityOrganisation.objects.select_related("organisation")
            ),
            "priority__objectives",
        )

    def leads_by(self, organisation_slug: str):
        """Activities the organisation leads: named on the activity, or on its priority when
        the activity names no lead of its own."""
        return self.involving(organisation_slug, Involvement.LEAD)

    def involving(self, organisation_slug: str, role: str):
        """Activities naming the organisation in `role`, or whose priority does when the activity
        names no organisation in that role itself. No joins: the rows are never duplicated."""
        own = ActivityOrganisation.objects.filter(organisation__slug=organisation_slug, role=role)
        by_priority = PriorityOrganisation.objects.filter(organisation__slug=organisation_slug, role=role)
        inherited = models.Q(priority_id__in=by_priority.values("priority_id")) & ~models.Exists(
            ActivityOrganisation.objects.filter(activity=models.OuterRef("pk"), role=role)
        )
        return self.filter(models.Q(pk__in=own.values("activity_id")) | inherited)

    def of_current_plans(self):
        """Activities of the current plan(s), written as `priority IN (the current plans'
        priorities)`: the database then starts from those priorities' activities, not from an
        index on another filter (the due date) across every plan's activities."""
        return self.filter(priority__in=Priority.objects.filter(workplan__is_current=True).values("pk"))

    def open(self):
        return self.exclude(status__in=CLOSED_STATUSES)

    def overdue(self, today=None):
        return self.filter(overdue_q(today or timezone.localdate()))

    def due_between(self, start, end):
        return self.open().filter(due_date__gte=start, due_date__lte=end)


class Activity(VersionedModel):
    class DeadlineState(models.TextChoices):
        NONE = "none", _("No deadline")
        PARSED = "parsed", _("Parsed")
        INFERRED = "inferred", _("Parsed, year inferred from the plan")
        UNPARSED = "unparsed", _("Could not be parsed")
        CONFIRMED = "confirmed", _("Confirmed by the Secretariat")

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="activities")
    number = models.PositiveSmallIntegerField(
        _("number"), null=True, blank=True, help_text=_("Empty for an unnumbered activity")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = Translated(models.TextField, _("text"))
    source_language = models.CharField(_("source language"), max_length=2, choices=Language.choices)
    # As written in each language's document; the deadline is parsed from the source language's.
    deadline_text = Translated(models.TextField, _("deadline (as written)"))
    deadline_state = models.CharField(
        _("deadline state"), max_length=20, choices=DeadlineState.choices, default=DeadlineState.NONE
    )
    ongoing = models.BooleanField(_("ongoing"), default=False)
    # Derived from the periods: first start and last end, for filters and the calendar.
    start_date = models.DateField(_("starts"), null=True, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    # Latest status update, kept here so lists need no subquery; history lives in StatusUpdate.
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    percent_complete = models.PositiveSmallIntegerField(_("percent complete"), null=True, blank=True)
    status_updated_at = models.DateTimeField(null=True, blank=True)
    organisations = models.ManyToManyField(
        "taxonomy.Organisation", through="ActivityOrganisation", related_name="activities", blank=True
    )
    # Participants the document names that are not organisations ("all members of the
    # Executive Committee"), kept as written.
    other_participants = Translated(models.TextField, _("other participants (as written)"))
    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["priority__workplan", "priority__order", "order"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            # The overdue and due-soon lists and the calendar filter on these.
            models.Index(fields=["due_date", "status"], name="activity_due_status"),
            models.Index(fields=["start_date"], name="activity_start"),
        ]

    def __str__(self):
        return f"{self.priority.heading} – {self.label}"

    def get_absolute_url(self):
        return reverse("workplan:activity", args=[self.pk])

    @property
    def deadline_as_written(self) -> str:
        """The deadline as the plan's source document writes it: the text its periods are parsed
        from (the other languages' texts are its translations)."""
        return getattr(self, f"deadline_text_{self.source_language}", "") or ""

    @property
    def label(self) -> str:
        from django.utils.translation import gettext

        if self.number:
            return gettext("Activity %(number)s") % {"number": self.number}
        return gettext("Unnumbered activity")

    def organisations_in_role(self, role: str) -> list:
        """Organisations in `role`: the activity's own, else its priority's. Uses prefetched
        `involvements` and `priority.involvements` (see ActivityQuerySet.for_list)."""
        own = [i.organisation for i in self.involvements.all() if i.role == role]
        if own:
            return own
        return [i.organisation for i in self.priority.involvements.all() if i.role == role]

    @property
    def leads(self) -> list:
        """As `organisations_in_role`, or what `attach_row_details` loaded."""
        if hasattr(self, "lead_list"):
            return self.lead_list
        return self.organisations_in_role(Involvement.LEAD)

    @property
    def participants(self) -> list:
        if hasattr(self, "participant_list"):
            return self.participant_list
        return self.organisations_in_role(Involvement.PARTICIPANT)

    @property
    def is_continuing(self) -> bool:
        """Continuing work: the deadline says "ongoing", or the latest status does."""
        return self.ongoing or self.status == Status.ONGOING

    def is_overdue(self, today=None) -> bool:
        """The overdue rule of the module docstring, as `overdue_q` writes it for queries."""
        today = today or timezone.localdate()
        return bool(
            self.due_date and self.due_date < today and not self.ongoing and self.status not in NEVER_OVERDUE_STATUSES
        )


class ActivityOrganisation(models.Model):
    """An organisation the activity names itself (thematic priorities name leads per activity)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="involvements")
    organisation = models.ForeignKey(
        "taxonomy.Organisation", on_delete=models.PROTECT, related_name="activity_involvements"
    )
    role = models.CharField(_("role"), max_length=20, choices=Involvement.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["activity_id", "role", "order"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "organisation", "role"], name="activity_org_role_unique"),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.get_role_display()}"


class ActivityPeriod(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="periods")
    order = models.PositiveSmallIntegerField(default=0)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    label = models.CharField(_("label"), max_length=200, blank=True, help_text=_('Such as "expérimentation"'))
    year_inferred = models.BooleanField(_("year inferred from the plan"), default=False)

    class Meta:
        ordering = ["activity_id", "order"]
        constraints = [
            models.CheckConstraint(name="period_start_before_end", condition=models.Q(start__lte=models.F("end"))),
        ]

    def __str__(self):
        return f"{self.start} – {self.end}"


class StatusUpdate(models.Model):
    """A status update by a lead, or a note by a participant. Never edited in place: a
    correction is a new row that points at the one it supersedes."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status update")
        NOTE = "note", _("Contribution note")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STATUS)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, blank=True)
    percent_complete = models.PositiveSmallIntegerField(_("percent complete"), null=True, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    evidence_links = models.TextField(_("evidence links"), blank=True, help_text=_("One address per line"))
    evidence_file = models.FileField(
        _("evidence document"), upload_to=UnguessablePath("evidence/%Y/"), max_length=255, blank=True
    )
    organisation = models.ForeignKey(
        "taxonomy.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="status_updates"
    )
    created_at = models.DateTimeField(default=timezone.now)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="superseded_by"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        indexes = [models.Index(fields=["activity", "-created_at"], name="update_activity_recent")]
        constraints = [
            models.CheckConstraint(
                name="update_percent_0_100",
                condition=models.Q(percent_complete__isnull=True) | models.Q(percent_complete__lte=100),
            ),
        ]

    def __str__(self):
        return f"{self.activity} – {self.get_status_display() or self.get_kind_display()}"

    def evidence_link_list(self) -> list[str]:
        return [line.strip() for line in self.evidence_links.splitlines() if line.strip()]

    @property
    def evidence_filename(self) -> str:
        return filename_of(self.evidence_file.name)

    def evidence_url(self) -> str:
        """The evidence document's address: a view that checks who may see the update."""
        if not self.evidence_file:
            return ""
        return reverse("workplan_files:evidence", args=[self.pk, self.evidence_filename])


ORG_DISPLAY_FIELDS = ("id", "slug", *translated_names("name"), *translated_names("acronym"))


PERIOD_ROW_FIELDS = ("activity_id", "start", "end", "year_inferred", "label")
ORG_ROW_COLUMNS = tuple(f"organisation__{f}" for f in ORG_DISPLAY_FIELDS)
ROW_ROLES = (Involvement.LEAD, Involvement.PARTICIPANT)


@prepared
def _periods_of_activity(activity_id: int):
    return (
        ActivityPeriod.objects.filter(activity_id=activity_id).order_by("order", "pk").values_list(*PERIOD_ROW_FIELDS)
    )


@prepared
def _involvements_of_activity(activity_id: int):
    return (
        ActivityOrganisation.objects.filter(activity_id=activity_id, role__in=ROW_ROLES)
        .order_by("order", "pk")
        .values_list("activity_id", "role", *ORG_ROW_COLUMNS)
    )


@prepared
def _involvements_of_priority(priority_id: int):
    return (
        PriorityOrganisation.objects.filter(priority_id=priority_id, role__in=ROW_ROLES)
        .order_by("order", "pk")
        .values_list("priority_id", "role", *ORG_ROW_COLUMNS)
    )


def attach_row_details(activities, *, periods: bool = True, participants: bool = False) -> list:
    """Give each activity `period_list`, its periods as `(start, end, year_inferred, label)`
    tuples in order (unless `periods` is False: then empty), and `lead_list`/`leads_inherited`: its own lead organisations, else its
    priority's (and True); with `participants`, `participant_list` likewise. Three queries of plain rows whatever the number of activities:
    `prefetch_related` would build a model instance per period and involvement and clone a
    queryset per relation, which costs more than the queries. Organisations carry only their
    names (`ORG_DISPLAY_FIELDS`), one instance per organisation. For one activity (its page, the
    API's), the three queries are compiled once per process (`gcmhub.lib.prepared`)."""
    activities = list(activities)
    with_periods = periods
    periods_of: dict = {a.pk: [] for a in activities}
    own: dict = {a.pk: [] for a in activities}
    by_priority: dict = {a.priority_id: [] for a in activities}
    roles = [Involvement.LEAD, Involvement.PARTICIPANT] if participants else [Involvement.LEAD]
    period_rows: Iterable[tuple]
    involvement_rows: list[tuple[dict, Iterable[tuple]]]
    if len(activities) == 1:
        activity = activities[0]
        period_rows = _periods_of_activity(activity.pk) if with_periods else []
        involvement_rows = [
            (found, [row for row in rows if row[1] in roles])
            for found, rows in (
                (by_priority, _involvements_of_priority(activity.priority_id)),
                (own, _involvements_of_activity(activity.pk)),
            )
        ]
    elif activities:
        period_rows = (
            ActivityPeriod.objects.filter(activity_id__in=list(periods_of))
            .order_by("order", "pk")
            .values_list(*PERIOD_ROW_FIELDS)
            if with_periods
            else []
        )
        involvement_rows = [
            (
                found,
                model.objects.filter(**{f"{key}__in": list(found)}, role__in=roles)
                .order_by("order", "pk")
                .values_list(key, "role", *ORG_ROW_COLUMNS),
            )
            for model, key, found in (
                (PriorityOrganisation, "priority_id", by_priority),
                (ActivityOrganisation, "activity_id", own),
            )
        ]
    else:
        period_rows, involvement_rows = [], []
    for activity_id, *period in period_rows:
        periods_of[activity_id].append(tuple(period))
    organisations: dict = {}
    Organisation = ActivityOrganisation._meta.get_field("organisation").related_model
    for found, rows in involvement_rows:
        for owner, role, *values in rows:
            org = organisations.get(values[0])
            if org is None:
                org = organisations[values[0]] = Organisation(**dict(zip(ORG_DISPLAY_FIELDS, values, strict=True)))
            found[owner].append((role, org))
    for activity in activities:
        activity.period_list = periods_of[activity.pk]
        inherited = by_priority[activity.priority_id]
        leads = [org for role, org in own[activity.pk] if role == Involvement.LEAD]
        activity.leads_inherited = not leads and any(role == Involvement.LEAD for role, _org in inherited)
        activity.lead_list = leads or [org for role, org in inherited if role == Involvement.LEAD]
        if participants:
            names = [org for role, org in own[activity.pk] if role == Involvement.PARTICIPANT]
            activity.participant_list = names or [org for role, org in inherited if role == Involvement.PARTICIPANT]
    return activities


class ImportRun(models.Model):
    """One import of a work-plan document: who, when, what came out, and what needs a human."""

    workplan = models.ForeignKey(WorkPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="imports")
    filename = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created = models.BooleanField(default=True, help_text=_("False when the import updated an existing plan"))
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("work-plan import")
        verbose_name_plural = _("work-plan imports")

    def __str__(self):
        return f"{self.filename} ({self.created_at:%Y-%m-%d})"

"""The Network's work plans: priority blocks, activities, their deadlines and status updates."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gcmhub.lib.concurrency import VersionedModel
from gcmhub.lib.files import UnguessablePath, filename_of
from gcmhub.lib.i18n import Language, TranslatedField


class WorkPlanQuerySet(models.QuerySet):
    def current(self) -> "WorkPlan | None":
        """The plan marked current, else the latest one; None when there is no plan."""
        return self.filter(is_current=True).first() or self.first()


class WorkPlan(VersionedModel):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=300, blank=True)
    source_language = models.CharField(_("source language"), max_length=2, choices=Language.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    as_of = models.CharField(_("as of (as written)"), max_length=100, blank=True)
    source_document = models.FileField(
        _("source document"), upload_to=UnguessablePath("workplans/"), max_length=255, blank=True
    )
    source_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    is_current = models.BooleanField(_("current plan"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    title = TranslatedField("title")
    objects = WorkPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "slug"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workplan:overview", args=[self.slug])

    def source_document_url(self) -> str:
        """The imported document's address (the Secretariat alone may open it)."""
        if not self.source_document:
            return ""
        return reverse("workplan_files:source_document", args=[self.slug, filename_of(self.source_document.name)])


class Priority(VersionedModel):
    """A priority block: a core priority, a thematic working group or a thematic priority."""

    class Kind(models.TextChoices):
        CORE = "core", _("Core priority")
        WORKING_GROUP = "working_group", _("Thematic working group")
        THEMATIC = "thematic", _("Thematic priority")

    workplan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="priorities")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=20, help_text=_('Such as "2.1"; empty for working groups'))
    slug = models.SlugField(_("slug"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_en = models.TextField(_("title (English)"), blank=True)
    title_fr = models.TextField(_("title (French)"), blank=True)
    title_es = models.TextField(_("title (Spanish)"), blank=True)
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
    objectives_text = models.CharField(_("objectives (as written)"), max_length=300, blank=True)
    organisations = models.ManyToManyField(
        "taxonomy.Organisation", through="PriorityOrganisation", related_name="priorities", blank=True
    )

    title = TranslatedField("title")

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

    @property
    def heading(self) -> str:
        """'Core priority 2.1', 'Thematic priority 3' or the working group's title."""
        if self.code:
            return f"{self.get_kind_display()} {self.code}"
        return self.title


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


# Statuses after which an activity no longer counts as overdue.
CLOSED_STATUSES = (Status.COMPLETED, Status.CANCELLED)


class ActivityQuerySet(models.QuerySet):
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
        own = models.Q(involvements__organisation__slug=organisation_slug, involvements__role=role)
        inherited = models.Q(
            priority__involvements__organisation__slug=organisation_slug, priority__involvements__role=role
        ) & ~models.Exists(ActivityOrganisation.objects.filter(activity=models.OuterRef("pk"), role=role))
        return self.filter(own | inherited).distinct()

    def open(self):
        return self.exclude(status__in=CLOSED_STATUSES)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today, ongoing=False)

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
    text_en = models.TextField(_("text (English)"), blank=True)
    text_fr = models.TextField(_("text (French)"), blank=True)
    text_es = models.TextField(_("text (Spanish)"), blank=True)
    source_language = models.CharField(_("source language"), max_length=2, choices=Language.choices)
    deadline_text = models.TextField(_("deadline (as written)"), blank=True)
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
    other_participants = models.TextField(_("other participants (as written)"), blank=True)

    text = TranslatedField("text")
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
        return self.organisations_in_role(Involvement.LEAD)

    @property
    def participants(self) -> list:
        return self.organisations_in_role(Involvement.PARTICIPANT)

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return bool(self.due_date and self.due_date < today and not self.ongoing and self.status not in CLOSED_STATUSES)


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

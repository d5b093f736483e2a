"""The Hub's knowledge platform: resources, the peer-reviewed repository of practices, calls for
practices, the reviewer roster and feedback on the Network's tools.

Every state change (a resource published, a practice screened, a reviewer assigned, a conflict
declared, a decision) is a row in an event table with who, when and why; nothing is overwritten.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from gcmhub.knowledge.criteria import Criterion
from gcmhub.lib.concurrency import VersionedModel
from gcmhub.lib.files import UnguessablePath, filename_of
from gcmhub.lib.filetypes import UploadValidator
from gcmhub.lib.i18n import Language, Translated

GCM_ADOPTION = datetime.date(2018, 12, 1)  # practices that began before this get a warning

# What each kind of upload may be; the content must match the extension (gcmhub.lib.filetypes).
# Never markup (HTML, SVG) nor programs: they would run in the reader's browser or computer.
RESOURCE_FILE_EXTENSIONS = (
    *("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf", "txt", "csv", "json", "zip"),
    *("jpg", "jpeg", "png", "gif", "webp"),
)
PRACTICE_ATTACHMENT_EXTENSIONS = (
    *("pdf", "doc", "docx", "xls", "xlsx", "odt", "ppt", "pptx", "txt", "csv"),
    *("jpg", "jpeg", "png"),
)


class GeographicScope(models.TextChoices):
    GLOBAL = "global", _("Global")
    REGIONAL = "regional", _("Regional")
    NATIONAL = "national", _("National")
    LOCAL = "local", _("Local")


# --------------------------------------------------------------------------------------------
# Resources
# --------------------------------------------------------------------------------------------


class ResourceQuerySet(models.QuerySet["Resource"]):
    def published(self):
        return self.filter(status=Resource.Status.PUBLISHED)


class Resource(VersionedModel, ClusterableModel):
    """A publication, tool, dataset... in the Hub's library; edited in the CMS (snippet)."""

    class Kind(models.TextChoices):
        PUBLICATION = "publication", _("Publication")
        GUIDANCE = "guidance", _("Guidance or tool")
        TRAINING = "training", _("Training material")
        DATA = "data", _("Data or statistics")
        POLICY = "policy", _("Policy or legal text")
        MULTIMEDIA = "multimedia", _("Multimedia")
        MEETING_SUMMARY = "meeting_summary", _("Meeting summary")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")  # by a Network member's focal point, waiting for the Hub team
        PUBLISHED = "published", _("Published")
        DECLINED = "declined", _("Declined")
        ARCHIVED = "archived", _("Archived")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("type of resource"), max_length=20, choices=Kind.choices, default=Kind.PUBLICATION)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    source_language = models.CharField(_("source language"), max_length=2, choices=Language.choices)
    title = Translated(models.CharField, _("title"), max_length=300)
    summary = Translated(models.TextField, _("summary"))
    external_url = models.URLField(_("external link"), max_length=500, blank=True)
    publishers = models.ManyToManyField(
        "taxonomy.Organisation", blank=True, related_name="published_resources", verbose_name=_("publishers")
    )
    publication_date = models.DateField(_("date of publication"), null=True, blank=True)
    languages = models.JSONField(
        _("languages available"), default=list, blank=True, help_text=_("Language codes, e.g. en, fr, es, ar")
    )
    countries = models.ManyToManyField(
        "taxonomy.Country", blank=True, related_name="resources", verbose_name=_("countries")
    )
    regions = models.ManyToManyField("taxonomy.Region", blank=True, related_name="resources", verbose_name=_("regions"))
    geographic_scope = models.CharField(
        _("geographic scope"), max_length=10, choices=GeographicScope.choices, default=GeographicScope.GLOBAL
    )
    objectives = models.ManyToManyField(
        "taxonomy.Objective", blank=True, related_name="resources", verbose_name=_("GCM objectives")
    )
    is_general = models.BooleanField(
        _("general (all objectives)"), default=False, help_text=_("About the Global Compact as a whole")
    )
    principles = models.ManyToManyField(
        "taxonomy.GuidingPrinciple", blank=True, related_name="resources", verbose_name=_("guiding principles")
    )
    thematic_area = models.ForeignKey(
        "taxonomy.ThematicArea",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
        verbose_name=_("thematic area"),
    )
    audiences = models.JSONField(_("target audience"), default=list, blank=True)
    output_of_priority = models.ForeignKey(
        "workplan.Priority",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
        verbose_name=_("output of work-plan priority"),
    )
    output_of_activity = models.ForeignKey(
        "workplan.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
        verbose_name=_("output of work-plan activity"),
    )
    is_network_tool = models.BooleanField(
        _("Network tool or guidance"),
        default=False,
        help_text=_("Tools and guidance of the Network carry a feedback form"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposed_resources",
        verbose_name=_("proposed by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-publication_date", "-id"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        indexes = [models.Index(fields=["status", "-published_at"], name="resource_status_published")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("knowledge:resource", args=[self.slug])

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Resource, self.title or "resource")
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class StoredFile(models.Model):
    """A titled file whose size is recorded when it is saved (shown next to download links)."""

    title = models.CharField(_("title"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0, editable=False)
    file: FieldFile  # each subclass declares its FileField, with its own upload path

    class Meta:
        abstract = True

    def __str__(self):
        return self.title or self.filename

    def save(self, *args, **kwargs):
        if self.file:
            try:
                self.size = self.file.size
            except (OSError, ValueError):
                pass
        super().save(*args, **kwargs)

    @property
    def filename(self) -> str:
        """The name the file was uploaded with (as the storage keeps it)."""
        return filename_of(self.file.name)


class ResourceFile(StoredFile):
    """A file of a resource; one per language version where several exist."""

    resource = ParentalKey(Resource, on_delete=models.CASCADE, related_name="files")
    language = models.CharField(_("language"), max_length=2, default="en")
    file = models.FileField(
        _("file"),
        upload_to=UnguessablePath("resources/%Y/%m/"),
        max_length=255,
        validators=[UploadValidator(RESOURCE_FILE_EXTENSIONS)],
    )
    sort_order = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("resource file")
        verbose_name_plural = _("resource files")

    def get_absolute_url(self):
        """The download address: a view that checks who may see the resource."""
        return reverse("knowledge_files:resource_file", args=[self.pk, self.filename])


class ResourceEvent(models.Model):
    """A step in a resource's life: proposed, published, declined, archived — with who and why."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, choices=Resource.Status.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.resource_id}: {self.from_status} → {self.to_status}"


# --------------------------------------------------------------------------------------------
# Calls for practices
# --------------------------------------------------------------------------------------------


class CallQuerySet(models.QuerySet["CallForPractices"]):
    def open(self, now=None):
        now = now or timezone.now()
        return self.filter(opens_at__lte=now, deadline__gt=now)

    def next_change(self, now=None) -> datetime.datetime | None:
        """The next moment a call opens or closes (pages that say which calls are open change
        then): one query."""
        now = now or timezone.now()
        moments = self.aggregate(
            opens=models.Min("opens_at", filter=models.Q(opens_at__gt=now)),
            closes=models.Min("deadline", filter=models.Q(deadline__gt=now)),
        )
        return min((moment for moment in moments.values() if moment is not None), default=None)


def next_call_change(now=None) -> datetime.datetime | None:
    """For settings.PAGE_CACHE_CLOCKS: cached pages expire when a call opens or closes."""
    return CallForPractices.objects.next_change(now)


class CallForPractices(VersionedModel):
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    source_language = models.CharField(_("source language"), max_length=2, choices=Language.choices)
    title = Translated(models.CharField, _("title"), max_length=300)
    rationale = Translated(models.TextField, _("rationale"))
    eligibility = Translated(models.TextField, _("eligibility"))
    criteria = Translated(models.TextField, _("criteria"))
    objectives = models.ManyToManyField(
        "taxonomy.Objective", blank=True, related_name="calls", verbose_name=_("GCM objectives")
    )
    opens_at = models.DateTimeField(_("opens at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"), help_text=_("Submissions close at this moment"))
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-deadline"]
        verbose_name = _("call for practices")
        verbose_name_plural = _("calls for practices")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("knowledge:call", args=[self.slug])

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.deadline


# --------------------------------------------------------------------------------------------
# Practices and their peer review
# --------------------------------------------------------------------------------------------


class PracticeQuerySet(models.QuerySet["Practice"]):
    def published(self):
        return self.filter(status=Practice.Status.PUBLISHED, update_of__isnull=True)

    def with_review_route(self):
        """Annotate `publication_action`: the action of the practice's latest publication event
        ("published" through gcmhub's review, "imported" from a previous platform), for
        `Practice.review_route`; a subquery, no extra query."""
        latest = PracticeEvent.objects.filter(
            practice=OuterRef("pk"), action__in=[PracticeEvent.Action.PUBLISHED, PracticeEvent.Action.IMPORTED]
        ).order_by("-created_at", "-pk")
        return self.annotate(publication_action=Subquery(latest.values("action")[:1]))


class Practice(VersionedModel):
    """A practice submitted to the repository. Written in one language (`language`), kept as typed.

    An update to a published practice is a separate row with `update_of` set; it goes through
    screening and review, and publishing it copies its content onto the original (stable URL).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted, awaiting screening")
        RETURNED = "returned", _("Returned for more information")
        IN_REVIEW = "in_review", _("In peer review")
        REVIEWED = "reviewed", _("Reviewed, awaiting decision")
        REVISION_REQUESTED = "revision", _("Revision requested")
        PUBLISHED = "published", _("Published")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Completion(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        MOSTLY_COMPLETED = "mostly_completed", _("Mostly completed")

    class ReviewRoute(models.TextChoices):
        """How a published practice was reviewed; read from its events (`review_route`), not stored."""

        PEER_REVIEW = "peer_review", _("Peer reviewed")
        PREVIOUS_PLATFORM = "previous_platform", _("Reviewed on the previous platform")

    # Statuses in which the submitter may edit the text.
    EDITABLE = (Status.DRAFT, Status.RETURNED, Status.REVISION_REQUESTED)

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="practices", verbose_name=_("submitter")
    )
    language = models.CharField(_("language of the submission"), max_length=2, choices=Language.choices)
    call = models.ForeignKey(
        CallForPractices,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practices",
        verbose_name=_("in answer to the call"),
    )
    update_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="updates",
        verbose_name=_("update of"),
    )
    round = models.PositiveSmallIntegerField(_("review round"), default=1)

    title = models.CharField(_("title"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    geographic_scope = models.CharField(
        _("geographic scope"), max_length=10, choices=GeographicScope.choices, default=GeographicScope.NATIONAL
    )
    countries = models.ManyToManyField(
        "taxonomy.Country", blank=True, related_name="practices", verbose_name=_("countries")
    )
    regions = models.ManyToManyField("taxonomy.Region", blank=True, related_name="practices", verbose_name=_("regions"))
    implementing_organisation = models.ForeignKey(
        "taxonomy.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practices",
        verbose_name=_("implementing organisation"),
    )
    implementing_organisation_name = models.CharField(
        _("implementing organisation (if not listed)"), max_length=300, blank=True
    )
    partner_organisations = models.ManyToManyField(
        "taxonomy.Organisation", blank=True, related_name="partner_practices", verbose_name=_("partners")
    )
    partners_other = models.CharField(_("other partners"), max_length=500, blank=True)
    submitted_for_other_entity = models.BooleanField(_("I am submitting on behalf of another entity"), default=False)
    focal_point_name = models.CharField(_("focal point of the main implementer"), max_length=200, blank=True)
    focal_point_email = models.EmailField(_("focal point's e-mail"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    completion = models.CharField(_("status of implementation"), max_length=20, choices=Completion.choices, blank=True)
    objectives = models.ManyToManyField(
        "taxonomy.Objective", blank=True, related_name="practices", verbose_name=_("GCM objectives")
    )
    principles = models.ManyToManyField(
        "taxonomy.GuidingPrinciple", blank=True, related_name="practices", verbose_name=_("guiding principles")
    )
    thematic_area = models.ForeignKey(
        "taxonomy.ThematicArea",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practices",
        verbose_name=_("thematic area"),
    )
    description = models.TextField(_("description"), blank=True)
    results = models.TextField(_("results and impact"), blank=True)
    challenges = models.TextField(_("challenges"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    innovation = models.TextField(_("what makes it innovative"), blank=True)
    sustainability = models.TextField(_("sustainability and replicability"), blank=True)
    links = models.TextField(_("links"), blank=True, help_text=_("One web address per line"))
    criteria_met = models.JSONField(_("criteria checklist"), default=list, blank=True)  # list of Criterion values

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        indexes = [
            models.Index(fields=["status", "-published_at"], name="practice_status_published"),
            models.Index(fields=["submitter", "-updated_at"], name="practice_submitter"),
        ]

    def __str__(self):
        return self.title or gettext_untitled()

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Practice, self.title or "practice")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("knowledge:practice", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def review_route(self) -> str:
        """How this published practice got its status ("" when it is not published): from a previous
        platform when its latest publication event is an import (a bulk import of records reviewed
        elsewhere), else through gcmhub's peer review; an imported practice whose update is later
        published through the review counts as peer reviewed. Reads the `with_review_route()`
        annotation; one query without it."""
        if not self.is_published:
            return ""
        if "publication_action" in self.__dict__:
            action = self.__dict__["publication_action"]
        else:
            action = (
                self.events.filter(action__in=[PracticeEvent.Action.PUBLISHED, PracticeEvent.Action.IMPORTED])
                .order_by("-created_at", "-pk")
                .values_list("action", flat=True)
                .first()
            )
        if action == PracticeEvent.Action.IMPORTED:
            return self.ReviewRoute.PREVIOUS_PLATFORM
        return self.ReviewRoute.PEER_REVIEW

    @property
    def review_label(self) -> str:
        """ "Peer reviewed" or "Reviewed on the previous platform" ("" when not published)."""
        route = self.review_route
        return str(self.ReviewRoute(route).label) if route else ""

    @property
    def began_before_gcm(self) -> bool:
        return bool(self.start_date and self.start_date < GCM_ADOPTION)

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    @property
    def implementer_name(self) -> str:
        return (
            str(self.implementing_organisation)
            if self.implementing_organisation
            else self.implementing_organisation_name
        )


def gettext_untitled():
    from django.utils.translation import gettext

    return gettext("Untitled practice")


class PracticeAttachment(StoredFile):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        _("file"),
        upload_to=UnguessablePath("practices/%Y/%m/"),
        max_length=255,
        validators=[UploadValidator(PRACTICE_ATTACHMENT_EXTENSIONS)],
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def get_absolute_url(self):
        """The download address: a view that checks who may see the practice."""
        return reverse("knowledge_files:practice_attachment", args=[self.pk, self.filename])


class PracticeEvent(models.Model):
    """One recorded step of a practice's life: who did what, when and why."""

    class Action(models.TextChoices):
        CREATED = "created", _("Draft created")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted for review")
        RETURNED = "returned", _("Returned for more information")
        DECLINED = "declined", _("Declined")
        REVIEWER_ASSIGNED = "assigned", _("Reviewer assigned")
        REVIEWER_REMOVED = "unassigned", _("Reviewer withdrawn")
        CONFLICT_DECLARED = "conflict", _("Conflict of interest declared")
        NO_CONFLICT = "no_conflict", _("No conflict of interest declared")
        REVIEW_SUBMITTED = "reviewed", _("Review submitted")
        REVIEW_EDITED = "review_edit", _("Review changed")
        REMINDER_SENT = "reminder", _("Reminder sent")
        EXTRA_REVIEWER_NEEDED = "extra", _("Reviewers disagree: extra reviewer needed")
        REVISION_REQUESTED = "revision", _("Revision requested")
        RESUBMITTED = "resubmitted", _("Revised and resubmitted")
        PUBLISHED = "published", _("Published")
        # Published by a bulk import of a record reviewed before gcmhub (docs/knowledge-import.md).
        IMPORTED = "imported", _("Imported as published (reviewed on the previous platform)")
        UPDATE_STARTED = "update", _("Update started")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    round = models.PositiveSmallIntegerField(default=1)
    note = models.TextField(_("reason or message"), blank=True)
    # Shown to the submitter (screening and decision feedback); internal notes stay with the Hub team.
    visible_to_submitter = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["practice", "created_at"], name="practice_event_practice")]

    def __str__(self):
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d})"


class ReviewerProfile(VersionedModel):
    """An entry of the reviewer roster."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_profile")
    is_un = models.BooleanField(_("UN reviewer"), default=False, help_text=_("Unticked: external reviewer"))
    affiliation = models.ForeignKey(
        "taxonomy.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewers",
        verbose_name=_("affiliation"),
    )
    affiliation_other = models.CharField(_("affiliation (if not listed)"), max_length=300, blank=True)
    objectives = models.ManyToManyField(
        "taxonomy.Objective", blank=True, related_name="reviewers", verbose_name=_("expertise: GCM objectives")
    )
    cross_cutting = models.JSONField(_("expertise: cross-cutting issues"), default=list, blank=True)
    languages = models.JSONField(_("working languages"), default=list, blank=True)
    regions = models.ManyToManyField("taxonomy.Region", blank=True, related_name="reviewers", verbose_name=_("regions"))
    gender = models.CharField(_("gender"), max_length=40, blank=True)
    is_active = models.BooleanField(_("available for reviews"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = _("reviewer (roster)")
        verbose_name_plural = _("reviewer roster")

    def __str__(self):
        return self.user.full_name or self.user.email


class ReviewAssignment(models.Model):
    """A reviewer asked to review one round of a practice."""

    class State(models.TextChoices):
        INVITED = "invited", _("Waiting for the conflict-of-interest declaration")
        ACCEPTED = "accepted", _("Reviewing")
        CONFLICT = "conflict", _("Conflict of interest declared")
        SUBMITTED = "submitted", _("Review submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments")
    round = models.PositiveSmallIntegerField(default=1)
    is_un = models.BooleanField(default=False, editable=False)  # copied from the roster when assigned
    is_extra = models.BooleanField(_("extra reviewer"), default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.INVITED)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    due_date = models.DateField(_("due date"))
    conflict_note = models.TextField(_("conflict of interest"), blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    last_reminder_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "assigned_at", "id"]
        indexes = [models.Index(fields=["reviewer", "state"], name="assignment_reviewer_state")]
        constraints = [
            models.UniqueConstraint(fields=["practice", "reviewer", "round"], name="assignment_once_per_round"),
        ]

    def __str__(self):
        return f"{self.reviewer} → {self.practice} (round {self.round})"

    @property
    def is_overdue(self) -> bool:
        return self.state in (self.State.INVITED, self.State.ACCEPTED) and self.due_date < timezone.localdate()


class Review(VersionedModel):
    class Recommendation(models.TextChoices):
        PUBLISH = "publish", _("Publish")
        REVISE = "revise", _("Publish after revision")
        DECLINE = "decline", _("Decline")

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.CASCADE, related_name="review")
    scores = models.JSONField(_("scores"), default=dict)  # {Criterion value: SCORE_MIN..SCORE_MAX}
    recommendation = models.CharField(_("recommendation"), max_length=10, choices=Recommendation.choices)
    comments_for_submitter = models.TextField(_("comments for the submitter"), blank=True)
    comments_for_hub = models.TextField(_("confidential comments for the Hub team"), blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at"]

    def __str__(self):
        return f"{self.assignment}: {self.get_recommendation_display()}"

    @property
    def average_score(self) -> float | None:
        values = [v for k, v in self.scores.items() if k in Criterion.values and isinstance(v, int)]
        return round(sum(values) / len(values), 1) if values else None


# --------------------------------------------------------------------------------------------
# Feedback on the Network's tools and guidance
# --------------------------------------------------------------------------------------------


class ToolFeedback(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(_("usefulness"), choices=[(n, str(n)) for n in range(1, 6)])
    how_used = models.TextField(_("how did you use it?"), blank=True)
    country = models.ForeignKey(
        "taxonomy.Country",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("country"),
    )
    improvements = models.TextField(_("what should be improved?"), blank=True)
    may_contact = models.BooleanField(_("the Network may contact me about this feedback"), default=False)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(max_length=2, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("feedback on a tool")
        verbose_name_plural = _("feedback on tools")

    def __str__(self):
        return f"{self.resource_id}: {self.rating}/5"


def unique_slug(model, text: str, max_length: int = 100) -> str:
    base = slugify(text)[:max_length].strip("-") or model._meta.model_name
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug

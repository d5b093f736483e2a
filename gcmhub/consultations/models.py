"""Discussion spaces, topics, questions and comments, and their moderation (issue 11 §1–2).

A **space** (a regional review, a working group, the champion countries) holds **topics**. A topic
has an introduction, moderators, main languages, open and close times in a time zone, documents
(Hub resources and attachments), and **questions** its moderators post; readers answer in
**comments**, threaded (`parent`, with `thread` the first comment of the thread), each written in
one language and marked with it.

Nothing a moderator does is overwritten: each decision is a `ModerationAction` row (who, when,
what, why), an author may `Appeal` it once, and another moderator decides the appeal. Edits keep
the earlier text (`CommentRevision`). Mutes (per space) and suspensions (site-wide) are
`Restriction` rows, lifted by setting `lifted_at`.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from gcmhub.knowledge.models import StoredFile
from gcmhub.lib.concurrency import VersionedModel
from gcmhub.lib.files import UnguessablePath
from gcmhub.lib.filetypes import UploadValidator
from gcmhub.lib.i18n import Language, Translated

# What a comment's or topic's attachment may be (checked by content, gcmhub.lib.filetypes).
ATTACHMENT_EXTENSIONS = (
    *("pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "ppt", "pptx", "txt", "csv"),
    *("jpg", "jpeg", "png"),
)
COMMENT_MAX_CHARS = 10_000
SHOWN_DEPTH = 2  # replies shown under a comment on the topic page; deeper: "continue this thread"
# Fixed addresses under /discussions/ that a space's slug may not take.
RESERVED_SLUGS = frozenset({"moderation", "appeals", "code-of-conduct", "comments", "files"})
# Pages of a space that a topic's slug may not take.
RESERVED_TOPIC_SLUGS = frozenset({"members", "mute"})


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a time zone name such as Europe/Zurich."), params={"value": value})


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: everyone reads, every signed-in user may comment")
    RESTRICTED = "restricted", _("Restricted to the members of the space")


# --------------------------------------------------------------------------------------------
# Spaces and topics
# --------------------------------------------------------------------------------------------


class SpaceQuerySet(models.QuerySet["Space"]):
    def listed(self):
        return self.filter(archived_at__isnull=True)


class Space(VersionedModel, ClusterableModel):
    """Where topics are grouped: a regional review, a working group, the champion countries.

    Clusterable: the CMS edits its memberships (managers, members) inline."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    source_language = models.CharField(_("source language"), max_length=2, choices=Language.choices)
    title = Translated(models.CharField, _("title"), max_length=300)
    description = Translated(models.TextField, _("description"))
    visibility = models.CharField(
        _("who may read"), max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = SpaceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("discussion space")
        verbose_name_plural = _("discussion spaces")

    def __str__(self):
        return self.title or self.slug

    def get_absolute_url(self):
        return reverse("consultations:space", args=[self.slug])

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("This address is taken by a page of the discussions: choose another.")})


class Membership(models.Model):
    """A member of a space; managers manage the members and the space's topics."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        MANAGER = "manager", _("Manager")

    space = ParentalKey(Space, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role in the space"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["space_id", "user_id"]
        verbose_name = _("space membership")
        verbose_name_plural = _("space memberships")
        constraints = [models.UniqueConstraint(fields=["space", "user"], name="membership_once_per_space")]

    def __str__(self):
        return f"{self.user} in {self.space}"


class TopicQuerySet(models.QuerySet["Topic"]):
    def published(self):
        return self.filter(published_at__isnull=False, space__archived_at__isnull=True)

    def open_at(self, moment=None):
        moment = moment or timezone.now()
        return self.filter(Q(opens_at__isnull=True) | Q(opens_at__lte=moment)).filter(
            Q(closes_at__isnull=True) | Q(closes_at__gt=moment)
        )


class Topic(VersionedModel, ClusterableModel):
    """A question put to a space's audience, open for comments between two moments.

    Clusterable: the CMS edits its questions and attachments inline."""

    class Moderation(models.TextChoices):
        PRE = "pre", _("Pre-moderation: comments appear once a moderator approves them")
        POST = "post", _("Post-moderation: comments appear at once; moderators act on flags")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="topics", verbose_name=_("space"))
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    source_language = models.CharField(_("source language"), max_length=2, choices=Language.choices)
    title = Translated(models.CharField, _("title"), max_length=300)
    introduction = Translated(models.TextField, _("introduction"))
    audience = Translated(models.CharField, _("expected audience"), max_length=300)
    languages = models.JSONField(
        _("main languages"), default=list, blank=True, help_text=_("Language codes the discussion is held in.")
    )
    visibility = models.CharField(
        _("who may read"),
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        help_text=_("A topic of a restricted space is restricted whatever is chosen here."),
    )
    moderation = models.CharField(_("moderation"), max_length=4, choices=Moderation.choices, default=Moderation.POST)
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="moderated_topics", verbose_name=_("moderators")
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Zurich", validators=[validate_time_zone]
    )
    opens_at = models.DateTimeField(_("opens for comments"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes for comments"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    resources = models.ManyToManyField(
        "knowledge.Resource", blank=True, related_name="topics", verbose_name=_("documents from the Hub")
    )
    # A Network tool's feedback topic: one per tool (issue 11 §1).
    tool = models.OneToOneField(
        "knowledge.Resource",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_topic",
        verbose_name=_("feedback on the tool"),
    )
    summary_report = models.ForeignKey(
        "knowledge.Resource",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="summarised_topics",
        verbose_name=_("summary report"),
    )
    objectives = models.ManyToManyField(
        "taxonomy.Objective", blank=True, related_name="topics", verbose_name=_("GCM objectives")
    )
    principles = models.ManyToManyField(
        "taxonomy.GuidingPrinciple", blank=True, related_name="topics", verbose_name=_("guiding principles")
    )
    countries = models.ManyToManyField(
        "taxonomy.Country", blank=True, related_name="topics", verbose_name=_("countries")
    )
    thematic_areas = models.ManyToManyField(
        "taxonomy.ThematicArea", blank=True, related_name="topics", verbose_name=_("thematic areas")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "-created_at", "id"]
        verbose_name = _("discussion topic")
        verbose_name_plural = _("discussion topics")
        constraints = [
            models.CheckConstraint(
                name="topic_closes_after_it_opens",
                condition=Q(opens_at__isnull=True) | Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
            )
        ]

    def __str__(self):
        return self.title or self.slug

    def get_absolute_url(self):
        return reverse("consultations:topic", args=[self.space.slug, self.slug])

    def clean(self):
        super().clean()
        if self.slug in RESERVED_TOPIC_SLUGS:
            raise ValidationError({"slug": _("This address is taken by a page of the space: choose another.")})
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("A topic closes after it opens.")})
        unknown = [code for code in self.languages or [] if code not in Language.values]
        if unknown:
            raise ValidationError({"languages": _("Unknown language codes: %(codes)s") % {"codes": ", ".join(unknown)}})

    @property
    def restricted(self) -> bool:
        return self.visibility == Visibility.RESTRICTED or self.space.visibility == Visibility.RESTRICTED

    def state(self, moment=None) -> str:
        """ "draft", "upcoming", "open" or "closed"."""
        moment = moment or timezone.now()
        if not self.published_at:
            return "draft"
        if self.opens_at and moment < self.opens_at:
            return "upcoming"
        if self.closes_at and moment >= self.closes_at:
            return "closed"
        return "open"

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")


class TopicAttachment(StoredFile):
    topic = ParentalKey(Topic, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        _("file"),
        upload_to=UnguessablePath("topics/%Y/%m/"),
        max_length=255,
        validators=[UploadValidator(ATTACHMENT_EXTENSIONS)],
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("topic attachment")
        verbose_name_plural = _("topic attachments")

    def get_absolute_url(self):
        """The download address: a view that checks who may read the topic."""
        return reverse("consultations_files:topic_attachment", args=[self.pk, self.filename])


class Question(VersionedModel):
    """A question the moderators put in a topic; comments may answer it."""

    topic = ParentalKey(Topic, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source_language = models.CharField(_("source language"), max_length=2, choices=Language.choices)
    text = Translated(models.TextField, _("question"))
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    posted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["topic_id", "order", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text[:80]


# --------------------------------------------------------------------------------------------
# Comments
# --------------------------------------------------------------------------------------------


class CommentQuerySet(models.QuerySet["Comment"]):
    def shown(self):
        """What a reader sees in a thread: published comments, and the place of deleted ones."""
        return self.filter(status__in=[Comment.Status.PUBLISHED, Comment.Status.DELETED])


class Comment(VersionedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden by a moderator")
        REFUSED = "refused", _("Refused by a moderator")
        DELETED = "deleted", _("Deleted by its author")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="comments")
    question = models.ForeignKey(
        Question,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answers",
        verbose_name=_("answers the question"),
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies", verbose_name=_("in reply to")
    )
    # The first comment of the thread (itself for a first comment): a thread loads in one query.
    thread = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    depth = models.PositiveSmallIntegerField(default=0)
    quote_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("quotes")
    )
    quote = models.TextField(_("quoted text"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments", verbose_name=_("author")
    )
    language = models.CharField(_("language of the comment"), max_length=2, choices=Language.choices)
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_CHARS)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # Written by one of the tool's owners on a tool's feedback topic: shown as the Network's reply.
    network_reply = models.BooleanField(_("the Network's reply"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            # The topic page: a page of first comments, newest or oldest first, then their threads.
            models.Index(fields=["topic", "depth", "status", "created_at"], name="comment_topic_roots"),
            models.Index(fields=["thread", "created_at"], name="comment_thread"),
            models.Index(fields=["status", "created_at"], name="comment_status"),
            models.Index(fields=["author", "created_at"], name="comment_author"),
        ]

    def __str__(self):
        return f"{self.author} on {self.topic}: {self.body[:40]}"

    def get_absolute_url(self):
        """A permalink that finds the comment's page (or its thread's page) when followed."""
        return reverse("consultations:comment", args=[self.pk])


class CommentRevision(models.Model):
    """A comment's text before an edit (by its author, or a moderator editing out personal data)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["comment_id", "edited_at", "id"]

    def __str__(self):
        return f"{self.comment_id} before {self.edited_at:%Y-%m-%d %H:%M}"


class CommentAttachment(StoredFile):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        _("file"),
        upload_to=UnguessablePath("comments/%Y/%m/"),
        max_length=255,
        validators=[UploadValidator(ATTACHMENT_EXTENSIONS)],
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("comment attachment")
        verbose_name_plural = _("comment attachments")

    def get_absolute_url(self):
        """The download address: a view that checks who may read the comment."""
        return reverse("consultations_files:comment_attachment", args=[self.pk, self.filename])


# --------------------------------------------------------------------------------------------
# Moderation
# --------------------------------------------------------------------------------------------


class Reason(models.TextChoices):
    """The code of conduct's grounds for a flag or a moderator's decision."""

    ABUSE = "abuse", _("Insults, harassment or threats")
    HATE = "hate", _("Hate speech or discrimination")
    PERSONAL_DATA = "personal_data", _("Personal data of someone")
    SPAM = "spam", _("Advertising or spam")
    OFF_TOPIC = "off_topic", _("Off topic")
    MISINFORMATION = "misinformation", _("Deliberately false information")
    OTHER = "other", _("Other breach of the code of conduct")


class Flag(models.Model):
    """A reader's report of a comment, with the ground from the code of conduct."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="flag_once_per_user")]

    def __str__(self):
        return f"{self.get_reason_display()} on {self.comment_id}"


class ModerationAction(models.Model):
    """One moderator's decision, in the moderation log: never changed once written."""

    class Kind(models.TextChoices):
        APPROVE = "approve", _("Approved")
        HIDE = "hide", _("Hidden")
        REDACT = "redact", _("Personal data edited out")
        REFUSE = "refuse", _("Refused")
        RESTORE = "restore", _("Restored")
        DISMISS_FLAGS = "dismiss", _("Flags dismissed")
        MUTE = "mute", _("Muted in the space")
        SUSPEND = "suspend", _("Suspended from the site")
        LIFT = "lift", _("Restriction lifted")
        APPEAL_UPHELD = "appeal_upheld", _("Appeal refused: decision upheld")
        APPEAL_GRANTED = "appeal_granted", _("Appeal granted: decision reversed")

    # Decisions the person concerned is told about and may appeal (once).
    APPEALABLE = (Kind.HIDE, Kind.REDACT, Kind.REFUSE, Kind.MUTE, Kind.SUSPEND)

    kind = models.CharField(_("action"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("moderator")
    )
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="moderation")
    # The person concerned: the comment's author, or the muted/suspended user.
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_actions")
    space = models.ForeignKey(Space, null=True, blank=True, on_delete=models.CASCADE, related_name="moderation")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    note = models.TextField(_("note to the person concerned"), blank=True, max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation log")
        indexes = [models.Index(fields=["space", "created_at"], name="moderation_space")]

    def __str__(self):
        return f"{self.get_kind_display()} by {self.actor}"


class Appeal(models.Model):
    """The person concerned asks once that a decision be reviewed; another moderator decides."""

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Decision upheld")
        GRANTED = "granted", _("Decision reversed")

    action = models.OneToOneField(ModerationAction, on_delete=models.CASCADE, related_name="appeal")
    appellant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("why the decision should be reviewed"), max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note to the appellant"), blank=True, max_length=4000)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # A moderator never decides an appeal on their own action: checked in actions.py too
            # (a constraint cannot see the action's actor).
            models.CheckConstraint(
                name="appeal_decided_with_outcome",
                condition=(Q(outcome="") & Q(decided_at__isnull=True)) | (~Q(outcome="") & Q(decided_at__isnull=False)),
            )
        ]

    def __str__(self):
        return f"Appeal of {self.action}"


class RestrictionQuerySet(models.QuerySet["Restriction"]):
    def active(self, moment=None):
        moment = moment or timezone.now()
        return self.filter(lifted_at__isnull=True).filter(Q(until__isnull=True) | Q(until__gt=moment))


class Restriction(models.Model):
    """A user muted in one space, or suspended from the whole site (`space` empty)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="restrictions")
    space = models.ForeignKey(Space, null=True, blank=True, on_delete=models.CASCADE, related_name="restrictions")
    action = models.OneToOneField(ModerationAction, on_delete=models.PROTECT, related_name="restriction")
    until = models.DateTimeField(_("until"), null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictionQuerySet.as_manager()

    class Meta:
        ordering = ["-action__created_at"]
        indexes = [models.Index(fields=["user", "lifted_at"], name="restriction_user")]

    def __str__(self):
        return f"{self.user} " + (f"muted in {self.space}" if self.space_id else "suspended")


def next_topic_change(now=None):
    """For settings.PAGE_CACHE_CLOCKS: cached pages that say which topics are open (a topic's page,
    its space, the home page) expire when a published topic opens or closes. One query."""
    now = now or timezone.now()
    moments = Topic.objects.filter(published_at__isnull=False).aggregate(
        opens=models.Min("opens_at", filter=Q(opens_at__gt=now)),
        closes=models.Min("closes_at", filter=Q(closes_at__gt=now)),
    )
    return min((moment for moment in moments.values() if moment is not None), default=None)


# --------------------------------------------------------------------------------------------
# Events: GCM Talks, listening sessions, webinars, trainings (issue 11 §3)
# --------------------------------------------------------------------------------------------

# Pages under /events/ that an event's slug may not take.
RESERVED_EVENT_SLUGS = frozenset({"mine", "series"})
# Languages an event may be interpreted into: the UN's six and Portuguese (not only the site's).
INTERPRETATION_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es", "pt")
# What a registration may ask, each optional unless the event requires it.
REGISTRATION_QUESTIONS = ("organisation", "country", "role", "accessibility")
REGISTRATION_NOTE_MAX_CHARS = 2000


class EventSeries(VersionedModel):
    """Events held under one heading, e.g. the listening sessions before the IMRF."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    source_language = models.CharField(_("source language"), max_length=2, choices=Language.choices)
    title = Translated(models.CharField, _("title"), max_length=300)
    description = Translated(models.TextField, _("description"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("event series")
        verbose_name_plural = _("event series")

    def __str__(self):
        return self.title or self.slug

    def get_absolute_url(self):
        return reverse("events:series", args=[self.slug])


class EventQuerySet(models.QuerySet["Event"]):
    def published(self):
        return self.filter(published_at__isnull=False)

    def upcoming(self, moment=None):
        """Not yet over (under way included), soonest first."""
        return self.filter(ends_at__gt=moment or timezone.now()).order_by("starts_at", "id")

    def past(self, moment=None):
        return self.filter(ends_at__lte=moment or timezone.now()).order_by("-starts_at", "-id")

    def with_seats(self):
        """Annotate `confirmed_count` and `waitlist_count` (one subquery each, no join fan-out)."""
        confirmed = (
            Registration.objects.filter(event=models.OuterRef("pk"), status=Registration.Status.CONFIRMED)
            .values("event")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        waiting = (
            Registration.objects.filter(event=models.OuterRef("pk"), status=Registration.Status.WAITLISTED)
            .values("event")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            confirmed_count=Coalesce(models.Subquery(confirmed), 0),
            waitlist_count=Coalesce(models.Subquery(waiting), 0),
        )

    def for_list(self):
        """What a list of events shows: series, organisers' names, seats; three queries."""
        from gcmhub.taxonomy.models import Organisation

        return (
            self.select_related("series")
            .prefetch_related(models.Prefetch("organisers", queryset=Organisation.objects.order_by("pk")))
            .with_seats()
        )


class Event(VersionedModel, ClusterableModel):
    """A GCM Talk, listening session, webinar or training, at a time in a time zone, online, in
    person or both. Registrants' personal data is seen by the event's named organisers (`managers`)
    and the Secretariat only (`permissions_events`).

    Clusterable: the CMS edits its speakers inline. Its `version` is the iCalendar SEQUENCE: each
    change makes calendars replace the copy they hold."""

    class Kind(models.TextChoices):
        GCM_TALK = "gcm_talk", _("GCM Talk")
        LISTENING_SESSION = "listening_session", _("Listening session")
        WEBINAR = "webinar", _("Webinar")
        TRAINING = "training", _("Training")

    class Format(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("Hybrid: in person and online")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind of event"), max_length=20, choices=Kind.choices, default=Kind.WEBINAR)
    series = models.ForeignKey(
        EventSeries,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("series"),
    )
    source_language = models.CharField(_("source language"), max_length=2, choices=Language.choices)
    title = Translated(models.CharField, _("title"), max_length=300)
    description = Translated(models.TextField, _("description"))
    agenda = Translated(models.TextField, _("agenda"))
    audience = Translated(models.CharField, _("audience"), max_length=300)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Zurich", validators=[validate_time_zone]
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.ONLINE)
    place = models.CharField(
        _("place"), max_length=300, blank=True, help_text=_("Venue and city, for in-person events.")
    )
    online_link = models.URLField(
        _("online link"),
        max_length=500,
        blank=True,
        help_text=_("Shown to registered participants, the organisers and the Secretariat only."),
    )
    interpretation_languages = models.JSONField(
        _("interpretation"), default=list, blank=True, help_text=_("Language codes interpreted into.")
    )
    organisers = models.ManyToManyField(
        "taxonomy.Organisation", blank=True, related_name="events", verbose_name=_("organisers")
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_events",
        verbose_name=_("organisers' contacts"),
        help_text=_("People who manage the registrations and see the registrants' personal data."),
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="events", verbose_name=_("related discussions"))
    resources = models.ManyToManyField(
        "knowledge.Resource", blank=True, related_name="hub_events", verbose_name=_("related resources")
    )
    registration_open = models.BooleanField(_("registration open"), default=True)
    capacity = models.PositiveIntegerField(
        _("seats"), null=True, blank=True, help_text=_("Empty: no limit. When full, people join the waitlist.")
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"), null=True, blank=True, help_text=_("Empty: when the event starts.")
    )
    required_questions = models.JSONField(
        _("required answers"),
        default=list,
        blank=True,
        help_text=_("Questions of the registration form that must be answered (the others are optional)."),
    )
    reminder_hours = models.PositiveSmallIntegerField(
        _("reminder (hours before)"), default=24, help_text=_("0: no reminder e-mail.")
    )
    recording_url = models.URLField(_("recording"), max_length=500, blank=True)
    summary_report = models.ForeignKey(
        "knowledge.Resource",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="summarised_events",
        verbose_name=_("summary report"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            # The lists: upcoming and past published events by date.
            models.Index(fields=["published_at", "ends_at"], name="event_listed"),
        ]
        constraints = [
            models.CheckConstraint(name="event_ends_after_it_starts", condition=Q(ends_at__gt=models.F("starts_at")))
        ]

    def __str__(self):
        return self.title or self.slug

    def get_absolute_url(self):
        return reverse("events:event", args=[self.slug])

    def clean(self):
        super().clean()
        if self.slug in RESERVED_EVENT_SLUGS:
            raise ValidationError({"slug": _("This address is taken by a page of the events: choose another.")})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("An event ends after it starts.")})
        unknown = [code for code in self.interpretation_languages or [] if code not in INTERPRETATION_LANGUAGES]
        if unknown:
            raise ValidationError(
                {"interpretation_languages": _("Unknown language codes: %(codes)s") % {"codes": ", ".join(unknown)}}
            )
        unknown = [name for name in self.required_questions or [] if name not in REGISTRATION_QUESTIONS]
        if unknown:
            raise ValidationError(
                {"required_questions": _("Unknown questions: %(names)s") % {"names": ", ".join(unknown)}}
            )
        if self.format != self.Format.ONLINE and not self.place:
            raise ValidationError({"place": _("Say where the event takes place.")})

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def is_online(self) -> bool:
        return self.format in (self.Format.ONLINE, self.Format.HYBRID)

    @property
    def closes_registration_at(self) -> datetime.datetime:
        return self.registration_closes_at or self.starts_at

    def state(self, moment=None) -> str:
        """ "draft", "cancelled", "upcoming", "under_way" or "past"."""
        moment = moment or timezone.now()
        if not self.published_at:
            return "draft"
        if self.cancelled_at:
            return "cancelled"
        if moment < self.starts_at:
            return "upcoming"
        if moment < self.ends_at:
            return "under_way"
        return "past"

    def takes_registrations(self, moment=None) -> bool:
        moment = moment or timezone.now()
        return self.registration_open and self.state(moment) == "upcoming" and moment < self.closes_registration_at

    def seats_left(self) -> int | None:
        """Seats not taken (None: no limit). Reads `confirmed_count` when annotated (`with_seats`)."""
        if self.capacity is None:
            return None
        taken = getattr(self, "confirmed_count", None)
        if taken is None:
            taken = self.registrations.filter(status=Registration.Status.CONFIRMED).count()
        return max(0, self.capacity - taken)


class Speaker(models.Model):
    event = ParentalKey(Event, on_delete=models.CASCADE, related_name="speakers")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role and affiliation"), max_length=300, blank=True)

    class Meta:
        ordering = ["event_id", "order", "id"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self):
        return self.name


class Registration(models.Model):
    """A person's seat at an event, or their place on its waitlist (`queued_at` orders it).

    One row per person and event: cancelling keeps the row (status "cancelled"), registering again
    reuses it at the end of the queue. Its answers are personal data: see `permissions_events`."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Registered")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations", verbose_name=_("person")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    country = models.ForeignKey(
        "taxonomy.Country",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("country"),
    )
    role = models.CharField(_("role"), max_length=300, blank=True)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True, max_length=REGISTRATION_NOTE_MAX_CHARS)
    question = models.TextField(_("question for the speakers"), blank=True, max_length=REGISTRATION_NOTE_MAX_CHARS)
    language = models.CharField(_("language of the e-mails"), max_length=2, choices=Language.choices, default="en")
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event_id", "queued_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="registration_once_per_event")]
        indexes = [
            # Seats taken and the waitlist's order, per event.
            models.Index(fields=["event", "status", "queued_at"], name="registration_queue"),
            models.Index(fields=["user", "status"], name="registration_user"),
        ]

    def __str__(self):
        return f"{self.user} at {self.event}: {self.status}"


class EventNotice(models.Model):
    """A change announced to the registrants and followers (new time, place or link), or the
    cancellation of the event: never overwritten, each told once."""

    class Kind(models.TextChoices):
        CHANGED = "changed", _("Changed")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.TextField(_("what changed"), max_length=REGISTRATION_NOTE_MAX_CHARS)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("event notice")
        verbose_name_plural = _("event notices")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.event}"


class RegistrationExport(models.Model):
    """Who downloaded an event's attendee list, when and in which format (personal data)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="exports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    format = models.CharField(_("format"), max_length=5)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("attendee list export")
        verbose_name_plural = _("attendee list exports")

    def __str__(self):
        return f"{self.event} by {self.user} ({self.format})"


def next_event_change(now=None):
    """For settings.PAGE_CACHE_CLOCKS: the home page's "next events" change when a published event
    ends. One query."""
    now = now or timezone.now()
    return Event.objects.published().filter(ends_at__gt=now).aggregate(moment=models.Min("ends_at"))["moment"]

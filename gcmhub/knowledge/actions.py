"""Writes of the submitter side of the repository of practices: drafts, submission, updates of a
published practice, withdrawal. Views, the API and the review side call these.

Status rules on submission:
- DRAFT → SUBMITTED (event SUBMITTED), the review round stays as it is (1 for a new practice);
- RETURNED (screening asked for more information) → SUBMITTED (event RESUBMITTED), same round;
- REVISION_REQUESTED (a decision asked for a revision) → SUBMITTED (event RESUBMITTED), round + 1.
A call's deadline only refuses the first submission of a new practice: a practice returned or sent
back for revision after it answered the call in time may come back after the deadline, and an
update of a published practice is not a new answer to the call.
"""

from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from gcmhub.accounts.models import Role, User
from gcmhub.knowledge.models import GeographicScope, Practice, PracticeAttachment, PracticeEvent, ReviewAssignment
from gcmhub.knowledge.permissions import WITHDRAWABLE_STATUSES

# Content copied from a published practice to its update draft, and from an approved update back
# onto the published practice. Not status, slug, submitter, round, dates of the workflow or events.
CONTENT_FIELDS = (
    "language",
    "call",
    "title",
    "summary",
    "geographic_scope",
    "implementing_organisation",
    "implementing_organisation_name",
    "partners_other",
    "submitted_for_other_entity",
    "focal_point_name",
    "focal_point_email",
    "start_date",
    "end_date",
    "completion",
    "thematic_area",
    "description",
    "results",
    "challenges",
    "lessons",
    "innovation",
    "sustainability",
    "links",
    "criteria_met",
)
CONTENT_M2M = ("countries", "regions", "partner_organisations", "objectives", "principles")

WITHDRAWABLE = WITHDRAWABLE_STATUSES


class SubmissionIncomplete(Exception):
    """The practice cannot be submitted; `errors` maps field names ("__all__" for the whole) to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


class PracticeStateError(Exception):
    """The practice is not in a status that allows this step (e.g. submitting a published practice)."""


def submission_errors(practice: Practice) -> dict[str, list[str]]:
    """The required-field check of a saved practice (reads its M2M, so it costs a few queries)."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    for field, message in (
        ("title", _("Enter the title of the practice.")),
        ("summary", _("Enter a summary.")),
        ("language", _("Choose the language you write in.")),
        ("geographic_scope", _("Choose the geographic scope.")),
        ("description", _("Describe the practice.")),
        ("results", _("Describe its results and impact.")),
        ("completion", _("Say whether the practice is completed or mostly completed.")),
        ("start_date", _("Enter the start date.")),
    ):
        if not str(getattr(practice, field) or "").strip():
            add(field, message)
    if practice.geographic_scope in (GeographicScope.NATIONAL, GeographicScope.LOCAL):
        if not practice.countries.exists():
            add("countries", _("Choose at least one country."))
    elif practice.geographic_scope == GeographicScope.REGIONAL and not practice.regions.exists():
        add("regions", _("Choose at least one region."))
    if not practice.implementing_organisation_id and not practice.implementing_organisation_name.strip():
        add(
            "implementing_organisation",
            _("Choose the implementing organisation, or type its name if it is not listed."),
        )
    if not practice.objectives.exists():
        add("objectives", _("Choose at least one GCM objective."))
    if practice.submitted_for_other_entity:
        if not practice.focal_point_name.strip():
            add("focal_point_name", _("Enter the name of the main implementer's focal point."))
        if not practice.focal_point_email.strip():
            add("focal_point_email", _("Enter the e-mail address of the main implementer's focal point."))
    if practice.start_date and practice.end_date and practice.end_date < practice.start_date:
        add("end_date", _("The end date must be on or after the start date."))
    return errors


def call_closed_error(practice: Practice, now=None) -> str | None:
    """The message refusing a first submission to a call that is closed, or None."""
    call = practice.call
    if call is None or practice.update_of_id is not None or practice.status != Practice.Status.DRAFT:
        return None
    if call.is_open(now):
        return None
    now = now or timezone.now()
    if now < call.opens_at:
        return _("This call is not open yet. Remove the call to submit your practice outside it.")
    return _("This call closed on %(deadline)s. Remove the call to submit your practice outside it.") % {
        "deadline": date_filter(timezone.localtime(call.deadline), "DATETIME_FORMAT"),
    }


def _record(practice: Practice, action: str, actor, *, from_status="", to_status="", note="") -> PracticeEvent:
    return PracticeEvent.objects.create(
        practice=practice,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=to_status or practice.status,
        round=practice.round,
        note=note,
    )


def _save_attachments(practice: Practice, files) -> None:
    for uploaded in files or []:
        PracticeAttachment.objects.create(practice=practice, title=uploaded.name[:200], file=uploaded)


@transaction.atomic
def do_save_practice(user, form) -> Practice:
    """Create or update a draft (or editable practice) from a bound, valid PracticeForm."""
    practice = form.instance
    creating = practice.pk is None
    if creating:
        practice.submitter = user
        practice.status = Practice.Status.DRAFT
    elif not practice.is_editable:
        raise PracticeStateError(practice.status)
    practice = form.save()
    if creating:
        _record(practice, PracticeEvent.Action.CREATED, user, to_status=Practice.Status.DRAFT)
    _save_attachments(practice, form.cleaned_data.get("new_attachments", []))
    return practice


@transaction.atomic
def do_submit_practice(user, practice: Practice) -> None:
    """Send the practice to the Hub team for screening; mails the Hub team once committed.

    Raises SubmissionIncomplete (required fields missing, or its call closed) or PracticeStateError.
    """
    locked = Practice.objects.select_for_update(of=("self",)).select_related("call").get(pk=practice.pk)
    if not locked.is_editable:
        raise PracticeStateError(locked.status)
    errors = submission_errors(locked)
    closed = call_closed_error(locked)
    if closed:
        errors.setdefault("call", []).append(closed)
    if errors:
        raise SubmissionIncomplete(errors)

    from_status = locked.status
    if from_status == Practice.Status.DRAFT:
        action = PracticeEvent.Action.SUBMITTED
    else:
        action = PracticeEvent.Action.RESUBMITTED
        if from_status == Practice.Status.REVISION_REQUESTED:
            locked.round += 1
    locked.status = Practice.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "round", "submitted_at", "updated_at"])
    _record(locked, action, user, from_status=from_status)
    for field in ("status", "round", "submitted_at", "updated_at"):
        setattr(practice, field, getattr(locked, field))
    practice_id = locked.pk
    transaction.on_commit(lambda: send_practice_submitted_email.enqueue(practice_id))


@transaction.atomic
def copy_practice_content(source: Practice, target: Practice) -> None:
    """Copy the content fields, M2M and attachment list of `source` onto the saved `target`.

    Attachments are shared, not duplicated: the target's rows are replaced by rows pointing at the
    source's stored files (a file is never deleted here, since another row may still use it).
    """
    for field in CONTENT_FIELDS:
        setattr(target, field, getattr(source, field))
    target.save(update_fields=[*CONTENT_FIELDS, "updated_at"])
    for name in CONTENT_M2M:
        getattr(target, name).set(getattr(source, name).all())
    target.attachments.all().delete()  # queryset delete: rows only, stored files stay
    PracticeAttachment.objects.bulk_create(
        [
            PracticeAttachment(practice=target, title=a.title, file=a.file.name, size=a.size, uploaded_at=a.uploaded_at)
            for a in source.attachments.all()
        ]
    )


def open_update_of(practice: Practice) -> Practice | None:
    """The update of this published practice still in progress (not published, declined or withdrawn)."""
    return (
        practice.updates.exclude(
            status__in=[Practice.Status.PUBLISHED, Practice.Status.DECLINED, Practice.Status.WITHDRAWN]
        )
        .order_by("-created_at")
        .first()
    )


@transaction.atomic
def do_start_practice_update(user, practice: Practice) -> Practice:
    """A draft update of a published practice, its content and attachments copied; the open one if it exists."""
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if not practice.is_published or practice.update_of_id is not None:
        raise PracticeStateError(practice.status)
    existing = open_update_of(practice)
    if existing is not None:
        return existing
    update = Practice.objects.create(
        submitter=practice.submitter,
        status=Practice.Status.DRAFT,
        update_of=practice,
        language=practice.language,
        title=practice.title,
    )
    copy_practice_content(practice, update)
    _record(update, PracticeEvent.Action.CREATED, user, to_status=Practice.Status.DRAFT)
    _record(practice, PracticeEvent.Action.UPDATE_STARTED, user, from_status=practice.status)
    return update


@transaction.atomic
def do_withdraw_practice(user, practice: Practice, reason: str) -> None:
    """Withdraw a practice that is not published or decided; its open review assignments end too."""
    locked = Practice.objects.select_for_update().get(pk=practice.pk)
    if locked.status not in WITHDRAWABLE:
        raise PracticeStateError(locked.status)
    from_status = locked.status
    locked.status = Practice.Status.WITHDRAWN
    locked.save(update_fields=["status", "updated_at"])
    ReviewAssignment.objects.filter(
        practice=locked, state__in=[ReviewAssignment.State.INVITED, ReviewAssignment.State.ACCEPTED]
    ).update(state=ReviewAssignment.State.WITHDRAWN)
    event = _record(locked, PracticeEvent.Action.WITHDRAWN, user, from_status=from_status, note=reason.strip())
    if reason.strip():
        event.visible_to_submitter = True
        event.save(update_fields=["visible_to_submitter"])
    practice.status = locked.status


@transaction.atomic
def do_delete_attachment(user, attachment: PracticeAttachment) -> None:
    """Delete an attachment row; the stored file goes too unless another row (an update) shares it."""
    name = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    if name and not PracticeAttachment.objects.filter(file=name).exists():
        transaction.on_commit(lambda: storage.delete(name))


def hub_team_users():
    return User.objects.filter(
        Q(roles__kind=Role.Kind.SECRETARIAT, roles__revoked_at__isnull=True) | Q(is_superuser=True),
        is_active=True,
    ).distinct()


@task()
def send_practice_submitted_email(practice_id: int) -> None:
    """Tell the Hub team (Secretariat) that a practice awaits screening, each in their language."""
    from gcmhub.accounts.tasks import absolute_url, render_email

    practice = Practice.objects.filter(pk=practice_id).select_related("submitter", "call").first()
    if practice is None:
        return
    for user in hub_team_users():
        with translation.override(user.preferred_language):
            link = absolute_url(reverse("knowledge:practice", args=[practice.slug]))
        context = {"user": user, "practice": practice, "link": link}
        render_email(
            "knowledge/practices/email/submitted", context, to=user.email, language=user.preferred_language
        ).send()

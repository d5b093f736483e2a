"""Writes of the submitter side of the repository of practices: drafts, submission, updates of a
published practice, withdrawal. Views, the API and the review side call these.

Status rules on submission:
- DRAFT → SUBMITTED (event SUBMITTED), the review round stays as it is (1 for a new practice);
- RETURNED (screening asked for more information) → SUBMITTED (event RESUBMITTED), same round;
- REVISION_REQUESTED (a decision asked for a revision) → SUBMITTED (event RESUBMITTED), round + 1.
A call's deadline only refuses the first submission of a new practice: a practice returned or sent
back for revision after it answered the call in time may come back after the deadline, and an
update of a published practice is not a new answer to the call.

Every write claims the practice's version first (`gcmhub.lib.concurrency.claim`): an edit made from
a page or an API read older than the last change raises `StaleObject`, and nothing is written.
The actions take cleaned values (`PracticeValues`), never a form: the page, the API and the
importer call the same ones.
"""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gcmhub.knowledge import tasks
from gcmhub.knowledge.models import (
    CallForPractices,
    GeographicScope,
    Practice,
    PracticeAttachment,
    PracticeEvent,
    ReviewAssignment,
)
from gcmhub.knowledge.permissions import WITHDRAWABLE_STATUSES
from gcmhub.lib.concurrency import claim
from gcmhub.lib.formats import datetime_text

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
        "deadline": datetime_text(call.deadline),
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


@dataclasses.dataclass
class PracticeValues:
    """The submitter's content of a practice, typed: what the form and the API clean to.

    References are model instances (lists of them for the many-to-many fields).
    """

    language: str = ""
    call: CallForPractices | None = None
    title: str = ""
    summary: str = ""
    geographic_scope: str = GeographicScope.NATIONAL
    implementing_organisation: object = None
    implementing_organisation_name: str = ""
    partners_other: str = ""
    submitted_for_other_entity: bool = False
    focal_point_name: str = ""
    focal_point_email: str = ""
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    completion: str = ""
    thematic_area: object = None
    description: str = ""
    results: str = ""
    challenges: str = ""
    lessons: str = ""
    innovation: str = ""
    sustainability: str = ""
    links: str = ""
    criteria_met: list = dataclasses.field(default_factory=list)
    countries: list = dataclasses.field(default_factory=list)
    regions: list = dataclasses.field(default_factory=list)
    partner_organisations: list = dataclasses.field(default_factory=list)
    objectives: list = dataclasses.field(default_factory=list)
    principles: list = dataclasses.field(default_factory=list)

    @classmethod
    def from_cleaned(cls, cleaned: dict) -> "PracticeValues":
        """From a dict of cleaned values (a form's `cleaned_data`); missing keys keep the defaults."""
        names = {f.name for f in dataclasses.fields(cls)}
        values = {}
        for name, value in cleaned.items():
            if name not in names:
                continue
            if name in CONTENT_M2M or name == "criteria_met":
                value = list(value or [])
            elif value is None and name not in ("call", "implementing_organisation", "thematic_area"):
                value = "" if name not in ("start_date", "end_date") else None
            values[name] = value
        return cls(**values)

    @classmethod
    def of(cls, practice: Practice) -> "PracticeValues":
        """The saved practice's content (a base that a partial edit replaces fields of)."""
        values = {name: getattr(practice, name) for name in CONTENT_FIELDS}
        values["criteria_met"] = list(practice.criteria_met or [])
        if practice.pk:
            for name in CONTENT_M2M:
                values[name] = list(getattr(practice, name).all())
        return cls(**values)


_http_url = URLValidator(schemes=["http", "https"])


def clean_links(text: str) -> str:
    """One http(s) address per line, blank lines dropped; `ValidationError` naming the bad lines."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    bad = []
    for line in lines:
        try:
            _http_url(line)
        except ValidationError:
            bad.append(line)
    if bad:
        raise ValidationError(
            _("These lines are not web addresses starting with http:// or https://: %(lines)s")
            % {"lines": ", ".join(bad)},
            code="invalid_link",
        )
    return "\n".join(lines)


def check_practice_values(practice: Practice, values: PracticeValues) -> dict[str, list[str]]:
    """What a draft cannot be saved with, by field: links that are not web addresses, a call that
    is not open (unless the practice already answers it), and whatever the model's fields refuse
    (lengths, e-mail, choices). The fields needed to submit are checked on submission."""
    errors: dict[str, list[str]] = {}
    try:
        values.links = clean_links(values.links)
    except ValidationError as exc:
        errors["links"] = exc.messages
    call = values.call
    if call is not None and call.pk != practice.call_id and not call.is_open():
        errors["call"] = [_("This call is not open: choose an open call, or none.")]
    probe = Practice(**{name: getattr(values, name) for name in CONTENT_FIELDS})
    # As a ModelForm does, empty values are not checked: a draft may leave anything empty.
    checked = [name for name in CONTENT_FIELDS if getattr(values, name) not in (None, "", [])]
    try:
        probe.clean_fields(exclude=[f.name for f in Practice._meta.fields if f.name not in checked])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    return errors


def _save_attachments(practice: Practice, files) -> None:
    for uploaded in files or []:
        PracticeAttachment.objects.create(practice=practice, title=uploaded.name[:200], file=uploaded)


@transaction.atomic
def do_save_practice(
    user,
    practice: Practice | None,
    values: PracticeValues,
    *,
    expected_version: int | None = None,
    attachments=(),
) -> Practice:
    """Create a draft (`practice` None) or save an editable practice from `values`.

    Raises `StaleObject` (changed since `expected_version`), `PracticeStateError` (no longer
    editable) or `ValidationError` (a dict by field, see `check_practice_values`).
    """
    creating = practice is None or practice.pk is None
    if practice is None or practice.pk is None:  # `creating`, spelt out so that mypy sees practice.pk below
        practice = Practice(submitter=user, status=Practice.Status.DRAFT)
    else:
        practice = claim(Practice, practice.pk, expected_version)
        if not practice.is_editable:
            raise PracticeStateError(practice.status)
    errors = check_practice_values(practice, values)
    if errors:
        raise ValidationError(errors)
    for name in CONTENT_FIELDS:
        setattr(practice, name, getattr(values, name))
    if creating:
        practice.save()
        _record(practice, PracticeEvent.Action.CREATED, user, to_status=Practice.Status.DRAFT)
    else:
        practice.save(update_fields=[*CONTENT_FIELDS, "updated_at"])
    for name in CONTENT_M2M:
        getattr(practice, name).set(getattr(values, name))
    _save_attachments(practice, attachments)
    return practice


@transaction.atomic
def do_submit_practice(user, practice: Practice, *, expected_version: int | None = None) -> None:
    """Send the practice to the Hub team for screening; mails the Hub team once committed.

    Raises SubmissionIncomplete (required fields missing, or its call closed), PracticeStateError
    or StaleObject.
    """
    locked = claim(Practice, practice.pk, expected_version)
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
    for field in ("status", "round", "submitted_at", "updated_at", "version"):
        setattr(practice, field, getattr(locked, field))
    practice_id = locked.pk
    transaction.on_commit(lambda: tasks.send_practice_submitted_email.enqueue(practice_id))


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
    practice = claim(Practice, practice.pk, None)
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
def do_withdraw_practice(user, practice: Practice, reason: str, *, expected_version: int | None = None) -> None:
    """Withdraw a practice that is not published or decided; its open review assignments end too."""
    locked = claim(Practice, practice.pk, expected_version)
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
    practice.status, practice.version = locked.status, locked.version


@transaction.atomic
def do_delete_attachment(user, attachment: PracticeAttachment) -> None:
    """Delete an attachment row; the stored file goes too unless another row (an update) shares it."""
    claim(Practice, attachment.practice_id, None)
    name = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    if name and not PracticeAttachment.objects.filter(file=name).exists():
        transaction.on_commit(lambda: storage.delete(name))

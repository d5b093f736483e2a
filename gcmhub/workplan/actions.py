"""Writes on the work plan that pages, the admin and the API share, with cleaned values.

Status updates and contribution notes are append-only: each call adds a `StatusUpdate` row and
never edits an earlier one. So that an update written from an older page does not silently
combine with one posted meanwhile, the caller may say which update it saw last (`latest_seen`,
the id of the newest update the page or the client showed, 0 for none): the activity row is
locked and, when a newer update exists, `NewerUpdates` lists it and nothing is written. The
activity's own fields (text, deadline) are versioned (`gcmhub.lib.concurrency`): the deadline
fix and the CMS claim the version they were read at. Permission checks are the caller's job
(see `permissions.py`).
"""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gcmhub.lib.concurrency import StaleObject, claim
from gcmhub.lib.filetypes import check_upload, extension_of
from gcmhub.lib.formats import percent_text
from gcmhub.workplan.deadlines import parse_deadline
from gcmhub.workplan.models import Activity, ActivityPeriod, Status, StatusUpdate

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_EXTENSIONS = ("pdf", "docx", "xlsx", "png", "jpg", "jpeg")


def clean_evidence_links(value: str) -> str:
    """One http(s) address per line, blank lines dropped; raises ValidationError (a list)."""
    links = [line.strip() for line in (value or "").splitlines() if line.strip()]
    validate = URLValidator(schemes=["http", "https"])
    bad = []
    for link in links:
        try:
            validate(link)
        except ValidationError:
            bad.append(link)
    if bad:
        raise ValidationError(
            _("These are not web addresses starting with http:// or https://: %(links)s") % {"links": ", ".join(bad)}
        )
    return "\n".join(links)


def check_evidence_file(evidence_file) -> None:
    """≤ 10 MB, one of the accepted document types, and content that is what its name says
    (an .exe renamed .pdf or HTML renamed .png is refused); raises ValidationError."""
    if not evidence_file:
        return
    if extension_of(evidence_file.name) not in EVIDENCE_EXTENSIONS:
        raise ValidationError(_("Attach a PDF, Word (.docx), Excel (.xlsx), PNG or JPEG file."))
    if evidence_file.size is not None and evidence_file.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(_("The document is larger than 10 MB."))
    check_upload(evidence_file, EVIDENCE_EXTENSIONS)


def _check_evidence(errors: dict, evidence_links: str, evidence_file) -> str:
    try:
        evidence_links = clean_evidence_links(evidence_links)
    except ValidationError as exc:
        errors["evidence_links"] = exc.messages
    try:
        check_evidence_file(evidence_file)
    except ValidationError as exc:
        errors["evidence_file"] = exc.messages
    return evidence_links


def check_post_status_update(*, status, percent_complete=None, evidence_links="", evidence_file=None) -> dict:
    """The cleaned values, or ValidationError with a list of messages per field."""
    errors: dict[str, list] = {}
    if status not in Status.values:
        errors["status"] = [_("Choose a status from the list.")]
    if percent_complete is not None:
        if isinstance(percent_complete, bool) or not isinstance(percent_complete, int):
            errors["percent_complete"] = [_("Write a whole number from 0 to 100.")]
        elif not 0 <= percent_complete <= 100:
            errors["percent_complete"] = [_("Write a whole number from 0 to 100.")]
        elif status == Status.COMPLETED and percent_complete != 100:
            errors["percent_complete"] = [
                _("A completed activity is %(percent)s complete.") % {"percent": percent_text(100)}
            ]
    if status == Status.COMPLETED and percent_complete is None:
        percent_complete = 100
    evidence_links = _check_evidence(errors, evidence_links, evidence_file)
    if errors:
        raise ValidationError(errors)
    return {"status": status, "percent_complete": percent_complete, "evidence_links": evidence_links}


class NewerUpdates(StaleObject):
    """Updates were posted on the activity after the one the caller saw; `newer` lists them,
    oldest first."""

    def __init__(self, activity: Activity, newer: list[StatusUpdate]):
        super().__init__(activity)
        self.newer = newer


def lock_for_update(activity: Activity, latest_seen: int | None) -> Activity:
    """Lock the activity row; raise `NewerUpdates` if an update newer than `latest_seen` exists
    (no check when it is None). Must run inside `transaction.atomic`."""
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if latest_seen is not None:
        newer = list(
            StatusUpdate.objects.filter(activity=locked, pk__gt=latest_seen)
            .select_related("author", "organisation")
            .order_by("pk")
        )
        if newer:
            raise NewerUpdates(locked, newer)
    return locked


def latest_update_id(activity: Activity) -> int:
    """The id of the activity's newest update, 0 if none: what a page showing it sends back."""
    return StatusUpdate.objects.filter(activity=activity).order_by("-pk").values_list("pk", flat=True).first() or 0


def do_post_status_update(
    *,
    activity: Activity,
    author,
    status: str,
    percent_complete: int | None = None,
    narrative: str = "",
    evidence_links: str = "",
    evidence_file=None,
    organisation=None,
    latest_seen: int | None = None,
) -> StatusUpdate:
    """Append a status update and make it the activity's current status.

    Raises ValidationError (a dict per field), or NewerUpdates (see the module). A percentage
    left out keeps the activity's last known one, except that "completed" means 100%.
    """
    cleaned = check_post_status_update(
        status=status, percent_complete=percent_complete, evidence_links=evidence_links, evidence_file=evidence_file
    )
    with transaction.atomic():
        locked = lock_for_update(activity, latest_seen)
        now = timezone.now()
        update = StatusUpdate.objects.create(
            activity=activity,
            kind=StatusUpdate.Kind.STATUS,
            status=cleaned["status"],
            percent_complete=cleaned["percent_complete"],
            narrative=(narrative or "").strip(),
            evidence_links=cleaned["evidence_links"],
            evidence_file=evidence_file or "",
            organisation=organisation,
            author=author,
            created_at=now,
        )
        for target in (locked, activity):
            target.status = cleaned["status"]
            if cleaned["percent_complete"] is not None:
                target.percent_complete = cleaned["percent_complete"]
            target.status_updated_at = now
        locked.save(update_fields=["status", "percent_complete", "status_updated_at"])
    return update


def do_add_contribution_note(
    *,
    activity: Activity,
    author,
    narrative: str,
    organisation=None,
    evidence_links: str = "",
    evidence_file=None,
    latest_seen: int | None = None,
) -> StatusUpdate:
    """Append a note on an organisation's contribution; the activity's status is unchanged.

    Raises ValidationError (a dict per field), or NewerUpdates (see the module).
    """
    errors: dict[str, list] = {}
    narrative = (narrative or "").strip()
    if not narrative:
        errors["narrative"] = [_("Describe your contribution.")]
    evidence_links = _check_evidence(errors, evidence_links, evidence_file)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock_for_update(activity, latest_seen)
        return StatusUpdate.objects.create(
            activity=activity,
            kind=StatusUpdate.Kind.NOTE,
            narrative=narrative,
            evidence_links=evidence_links,
            evidence_file=evidence_file or "",
            organisation=organisation,
            author=author,
        )


def do_fix_activity_deadline(
    activity: Activity, *, text: str, confirm: bool, user=None, expected_version: int | None = None
) -> Activity:
    """Reparse `text` when it changed, and mark the periods confirmed when asked. Logged in
    Django's admin LogEntry (who, when, what). Raises `StaleObject` if the activity changed since
    `expected_version` (another fix, an edit in the CMS)."""
    from django.contrib.admin.models import CHANGE, LogEntry

    from gcmhub.workplan.importer.save import DEADLINE_FIELDS, apply_deadline

    text = "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())
    with transaction.atomic():
        fresh = claim(Activity, activity.pk, expected_version)
        for name in [*DEADLINE_FIELDS, "version"]:
            setattr(activity, name, getattr(fresh, name))
        plan = activity.priority.workplan
        changed = text != activity.deadline_as_written
        if changed:
            parsed = parse_deadline(text, plan_start=plan.period_start, plan_end=plan.period_end) if text else None
            periods = apply_deadline(activity, text, parsed)
            ActivityPeriod.objects.filter(activity=activity).delete()
            ActivityPeriod.objects.bulk_create(periods)
        if confirm and activity.deadline_state in (Activity.DeadlineState.PARSED, Activity.DeadlineState.INFERRED):
            activity.deadline_state = Activity.DeadlineState.CONFIRMED
        activity.save(update_fields=DEADLINE_FIELDS)
        if user is not None and user.is_authenticated:
            message = []
            if changed:
                message.append({"changed": {"fields": [f"deadline_text_{activity.source_language}"]}})
            message.append({"changed": {"fields": [f"deadline_state={activity.deadline_state}"]}})
            LogEntry.objects.log_actions(user.pk, [activity], CHANGE, change_message=message, single_object=True)
    return activity

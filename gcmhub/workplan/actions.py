"""Writes on the work plan that pages, the admin and the API share.

Status updates and contribution notes are append-only: each call adds a `StatusUpdate` row and
never edits an earlier one. Permission checks are the caller's job (see `permissions.py`).
"""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gcmhub.lib.filetypes import check_upload, extension_of
from gcmhub.workplan.models import Activity, Status, StatusUpdate

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
            errors["percent_complete"] = [_("A completed activity is 100% complete.")]
    if status == Status.COMPLETED and percent_complete is None:
        percent_complete = 100
    evidence_links = _check_evidence(errors, evidence_links, evidence_file)
    if errors:
        raise ValidationError(errors)
    return {"status": status, "percent_complete": percent_complete, "evidence_links": evidence_links}


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
) -> StatusUpdate:
    """Append a status update and make it the activity's current status.

    Raises ValidationError (a dict per field). A percentage left out keeps the activity's last
    known one, except that "completed" means 100%.
    """
    cleaned = check_post_status_update(
        status=status, percent_complete=percent_complete, evidence_links=evidence_links, evidence_file=evidence_file
    )
    now = timezone.now()
    with transaction.atomic():
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
        activity.status = cleaned["status"]
        if cleaned["percent_complete"] is not None:
            activity.percent_complete = cleaned["percent_complete"]
        activity.status_updated_at = now
        activity.save(update_fields=["status", "percent_complete", "status_updated_at"])
    return update


def do_add_contribution_note(
    *,
    activity: Activity,
    author,
    narrative: str,
    organisation=None,
    evidence_links: str = "",
    evidence_file=None,
) -> StatusUpdate:
    """Append a note on an organisation's contribution; the activity's status is unchanged.

    Raises ValidationError (a dict per field).
    """
    errors: dict[str, list] = {}
    narrative = (narrative or "").strip()
    if not narrative:
        errors["narrative"] = [_("Describe your contribution.")]
    evidence_links = _check_evidence(errors, evidence_links, evidence_file)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return StatusUpdate.objects.create(
            activity=activity,
            kind=StatusUpdate.Kind.NOTE,
            narrative=narrative,
            evidence_links=evidence_links,
            evidence_file=evidence_file or "",
            organisation=organisation,
            author=author,
        )

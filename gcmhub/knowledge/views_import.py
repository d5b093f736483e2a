"""The Hub team's bulk import of resources and practices: upload → report → import.

The upload is kept until it is imported in the default storage under `imports/<number>.bin`
with a `<number>.json` beside it (file name, uploader), so the report survives page loads and
works behind several app servers. The number is random (the report's address) and only its
uploader may open it; uploads older than a day are removed at the next upload.
"""

import datetime
import json
import secrets
from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from gcmhub.knowledge.importer import (
    MAX_UPLOAD_BYTES,
    SUPPORTED_EXTENSIONS,
    ImportFileError,
    check_import_file,
    do_import_knowledge,
)
from gcmhub.knowledge.permissions import can_import

UPLOAD_DIR = "imports"
UPLOAD_MAX_AGE = datetime.timedelta(days=1)
REPORT_ERRORS_SHOWN = 1000
REPORT_ROWS_SHOWN = 500


class UploadForm(forms.Form):
    document = forms.FileField(
        label=gettext_lazy("File to import"),
        help_text=gettext_lazy(
            "A .csv, .xlsx or .json file of at most 20 MB, one resource or practice per row; the columns "
            "are described in the import guide."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUPPORTED_EXTENSIONS)}),
    )

    def clean_document(self):
        document = self.cleaned_data["document"]
        if PurePath(document.name).suffix.lower() not in SUPPORTED_EXTENSIONS:
            raise forms.ValidationError(_("Upload a .csv, .xlsx or .json file."), code="extension")
        if document.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large (20 MB at most)."), code="size")
        return document


def _check_import(user) -> None:
    if not can_import(user):
        raise PermissionDenied


def _store_upload(data: bytes, meta: dict) -> int:
    number = secrets.randbelow(2**52) + 1
    default_storage.save(f"{UPLOAD_DIR}/{number}.bin", ContentFile(data))
    default_storage.save(f"{UPLOAD_DIR}/{number}.json", ContentFile(json.dumps(meta).encode()))
    return number


def _load_upload(number: int, user) -> tuple[bytes, dict]:
    """The stored upload and its metadata; 404 when unknown, expired or someone else's."""
    try:
        with default_storage.open(f"{UPLOAD_DIR}/{number}.json") as f:
            meta = json.loads(f.read())
        with default_storage.open(f"{UPLOAD_DIR}/{number}.bin") as f:
            data = f.read()
    except (OSError, ValueError):
        raise Http404 from None
    if meta.get("user") != user.pk:
        raise Http404
    return data, meta


def _delete_upload(number: int) -> None:
    for suffix in ("bin", "json"):
        name = f"{UPLOAD_DIR}/{number}.{suffix}"
        if default_storage.exists(name):
            default_storage.delete(name)


def _prune_uploads() -> None:
    try:
        _dirs, files = default_storage.listdir(UPLOAD_DIR)
    except (OSError, NotImplementedError):
        return
    limit = timezone.now() - UPLOAD_MAX_AGE
    for name in files:
        try:
            if default_storage.get_modified_time(f"{UPLOAD_DIR}/{name}") < limit:
                default_storage.delete(f"{UPLOAD_DIR}/{name}")
        except (OSError, NotImplementedError):
            continue


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    _check_import(request.user)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        document = form.cleaned_data["document"]
        data = document.read()
        try:
            check_import_file(data, document.name)
        except ImportFileError as exc:
            form.add_error("document", exc.message)
        else:
            _prune_uploads()
            number = _store_upload(data, {"filename": document.name, "user": request.user.pk})
            return redirect("knowledge:import_report", number)
    return render(request, "knowledge/import/upload.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def import_report(request, pk):
    _check_import(request.user)
    data, meta = _load_upload(pk, request.user)
    filename = meta["filename"]
    try:
        report = check_import_file(data, filename)
    except ImportFileError as exc:
        _delete_upload(pk)
        messages.error(request, exc.message)
        return redirect("knowledge:import_upload")
    counts = report.counts()
    if request.method == "POST":
        valid_only = request.POST.get("valid_only") == "1"
        if counts["valid"] and (valid_only or not counts["invalid"]):
            result = do_import_knowledge(report, user=request.user, filename=filename, valid_only=valid_only)
            _delete_upload(pk)
            messages.success(
                request,
                _(
                    "Imported %(file)s: %(new_resources)s new and %(updated_resources)s updated resources, "
                    "%(new_practices)s new and %(updated_practices)s updated practices."
                )
                % {
                    "file": filename,
                    "new_resources": result.created["resource"],
                    "updated_resources": result.updated["resource"],
                    "new_practices": result.created["practice"],
                    "updated_practices": result.updated["practice"],
                },
            )
            if result.skipped:
                messages.warning(
                    request,
                    ngettext(
                        "%(count)s row with errors was not imported.",
                        "%(count)s rows with errors were not imported.",
                        result.skipped,
                    )
                    % {"count": result.skipped},
                )
            return redirect("knowledge:import_upload")
        messages.error(request, _("Nothing was imported: choose to import the valid rows, or correct the file."))
    errors = report.errors
    valid_rows = report.valid_rows
    return render(
        request,
        "knowledge/import/report.html",
        {
            "pk": pk,
            "filename": filename,
            "counts": counts,
            "errors": errors[:REPORT_ERRORS_SHOWN],
            "errors_hidden": max(0, len(errors) - REPORT_ERRORS_SHOWN),
            "invalid_rows": len(report.invalid_rows),
            "valid_rows": valid_rows[:REPORT_ROWS_SHOWN],
            "valid_hidden": max(0, len(valid_rows) - REPORT_ROWS_SHOWN),
            "ignored_columns": report.ignored_columns,
        },
    )

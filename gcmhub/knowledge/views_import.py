"""The Hub team's bulk import of resources and practices: upload → report → import.

The upload waits in the upload stash (`gcmhub.lib.stash`) until it is imported: private, under an
unguessable key (the report's address), reachable only by the user who uploaded it, for a day at
most. The report reads it again on every visit, so it survives page loads and works behind several
app servers that share the stash.
"""

from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
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
from gcmhub.lib import stash

STASH = "knowledge-import"  # the upload stash's purpose for these uploads
REPORT_ERRORS_SHOWN = 1000
REPORT_ROWS_SHOWN = 500
CLEANED_CELLS_SHOWN = 50


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


def _load_upload(user, key: str) -> stash.Stashed:
    """The user's own stashed upload; 404 when malformed, unknown, expired or someone else's."""
    try:
        return stash.get(user, STASH, key)
    except stash.StashNotFound:
        raise Http404 from None


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
            key = stash.put(request.user, STASH, data, filename=document.name, max_bytes=MAX_UPLOAD_BYTES)
            return redirect("knowledge:import_report", key)
    return render(request, "knowledge/import/upload.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def import_report(request, key):
    _check_import(request.user)
    upload = _load_upload(request.user, key)
    filename = upload.filename
    try:
        report = check_import_file(upload.data, filename)
    except ImportFileError as exc:
        stash.delete(request.user, STASH, key)
        messages.error(request, exc.message)
        return redirect("knowledge:import_upload")
    counts = report.counts()
    if request.method == "POST":
        valid_only = request.POST.get("valid_only") == "1"
        if counts["valid"] and (valid_only or not counts["invalid"]):
            result = do_import_knowledge(report, user=request.user, filename=filename, valid_only=valid_only)
            stash.delete(request.user, STASH, key)
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
            "filename": filename,
            "counts": counts,
            "errors": errors[:REPORT_ERRORS_SHOWN],
            "errors_hidden": max(0, len(errors) - REPORT_ERRORS_SHOWN),
            "invalid_rows": len(report.invalid_rows),
            "valid_rows": valid_rows[:REPORT_ROWS_SHOWN],
            "valid_hidden": max(0, len(valid_rows) - REPORT_ROWS_SHOWN),
            "ignored_columns": report.ignored_columns,
            "cleaned_cells": report.cleaned_cells[:CLEANED_CELLS_SHOWN],
            "cleaned_hidden": max(0, len(report.cleaned_cells) - CLEANED_CELLS_SHOWN),
        },
    )

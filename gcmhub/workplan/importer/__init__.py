"""Import a work-plan document (text, Markdown or DOCX; French, English or Spanish), in four steps:

1. `read.read_lines(data, filename)`: the uploaded bytes → text lines (format checked from the bytes,
   ZIP containers checked before they are inflated, control characters removed, size bounded).
2. `parse.parse_lines(lines, ...)`: lines → a `ParsedPlan` of plain dataclasses (plain Python).
   `parse_document(data, filename)` below does steps 1 and 2, reading the known organisation names.
3. `resolve.resolve(parsed)`: the Organisation behind every organisation as written, the unknown
   ones, every deadline parsed. Nothing is saved.
4. `save.do_import_workplan(parsed, mapping=...)`: creates or updates the plan in one transaction.

Between the upload and the confirmation the file waits in the upload stash (`gcmhub.lib.stash`).
The names below are the package's interface; views, commands and tests import them from here.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gcmhub.taxonomy.models import OrganisationAlias
from gcmhub.workplan.importer.errors import UnknownOrganisationsError, WorkPlanImportError
from gcmhub.workplan.importer.parse import ParsedActivity, ParsedPlan, ParsedPriority, parse_lines, split_organisations
from gcmhub.workplan.importer.read import MAX_UPLOAD_BYTES, SUPPORTED_EXTENSIONS, read_lines
from gcmhub.workplan.importer.resolve import Resolution, alias_map, resolve
from gcmhub.workplan.importer.save import NEW, ImportResult, do_import_workplan

__all__ = [
    "MAX_UPLOAD_BYTES",
    "NEW",
    "SUPPORTED_EXTENSIONS",
    "ImportResult",
    "ParsedActivity",
    "ParsedPlan",
    "ParsedPriority",
    "Resolution",
    "UnknownOrganisationsError",
    "WorkPlanImportError",
    "alias_map",
    "do_import_workplan",
    "parse_document",
    "read_lines",
    "resolve",
    "split_organisations",
]


def parse_document(data: bytes, filename: str, *, language: str | None = None, known=None) -> ParsedPlan:
    """Read and parse a work-plan document. Organisation lists are split with the help of the known
    names (`known`: normalized aliases, a set or the `alias_map()` dict; default: read from the
    database, one query). Raises WorkPlanImportError with a message to show."""
    lines = read_lines(data, filename)
    if known is None:
        known = set(OrganisationAlias.objects.order_by().values_list("normalized", flat=True))
    parsed = parse_lines(lines, known=known, language=language, filename=filename, today=timezone.localdate())
    if not parsed.priorities:
        raise WorkPlanImportError(
            _(
                "No priority was found in this document. Is it a Network work plan (headings such as "
                "“Core priority 1”, “Activities:”, “Deadline:”)?"
            )
        )
    return parsed

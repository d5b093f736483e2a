"""Bulk import of resources and practices from CSV, XLSX or JSON (docs/knowledge-import.md), in four
steps:

1. `read.read_rows(data, filename)`: the uploaded bytes → numbered rows of text (format checked from
   the bytes, ZIP containers checked before they are inflated, rows streamed and bounded, control
   characters removed);
2. `parse`: the column tables and the parsers of one value (plain Python);
3. `resolve.validate_rows(rows)`: every row checked against the reference data, saying what it
   would create or update, or why it cannot (row, column, message);
4. `save.do_import_knowledge(report)`: the valid rows saved in one transaction with bulk inserts.
   Nothing is saved from a file with errors unless `valid_only=True`.

`check_import_file` does steps 1 to 3. Between the upload and the confirmation the file waits in
the upload stash (`gcmhub.lib.stash`). The names below are the package's interface.
"""

from gcmhub.knowledge.importer.read import MAX_UPLOAD_BYTES, SUPPORTED_EXTENSIONS, ImportFileError, read_rows
from gcmhub.knowledge.importer.resolve import ImportReport, RowError, RowResult, validate_rows
from gcmhub.knowledge.importer.save import ImportHasErrors, ImportResult, do_import_knowledge

__all__ = [
    "MAX_UPLOAD_BYTES",
    "SUPPORTED_EXTENSIONS",
    "ImportFileError",
    "ImportHasErrors",
    "ImportReport",
    "ImportResult",
    "RowError",
    "RowResult",
    "check_import_file",
    "do_import_knowledge",
    "read_rows",
    "validate_rows",
]


def check_import_file(data: bytes, filename: str) -> ImportReport:
    """Read and validate a file; raises ImportFileError when it cannot be read at all."""
    read = read_rows(data, filename)
    return validate_rows(read.rows, read.ignored_columns, cleaned_cells=read.cleaned_cells)

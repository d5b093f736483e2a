"""Step 1 of a Hub import: the uploaded bytes → rows (row number, {column: value}).

What the file is, is read from its bytes (`gcmhub.lib.filetypes.sniff`), not only from its name:
an .xlsx must be a workbook, a .csv or .json must be text. Every reader stops early instead of
reading a hostile file to its end:

- at most `IMPORT_MAX_ROWS` rows (a row past that limit refuses the file with a message); a run of
  `MAX_EMPTY_RUN` empty rows ends the data (spreadsheets often carry a long formatted tail);
- XLSX: the ZIP container is checked before it is inflated (`gcmhub.lib.archives`), then the
  first sheet is streamed (openpyxl's read-only mode), never loaded whole;
- CSV: one cell holds at most `CSV_MAX_CELL_CHARS` characters;
- JSON: nesting deeper than the parser allows is refused with a message, and a cell holds one value
  or a list of values (anything else is reported on its row).

Control characters are removed from every cell (`gcmhub.lib.cleantext`): they mean nothing in the
Hub's texts and PostgreSQL refuses NUL; the cells that had some are listed in the report.
"""

import csv
import datetime
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from gcmhub.knowledge.importer.parse import KNOWN_COLUMNS, column_name
from gcmhub.lib.archives import UnsafeArchive, check_zip
from gcmhub.lib.cleantext import clean_text, has_control_characters
from gcmhub.lib.filetypes import sniff

SUPPORTED_EXTENSIONS = (".csv", ".xlsx", ".json")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_COLUMNS = 200
MAX_EMPTY_RUN = 1000
CSV_MAX_CELL_CHARS = 128 * 1024  # Python's own default, set explicitly: the limit is global to the process
# What a .csv or .json may sniff as: text (markup in a cell is data here; these files are never
# served), or "unknown" when a few control characters make it look binary (they are removed).
TEXT_FORMATS = ("text", "html", "unknown")


class ImportFileError(Exception):
    """The file cannot be read at all (format, encoding, size, no rows)."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class InvalidCell:
    """A cell the reader could not turn into a value; the row is reported with `message`."""

    message: str


@dataclass
class RowsRead:
    rows: list[tuple[int, dict]]  # (row number, {column: value}); values are str, list of str or InvalidCell
    ignored_columns: list[str] = field(default_factory=list)
    cleaned_cells: list[tuple[int, str]] = field(default_factory=list)  # (row, column) that lost control characters


def _cell(value, cleaned: list[bool]):
    if value is None:
        return ""
    if isinstance(value, str):
        if has_control_characters(value):
            cleaned.append(True)
        return clean_text(value).strip()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | datetime.time | datetime.timedelta):
        return str(value)
    if isinstance(value, list):
        if any(isinstance(item, list | dict) for item in value):
            return InvalidCell(_("A cell holds one value or a list of values, not lists or objects inside a list."))
        return [_cell(item, cleaned) for item in value]
    return InvalidCell(_("A cell holds one value or a list of values, not an object."))


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(max)s rows: import at most %(max)s at a time (split the file).")
        % {"max": settings.IMPORT_MAX_ROWS}
    )


def read_rows(data: bytes, filename: str) -> RowsRead:
    """Every non-empty row of the file, numbered as in a spreadsheet (the header is row 1) or by the
    item's position in JSON, with the unknown columns and the cells that lost control characters."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise ImportFileError(_("Upload a .csv, .xlsx or .json file."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(_("The file is too large (20 MB at most)."))
    found = sniff(io.BytesIO(data))
    if found == "empty":
        raise ImportFileError(_("The file has no rows to import."))
    if suffix == ".xlsx" and found != "xlsx":
        raise ImportFileError(_("This is not a readable Excel (.xlsx) file."))
    if suffix in (".csv", ".json") and found not in TEXT_FORMATS:
        raise ImportFileError(
            _("The content of this file is not %(expected)s text: check that it was saved as %(expected)s.")
            % {"expected": suffix[1:].upper()}
        )
    numbered = {".csv": _read_csv, ".xlsx": _read_xlsx, ".json": _read_json}[suffix](data)
    result, columns = RowsRead(rows=[]), set()
    limit, empty_run = settings.IMPORT_MAX_ROWS, 0
    for position, (number, raw) in enumerate(numbered, start=1):
        row = {}
        for key, value in raw.items():
            name = column_name(clean_text(str(key or ""), multiline=False))
            if not name:
                continue
            cleaned: list[bool] = []
            value = _cell(value, cleaned)
            if value in ("", []):
                continue
            if cleaned:
                result.cleaned_cells.append((number, name))
            row[name] = value
            columns.add(name)
        if not row:
            empty_run += 1
            if empty_run >= MAX_EMPTY_RUN:
                break
            continue
        empty_run = 0
        if position > limit:
            raise _too_many_rows()
        result.rows.append((number, row))
    if not result.rows:
        raise ImportFileError(_("The file has no rows to import."))
    result.ignored_columns = sorted(columns - KNOWN_COLUMNS)
    return result


def _check_header(header) -> list:
    header = list(header or [])
    while header and header[-1] in (None, ""):
        header.pop()
    if not header:
        raise ImportFileError(_("The file has no rows to import."))
    if len(header) > MAX_COLUMNS:
        raise ImportFileError(
            _("The first row names %(count)s columns; an import has at most %(max)s.")
            % {"count": len(header), "max": MAX_COLUMNS}
        )
    return header


def _decode_text(data: bytes) -> str:
    encodings: tuple[str, ...]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark (Excel's "Unicode text")
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file is not encoded in UTF-8."))


def _read_csv(data: bytes) -> Iterator[tuple[int, dict]]:
    text = _decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    csv.field_size_limit(CSV_MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = _check_header(next(reader, None))
        # Numbered as a spreadsheet shows the file: the header is row 1, a cell spanning lines is one row.
        for number, values in enumerate(reader, start=2):
            yield number, dict(zip(header, values, strict=False))  # cells beyond the header are dropped
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise ImportFileError(
                _("Row %(row)s has a cell longer than %(max)s characters.")
                % {"row": reader.line_num, "max": CSV_MAX_CELL_CHARS}
            ) from exc
        raise ImportFileError(
            _("The CSV file cannot be read at line %(line)s: %(error)s") % {"line": reader.line_num, "error": exc}
        ) from exc


def _open_workbook(data: bytes):
    """The workbook in openpyxl's read-only (streaming) mode, its sheets opened without their size.

    Opening a read-only sheet, openpyxl reads the size the sheet declares and, when it declares
    none, walks the whole sheet to find it: seconds per ten megabytes of XML, the time a bomb
    needs. The importer reads the rows that are there and stops at its own limit, so it skips that.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class Sheet(ReadOnlyWorksheet):
        def _get_size(self):
            pass  # _max_row and _max_column stay None: iter_rows yields the rows that are there

    class Reader(ExcelReader):
        def read_worksheets(self):  # openpyxl's read-only branch, with `Sheet`
            for sheet, rel in self.parser.find_sheets():
                if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                    ws = Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
                    # openpyxl's own lines, on attributes types-openpyxl leaves out or types narrower.
                    ws.sheet_state = sheet.state  # type: ignore[assignment]
                    self.wb._sheets.append(ws)  # type: ignore[attr-defined]

    reader = Reader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    reader.read()
    return reader.wb


def _read_xlsx(data: bytes) -> Iterator[tuple[int, dict]]:
    try:
        check_zip(data)
    except UnsafeArchive as exc:
        raise ImportFileError(exc.message) from exc
    try:
        workbook = _open_workbook(data)
    except Exception as exc:  # openpyxl raises many kinds on a bad file
        raise ImportFileError(_("This is not a readable Excel (.xlsx) file.")) from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The file has no rows to import."))
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = _check_header(next(rows, None))
        for number, values in enumerate(rows, start=2):
            yield number, dict(zip(header, values, strict=False))
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged sheet fails while it is streamed
        raise ImportFileError(_("This is not a readable Excel (.xlsx) file.")) from exc
    finally:
        workbook.close()


def _read_json(data: bytes) -> Iterator[tuple[int, dict]]:
    try:
        content = json.loads(_decode_text(data))
    except RecursionError as exc:
        raise ImportFileError(
            _("The JSON file is nested too deeply: a file to import is a list of flat objects.")
        ) from exc
    except ValueError as exc:
        raise ImportFileError(_("This is not a readable JSON file.")) from exc
    if isinstance(content, dict):
        content = content.get("items", content.get("rows"))
    if not isinstance(content, list) or not all(isinstance(item, dict) for item in content):
        raise ImportFileError(_("A JSON file must hold a list of objects (or an object whose “items” is one)."))
    if len(content) > settings.IMPORT_MAX_ROWS:
        raise _too_many_rows()
    for number, item in enumerate(content, start=1):
        if len(item) > MAX_COLUMNS:
            raise ImportFileError(
                _("Item %(row)s has %(count)s fields; an import has at most %(max)s columns.")
                % {"row": number, "count": len(item), "max": MAX_COLUMNS}
            )
        yield number, item

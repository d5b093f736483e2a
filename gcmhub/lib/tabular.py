"""The one writer of every CSV and XLSX download.

Each export decides its rows and columns; this module decides how the bytes are written, the
same way everywhere:

- **Formulas never run.** A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
  return is what a spreadsheet evaluates (OWASP "CSV injection": anonymous feedback text became a
  live `=HYPERLINK(…)` in the Secretariat's sheet). In CSV it is prefixed with an apostrophe; in
  XLSX it is stored as a string cell with Excel's "quote prefix" style, so it shows as typed and
  stays text when edited.
- **No control characters.** NUL and other C0 controls are removed (openpyxl refuses them and
  XML cannot hold them; one title with `\\x07` made a whole export fail).
- **Typed cells.** Numbers and dates stay numbers and dates in XLSX (ISO 8601 in CSV); aware
  datetimes are written in the site's time zone and say which: the cell's number format ends with
  the zone ("2026-12-04 14:30 UTC"; Excel has none), CSV gives the offset ("2026-12-04 14:30+00:00").
  Dates in cells are data, in ISO order whatever the language (decision 1303); texts for readers
  (an "About" sheet's "Generated at") are written by the caller with `gcmhub.lib.formats`.
- **One look.** A bold header on the house blue, frozen, with an autofilter and column widths given
  per export; an optional "About" sheet of label/value pairs.
- **Streaming.** Rows may be a generator: CSV responses stream row by row; XLSX is written by
  openpyxl's write-only mode to a temporary file, so memory does not grow with the row count.
- **Bounded cells.** Excel holds at most 32,767 characters in a cell: longer texts are cut.
"""

import csv
import datetime
import decimal
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header

from gcmhub.lib.cleantext import strip_controls

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32_767
MAX_SHEET_TITLE = 31
HEADER_COLOUR = "0B4F8A"
DEFAULT_WIDTH = 20

Cell = str | int | float | decimal.Decimal | datetime.date | datetime.datetime | None


@dataclass(frozen=True)
class Column:
    header: str
    width: float = DEFAULT_WIDTH


@dataclass
class Sheet:
    """One worksheet: columns, rows (any iterable of sequences, consumed once) and its look."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    wrap: bool = False  # wrap long texts and align every cell to the top
    about: Sequence[tuple[str, Any]] = field(default_factory=tuple)  # label/value pairs on an "About" sheet
    about_title: str = "About"


# --- Cells -------------------------------------------------------------------------------------


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def clean_text(value: Any) -> str:
    """Any value as text without control characters, at most MAX_CELL_CHARS long."""
    return strip_controls(str(value))[:MAX_CELL_CHARS]


def cell_value(value: Any) -> Cell:
    """A value the XLSX writer can store: numbers, dates and naive local datetimes kept, the rest text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return clean_text(value)
    if isinstance(value, int | float | decimal.Decimal):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        return value
    if isinstance(value, datetime.date):
        return value
    return clean_text(value)


def csv_value(value: Any) -> str:
    """A value as CSV text that no spreadsheet evaluates."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)  # written with its offset
    else:
        value = cell_value(value)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes" if value.second == value.microsecond == 0 else "seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if is_formula_like(value) else value
    return str(value)


# --- CSV -----------------------------------------------------------------------------------------


class _Line:
    """A file-like object whose `write` returns what it was given (csv.writer writes one line)."""

    def write(self, text: str) -> str:
        return text


def iter_csv(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text line by line, starting with a byte-order mark so spreadsheets read UTF-8."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([csv_value(c.header) for c in columns])
    for row in rows:
        yield writer.writerow([csv_value(v) for v in row])


def csv_bytes(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> bytes:
    return "".join(iter_csv(columns, rows)).encode("utf-8")


def _chunks(lines: Iterable[str], size: int = 64 * 1024) -> Iterator[bytes]:
    buffer: list[str] = []
    length = 0
    for line in lines:
        buffer.append(line)
        length += len(line)
        if length >= size:
            yield "".join(buffer).encode("utf-8")
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")


def _in_language(lines: Iterable[str], language: str | None) -> Iterator[str]:
    """Lazily produced rows read translated fields in the language of the request that made them,
    though they are produced after the view has returned."""
    with translation.override(language):
        yield from lines


def csv_response(filename: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> StreamingHttpResponse:
    """A CSV download streamed in chunks of about 64 KB; `rows` may be a lazy generator."""
    lines = _in_language(iter_csv(columns, rows), translation.get_language())
    response = StreamingHttpResponse(_chunks(lines), content_type=CSV_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- XLSX ----------------------------------------------------------------------------------------


def _styles():
    from openpyxl.styles import Alignment, Font, PatternFill

    return {
        "header_font": Font(bold=True, color="FFFFFF"),
        "header_fill": PatternFill("solid", fgColor=HEADER_COLOUR),
        "bold": Font(bold=True),
        "top": Alignment(vertical="top", wrap_text=True),
    }


def _xlsx_cell(ws, value: Any, styles: dict, *, wrap: bool):
    from openpyxl.cell import WriteOnlyCell

    zone = None
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        zone = timezone.localtime(value).tzname()  # Excel has no zones: the number format names it
    value = cell_value(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever it starts with
        if is_formula_like(value):
            cell.quotePrefix = True
    elif isinstance(value, datetime.datetime):
        cell.number_format = f'yyyy-mm-dd hh:mm "{zone}"' if zone else "yyyy-mm-dd hh:mm"
    elif isinstance(value, datetime.date):
        cell.number_format = "yyyy-mm-dd"
    if wrap:
        cell.alignment = styles["top"]
    return cell


def _sheet_title(title: str, taken: set[str]) -> str:
    """A valid, unique worksheet name: at most 31 characters, none of []:*?/\\."""
    name = "".join(c for c in clean_text(title) if c not in "[]:*?/\\").strip("'")[:MAX_SHEET_TITLE] or "Sheet"
    base, n = name, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[: MAX_SHEET_TITLE - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def write_xlsx(out: IO[bytes], sheets: Sequence[Sheet]) -> None:
    """Write the workbook of `sheets` (each with its "About" sheet, if any, after it) to `out`."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    styles = _styles()
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    for sheet in sheets:
        ws = wb.create_sheet(_sheet_title(sheet.title, taken))
        for index, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.freeze_panes = "A2"
        header = []
        for column in sheet.columns:
            cell = _xlsx_cell(ws, column.header, styles, wrap=True)
            cell.font, cell.fill = styles["header_font"], styles["header_fill"]
            header.append(cell)
        ws.append(header)
        count = 0
        for row in sheet.rows:
            ws.append([_xlsx_cell(ws, value, styles, wrap=sheet.wrap) for value in row])
            count += 1
        if sheet.columns:
            last = get_column_letter(len(sheet.columns))
            ws.auto_filter.ref = f"A1:{last}{count + 1}"
        if sheet.about:
            about = wb.create_sheet(_sheet_title(sheet.about_title, taken))
            about.column_dimensions["A"].width = 30
            about.column_dimensions["B"].width = 80
            for label, value in sheet.about:
                label_cell = _xlsx_cell(about, label, styles, wrap=False)
                label_cell.font = styles["bold"]
                about.append([label_cell, _xlsx_cell(about, value, styles, wrap=False)])
    wb.save(out)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    with tempfile.TemporaryFile() as out:
        write_xlsx(out, sheets)
        out.seek(0)
        return out.read()


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> FileResponse:
    """An XLSX download written to a temporary file (deleted when the response is closed)."""
    out = tempfile.TemporaryFile()
    try:
        write_xlsx(out, sheets)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_TYPE)

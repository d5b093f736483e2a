"""Zip bombs for the importers: how fast, and with how much memory, a hostile XLSX or DOCX is refused.

    .venv/bin/python bench/zipbomb.py [--rows 3000000] [--paragraphs 2000000] [--keep DIR]

Builds, in memory and in a few seconds, an XLSX whose one sheet holds `--rows` rows (about 490 KB
on disk for three million rows: the rows are alike, so they compress ~250:1) and a DOCX whose body
holds `--paragraphs` paragraphs; then hands each to its importer's reading step
(`gcmhub.knowledge.importer.read_rows`, `gcmhub.workplan.importer.parse_document`) the way an upload
does, and prints, as a Markdown table, the time to the answer, the peak of Python allocations
(tracemalloc, in a second run) and the answer itself. Django is set up with the test settings on a
temporary SQLite file (the readers need no data).

`xlsx_bomb()` and `docx_bomb()` are also what the importers' tests use to build their bombs.
"""

import argparse
import io
import os
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    "{overrides}</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" '
    'Target="{target}"/></Relationships>'
)


def _write_member(archive: zipfile.ZipFile, name: str, head: str, row: str, count: int, tail: str) -> None:
    """Stream `head`, `count` times `row` and `tail` into one member."""
    with archive.open(name, "w", force_zip64=True) as member:
        member.write(head.encode())
        block = (row * 10_000).encode()
        for _ in range(count // 10_000):
            member.write(block)
        member.write((row * (count % 10_000) + tail).encode())


def xlsx_bomb(rows: int = 3_000_000) -> bytes:
    """An .xlsx whose first sheet has a header and `rows` rows of resources, small on disk."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        book_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
        archive.writestr(
            "[Content_Types].xml",
            _CONTENT_TYPES.format(
                overrides=f'<Override PartName="/xl/workbook.xml" ContentType="{book_type}"/>'
                f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sheet_type}"/>'
            ),
        )
        archive.writestr("_rels/.rels", _RELS.format(kind="officeDocument", target="xl/workbook.xml"))
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr("xl/_rels/workbook.xml.rels", _RELS.format(kind="worksheet", target="worksheets/sheet1.xml"))

        def cells(values):
            return "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)

        _write_member(
            archive,
            "xl/worksheets/sheet1.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            f'<row r="1">{cells(["kind", "language", "title"])}</row>',
            # Alike rows without row numbers (readers count rows) compress ~250:1, the most deflate does.
            "<row><c><v>1</v></c><c><v>2</v></c></row>",
            rows,
            "</sheetData></worksheet>",
        )
    return out.getvalue()


def docx_bomb(paragraphs: int = 2_000_000) -> bytes:
    """A .docx whose body has `paragraphs` paragraphs, small on disk."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        doc_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
        archive.writestr(
            "[Content_Types].xml",
            _CONTENT_TYPES.format(overrides=f'<Override PartName="/word/document.xml" ContentType="{doc_type}"/>'),
        )
        archive.writestr("_rels/.rels", _RELS.format(kind="officeDocument", target="word/document.xml"))
        _write_member(
            archive,
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>',
            "<w:p><w:r><w:t>Activités : 1. Une activité</w:t></w:r></w:p>",
            paragraphs,
            "</w:body></w:document>",
        )
    return out.getvalue()


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmhub.settings.test")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='gcmhub-bench-')}/bench.sqlite3"
    import django

    django.setup()


def _answer(call) -> str:
    try:
        result = call()
    except Exception as exc:  # noqa: BLE001 - the bench reports whatever the importer answers
        message = getattr(exc, "message", None) or str(exc)
        return f"{type(exc).__name__}: {message}"[:160]
    return f"accepted ({type(result).__name__})"


def measure(label: str, call) -> dict:
    started = time.perf_counter()
    answer = _answer(call)
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    _answer(call)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"label": label, "seconds": elapsed, "peak_mb": peak / 1e6, "answer": answer}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--paragraphs", type=int, default=2_000_000)
    parser.add_argument("--keep", type=Path, help="Also write the bombs into this folder")
    args = parser.parse_args()
    _setup_django()
    from gcmhub.knowledge.importer import read_rows
    from gcmhub.workplan.importer import parse_document

    started = time.perf_counter()
    xlsx = xlsx_bomb(args.rows)
    docx = docx_bomb(args.paragraphs)
    built = time.perf_counter() - started
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        (args.keep / "bomb.xlsx").write_bytes(xlsx)
        (args.keep / "bomb.docx").write_bytes(docx)
    sizes = {
        name: (len(data), sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist()))
        for name, data in (("xlsx", xlsx), ("docx", docx))
    }
    print(f"Built in {built:.1f} s: ", end="")
    print("; ".join(f"{n} {s / 1e3:.0f} KB on disk, {u / 1e6:.0f} MB inflated" for n, (s, u) in sizes.items()))
    print()
    rows = [
        measure(f"XLSX, {args.rows:,} rows (knowledge read_rows)", lambda: read_rows(xlsx, "bomb.xlsx")),
        measure(
            f"DOCX, {args.paragraphs:,} paragraphs (workplan parse_document)",
            lambda: parse_document(docx, "bomb.docx", language="fr", known=set()),
        ),
    ]
    print("| file | time to answer (s) | peak Python memory (MB) | answer |")
    print("| --- | ---: | ---: | --- |")
    for r in rows:
        print(f"| {r['label']} | {r['seconds']:.2f} | {r['peak_mb']:.1f} | {r['answer']} |")


if __name__ == "__main__":
    main()

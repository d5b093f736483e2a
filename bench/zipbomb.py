"""Zip bombs for the importers: how fast, and with how much memory, a hostile XLSX or DOCX is refused.

    .venv/bin/python bench/zipbomb.py [--rows 3000000] [--paragraphs 2000000] [--keep DIR]

Builds, in a few seconds, three files: an XLSX whose one sheet holds `--rows` alike rows (about
360 KB on disk for three million rows, 123 MB inflated: deflate's best ratio, ~340:1), an XLSX of
numbered rows that stays within the ZIP limits (ratio ~28:1, ~93 MB inflated, 600,000 rows: what
the row limit must stop) and a DOCX whose body holds `--paragraphs` paragraphs. Each is handed to
its importer's reading step (`gcmhub.knowledge.importer.read_rows`,
`gcmhub.workplan.importer.parse_document`) the way an upload is, in a child process of its own,
twice: once timed (wall time and peak RSS of the process), once under tracemalloc (peak of Python
allocations). Prints a Markdown table. Django is set up with the test settings on a temporary
SQLite file (the readers need no data). Run it on the code before a change to compare.

`xlsx_bomb()` and `docx_bomb()` build the files; the importers' tests build theirs the same way.
"""

import argparse
import io
import json
import os
import resource
import shutil
import subprocess
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
    """Stream `head`, `count` times `row` and `tail` into one member ("{n}" in `row`: the row number)."""
    with archive.open(name, "w", force_zip64=True) as member:
        member.write(head.encode())
        if "{n}" in row:
            for start in range(2, count + 2, 10_000):
                member.write("".join(row.format(n=n) for n in range(start, min(start + 10_000, count + 2))).encode())
            member.write(tail.encode())
            return
        block = (row * 10_000).encode()
        for _ in range(count // 10_000):
            member.write(block)
        member.write((row * (count % 10_000) + tail).encode())


def xlsx_bomb(rows: int = 3_000_000, *, numbered: bool = False) -> bytes:
    """An .xlsx whose first sheet has a header and `rows` rows, small on disk. `numbered` rows carry
    their number and a title, so they compress ~50:1 only (within the ZIP limits)."""
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
            (
                '<row r="{n}">' + cells(["resource", "en", "Guide {n}"]) + "</row>"
                if numbered
                # Alike rows without row numbers (readers count them) compress the most deflate can.
                else "<row><c><v>1</v></c><c><v>2</v></c></row>"
            ),
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


def _case(kind: str, path: Path, memory: bool) -> None:
    """Child process: one importer on one file; prints seconds, peak allocations and the answer."""
    _setup_django()
    from gcmhub.knowledge.importer import read_rows
    from gcmhub.workplan.importer import parse_document

    data = path.read_bytes()
    if kind.startswith("xlsx"):
        call = lambda: read_rows(data, "bomb.xlsx")  # noqa: E731
    else:
        call = lambda: parse_document(data, "bomb.docx", language="fr", known=set())  # noqa: E731
    if memory:
        tracemalloc.start()
    started = time.perf_counter()
    answer = _answer(call)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if memory else 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    print(json.dumps({"seconds": elapsed, "peak_mb": peak / 1e6, "rss_mb": rss, "answer": answer}))


def _run_case(kind: str, path: Path, memory: bool, timeout: int) -> dict:
    command = [sys.executable, __file__, "--case", kind, "--file", str(path)] + (["--memory"] if memory else [])
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)  # noqa: S603
    except subprocess.TimeoutExpired:
        return {"seconds": float(timeout), "peak_mb": float("nan"), "rss_mb": float("nan"), "answer": "timed out"}
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines:
        return {"seconds": float("nan"), "peak_mb": float("nan"), "rss_mb": float("nan"), "answer": done.stderr[-160:]}
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--paragraphs", type=int, default=2_000_000)
    parser.add_argument("--timeout", type=int, default=300, help="Seconds before a case is stopped")
    parser.add_argument("--keep", type=Path, help="Write the bombs into this folder (default: a temporary one)")
    parser.add_argument("--case", choices=["xlsx", "xlsx-numbered", "docx"], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        return _case(args.case, args.file, args.memory)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="gcmhub-zipbomb-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    files = {"xlsx": folder / "bomb.xlsx", "xlsx-numbered": folder / "numbered.xlsx", "docx": folder / "bomb.docx"}
    files["xlsx"].write_bytes(xlsx_bomb(args.rows))
    files["xlsx-numbered"].write_bytes(xlsx_bomb(600_000, numbered=True))
    files["docx"].write_bytes(docx_bomb(args.paragraphs))
    print(f"Built in {time.perf_counter() - started:.1f} s:", end=" ")
    for kind, path in files.items():
        inflated = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
        print(f"{kind} {path.stat().st_size / 1e3:.0f} KB on disk, {inflated / 1e6:.0f} MB inflated;", end=" ")
    print("\n")
    print("| file | time to answer (s) | peak Python allocations (MB) | peak RSS (MB) | answer |")
    print("| --- | ---: | ---: | ---: | --- |")
    labels = {
        "xlsx": f"XLSX, {args.rows:,} alike rows (knowledge `read_rows`)",
        "xlsx-numbered": "XLSX, 600,000 numbered rows, within the ZIP limits (knowledge `read_rows`)",
        "docx": f"DOCX, {args.paragraphs:,} paragraphs (work plan `parse_document`)",
    }
    for kind, path in files.items():
        timed = _run_case(kind, path, memory=False, timeout=args.timeout)
        traced = _run_case(kind, path, memory=True, timeout=args.timeout * 3)
        print(
            f"| {labels[kind]} | {timed['seconds']:.2f} | {traced['peak_mb']:.1f} | {timed['rss_mb']:.0f} | "
            f"{timed['answer']} |",
            flush=True,
        )
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

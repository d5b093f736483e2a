"""Hostile or broken import files are refused early, with a message, and never take a worker down."""

import importlib.util
import io
import json
import time
import tracemalloc
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from gcmhub.knowledge.importer import ImportFileError, check_import_file, do_import_knowledge, read_rows
from gcmhub.knowledge.models import Practice, Resource
from gcmhub.knowledge.tests.test_import import ImportDataMixin, to_csv
from gcmhub.test import BaseTestCase


def zipbomb():
    """bench/zipbomb.py, the generator the bench measures with."""
    spec = importlib.util.spec_from_file_location("zipbomb", Path(settings.BASE_DIR) / "bench" / "zipbomb.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measured(call):
    """(exception raised, seconds, peak of Python allocations in bytes)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - returned to the test
        raised = exc
    else:
        raised = None
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return raised, elapsed, peak


class ZipBombTestCase(BaseTestCase):
    def test_it_refuses_an_xlsx_zip_bomb_before_inflating_it(self):
        for rows, message in ((3_000_000, "more than 100 MB once decompressed"), (1_000_000, "zip bomb")):
            bomb = zipbomb().xlsx_bomb(rows)  # 360 KB for three million rows
            self.assertLess(len(bomb), 500_000)
            raised, elapsed, peak = measured(lambda bomb=bomb: read_rows(bomb, "bomb.xlsx"))
            with self.subTest(rows=rows):
                self.assertIsInstance(raised, ImportFileError)
                self.assertIn(message, raised.message)
                self.assertLess(elapsed, 2)
                self.assertLess(peak, 10 * 1024 * 1024)

    @override_settings(IMPORT_MAX_ROWS=1000)
    def test_it_stops_streaming_a_sheet_at_the_row_limit(self):
        # Within the ZIP limits (it compresses ~28:1): only the row limit can stop it.
        sheet = zipbomb().xlsx_bomb(60_000, numbered=True)
        raised, elapsed, peak = measured(lambda: read_rows(sheet, "big.xlsx"))
        self.assertIsInstance(raised, ImportFileError)
        self.assertEqual(
            raised.message, "The file has more than 1000 rows: import at most 1000 at a time (split the file)."
        )
        self.assertLess(elapsed, 5)
        self.assertLess(peak, 20 * 1024 * 1024)

    def test_it_answers_a_zip_bomb_upload_with_a_message(self):
        self.login(self.sam)
        bomb = SimpleUploadedFile("bomb.xlsx", zipbomb().xlsx_bomb(3_000_000))
        response = self.client.post("/en/hub/import/", {"document": bomb})
        self.assertContains(response, "once decompressed", status_code=200)
        self.assertFalse(Resource.objects.exists())


class RowLimitTestCase(ImportDataMixin, BaseTestCase):
    @override_settings(IMPORT_MAX_ROWS=3)
    def test_it_refuses_more_rows_than_the_limit_in_every_format(self):
        rows = [self.resource_row(title=f"T{n}") for n in range(4)]
        for data, name in ((to_csv(rows), "a.csv"), (json.dumps(rows).encode(), "a.json")):
            with self.subTest(name=name), self.assertRaisesMessage(ImportFileError, "more than 3 rows"):
                read_rows(data, name)
        self.assertEqual(len(read_rows(to_csv(rows[:3]), "a.csv").rows), 3)

    def test_it_ends_the_data_after_a_long_run_of_empty_rows(self):
        data = to_csv([self.resource_row()]) + b",,,\n" * 5000 + to_csv([self.resource_row(title="Far away")])
        read = read_rows(data, "a.csv")
        self.assertEqual([row["title"] for _n, row in read.rows], ["Guide des retours"])

    def test_it_refuses_an_oversized_csv_cell_with_its_row(self):
        data = to_csv([self.resource_row(), self.resource_row(summary="x" * 200_000)])
        with self.assertRaisesMessage(ImportFileError, "Row 3 has a cell longer than 131072 characters."):
            read_rows(data, "a.csv")

    def test_it_refuses_deeply_nested_json_with_a_message(self):
        for data in (b"[" * 100_000 + b"]" * 100_000, json.dumps({"items": [{"title": [[["x"]]]}]}).encode()):
            with self.subTest(size=len(data)):
                try:
                    report = check_import_file(data, "deep.json")
                except ImportFileError as exc:
                    self.assertIn("nested too deeply", exc.message)
                else:  # a nested cell is refused on its row
                    self.assertEqual([(e.row, e.field) for e in report.errors][:1], [(1, "title")])
                    self.assertIn("one value or a list of values", report.errors[0].message)

    def test_it_reports_an_object_in_a_cell_on_its_row(self):
        data = json.dumps([self.resource_row(countries={"code": "MA"})]).encode()
        report = check_import_file(data, "a.json")
        self.assertEqual([(e.row, e.field) for e in report.errors], [(1, "countries")])

    def test_it_refuses_content_that_is_not_what_the_extension_says(self):
        from openpyxl import Workbook

        out = io.BytesIO()
        Workbook().save(out)
        cases = [
            (out.getvalue(), "a.csv", "check that it was saved as CSV"),
            (b"MZ\x90\x00" + b"\x00" * 100, "a.json", "check that it was saved as JSON"),
            (to_csv([self.resource_row()]), "a.xlsx", "not a readable Excel"),
            (b"%PDF-1.7 ...", "a.csv", "check that it was saved as CSV"),
        ]
        for data, name, message in cases:
            with self.subTest(name=name, message=message), self.assertRaisesMessage(ImportFileError, message):
                read_rows(data, name)

    def test_it_reads_a_utf16_csv_from_excel(self):
        data = "\ufeff" + to_csv([self.resource_row()], delimiter="\t").decode()
        read = read_rows(data.encode("utf-16-le"), "a.csv")
        self.assertEqual(read.rows[0][1]["title"], "Guide des retours")

    def test_it_refuses_a_damaged_xlsx_with_a_message(self):
        from openpyxl import Workbook

        out = io.BytesIO()
        workbook = Workbook()
        workbook.active.append(["kind", "title"])
        workbook.save(out)
        damaged = io.BytesIO()
        with zipfile.ZipFile(out) as source, zipfile.ZipFile(damaged, "w") as target:
            for info in source.infolist():
                content = source.read(info)
                if info.filename == "xl/worksheets/sheet1.xml":
                    content = content[: len(content) // 2]  # cut in the middle of the XML
                target.writestr(info, content)
        with self.assertRaisesMessage(ImportFileError, "not a readable Excel"):
            read_rows(damaged.getvalue(), "a.xlsx")


class ControlCharactersTestCase(ImportDataMixin, BaseTestCase):
    """Control characters are removed (and the cells listed), never stored: PostgreSQL refuses NUL,
    and neither database can store a lone surrogate."""

    def test_it_removes_control_characters_and_lists_the_cells(self):
        rows = [
            self.resource_row(title="Guide\x00 des\x07 retours", summary="Ligne 1\x0bLigne 2\r\nLigne 3"),
            self.practice_row(title="Ventanilla\x1f única"),
        ]
        report = check_import_file(to_csv(rows), "f.csv")
        self.assertEqual(report.errors, [])
        # The vertical tab is Excel's line break in a cell: kept as one, not reported.
        self.assertEqual(report.cleaned_cells, [(2, "title"), (3, "title")])
        do_import_knowledge(report, user=self.sam)  # saved on SQLite and PostgreSQL alike
        resource = Resource.objects.get()
        self.assertEqual(resource.title_fr, "Guide des retours")
        self.assertEqual(resource.summary_fr, "Ligne 1\nLigne 2\nLigne 3")
        self.assertEqual(Practice.objects.get().title, "Ventanilla única")

    def test_it_keeps_line_breaks_only_where_a_field_allows_them(self):
        rows = [self.resource_row(title="Guide\ndes\tretours", summary="Un\n\tguide")]
        report = check_import_file(json.dumps(rows).encode(), "f.json")
        values = report.rows[0].values
        self.assertEqual((values["title_fr"], values["summary_fr"]), ("Guide des retours", "Un\n\tguide"))
        self.assertEqual(report.cleaned_cells, [])  # line breaks and tabs are not control characters to report

    def test_it_removes_lone_surrogates_from_json(self):
        data = b'[{"kind": "resource", "language": "en", "title": "Broken \\ud800 title"}]'
        report = check_import_file(data, "f.json")
        self.assertEqual(report.rows[0].values["title_en"], "Broken  title")
        do_import_knowledge(report, user=self.sam)
        self.assertEqual(Resource.objects.get().title_en, "Broken  title")

    def test_it_shows_the_cleaned_cells_in_the_report(self):
        self.login(self.sam)
        data = to_csv([self.resource_row(title="Guide\x00 des retours")])
        response = self.client.post("/en/hub/import/", {"document": SimpleUploadedFile("f.csv", data)})
        response = self.client.get(response["Location"])
        self.assertContains(response, "Invisible control characters")
        self.assertContains(response, "row 2, <code>title</code>", html=True)

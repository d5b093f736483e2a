import csv
import datetime
import io
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.test import SimpleTestCase, override_settings
from django.utils import translation
from openpyxl import load_workbook

from gcmhub.lib import tabular
from gcmhub.lib.tabular import Column, Sheet

COLUMNS = [Column("Text", 40), Column("Number", 10), Column("Date", 12)]
FORMULAS = ['=HYPERLINK("http://evil.example","Click")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"]


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


class CsvTests(SimpleTestCase):
    def test_it_neutralises_every_formula_start(self):
        rows = read_csv(tabular.csv_bytes(COLUMNS, [[text, 1, None] for text in FORMULAS]))
        self.assertEqual([row[0] for row in rows[1:]], ["'" + text for text in FORMULAS])

    def test_it_keeps_numbers_and_dates_as_written(self):
        rows = read_csv(
            tabular.csv_bytes(
                COLUMNS,
                [
                    ["a", -5, datetime.date(2021, 6, 30)],
                    ["b", Decimal("2.5"), datetime.datetime(2021, 6, 30, 14, 5)],  # noqa: DTZ001 (a naive one is written as is)
                    ["c", None, None],
                ],
            )
        )
        self.assertEqual(rows[1:], [["a", "-5", "2021-06-30"], ["b", "2.5", "2021-06-30 14:05"], ["c", "", ""]])

    def test_it_removes_control_characters(self):
        rows = read_csv(tabular.csv_bytes(COLUMNS, [["a\x00b\x07c\x1bd\ud800", 1, None], ["line\x0bbreak", 2, None]]))
        self.assertEqual(rows[1][0], "abcd\ufffd")
        self.assertEqual(rows[2][0], "line\nbreak")

    def test_it_starts_with_a_byte_order_mark(self):
        self.assertTrue(tabular.csv_bytes(COLUMNS, []).startswith("\ufeffText".encode()))

    def test_it_streams_a_generator_in_the_language_of_the_request(self):
        def rows():
            for n in range(3):
                yield [translation.get_language(), n, None]

        with translation.override("fr"):
            response = tabular.csv_response("export.csv", COLUMNS, rows())
        self.assertIsInstance(response, StreamingHttpResponse)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="export.csv"')
        self.assertEqual([row[0] for row in read_csv(response.getvalue())[1:]], ["fr", "fr", "fr"])


class XlsxTests(SimpleTestCase):
    def workbook(self, rows, **sheet):
        return load_workbook(io.BytesIO(tabular.xlsx_bytes([Sheet("Results", COLUMNS, rows, **sheet)])))

    def test_it_stores_formulas_as_text_shown_as_typed(self):
        ws = self.workbook([[text, 1, None] for text in FORMULAS]).active
        for row, text in zip(ws.iter_rows(min_row=2), FORMULAS, strict=True):
            cell = row[0]
            self.assertEqual(cell.value, text)
            self.assertEqual(cell.data_type, "s")
            self.assertTrue(cell.quotePrefix)

    def test_it_types_numbers_and_dates(self):
        ws = self.workbook([["a", 42, datetime.date(2021, 6, 30)], ["b", -1.5, None]]).active
        self.assertEqual(ws["B2"].value, 42)
        self.assertEqual(ws["B2"].data_type, "n")
        self.assertEqual(ws["C2"].value, datetime.datetime(2021, 6, 30))  # noqa: DTZ001 (openpyxl reads naive)
        self.assertEqual(ws["C2"].number_format, "yyyy-mm-dd")
        self.assertEqual(ws["B3"].value, -1.5)
        self.assertFalse(ws["B3"].quotePrefix)

    @override_settings(TIME_ZONE="Europe/Paris", USE_TZ=True)
    def test_it_writes_aware_datetimes_in_local_time(self):
        moment = datetime.datetime(2021, 6, 30, 12, 0, tzinfo=datetime.UTC)
        ws = self.workbook([["a", 1, moment]]).active
        self.assertEqual(ws["C2"].value, datetime.datetime(2021, 6, 30, 14, 0))  # noqa: DTZ001 (Excel has no zones)

    def test_it_removes_control_characters_openpyxl_refuses(self):
        ws = self.workbook([["Bell\x07 title\x00", 1, None]]).active
        self.assertEqual(ws["A2"].value, "Bell title")

    def test_it_cuts_texts_longer_than_a_cell_holds(self):
        ws = self.workbook([["x" * 40_000, 1, None]]).active
        self.assertEqual(len(ws["A2"].value), tabular.MAX_CELL_CHARS)

    def test_it_styles_the_header_and_sets_widths_filter_and_frozen_panes(self):
        ws = self.workbook([["a", 1, None]]).active
        self.assertEqual([c.value for c in ws[1]], ["Text", "Number", "Date"])
        self.assertTrue(ws["A1"].font.b)
        self.assertEqual(ws["A1"].fill.fgColor.rgb, "00" + tabular.HEADER_COLOUR)
        self.assertEqual(ws.column_dimensions["A"].width, 40)
        self.assertEqual(ws.freeze_panes, "A2")
        self.assertEqual(ws.auto_filter.ref, "A1:C2")

    def test_it_adds_an_about_sheet(self):
        wb = self.workbook([], about=[("Search", "=cmd"), ("Rows", 0)], about_title="About")
        self.assertEqual(wb.sheetnames, ["Results", "About"])
        about = wb["About"]
        self.assertEqual(list(about.values), [("Search", "=cmd"), ("Rows", 0)])
        self.assertEqual(about["B1"].data_type, "s")

    def test_it_makes_valid_unique_sheet_names(self):
        wb = load_workbook(
            io.BytesIO(
                tabular.xlsx_bytes(
                    [Sheet("A/B:C*[D]?" + "x" * 40, COLUMNS, []), Sheet("A/B:C*[D]?" + "x" * 40, COLUMNS, [])]
                )
            )
        )
        self.assertEqual(len(wb.sheetnames[0]), 31)
        self.assertEqual(len(set(wb.sheetnames)), 2)
        self.assertFalse(set("/:*[]?") & set("".join(wb.sheetnames)))

    def test_it_answers_a_file_response_from_a_generator(self):
        response = tabular.xlsx_response(
            "export.xlsx", [Sheet("Rows", COLUMNS, ([str(n), n, None] for n in range(500)))]
        )
        self.assertIsInstance(response, FileResponse)
        self.assertEqual(response["Content-Type"], tabular.XLSX_TYPE)
        self.assertIn('filename="export.xlsx"', response["Content-Disposition"])
        ws = load_workbook(io.BytesIO(response.getvalue())).active
        self.assertEqual(ws.max_row, 501)
        response.file_to_stream.close()  # (response.close() would signal request_finished)

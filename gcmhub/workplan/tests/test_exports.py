import csv
import datetime
import io
import re
import zlib
from unittest import mock

import openpyxl
import time_machine
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from gcmhub.lib.changes import announce_changes
from gcmhub.test import make_activity
from gcmhub.workplan import exports, views_exports
from gcmhub.workplan.actions import do_add_contribution_note, do_post_status_update
from gcmhub.workplan.models import Activity, Status
from gcmhub.workplan.tests.test_activity import ActivityFixtures

D = datetime.date


def pdf_bytes_with_streams_inflated(data: bytes) -> bytes:
    """The PDF with its compressed streams appended inflated, to find metadata in object streams."""
    chunks = [data]
    view = memoryview(data)
    for match in re.finditer(rb"stream\r?\n", data):
        # A decompressor stops at the end of its own stream, whatever bytes follow (the compressed
        # bytes may hold anything, "endstream" and line breaks included).
        try:
            chunks.append(zlib.decompressobj().decompress(view[match.end() :]))
        except zlib.error:
            pass
    return b"".join(chunks)


@override_settings(SITE_URL="https://hub.example.org")
@time_machine.travel(datetime.datetime(2021, 8, 2, 12, tzinfo=datetime.UTC), tick=False)
class ExportFixtures(ActivityFixtures):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.extra = [
            make_activity(cls.ohchr_priority, periods=[(D(2021, 10, 1), D(2021, 12, 31))], text_en=f"Extra {i}")
            for i in range(2)
        ]

    def get(self, name, query="", lang="en", **kwargs):
        with translation.override(lang):
            url = reverse(f"workplan:{name}", args=[self.plan.slug])
        return self.client.get(url + query, **kwargs)


class CsvExportTests(ExportFixtures):
    def rows(self, response):
        content = response.content
        self.assertTrue(content.startswith(b"\xef\xbb\xbf"))
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))

    def test_it_exports_every_activity_of_the_plan(self):
        do_post_status_update(activity=self.activity, author=self.ines, status=Status.ON_TRACK, percent_complete=30)
        response = self.get("export_csv")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn('filename="wp-2021-activities-2021-08-02.csv"', response["Content-Disposition"])
        header, *rows = self.rows(response)
        self.assertEqual(header[:4], ["Priority", "Priority title", "Activity number", "Activity"])
        self.assertEqual(len(rows), 4)
        row = rows[0]
        self.assertEqual(row[0], "Core priority 2.1")
        self.assertEqual(row[2], "3")
        self.assertEqual(row[3], "Élaborer une note d'orientation")
        self.assertEqual(row[4], "T2 2021 ; 2022")
        self.assertEqual(row[5], "2021-04-01/2021-06-30; 2022-01-01/2022-12-31")
        self.assertEqual(row[7], "On track")
        self.assertEqual(row[8], "30")
        self.assertEqual(row[9], "IOM")
        self.assertEqual(row[10], "OHCHR")
        self.assertEqual(row[11], "1. Objective 1; 2. Objective 2")
        self.assertEqual(row[12], "1. Thematic area 1")
        self.assertEqual(row[13], "No")
        self.assertEqual(row[14], "2021-08-02")
        self.assertEqual(rows[1][13], "Yes")  # OHCHR's Q1 2021 activity is overdue

    def test_it_respects_the_list_filters(self):
        header, *rows = self.rows(self.get("export_csv", "?lead=ohchr"))
        self.assertEqual(len(rows), 3)
        self.assertTrue(all(row[9] == "OHCHR" for row in rows))
        header, *rows = self.rows(self.get("export_csv", "?overdue=on"))
        self.assertEqual([row[0] for row in rows], ["Core priority 3"])

    def test_it_writes_the_page_language(self):
        header, *rows = self.rows(self.get("export_csv", lang="fr"))
        self.assertEqual(rows[2][3], f"Activité {self.extra[0].number}")
        header, *rows = self.rows(self.get("export_csv", lang="en"))
        self.assertEqual(rows[2][3], "Extra 0")

    def test_it_neutralises_formulas(self):
        make_activity(self.priority, text_en='=HYPERLINK("http://evil")', text_fr="")
        header, *rows = self.rows(self.get("export_csv", "?q=HYPERLINK"))
        self.assertEqual(rows[0][3], '\'=HYPERLINK("http://evil")')

    def test_it_404s_for_an_unknown_plan(self):
        self.assertEqual(self.client.get(reverse("workplan:export_csv", args=["nope"])).status_code, 404)

    def test_it_pins_the_query_count(self):
        # plan, 3 filter choices (areas, objectives, organisations), activities + 4 prefetches
        with self.assertNumQueries(9):
            self.get("export_csv")
        make_activity(self.priority, periods=[(D(2022, 1, 1), D(2022, 3, 31))])
        with self.assertNumQueries(9):
            self.get("export_csv", "?lead=iom")


class XlsxExportTests(ExportFixtures):
    def test_it_exports_a_styled_workbook_with_an_about_sheet(self):
        response = self.get("export_xlsx", "?lead=ohchr")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], views_exports.XLSX_TYPE)
        self.assertIn(".xlsx", response["Content-Disposition"])
        wb = openpyxl.load_workbook(io.BytesIO(response.content))
        self.assertEqual(wb.sheetnames, ["Activities", "About"])
        ws = wb["Activities"]
        self.assertEqual(ws.freeze_panes, "A2")
        self.assertTrue(ws["A1"].font.bold)
        self.assertEqual(ws["A1"].value, "Priority")
        self.assertEqual(ws.max_row, 4)  # header + OHCHR's three
        self.assertEqual(ws["A2"].value, "Core priority 3")
        self.assertGreater(ws.column_dimensions["D"].width, 20)
        about = {row[0]: row[1] for row in wb["About"].iter_rows(values_only=True)}
        self.assertEqual(about["Work plan"], "Work plan 2021-2022")
        self.assertEqual(about["Filter: Lead organisation"], "OHCHR")
        self.assertIn("Generated at", about)

    def test_it_pins_the_query_count(self):
        with self.assertNumQueries(9):
            self.get("export_xlsx")


class IcsFeedTests(ExportFixtures):
    def feed(self, *args, query=""):
        name = "feeds:organisation_ics" if len(args) > 1 else "feeds:workplan_ics"
        response = self.client.get(reverse(name, args=args) + query)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        return Calendar.from_ical(response.content)

    def events(self, cal):
        return {str(e["UID"]): e for e in cal.walk("VEVENT")}

    def test_it_publishes_one_all_day_event_per_period_end(self):
        events = self.events(self.feed(self.plan.slug))
        self.assertEqual(len(events), 5)
        event = events[f"activity-{self.activity.pk}-1@gcmhub"]
        self.assertEqual(event.decoded("DTSTART"), D(2021, 6, 30))
        self.assertEqual(event.decoded("DTEND"), D(2021, 7, 1))
        self.assertEqual(str(event["SUMMARY"]), "Core priority 2.1 – Activity 3: Élaborer une note d'orientation")
        self.assertEqual(str(event["URL"]), f"https://hub.example.org/en/workplan/activities/{self.activity.pk}/")
        self.assertIn("Q2 2021", str(event["DESCRIPTION"]))
        self.assertEqual(events[f"activity-{self.activity.pk}-2@gcmhub"].decoded("DTSTART"), D(2022, 12, 31))

    def test_it_keeps_uids_stable(self):
        first = set(self.events(self.feed(self.plan.slug)))
        second = set(self.events(self.feed(self.plan.slug)))
        self.assertEqual(first, second)

    def test_it_filters_by_organisation_lead_or_participant(self):
        ohchr = self.events(self.feed(self.plan.slug, "ohchr"))
        self.assertEqual(len(ohchr), 5)  # leads its priority's three, participates in IOM's one (two periods)
        iom = self.events(self.feed(self.plan.slug, "iom"))
        self.assertEqual(set(iom), {f"activity-{self.activity.pk}-1@gcmhub", f"activity-{self.activity.pk}-2@gcmhub"})

    def test_it_speaks_the_requested_language(self):
        events = self.events(self.feed(self.plan.slug, query="?lang=fr"))
        event = events[f"activity-{self.activity.pk}-1@gcmhub"]
        self.assertIn("/fr/workplan/activities/", str(event["URL"]))

    def test_it_404s_for_unknown_plans_and_organisations(self):
        self.assertEqual(self.client.get(reverse("feeds:workplan_ics", args=["nope"])).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("feeds:organisation_ics", args=[self.plan.slug, "nope"])).status_code, 404
        )

    def test_it_pins_the_query_count(self):
        # plan, activities + 4 prefetches; the organisation feed adds the organisation
        with self.assertNumQueries(6):
            self.client.get(reverse("feeds:workplan_ics", args=[self.plan.slug]))
        with self.assertNumQueries(7):
            self.client.get(reverse("feeds:organisation_ics", args=[self.plan.slug, "ohchr"]))


class ProgressReportTests(ExportFixtures):
    def setUp(self):
        cache.clear()  # reports are cached by plan version, and every test starts from the same one

    def test_it_writes_a_tagged_accessible_pdf(self):
        for lang in ("en", "fr"):
            with self.subTest(lang=lang):
                content = pdf_bytes_with_streams_inflated(self.get("report_pdf", lang=lang).content)
                self.assertIn(b"/StructTreeRoot", content)  # tagged: a structure tree
                self.assertIn(b"/MarkInfo", content)
                self.assertIn(f"/Lang ({lang})".encode(), content)
                self.assertIn(b"pdfuaid", content)  # declares PDF/UA in its metadata
                for tag in (b"/H1", b"/H2", b"/Table", b"/TH", b"/L"):
                    self.assertIn(tag, content)

    def test_it_serves_the_cached_report_until_the_plan_changes(self):
        with mock.patch.object(exports, "build_report_pdf", wraps=exports.build_report_pdf) as build:
            first = self.get("report_pdf").content
            self.assertEqual(self.get("report_pdf").content, first)
            self.assertEqual(build.call_count, 1)
            with self.assertNumQueries(4):  # the plan and the filter form's choices
                self.get("report_pdf")
            self.get("report_pdf", "?lead=iom")  # other filters, another report
            self.get("report_pdf", lang="fr")  # another language, another report
            self.assertEqual(build.call_count, 3)
            # A new status update gives a new report at once.
            do_post_status_update(activity=self.activity, author=self.ines, status=Status.DELAYED, narrative="Stuck")
            second = self.get("report_pdf").content
            self.assertEqual(build.call_count, 4)
            self.assertNotEqual(second, first)
            self.assertEqual([u.narrative for u in build.call_args.args[2]][:1], ["Stuck"])
            # So does an edit of a priority, a plan or an activity, and a bulk write announced.
            for change in (
                lambda: self.priority.save(),
                lambda: self.plan.save(),
                lambda: self.activity.save(update_fields=["status"]),
                lambda: announce_changes(Activity, [self.activity.pk]),
            ):
                change()
                self.get("report_pdf")
            self.assertEqual(build.call_count, 8)
            self.get("report_pdf")
            self.assertEqual(build.call_count, 8)

    def test_it_never_fetches_a_remote_url(self):
        """ASVS 4.0 V5.3.9: whatever the report's HTML names (an image, a stylesheet, a font), only
        local files and data: URLs are read; a server on loopback counts the requests it gets."""
        import http.server
        import threading

        hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            remote = f"http://127.0.0.1:{server.server_port}"
            html = (
                f'<html lang="en"><head><title>R</title><link rel="stylesheet" href="{remote}/style.css">'
                f"<style>@font-face {{ font-family: x; src: url({remote}/font.woff2); }}</style></head>"
                f'<body><h1>Report</h1><img src="{remote}/image.png" alt="x"></body></html>'
            )
            with mock.patch.object(exports, "render_to_string", return_value=html):
                pdf = exports.build_report_pdf(self.plan, [], [], filters={})
        finally:
            server.shutdown()
            server.server_close()
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertEqual(hits, [])

    def test_it_renders_a_pdf_with_the_plan_title(self):
        do_post_status_update(activity=self.activity, author=self.ines, status=Status.AT_RISK, narrative="Slow start")
        response = self.get("report_pdf")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        self.assertIn(b"Work plan 2021-2022", pdf_bytes_with_streams_inflated(response.content))

    def test_it_reports_status_counts_overdue_and_the_last_three_updates(self):
        for i in range(4):
            do_post_status_update(
                activity=self.activity, author=self.ines, status=Status.ON_TRACK, narrative=f"Update number {i}"
            )
        do_add_contribution_note(activity=self.ohchr_activity, author=self.oscar, narrative="OHCHR note")
        with mock.patch.object(exports, "render_to_string", wraps=exports.render_to_string) as render:
            self.get("report_pdf")
        html = exports.render_to_string(*render.call_args.args, **render.call_args.kwargs)
        self.assertIn("<title>Work plan 2021-2022</title>", html)
        self.assertIn("Update number 3", html)
        self.assertIn("Update number 1", html)
        self.assertNotIn("Update number 0", html)  # three per priority
        self.assertIn("OHCHR note", html)
        self.assertIn("Core priority 3", html)

    def test_it_respects_the_filters(self):
        with mock.patch.object(exports, "render_to_string", wraps=exports.render_to_string) as render:
            self.get("report_pdf", "?lead=iom")
        context = render.call_args.args[1]
        self.assertEqual([s["priority"] for s in context["sections"]], [self.priority])
        self.assertEqual(context["filters"], [("Lead organisation", "IOM")])

    def test_it_pins_the_query_count(self):
        do_post_status_update(activity=self.activity, author=self.ines, status=Status.ON_TRACK)
        # plan, 3 filter choices, activities + 4 prefetches, latest updates
        with self.assertNumQueries(10):
            self.get("report_pdf")

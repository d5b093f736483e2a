"""One activity filter for every door (the list page, the calendar, the CSV/XLSX/PDF downloads
and the API), and one rule for what "overdue" means, wherever it shows."""

import csv
import datetime
import io
from unittest import mock

import openpyxl
import time_machine

from gcmhub.api.workplan import ActivityFilters
from gcmhub.test import make_activity
from gcmhub.workplan import exports
from gcmhub.workplan.filters import ActivityFilterForm
from gcmhub.workplan.models import Activity, ActivityFilter, Status, overdue_q
from gcmhub.workplan.tasks import due_activities
from gcmhub.workplan.tests.test_pages import TODAY, PlanTestCase

D = datetime.date

# The same filters as the pages write them and as the API takes them.
CASES = [
    ({}, {}),
    ({"kind": "core"}, {"kind": "core"}),
    ({"kind": "thematic", "status": "at_risk"}, {"kind": "thematic", "status": "at_risk"}),
    ({"area": "1"}, {"area": "1"}),
    ({"objective": "1"}, {"objective": "1"}),
    ({"objective": "2"}, {"objective": "2"}),
    ({"lead": "iom"}, {"lead": "IOM"}),
    ({"lead": "ohchr"}, {"lead": "HCDH"}),
    ({"participant": "ohchr"}, {"participant": "ohchr"}),
    ({"participant": "un-women"}, {"participant": "un-women"}),
    ({"status": "ongoing"}, {"status": "ongoing"}),
    ({"period": "2021"}, {"period": "2021"}),
    ({"period": "2022-Q1"}, {"period": "2022-Q1"}),
    ({"overdue": "on"}, {"overdue": "true"}),
    ({"q": "atelier"}, {"q": "atelier"}),
    ({"q": "webinar", "lead": "ohchr", "period": "2022"}, {"q": "webinar", "lead": "ohchr", "period": "2022"}),
]


class OneFilterTests(PlanTestCase):
    """For the same filters, the list, the calendar, the three downloads and the API name the same
    activities, and those are what `Activity.objects.matching()` selects."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.a5 = make_activity(
            cls.core,
            number=3,
            order=3,
            text_en="Late survey",
            periods=[(D(2021, 7, 1), D(2021, 9, 30))],
            status=Status.ON_TRACK,
            percent_complete=80,
        )

    def keys(self, activities) -> set:
        return {(a.priority.code, a.number) for a in activities}

    def html_list(self, query: dict) -> set:
        response = self.get("/en/workplan/wp/activities/", data=query)
        self.assertEqual(response.status_code, 200)
        return self.keys(r.activity for r in response.context["rows"])

    def calendar(self, query: dict) -> set:
        response = self.get("/en/workplan/wp/calendar/", data=query)
        self.assertEqual(response.status_code, 200)
        return self.keys(r.activity for _first, rows in response.context["groups"] for r in rows)

    def csv(self, query: dict) -> set:
        response = self.get("/en/workplan/wp/activities.csv", data=query)
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
        return {(row[0].rsplit(" ", 1)[-1], int(row[2])) for row in rows}

    def xlsx(self, query: dict) -> set:
        response = self.get("/en/workplan/wp/activities.xlsx", data=query)
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        return {(str(row[0]).rsplit(" ", 1)[-1], row[2]) for row in sheet.iter_rows(min_row=2, values_only=True)}

    def pdf(self, query: dict) -> set:
        with mock.patch.object(exports, "build_report_pdf", return_value=b"%PDF-") as build:
            self.get("/en/workplan/wp/report.pdf", data={**query, "nocache": len(query)})
        return self.keys(build.call_args.args[1])

    def api(self, query: dict) -> set:
        response = self.get("/api/v1/activities", data={**query, "workplan": "wp", "limit": 100})
        self.assertEqual(response.status_code, 200, response.content)
        return {(item["priority"]["code"], item["number"]) for item in response.json()["items"]}

    def test_it_selects_the_same_activities_through_every_door(self):
        seen = set()
        for page_query, api_query in CASES:
            with self.subTest(filters=page_query):
                expected = self.html_list(page_query)
                self.assertEqual(self.calendar(page_query), expected)
                self.assertEqual(self.csv(page_query), expected)
                self.assertEqual(self.xlsx(page_query), expected)
                self.assertEqual(self.pdf(page_query), expected)
                self.assertEqual(self.api(api_query), expected)
                seen.add(frozenset(expected))
        # The cases tell the activities apart: they are not all "everything" or "nothing".
        self.assertGreater(len(seen), 6)

    def test_it_selects_what_the_filters_say(self):
        def selected(**values):
            with time_machine.travel(TODAY, tick=False):
                return self.keys(Activity.objects.matching(ActivityFilter(workplan_id=self.plan.pk, **values)))

        self.assertEqual(selected(area=1), {("2.1", 1), ("2.1", 2), ("2.1", 3)})
        self.assertEqual(selected(lead="ohchr"), {("3", 1)})  # its own lead, not the priority's
        self.assertEqual(selected(lead="iom"), {("2.1", 1), ("2.1", 2), ("2.1", 3)})  # from the priority
        self.assertEqual(selected(objective=2), {("3", 1), ("3", 2)})  # "all objectives"
        self.assertEqual(selected(period=(D(2022, 1, 1), D(2022, 3, 31))), {("3", 1)})
        self.assertEqual(selected(overdue=True), {("2.1", 2), ("2.1", 3)})
        self.assertEqual(selected(overdue=False), {("2.1", 1), ("3", 1), ("3", 2)})

    def test_it_cleans_the_form_and_the_api_query_into_the_same_values(self):
        form = ActivityFilterForm(
            {
                "q": " data ",
                "kind": "core",
                "area": "1",
                "objective": "1",
                "lead": "iom",
                "participant": "ohchr",
                "status": "on_track",
                "period": "2021-Q2",
                "overdue": "on",
            },
            workplan=self.plan,
        )
        query = ActivityFilters(
            workplan="wp",
            q=" data ",
            kind="core",
            area=1,
            objective=1,
            lead="IOM",
            participant="OHCHR",
            status="on_track",
            period="2021-Q2",
            overdue=True,
        )
        cleaned = form.activity_filter()
        self.assertEqual(cleaned, query.activity_filter())
        self.assertEqual(cleaned.period, (D(2021, 4, 1), D(2021, 6, 30)))
        self.assertEqual((cleaned.q, cleaned.lead, cleaned.participant), ("data", "iom", "ohchr"))

    def test_it_reports_bad_filters_on_the_page_and_in_the_api_alike(self):
        for name, value in (("period", "2021-Q5"), ("period", "0000"), ("period", "9999-Q4"), ("objective", "x")):
            with self.subTest(name=name, value=value):
                page = self.get("/en/workplan/wp/activities/", data={name: value})
                self.assertEqual(page.status_code, 200)
                self.assertContains(page, f'id="id_{name}_error"')
                self.assertEqual(len(page.context["rows"]), 5)  # the bad filter is left out
                self.assertEqual(self.get("/en/workplan/wp/activities.csv", data={name: value}).status_code, 200)
                self.assertEqual(self.get("/api/v1/activities", data={name: value}).status_code, 400)
        # A NUL byte is refused before any view runs (gcmhub.lib.textinput): a 400 with a message
        # on the page and in the API, never a 500 (PostgreSQL cannot compare text holding one).
        page = self.get("/en/workplan/wp/activities/", data={"q": "data\x00"})
        self.assertEqual(page.status_code, 400)
        api = self.get("/api/v1/activities", data={"q": "web\x00inar"})
        self.assertEqual(api.status_code, 400)
        self.assertIn("q", api.json()["errors"])
        for name, value in (("objective", "99999999999999999999"), ("area", "-1"), ("area", "1e23")):
            with self.subTest(name=name, value=value):
                self.assertEqual(self.get("/api/v1/activities", data={name: value}).status_code, 400)
                self.assertEqual(self.get("/en/workplan/wp/activities/", data={name: value}).status_code, 200)


class OverdueRuleTests(PlanTestCase):
    """Overdue: the last deadline has passed, and the activity is neither completed, cancelled nor
    ongoing (by its deadline or its status)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.late = make_activity(
            cls.core,
            number=7,
            order=7,
            text_en="Late survey",
            periods=[(D(2021, 7, 1), D(2021, 9, 30))],
            status=Status.ON_TRACK,
            percent_complete=80,
        )
        cls.late_ongoing = make_activity(
            cls.core,
            number=8,
            order=8,
            text_en="Continuing support",
            periods=[(D(2021, 1, 1), D(2021, 3, 31))],
            status=Status.ONGOING,
        )

    def test_it_agrees_between_the_model_and_the_database(self):
        today = TODAY.date()
        for status in Status.values:
            for ongoing in (False, True):
                for due in (None, D(2021, 1, 1), D(2022, 2, 15), D(2023, 1, 1)):
                    Activity.objects.filter(pk=self.late.pk).update(status=status, ongoing=ongoing, due_date=due)
                    activity = Activity.objects.get(pk=self.late.pk)
                    in_query = Activity.objects.filter(overdue_q(today), pk=activity.pk).exists()
                    with self.subTest(status=status, ongoing=ongoing, due=due):
                        self.assertEqual(activity.is_overdue(today), in_query)
                        expected = bool(
                            due and due < today and not ongoing and status not in ("completed", "cancelled", "ongoing")
                        )
                        self.assertEqual(in_query, expected)

    def test_it_never_says_on_track_and_overdue_side_by_side(self):
        text = self.text(self.get("/en/workplan/wp/activities/"))
        self.assertIn("Late survey</span>", text.replace("Core priority 2.1 – Activity 7", ""))  # the row is there
        self.assertIn(
            '<span class="badge badge--overdue">Overdue</span> <span class="status status--on_track">'
            "Last report: On track · 80%</span>",
            text,
        )
        self.assertNotIn('<span class="status status--on_track">On track · 80%</span> <span class="badge', text)

    def test_it_keeps_ongoing_activities_out_of_every_overdue_list(self):
        calendar = self.get("/en/workplan/wp/calendar/")
        overdue = [r.activity.pk for r in calendar.context["overdue"]]
        self.assertIn(self.late.pk, overdue)
        self.assertNotIn(self.late_ongoing.pk, overdue)
        self.assertNotIn(self.a4.pk, overdue)
        listed = {r.activity.pk for r in self.get("/en/workplan/wp/activities/?overdue=on").context["rows"]}
        self.assertEqual(listed, {self.a2.pk, self.late.pk})
        overview = self.get("/en/workplan/wp/")
        self.assertEqual(overview.context["summary"]["overdue"], 2)
        self.assertContains(overview, "neither completed, cancelled nor ongoing")
        dashboard = self.get("/en/workplan/wp/dashboard/")
        self.assertEqual(dashboard.context["summary"]["overdue"], 2)
        api = self.get("/api/v1/activities?overdue=true").json()
        self.assertEqual({item["id"] for item in api["items"]}, {self.a2.pk, self.late.pk})
        with time_machine.travel(TODAY, tick=False):
            digest = {a.pk: a.digest_overdue for a in due_activities(TODAY.date())}
        self.assertTrue(digest[self.late.pk])
        self.assertNotIn(self.late_ongoing.pk, digest)

    def test_it_says_ongoing_in_the_spreadsheet_when_the_status_says_so(self):
        response = self.get("/en/workplan/wp/activities.csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        by_text = {row["Activity"]: row for row in rows}
        self.assertEqual(
            [by_text["Continuing support"][k] for k in ("Ongoing", "Status (last report)", "Overdue")],
            ["Yes", "Ongoing", "No"],
        )
        self.assertEqual(
            [by_text["Late survey"][k] for k in ("Ongoing", "Status (last report)", "Overdue")],
            ["No", "On track", "Yes"],
        )

    def test_it_explains_overdue_on_the_activity_page(self):
        response = self.get(f"/en/workplan/activities/{self.late.pk}/")
        self.assertContains(response, '<span class="badge badge--overdue">Overdue</span>')
        self.assertContains(response, "neither completed, cancelled nor ongoing")
        response = self.get(f"/en/workplan/activities/{self.late_ongoing.pk}/")
        self.assertNotContains(response, "badge--overdue")

import datetime
import re

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gcmhub.test import (
    BaseTestCase,
    make_activity,
    make_objective,
    make_organisation,
    make_priority,
    make_thematic_area,
    make_workplan,
)
from gcmhub.workplan.models import ActivityPeriod, Priority, PriorityOrganisation, Status, WorkPlan

D = datetime.date
TODAY = datetime.datetime(2022, 2, 15, 12, tzinfo=datetime.UTC)  # Q1 2022
LANGS = ("en", "fr", "es")


class PlanTestCase(BaseTestCase):
    """A plan with a core priority (IOM leads, OHCHR participates), a thematic priority whose
    activities name their own leads, and a working group without activities."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.unwomen = make_organisation("UN Women", slug="un-women")
        cls.area = make_thematic_area(1, name_en="Data and evidence")
        cls.obj1 = make_objective(1)
        cls.obj2 = make_objective(2)
        cls.plan = make_workplan(slug="wp", title_en="Network work plan 2021-2022", title_fr="", as_of="1 March 2021")
        cls.core = make_priority(
            cls.plan,
            code="2.1",
            slug="core-2-1",
            title_en="Data capacity",
            title_fr="",
            leads=[cls.iom],
            objectives=[cls.obj1],
            thematic_area=cls.area,
            order=1,
        )
        PriorityOrganisation.objects.create(
            priority=cls.core, organisation=cls.ohchr, role="participant", note="represented by its regional office"
        )
        cls.thematic = make_priority(
            cls.plan,
            kind=Priority.Kind.THEMATIC,
            code="3",
            slug="thematic-3",
            title_en="Children",
            all_objectives=True,
            order=2,
        )
        cls.group = make_priority(
            cls.plan,
            kind=Priority.Kind.WORKING_GROUP,
            code="",
            slug="wg-returns",
            title_en="Working group on returns",
            cross_cutting=True,
            order=3,
        )
        cls.a1 = make_activity(
            cls.core,
            number=1,
            order=1,
            text_en="Regional workshop on data",
            text_fr="Atelier régional sur les données",
            deadline_text="T2 2021",
            periods=[(D(2021, 4, 1), D(2021, 6, 30))],
            status=Status.COMPLETED,
        )
        cls.a2 = make_activity(
            cls.core,
            number=2,
            order=2,
            text_en="Guidance note",
            text_fr="Note d'orientation",
            deadline_text="2021",
            periods=[(D(2021, 1, 1), D(2021, 12, 31))],
            status=Status.ON_TRACK,
        )
        cls.a3 = make_activity(
            cls.thematic,
            number=1,
            order=1,
            text_en="Child rights webinar",
            text_fr="Webinaire droits de l'enfant",
            deadline_text="mars",
            leads=[cls.ohchr],
            participants=[cls.unwomen],
            status=Status.AT_RISK,
            start_date=D(2022, 1, 1),
            due_date=D(2022, 3, 31),
        )
        ActivityPeriod.objects.create(activity=cls.a3, start=D(2022, 1, 1), end=D(2022, 3, 31), year_inferred=True)
        cls.a4 = make_activity(
            cls.thematic,
            number=2,
            order=2,
            text_en="Standing coordination",
            text_fr="Coordination permanente",
            ongoing=True,
            leads=[cls.unwomen],
            status=Status.ONGOING,
        )

    def get(self, url, **kwargs):
        with time_machine.travel(TODAY, tick=False):
            return self.client.get(url, **kwargs)

    def text(self, response) -> str:
        return re.sub(r"\s+", " ", response.content.decode())


class IndexTests(PlanTestCase):
    def test_it_redirects_to_the_current_plan(self):
        make_workplan(slug="older", is_current=False, period_start=D(2019, 1, 1))
        for name, target in (
            ("", "/en/workplan/wp/"),
            ("calendar/", "/en/workplan/wp/calendar/"),
            ("dashboard/", "/en/workplan/wp/dashboard/"),
        ):
            self.assertRedirects(self.get(f"/en/workplan/{name}"), target, fetch_redirect_response=False)

    def test_it_falls_back_to_the_latest_plan(self):
        WorkPlan.objects.update(is_current=False)
        self.assertRedirects(self.get("/fr/workplan/"), "/fr/workplan/wp/", fetch_redirect_response=False)

    def test_it_keeps_the_filters_on_the_current_calendar(self):
        response = self.get("/en/workplan/calendar/?kind=core")
        self.assertRedirects(response, "/en/workplan/wp/calendar/?kind=core", fetch_redirect_response=False)

    def test_it_shows_a_friendly_404_without_a_plan(self):
        WorkPlan.objects.all().delete()
        for url in ("/en/workplan/", "/en/workplan/calendar/", "/en/workplan/dashboard/"):
            response = self.get(url)
            self.assertEqual(response.status_code, 404)
            self.assertContains(response, "No work plan yet", status_code=404)


class OverviewTests(PlanTestCase):
    def test_it_shows_the_plan_in_three_languages(self):
        for lang in LANGS:
            response = self.get(f"/{lang}/workplan/wp/")
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, f'<html lang="{lang}"')
            self.assertContains(response, '<h1 lang="en" dir="ltr">Network work plan 2021-2022</h1>')
            self.assertContains(response, "1 March 2021")

    def test_it_groups_priority_cards_by_kind(self):
        text = self.text(self.get("/en/workplan/wp/"))
        self.assertLess(text.index("Core priorities"), text.index("Thematic working groups"))
        self.assertLess(text.index("Thematic working groups"), text.index("Thematic priorities"))
        self.assertIn("Core priority 2.1", text)
        self.assertIn("Working group on returns", text)

    def test_it_shows_progress_as_text(self):
        text = self.text(self.get("/en/workplan/wp/"))
        self.assertIn("1 of 2 activities completed", text)
        self.assertIn("0 of 2 activities completed", text)
        self.assertIn("No activities yet.", text)

    def test_it_counts_statuses_overdue_and_due_this_quarter(self):
        response = self.get("/en/workplan/wp/")
        summary = response.context["summary"]
        self.assertEqual(summary["total"], 4)
        self.assertEqual(summary["overdue"], 1)  # a2, due end of 2021
        self.assertEqual(summary["due_quarter"], 1)  # a3, due March 2022
        self.assertContains(response, "?overdue=on")

    def test_it_shows_leads_named_on_activities_for_thematic_priorities(self):
        response = self.get("/en/workplan/wp/")
        cards = {c.priority.slug: c for g in response.context["groups"] for c in g["cards"]}
        self.assertEqual([o.label for o in cards["core-2-1"].leads], ["IOM"])
        self.assertEqual(
            {o.url for o in cards["thematic-3"].leads},
            {"/en/gcm/organisations/ohchr/", "/en/gcm/organisations/un-women/"},
        )
        self.assertTrue(cards["thematic-3"].leads_inherited)

    def test_it_links_exports_calendar_and_dashboard(self):
        response = self.get("/en/workplan/wp/")
        for url in (
            "/en/workplan/wp/activities.csv",
            "/en/workplan/wp/activities.xlsx",
            "/en/workplan/wp/report.pdf",
            "/feeds/workplan/wp.ics",
            "/en/workplan/wp/calendar/",
            "/en/workplan/wp/dashboard/",
        ):
            self.assertContains(response, f'href="{url}"')

    def test_it_404s_for_an_unknown_plan(self):
        self.assertEqual(self.get("/en/workplan/nope/").status_code, 404)


class PriorityDetailTests(PlanTestCase):
    def test_it_shows_the_priority_in_three_languages(self):
        for lang in LANGS:
            response = self.get(f"/{lang}/workplan/wp/priorities/core-2-1/")
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, f'<html lang="{lang}"')
            self.assertContains(response, "Data capacity")
            self.assertContains(response, f"/{lang}/gcm/objectives/1/")
            self.assertContains(response, f"/{lang}/gcm/thematic-areas/1/")
            self.assertContains(response, f"/{lang}/gcm/organisations/iom/")

    def test_it_lists_activities_with_deadlines_and_parsed_periods(self):
        text = self.text(self.get("/en/workplan/wp/priorities/core-2-1/"))
        self.assertIn("Regional workshop on data", text)
        self.assertIn("T2 2021", text)
        self.assertIn("Q2 2021", text)
        self.assertIn("Jan.–Dec. 2021", text)
        self.assertIn("Completed", text)
        self.assertIn("Overdue", text)
        self.assertIn("represented by its regional office", text)
        self.assertIn("Leads (from the priority):", text)
        self.assertIn(f'href="/en/workplan/activities/{self.a1.pk}/"', text)

    def test_it_marks_inferred_years_and_own_leads(self):
        text = self.text(self.get("/en/workplan/wp/priorities/thematic-3/"))
        self.assertIn("All objectives", text)
        self.assertIn("year inferred", text)
        self.assertIn("Q1 2022", text)
        self.assertIn("Ongoing", text)
        self.assertIn("Named on each activity", text)

    def test_it_says_cross_cutting(self):
        self.assertContains(self.get("/en/workplan/wp/priorities/wg-returns/"), "Cross-cutting")

    def test_it_shows_text_in_its_own_language_with_a_lang_attribute(self):
        response = self.get("/es/workplan/wp/priorities/core-2-1/")
        self.assertContains(
            response,
            '<p><span lang="fr" dir="ltr">Atelier régional sur les données</span>'
            ' <span class="shown-in-tag">(en francés)</span></p>',  # no Spanish translation yet
        )

    def test_it_404s_for_an_unknown_priority_or_plan(self):
        self.assertEqual(self.get("/en/workplan/wp/priorities/nope/").status_code, 404)
        self.assertEqual(self.get("/en/workplan/other/priorities/core-2-1/").status_code, 404)


class ActivityListTests(PlanTestCase):
    url = "/en/workplan/wp/activities/"

    def pks(self, query=""):
        response = self.get(self.url + query)
        self.assertEqual(response.status_code, 200)
        return {row.activity.pk for row in response.context["rows"]}

    def test_it_lists_every_activity_in_three_languages(self):
        expected = {"en": "4 activities match.", "fr": "4 activités correspondent.", "es": "4 actividades coinciden."}
        for lang in LANGS:
            response = self.get(f"/{lang}/workplan/wp/activities/")
            self.assertContains(response, f'<html lang="{lang}"')
            self.assertEqual(len(response.context["rows"]), 4)
            self.assertContains(response, expected[lang])

    def test_it_filters_by_each_field(self):
        a1, a2, a3, a4 = (self.a1.pk, self.a2.pk, self.a3.pk, self.a4.pk)
        cases = {
            "?kind=core": {a1, a2},
            "?kind=thematic": {a3, a4},
            "?area=1": {a1, a2},
            "?objective=1": {a1, a2, a3, a4},  # the thematic priority covers all objectives
            "?objective=2": {a3, a4},
            "?lead=iom": {a1, a2},
            "?lead=ohchr": {a3},
            "?participant=ohchr": {a1, a2},
            "?participant=un-women": {a3},
            "?status=on_track": {a2},
            "?period=2021": {a1, a2},
            "?period=2021-Q2": {a1, a2},
            "?period=2022-Q1": {a3},
            "?overdue=on": {a2},
            "?q=atelier": {a1},
            "?q=WEBINAR": {a3},
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                self.assertEqual(self.pks(query), expected)

    def test_it_combines_filters(self):
        self.assertEqual(self.pks("?kind=core&period=2021-Q2&status=completed"), {self.a1.pk})
        self.assertEqual(self.pks("?lead=iom&overdue=on"), {self.a2.pk})

    def test_it_shows_removable_chips_for_active_filters(self):
        response = self.get(self.url + "?kind=core&status=on_track&page=1")
        chips = {c["key"]: c for c in response.context["chips"]}
        self.assertEqual(chips["kind"]["value"], "Core priority")
        self.assertEqual(chips["status"]["value"], "On track")
        self.assertEqual(chips["kind"]["remove_url"], "?status=on_track")
        self.assertContains(response, "Remove filter “Status”")

    def test_it_carries_the_filters_into_the_export_links(self):
        response = self.get(self.url + "?kind=core&sort=due&page=1")
        self.assertContains(response, 'href="/en/workplan/wp/activities.csv?kind=core"')
        self.assertContains(response, 'href="/en/workplan/wp/activities.xlsx?kind=core"')

    def test_it_says_when_nothing_matches(self):
        response = self.get(self.url + "?q=nothing-like-this")
        self.assertContains(response, "No activity matches these filters.")
        self.assertContains(response, f'href="{self.url}"')

    def test_it_shows_invalid_filters_next_to_the_field(self):
        response = self.get(self.url + "?kind=bogus&period=2021-Q5&area=x&lead=nobody&status=on_track")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="error-summary"')
        self.assertContains(response, 'id="id_period_error"')
        self.assertContains(response, "Write a year (2021) or a quarter (2021-Q2).")
        self.assertContains(response, 'id="id_kind_error"')
        self.assertContains(response, 'aria-invalid="true"')
        self.assertContains(response, 'value="2021-Q5"')  # what the user typed stays
        # The valid filter still applies.
        self.assertEqual({r.activity.pk for r in response.context["rows"]}, {self.a2.pk})

    def test_it_sorts(self):
        def order(sort):
            return [r.activity.pk for r in self.get(f"{self.url}?sort={sort}").context["rows"]]

        self.assertEqual(order("number"), [self.a1.pk, self.a2.pk, self.a3.pk, self.a4.pk])
        self.assertEqual(order("due"), [self.a1.pk, self.a2.pk, self.a3.pk, self.a4.pk])
        self.assertEqual(order("-due"), [self.a3.pk, self.a2.pk, self.a1.pk, self.a4.pk])
        self.assertEqual(order("status")[:2], [self.a1.pk, self.a2.pk])  # completed, then on track
        self.assertEqual(order("whatever"), order("number"))

    def test_it_paginates_by_25_with_accessible_links(self):
        for n in range(30):
            make_activity(self.core, number=10 + n, order=10 + n)
        first = self.get(self.url)
        self.assertEqual(len(first.context["rows"]), 25)
        self.assertContains(first, 'aria-label="Pages of results"')
        self.assertContains(first, 'href="?page=2"')
        second = self.get(self.url + "?page=2&kind=core")
        self.assertEqual(len(second.context["rows"]), 7)
        self.assertContains(second, '<span aria-current="page">')
        self.assertContains(second, "(current)")
        self.assertContains(second, 'href="?page=1&amp;kind=core"')
        self.assertEqual(len(self.get(self.url + "?page=abc").context["rows"]), 25)

    def test_it_404s_for_an_unknown_plan(self):
        self.assertEqual(self.get("/en/workplan/nope/activities/").status_code, 404)


class CalendarTests(PlanTestCase):
    url = "/en/workplan/wp/calendar/"

    def test_it_shows_the_timeline_in_three_languages(self):
        for lang in LANGS:
            response = self.get(f"/{lang}/workplan/wp/calendar/")
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, f'<html lang="{lang}"')
            first_quarter = "Q1 2021" if lang == "en" else "T1 2021"
            self.assertContains(response, f'<th scope="col" class="qh">{first_quarter}</th>')

    def test_it_has_a_column_per_quarter_of_the_plan_and_marks_the_current_one(self):
        response = self.get(self.url)
        self.assertEqual(len(response.context["quarters"]), 8)
        self.assertContains(response, 'Q1 2022<span class="visually-hidden"> (current quarter)</span>')

    def test_it_fills_cells_with_text_and_tells_inferred_years_apart(self):
        response = self.get(self.url)
        rows = {r.activity.pk: r for _first, rs in response.context["groups"] for r in rs}

        def quarters(activity, state):
            return sum(cell["span"] for cell in rows[activity.pk].cells if cell["state"] == state)

        self.assertEqual(quarters(self.a1, 0), 1)
        self.assertEqual(quarters(self.a2, 0), 4)
        self.assertEqual(quarters(self.a3, 1), 1)
        self.assertEqual(quarters(self.a4, 0) + quarters(self.a4, 1), 0)
        # Equal quarters side by side make one cell spanning them: 2021 is one cell for a2.
        self.assertContains(response, '<td class="q q--on" colspan="4"><span class="visually-hidden">scheduled</span>')
        self.assertContains(response, '<span class="visually-hidden">scheduled (year inferred)</span>', count=1)
        self.assertContains(response, '<span class="visually-hidden">scheduled</span>', count=2)
        # Every row spans the 8 quarters of the plan.
        for cells in rows.values():
            self.assertEqual(sum(cell["span"] for cell in cells.cells), 8)

    def test_it_lists_what_is_due_this_quarter_and_what_is_overdue(self):
        response = self.get(self.url)
        self.assertEqual([r.activity.pk for r in response.context["due_now"]], [self.a3.pk])
        self.assertEqual([r.activity.pk for r in response.context["overdue"]], [self.a2.pk])
        self.assertContains(response, "Due this quarter (Q1 2022)")

    def test_it_moves_with_the_date(self):
        with time_machine.travel(datetime.datetime(2021, 11, 1, tzinfo=datetime.UTC), tick=False):
            response = self.client.get(self.url)
        self.assertEqual([r.activity.pk for r in response.context["due_now"]], [self.a2.pk])
        self.assertEqual(response.context["overdue"], [])

    def test_it_never_lists_completed_or_ongoing_activities_as_overdue(self):
        self.a3.status = Status.COMPLETED
        self.a3.save(update_fields=["status"])
        self.a4.due_date = D(2021, 1, 31)
        self.a4.save(update_fields=["due_date"])
        with time_machine.travel(datetime.datetime(2022, 6, 1, tzinfo=datetime.UTC), tick=False):
            response = self.client.get(self.url)
        self.assertEqual([r.activity.pk for r in response.context["overdue"]], [self.a2.pk])

    def test_it_applies_the_list_filters(self):
        response = self.get(self.url + "?lead=iom")
        self.assertEqual(
            {r.activity.pk for _first, rs in response.context["groups"] for r in rs}, {self.a1.pk, self.a2.pk}
        )
        self.assertEqual(response.context["due_now"], [])
        response = self.get(self.url + "?kind=thematic&status=at_risk")
        self.assertEqual([r.activity.pk for r in response.context["due_now"]], [self.a3.pk])
        response = self.get(self.url + "?objective=bogus")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="id_objective_error"')

    def test_it_links_the_ics_feed(self):
        self.assertContains(self.get(self.url), 'href="/feeds/workplan/wp.ics"')


class DashboardTests(PlanTestCase):
    url = "/en/workplan/wp/dashboard/"

    def test_it_shows_the_charts_in_three_languages(self):
        for lang in LANGS:
            response = self.get(f"/{lang}/workplan/wp/dashboard/")
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, f'<html lang="{lang}"')
            self.assertContains(response, "<figure", count=4)
            self.assertContains(response, 'role="img"', count=4)
            self.assertContains(response, "<caption>", count=4)
            # Geometry is never localized ("12,5" would break the SVG).
            self.assertNotRegex(response.content.decode(), r'(x|y|width|height)="\d+,\d')

    def test_every_chart_has_a_title_a_summary_and_a_table(self):
        response = self.get(self.url)
        for chart_id in ("chart-priority", "chart-area", "chart-lead", "chart-deadlines"):
            self.assertContains(response, f'aria-labelledby="{chart_id}-title {chart_id}-desc"')
            self.assertContains(response, f'<title id="{chart_id}-title">')
            self.assertContains(response, f'<desc id="{chart_id}-desc">')
        self.assertContains(response, "Show the figures as a table", count=4)
        self.assertContains(response, '<th scope="row"><a href="/en/workplan/wp/priorities/core-2-1/">')

    def test_it_counts_by_priority_area_lead_and_quarter(self):
        response = self.get(self.url)
        by_priority, by_area, by_lead = response.context["stacked"]
        self.assertEqual([r.total for r in by_priority.rows], [2, 2])
        self.assertEqual([r.total for r in by_area.rows], [2, 2])
        self.assertEqual({r.label: r.total for r in by_lead.rows}, {"IOM": 2, "OHCHR": 1, "UN Women": 1})
        deadlines = response.context["deadlines"]
        self.assertEqual((deadlines.total, deadlines.overdue), (3, 1))
        self.assertContains(response, "1 of 4 activities completed")


class QueryCountTests(BaseTestCase):
    """Every page reads in the same number of queries for N and 3N activities."""

    pages = {
        "overview": ("/en/workplan/{plan}/", 6),
        # + the Hub resources it produced, + whether its English title is a suggestion to review
        "priority": ("/en/workplan/{plan}/priorities/{priority}/", 9),
        "list": ("/en/workplan/{plan}/activities/", 9),
        "list filtered": ("/en/workplan/{plan}/activities/?lead=iom&period=2021&sort=due", 9),
        "calendar": ("/en/workplan/{plan}/calendar/", 8),
        "calendar filtered": ("/en/workplan/{plan}/calendar/?kind=core&objective=1", 8),
        "dashboard": ("/en/workplan/{plan}/dashboard/", 5),
    }

    def build(self, n: int) -> tuple[str, str]:
        plan = make_workplan(is_current=False)
        area = make_thematic_area(n)
        objective = make_objective(n)
        priorities = [
            make_priority(
                plan, leads=[self.iom], participants=[self.ohchr], objectives=[objective], thematic_area=area
            ),
            make_priority(plan, kind=Priority.Kind.THEMATIC, all_objectives=True),
        ]
        for i in range(n):
            make_activity(
                priorities[i % 2],
                periods=[(D(2021, 1 + i % 12, 1), D(2021, 1 + i % 12, 28))],
                leads=[self.ohchr] if i % 2 else [],
                status=list(Status)[i % 7],
            )
        return plan.slug, priorities[0].slug

    def count(self, url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(ctx.captured_queries)

    def test_it_keeps_query_counts_constant(self):
        small = self.build(4)
        large = self.build(12)
        for name, (url, expected) in self.pages.items():
            with self.subTest(page=name):
                plan, priority = small
                self.count(url.format(plan=plan, priority=priority))  # warm the caches
                n = self.count(url.format(plan=plan, priority=priority))
                plan, priority = large
                with self.assertNumQueries(expected):
                    self.client.get(url.format(plan=plan, priority=priority))
                self.assertEqual(n, expected)

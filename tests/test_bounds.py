"""Numbers from the query string and the path, bounded on the HTML side: list pages, periods,
feeds and ids. Each case here was a 500 (or the wrong page) before."""

import datetime

from defusedxml.minidom import parseString
from django.urls import reverse

from gcmhub.knowledge.models import Practice
from gcmhub.test import (
    BaseTestCase,
    make_activity,
    make_objective,
    make_organisation,
    make_practice,
    make_priority,
    make_resource,
    make_workplan,
)
from gcmhub.workplan.filters import period_bounds


def test_period_bounds_refuse_years_no_date_holds():
    assert period_bounds("2021-Q2") == (datetime.date(2021, 4, 1), datetime.date(2021, 6, 30))
    assert period_bounds("2021") == (datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
    for value in ("9999-Q4", "9999", "0000", "0001-Q1", "2300", "１９９９", "2021-Q0", "", None):
        assert period_bounds(value) is None, value


class ListPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_workplan(slug="plan")
        priority = make_priority(cls.plan)
        for _n in range(60):
            make_activity(priority)
        for n in range(60):
            make_organisation(f"ORG{n}")

    def page_number(self, url: str, page: str) -> int:
        response = self.client.get(f"{url}?page={page}")
        self.assertEqual(response.status_code, 200)
        return response.context["page"].number

    def test_it_shows_the_nearest_page_for_any_page_number(self):
        self.login(self.sam)
        urls = [
            reverse("workplan:activities", args=[self.plan.slug]),
            reverse("taxonomy:organisations"),
            reverse("accounts:roles"),
        ]
        for url in urls:
            with self.subTest(url=url):
                last = self.client.get(f"{url}?page=last").context["page"].paginator.num_pages
                self.assertEqual(self.page_number(url, "-1"), 1)
                self.assertEqual(self.page_number(url, "0"), 1)
                self.assertEqual(self.page_number(url, "1e23"), 1)
                self.assertEqual(self.page_number(url, "9" * 5000), 1)
                self.assertEqual(self.page_number(url, "30000000"), last)

    def test_it_refuses_periods_out_of_range_with_a_message_on_every_page_and_export(self):
        plan = self.plan.slug
        for period in ("9999-Q4", "0000"):
            with self.subTest(period=period):
                for name in ("activities", "calendar", "dashboard"):
                    response = self.client.get(reverse(f"workplan:{name}", args=[plan]) + f"?period={period}")
                    self.assertEqual(response.status_code, 200, name)
                response = self.client.get(reverse("workplan:activities", args=[plan]) + f"?period={period}")
                self.assertContains(response, "Write a year (2021) or a quarter (2021-Q2).")
                for name in ("export_csv", "export_xlsx", "report_pdf"):
                    response = self.client.get(reverse(f"workplan:{name}", args=[plan]) + f"?period={period}")
                    self.assertEqual(response.status_code, 200, name)


class PathIdTests(BaseTestCase):
    def test_it_answers_404_for_ids_no_database_holds(self):
        make_objective(1)
        for path in (
            "/en/gcm/objectives/99999999999999999999999/",
            "/en/gcm/objectives/999999999999999999/",
            "/en/gcm/thematic-areas/99999999999999999999999/",
            "/en/workplan/activities/99999999999999999999999/",
            "/en/hub/my/reviews/99999999999999999999999/",
        ):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)


class FeedTests(BaseTestCase):
    def test_the_atom_feed_leaves_out_control_characters(self):
        make_resource(title_en="Bell\x07 title", summary_en="Escape\x1b here")
        make_practice(self.alice, title="Form\x0cfeed", status=Practice.Status.PUBLISHED)
        response = self.client.get(reverse("knowledge_feeds:hub_atom"))
        self.assertEqual(response.status_code, 200)
        document = parseString(response.content)
        titles = [node.firstChild.data for node in document.getElementsByTagName("title")]
        self.assertIn("Bell title", titles)
        self.assertIn("Form\nfeed", titles)

    def test_the_catalogue_answers_404_for_pages_past_the_end(self):
        make_resource()
        url = reverse("knowledge_feeds:catalog_dcat")
        self.assertEqual(self.client.get(url + "?page=1").status_code, 200)
        for page in ("2", "0", "-1", "1e23", "99999999999999999999999", "9" * 5000):
            with self.subTest(page=page):
                self.assertEqual(self.client.get(f"{url}?page={page}").status_code, 404)

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from gcmhub.knowledge.models import Resource, ToolFeedback
from gcmhub.knowledge.views_resources import feedback_results_content
from gcmhub.test import BaseTestCase, make_resource

RESULTS_URL = reverse("knowledge:feedback_results")


def feedback_data(**overrides):
    data = {"rating": "4", "how_used": "Trained border officials", "improvements": "More examples", "country": ""}
    data.update(overrides)
    return data


class FeedbackFormTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tool = make_resource(title_en="Guidance on returns", is_network_tool=True, kind=Resource.Kind.GUIDANCE)
        cls.url = reverse("knowledge:resource_feedback", args=[cls.tool.slug])

    def test_it_shows_the_form_on_network_tools_only(self):
        response = self.client.get(self.tool.get_absolute_url())
        self.assertContains(response, 'id="feedback"')
        self.assertContains(response, "<legend>How useful was it?</legend>", html=False)
        other = make_resource()
        self.assertNotContains(self.client.get(other.get_absolute_url()), 'id="feedback"')
        response = self.client.post(reverse("knowledge:resource_feedback", args=[other.slug]), feedback_data())
        self.assertEqual(response.status_code, 404)

    def test_it_takes_feedback_from_every_role(self):
        for user in (None, self.alice, self.fatima, self.ines, self.rita, self.sam):
            with self.subTest(user=user and user.email):
                self.client.logout()
                if user:
                    self.login(user)
                response = self.client.post(self.url, feedback_data(country=self.morocco.pk))
                self.assertRedirects(
                    response, self.tool.get_absolute_url() + "#feedback", fetch_redirect_response=False
                )
                item = ToolFeedback.objects.latest("id")
                self.assertEqual((item.rating, item.country, item.user), (4, self.morocco, user))
        self.assertEqual(self.tool.feedback.count(), 6)

    def test_it_shows_a_thank_you_message(self):
        response = self.client.post(self.url, feedback_data(), follow=True)
        self.assertContains(response, "Thank you for your feedback.")

    def test_it_requires_an_email_when_contact_is_allowed_and_keeps_input(self):
        response = self.client.post(self.url, feedback_data(may_contact="on"))
        self.assertContains(response, "Give an e-mail address so the Network can contact you.", status_code=400)
        self.assertContains(response, "Trained border officials", status_code=400)
        self.assertContains(response, 'value="4" id="id_rating_3" required checked', status_code=400)
        self.assertContains(response, 'id="feedback-errors"', status_code=400)
        self.assertFalse(ToolFeedback.objects.exists())

    def test_it_keeps_the_email_only_when_contact_is_allowed(self):
        self.client.post(self.url, feedback_data(may_contact="on", contact_email="me@example.org"))
        self.client.post(self.url, feedback_data(contact_email="other@example.org"))
        self.assertEqual(sorted(ToolFeedback.objects.values_list("contact_email", flat=True)), ["", "me@example.org"])

    def test_it_requires_a_rating(self):
        response = self.client.post(self.url, feedback_data(rating=""))
        self.assertEqual(response.status_code, 400)
        response = self.client.post(self.url, feedback_data(rating="9"))
        self.assertEqual(response.status_code, 400)

    def test_it_refuses_feedback_on_an_unpublished_tool(self):
        proposal = make_resource(status=Resource.Status.PROPOSED, proposed_by=self.ines, is_network_tool=True)
        self.login(self.ines)
        response = self.client.post(reverse("knowledge:resource_feedback", args=[proposal.slug]), feedback_data())
        self.assertEqual(response.status_code, 404)

    def test_it_refuses_get(self):
        self.assertEqual(self.client.get(self.url).status_code, 405)


class FeedbackResultsTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tool = make_resource(title_en="Guidance on returns", is_network_tool=True)
        cls.quiet_tool = make_resource(title_en="Quiet tool", is_network_tool=True)
        make_resource(title_en="Not a tool")
        ToolFeedback.objects.create(
            resource=cls.tool,
            rating=5,
            how_used="Workshops",
            country=cls.morocco,
            may_contact=True,
            contact_email="fan@example.org",
            language="en",
        )
        ToolFeedback.objects.create(resource=cls.tool, rating=2, improvements="Shorter please", language="fr")

    def test_it_shows_results_to_the_secretariat_only(self):
        urls = [
            RESULTS_URL,
            reverse("knowledge:feedback_tool", args=[self.tool.slug]),
            reverse("knowledge:feedback_export", args=["csv"]),
            reverse("knowledge:feedback_export", args=["xlsx"]),
        ]
        for url in urls:
            self.assertEqual(self.client.get(url).status_code, 302)
        for user in (self.alice, self.fatima, self.ines, self.rita):
            self.login(user)
            for url in urls:
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(self.client.get(url).status_code, 403)

    def test_it_counts_and_averages_per_tool(self):
        self.login(self.sam)
        with self.assertNumQueries(5):  # session, user, roles, tools with counts, distribution
            response = self.client.get(RESULTS_URL)
        rows = feedback_results_content()["rows"]
        self.assertEqual([tool.title for tool, _ in rows], ["Guidance on returns", "Quiet tool"])
        tool, distribution = rows[0]
        self.assertEqual((tool.feedback_count, tool.average), (2, 3.5))
        self.assertEqual(distribution, [(1, 0), (2, 1), (3, 0), (4, 0), (5, 1)])
        tool_url = reverse("knowledge:feedback_tool", args=[self.tool.slug])
        self.assertContains(
            response,
            f'<tr><th scope="row"><a href="{tool_url}" lang="en" dir="ltr">Guidance on returns</a></th>'
            "<td>2</td><td>3.5</td><td>0</td><td>1</td><td>0</td><td>0</td><td>1</td></tr>",
            html=True,
        )
        self.assertContains(response, "<caption>", html=False)

    def test_it_lists_comments_of_one_tool(self):
        self.login(self.sam)
        with self.assertNumQueries(6):  # session, user, roles, tool, counts, a page of feedback with countries
            response = self.client.get(reverse("knowledge:feedback_tool", args=[self.tool.slug]))
        self.assertContains(response, "Workshops")
        self.assertContains(response, "Shorter please")
        self.assertContains(response, "Morocco")
        self.assertContains(response, "mailto:fan@example.org")
        self.assertContains(response, "3.5 out of 5")

    def test_it_pages_the_comments_of_one_tool(self):
        ToolFeedback.objects.bulk_create(
            ToolFeedback(resource=self.quiet_tool, rating=1 + i % 5, how_used=f"Use number {i:02d}") for i in range(55)
        )
        self.login(self.sam)
        url = reverse("knowledge:feedback_tool", args=[self.quiet_tool.slug])
        first = self.client.get(url)
        self.assertEqual(len(first.context["page"]), 50)
        self.assertContains(first, "Page 1 of 2.")
        self.assertContains(first, "<dd>55</dd>", html=True)
        self.assertContains(first, "3.0 out of 5")
        second = self.client.get(url, {"page": "2"})
        self.assertEqual(len(second.context["page"]), 5)
        for hostile in ("0", "-1", "99999999999999999999", "1e23", "x"):
            with self.subTest(page=hostile):
                self.assertEqual(self.client.get(url, {"page": hostile}).status_code, 200)

    def test_it_404s_for_a_resource_that_is_not_a_tool(self):
        self.login(self.sam)
        other = make_resource()
        self.assertEqual(self.client.get(reverse("knowledge:feedback_tool", args=[other.slug])).status_code, 404)
        self.assertEqual(self.client.get(reverse("knowledge:feedback_export", args=["pdf"])).status_code, 404)

    def test_it_exports_csv(self):
        self.login(self.sam)
        with self.assertNumQueries(4):  # session, user, roles, feedback (streamed)
            response = self.client.get(reverse("knowledge:feedback_export", args=["csv"]))
            content = response.getvalue()
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][:4], ["Tool", "Tool address", "Date", "Usefulness (1–5)"])
        self.assertEqual(len(rows), 3)
        by_rating = {row[3]: row for row in rows[1:]}
        self.assertEqual(by_rating["5"][6:9], ["Morocco", "Yes", "fan@example.org"])
        self.assertEqual(by_rating["2"][5], "Shorter please")

    def test_it_marks_a_country_with_a_note_and_gives_the_note_below(self):
        from gcmhub.test import make_kosovo

        kosovo = make_kosovo(note_en="In the context of resolution 1244.")
        ToolFeedback.objects.create(resource=self.tool, rating=3, country=kosovo)
        ToolFeedback.objects.create(resource=self.tool, rating=4, country=kosovo)
        self.login(self.sam)
        response = self.client.get(reverse("knowledge:feedback_export", args=["csv"]))
        rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
        self.assertEqual(sum(1 for row in rows if row[6] == "Kosovo*"), 2)
        self.assertEqual(rows[-1][0], "* In the context of resolution 1244.")
        self.assertEqual(len(rows), 6)  # header, 4 pieces of feedback, one note

    def test_it_exports_xlsx(self):
        self.login(self.sam)
        response = self.client.get(reverse("knowledge:feedback_export", args=["xlsx"]))
        sheet = load_workbook(io.BytesIO(response.getvalue())).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "Tool")
        self.assertEqual(len(rows), 3)
        self.assertEqual({row[0] for row in rows[1:]}, {"Guidance on returns"})
        self.assertEqual(sorted(row[3] for row in rows[1:]), [2, 5])

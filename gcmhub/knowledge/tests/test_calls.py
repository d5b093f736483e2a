import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from gcmhub.knowledge.actions import submissions as actions
from gcmhub.knowledge.models import Practice
from gcmhub.test import BaseTestCase, make_call, make_objective, make_practice

DEADLINE = datetime.datetime(2026, 3, 31, 23, 59, tzinfo=datetime.UTC)


class CallListTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        with time_machine.travel(datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC)):
            cls.open_call = make_call(title_en="Labour mobility", deadline=DEADLINE)
            cls.closed_call = make_call(
                title_en="Climate and migration",
                deadline=datetime.datetime(2025, 6, 30, 12, 0, tzinfo=datetime.UTC),
                opens_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
            )
            cls.later_call = make_call(
                title_en="Children on the move",
                opens_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC),
                deadline=datetime.datetime(2026, 8, 1, tzinfo=datetime.UTC),
            )
        make_practice(cls.alice, call=cls.closed_call, status=Practice.Status.PUBLISHED)

    @time_machine.travel(datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC))
    def test_it_lists_open_calls_first_with_the_deadline_and_its_time_zone(self):
        with self.assertNumQueries(1):
            response = self.client.get(reverse("knowledge:call_list"))
        html = response.content.decode()
        self.assertLess(html.index("Labour mobility"), html.index("Children on the move"))
        self.assertLess(html.index("Children on the move"), html.index("Climate and migration"))
        self.assertContains(response, "Submissions to this call close on 31 March 2026, 23:59 UTC.")
        self.assertContains(response, "This call closed on 30 June 2025, 12:00 UTC.")
        self.assertContains(response, "1 practice published.")
        self.assertContains(response, f"?call={self.open_call.slug}")

    def test_it_reads_in_french_and_spanish(self):
        for lang in ("fr", "es"):
            with self.subTest(lang=lang):
                self.assertEqual(self.client.get(f"/{lang}/hub/calls/").status_code, 200)


class CallDetailTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.objective = make_objective(6)
        with time_machine.travel(datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC)):
            cls.call = make_call(
                title_en="Labour mobility",
                deadline=DEADLINE,
                objectives=[cls.objective],
                eligibility_en="Cities and NGOs",
                criteria_en="Evidence of results",
                contact_name="Hub team",
            )
        cls.published = make_practice(cls.alice, call=cls.call, status=Practice.Status.PUBLISHED, title="Published one")
        make_practice(cls.alice, call=cls.call, status=Practice.Status.SUBMITTED, title="Waiting one")
        make_practice(
            cls.alice, call=cls.call, status=Practice.Status.PUBLISHED, update_of=cls.published, title="An update"
        )
        cls.url = reverse("knowledge:call", args=[cls.call.slug])

    @time_machine.travel(datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC))
    def test_it_shows_the_call_and_its_published_practices_while_open(self):
        with self.assertNumQueries(3):
            response = self.client.get(self.url)
        for text in (
            "Labour mobility",
            "Why this call",
            "Cities and NGOs",
            "Evidence of results",
            "Hub team",
            "hub@example.org",
            "Objective 6",
            "Published one",
            "Submit a practice to this call",
            "31 March 2026, 23:59 UTC",
        ):
            self.assertContains(response, text)
        self.assertNotContains(response, "Waiting one")
        self.assertNotContains(response, "An update")

    @time_machine.travel(datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC))
    def test_it_says_the_call_closed_after_its_deadline(self):
        response = self.client.get(self.url)
        self.assertContains(response, "This call closed on 31 March 2026, 23:59 UTC.")
        self.assertNotContains(response, "Submit a practice to this call")
        self.assertContains(response, "Published one")

    def test_it_404s_for_an_unknown_call(self):
        self.assertEqual(self.client.get(reverse("knowledge:call", args=["nope"])).status_code, 404)


class SubmitToCallTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.objective = make_objective(1)
        with time_machine.travel(datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC)):
            cls.call = make_call(title_en="Labour mobility", deadline=DEADLINE)

    def data(self, **overrides):
        data = {
            "language": "en",
            "title": "Help desk",
            "summary": "S",
            "geographic_scope": "national",
            "countries": [self.morocco.pk],
            "implementing_organisation_name": "City",
            "start_date": "2019-01-01",
            "completion": "completed",
            "objectives": [self.objective.pk],
            "description": "D",
            "results": "R",
            "call": self.call.pk,
            "action": "submit",
        }
        data.update(overrides)
        return data

    @time_machine.travel(datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC))
    def test_the_form_preselects_the_call_and_shows_its_deadline(self):
        self.login(self.alice)
        response = self.client.get(reverse("knowledge:practice_new") + f"?call={self.call.slug}")
        self.assertEqual(response.context["form"]["call"].value(), self.call.pk)
        self.assertContains(response, "Submissions to this call close on 31 March 2026, 23:59 UTC.")

    @time_machine.travel(datetime.datetime(2026, 3, 31, 23, 58, tzinfo=datetime.UTC))
    def test_it_accepts_a_submission_just_before_the_deadline(self):
        self.login(self.alice)
        response = self.client.post(reverse("knowledge:practice_new"), self.data())
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Practice.objects.get().call, self.call)

    @time_machine.travel(datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC))
    def test_the_form_says_the_call_is_closed_and_does_not_preselect_it(self):
        self.login(self.alice)
        response = self.client.get(reverse("knowledge:practice_new") + f"?call={self.call.slug}")
        self.assertIsNone(response.context["form"]["call"].value())
        self.assertContains(response, "is closed: submissions to it are no longer accepted")
        # A closed call cannot be chosen.
        response = self.client.post(reverse("knowledge:practice_new"), self.data())
        self.assertIn("call", response.context["form"].errors)
        self.assertFalse(Practice.objects.exists())

    def test_it_refuses_to_submit_a_draft_whose_call_closed_but_keeps_the_draft(self):
        self.login(self.alice)
        with time_machine.travel(datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)):
            self.client.post(reverse("knowledge:practice_new"), self.data(action="save"))
        practice = Practice.objects.get()
        self.assertEqual(practice.call, self.call)
        edit = reverse("knowledge:practice_edit", args=[practice.slug])
        with time_machine.travel(datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC)):
            response = self.client.post(edit, self.data(version=practice.version))
            self.assertEqual(response.status_code, 400)
            self.assertIn("This call closed on", response.context["form"].errors["call"][0])
            practice.refresh_from_db()
            self.assertEqual(practice.status, Practice.Status.DRAFT)
            # Without the call, it goes through.
            practice.refresh_from_db()
            response = self.client.post(edit, self.data(call="", version=practice.version))
            self.assertEqual(response.status_code, 302)
        practice.refresh_from_db()
        self.assertEqual((practice.status, practice.call), (Practice.Status.SUBMITTED, None))

    def test_a_revision_may_come_back_after_the_deadline(self):
        practice = make_practice(
            self.alice,
            call=self.call,
            status=Practice.Status.REVISION_REQUESTED,
            objectives=[self.objective],
            countries=[self.morocco],
        )
        with time_machine.travel(datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)):
            actions.do_submit_practice(self.alice, practice)
        self.assertEqual(practice.status, Practice.Status.SUBMITTED)

    def test_the_call_is_open_until_its_deadline(self):
        with time_machine.travel(DEADLINE - datetime.timedelta(seconds=1)):
            self.assertTrue(self.call.is_open())
        with time_machine.travel(DEADLINE):
            self.assertFalse(self.call.is_open())
            self.assertLess(self.call.deadline, timezone.now() + datetime.timedelta(seconds=1))

import datetime

import time_machine
from django.urls import reverse

from gcmhub.test import BaseTestCase, make_activity, make_objective, make_priority, make_thematic_area, make_workplan
from gcmhub.workplan.actions import do_add_contribution_note, do_post_status_update
from gcmhub.workplan.models import Activity, ActivityPeriod, Status

D = datetime.date


class ActivityFixtures(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_workplan(slug="wp-2021", title_en="Work plan 2021-2022", title_fr="Plan de travail 2021-2022")
        cls.area = make_thematic_area(1)
        cls.obj1 = make_objective(1)
        cls.obj2 = make_objective(2)
        cls.priority = make_priority(
            cls.plan,
            leads=[cls.iom],
            participants=[cls.ohchr],
            objectives=[cls.obj1, cls.obj2],
            thematic_area=cls.area,
            code="2.1",
            slug="core-2-1",
        )
        cls.activity = make_activity(
            cls.priority,
            periods=[(D(2021, 4, 1), D(2021, 6, 30)), (D(2022, 1, 1), D(2022, 12, 31))],
            number=3,
            text_fr="Élaborer une note d'orientation",
            text_en="",
            deadline_text="T2 2021 ; 2022",
        )
        cls.ohchr_priority = make_priority(cls.plan, leads=[cls.ohchr], code="3", slug="core-3")
        cls.ohchr_activity = make_activity(cls.ohchr_priority, periods=[(D(2021, 1, 1), D(2021, 3, 31))])


@time_machine.travel(datetime.datetime(2021, 8, 1, 12, tzinfo=datetime.UTC), tick=False)
class ActivityDetailTests(ActivityFixtures):
    def url(self, activity=None):
        return reverse("workplan:activity", args=[(activity or self.activity).pk])

    def test_it_shows_the_activity(self):
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<h1>Core priority 2.1 – Activity 3</h1>", html=True)
        self.assertContains(response, 'lang="fr"')
        self.assertContains(response, "Élaborer une note d&#x27;orientation")
        self.assertContains(response, "T2 2021 ; 2022")
        self.assertContains(response, "Q2 2021")
        self.assertContains(response, "Jan.–Dec. 2022")
        self.assertContains(response, reverse("taxonomy:organisation", args=["iom"]))
        self.assertContains(response, reverse("taxonomy:organisation", args=["ohchr"]))
        self.assertContains(response, reverse("taxonomy:objective", args=[1]))
        self.assertContains(response, "Thematic area 1")
        self.assertContains(response, self.priority.get_absolute_url())
        self.assertContains(response, "Not started")
        self.assertNotContains(response, "badge--overdue")

    def test_it_flags_overdue_inferred_and_unparsed_deadlines(self):
        ActivityPeriod.objects.filter(activity=self.ohchr_activity).update(year_inferred=True)
        Activity.objects.filter(pk=self.ohchr_activity.pk).update(deadline_state=Activity.DeadlineState.UNPARSED)
        response = self.client.get(self.url(self.ohchr_activity))
        self.assertContains(response, "badge--overdue")
        self.assertContains(response, "year inferred from the plan")
        self.assertContains(response, "not understood")

    def test_it_shows_the_history_newest_first_escaped(self):
        do_post_status_update(
            activity=self.activity,
            author=self.ines,
            status=Status.ON_TRACK,
            percent_complete=40,
            narrative="First <b>step</b>\nsecond line",
            organisation=self.iom,
            evidence_links="https://example.org/report",
        )
        do_add_contribution_note(
            activity=self.activity, author=self.oscar, narrative="OHCHR reviewed the draft", organisation=self.ohchr
        )
        response = self.client.get(self.url())
        content = response.content.decode()
        self.assertLess(content.index("OHCHR reviewed the draft"), content.index("First &lt;b&gt;step&lt;/b&gt;"))
        self.assertContains(response, "First &lt;b&gt;step&lt;/b&gt;<br>second line")
        self.assertContains(response, "Ines Network")
        self.assertContains(response, "Oscar Network")
        self.assertContains(response, "Contribution note")
        self.assertContains(response, "40% complete")
        self.assertContains(response, 'href="https://example.org/report"')
        self.assertContains(response, "1 August 2021")

    def test_it_shows_no_form_to_anonymous_and_stakeholders(self):
        for user in (None, self.alice, self.fatima, self.rita):
            if user:
                self.login(user)
            response = self.client.get(self.url())
            self.assertNotContains(response, "hx-post")
            self.assertNotContains(response, "Post a status update")

    def test_it_shows_the_status_form_to_the_lead(self):
        self.login(self.ines)
        response = self.client.get(self.url())
        self.assertContains(response, "Post a status update")
        self.assertContains(response, f'hx-post="{reverse("workplan:activity_status", args=[self.activity.pk])}"')
        self.assertContains(response, 'hx-target="#activity-updates"')
        self.assertContains(response, 'hx-swap="outerHTML"')
        self.assertContains(response, "Add a note on our contribution")

    def test_it_shows_only_the_note_form_to_a_participant(self):
        self.login(self.oscar)
        response = self.client.get(self.url())
        self.assertNotContains(response, "Post a status update")
        self.assertContains(response, "Add a note on our contribution")

    def test_it_shows_both_forms_to_the_secretariat(self):
        self.login(self.sam)
        response = self.client.get(self.url(self.ohchr_activity))
        self.assertContains(response, "Post a status update")
        self.assertContains(response, "Add a note on our contribution")

    def test_it_404s_for_an_unknown_activity(self):
        self.assertEqual(self.client.get(reverse("workplan:activity", args=[999999])).status_code, 404)

    def test_it_pins_the_query_count(self):
        for i in range(3):
            do_post_status_update(
                activity=self.activity,
                author=self.ines,
                status=Status.ON_TRACK,
                percent_complete=10 * i,
                organisation=self.iom,
            )
            do_add_contribution_note(
                activity=self.activity, author=self.oscar, narrative=f"note {i}", organisation=self.ohchr
            )
        # activity, periods, own involvements, priority involvements, objectives, updates, outputs
        with self.assertNumQueries(7):
            self.client.get(self.url())
        self.login(self.ines)
        # + session, user, roles, what the reader follows (the follow button)
        with self.assertNumQueries(11):
            response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)

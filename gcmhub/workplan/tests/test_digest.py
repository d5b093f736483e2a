import datetime
from io import StringIO

import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from gcmhub.accounts.models import User
from gcmhub.test import make_activity, make_organisation, make_priority, make_workplan
from gcmhub.workplan.models import Activity, Status
from gcmhub.workplan.tasks import queue_deadline_digests, send_deadline_digest
from gcmhub.workplan.tests.test_activity import ActivityFixtures

D = datetime.date
TODAY = datetime.datetime(2021, 8, 2, 6, tzinfo=datetime.UTC)


@override_settings(SITE_URL="https://hub.example.org", WORKPLAN_DIGEST_DAYS=30)
@time_machine.travel(TODAY, tick=False)
class DigestFixtures(ActivityFixtures):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.undp = make_organisation("UNDP")  # no focal point
        iom_priority = make_priority(cls.plan, leads=[cls.iom], code="4", slug="core-4")
        cls.iom_soon = make_activity(
            iom_priority,
            periods=[(D(2021, 7, 1), D(2021, 8, 20))],
            text_en="Launch the toolkit",
            text_fr="Lancer la boîte à outils",
        )
        cls.iom_overdue = make_activity(
            iom_priority,
            periods=[(D(2021, 4, 1), D(2021, 6, 30))],
            text_en="Hold the regional workshop",
            text_fr="Tenir l'atelier régional",
        )
        cls.iom_done = make_activity(
            iom_priority, periods=[(D(2021, 1, 1), D(2021, 3, 31))], text_en="Finished work", status=Status.COMPLETED
        )
        cls.iom_later = make_activity(iom_priority, periods=[(D(2021, 10, 1), D(2021, 12, 31))], text_en="Later work")
        undp_priority = make_priority(cls.plan, leads=[cls.undp], code="5", slug="core-5")
        cls.undp_overdue = make_activity(undp_priority, periods=[(D(2021, 1, 1), D(2021, 6, 30))], text_en="UNDP work")
        old_plan = make_workplan(slug="old", is_current=False)
        make_activity(
            make_priority(old_plan, leads=[cls.iom]), periods=[(D(2019, 1, 1), D(2019, 6, 30))], text_en="Old plan work"
        )


class DeadlineDigestTests(DigestFixtures):
    def mail_to(self, user):
        found = [m for m in mail.outbox if m.to == [user.email]]
        self.assertEqual(len(found), 1, f"expected one mail to {user}")
        return found[0]

    def test_it_sends_one_mail_per_focal_point_and_secretariat_member(self):
        count = queue_deadline_digests()
        self.assertEqual(count, 3)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), [self.ines.email, self.oscar.email, self.sam.email])

    def test_it_lists_overdue_then_due_soon_for_the_users_organisation(self):
        queue_deadline_digests()
        message = self.mail_to(self.ines)
        body = message.body
        self.assertIn("Hold the regional workshop", body)
        self.assertIn("Launch the toolkit", body)
        self.assertLess(body.index("Hold the regional workshop"), body.index("Launch the toolkit"))
        self.assertIn("OVERDUE", body)
        for absent in ("Finished work", "Later work", "UNDP work", "Old plan work", "Élaborer"):
            self.assertNotIn(absent, body)
        self.assertIn(f"https://hub.example.org/en/workplan/activities/{self.iom_soon.pk}/", body)
        html = message.alternatives[0][0]
        self.assertIn(f'href="https://hub.example.org/en/workplan/activities/{self.iom_overdue.pk}/"', html)
        self.assertIn("Work-plan deadlines for the week of", message.subject)

    def test_it_covers_all_organisations_for_the_secretariat(self):
        queue_deadline_digests()
        body = self.mail_to(self.sam).body
        for present in ("Hold the regional workshop", "Launch the toolkit", "UNDP work", "== UNDP ==", "== OHCHR =="):
            self.assertIn(present, body)
        self.assertNotIn("Old plan work", body)

    def test_it_sends_nothing_when_nothing_is_due(self):
        Activity.objects.update(status=Status.COMPLETED)
        self.assertEqual(queue_deadline_digests(), 0)
        send_deadline_digest.enqueue(self.ines.pk)
        self.assertEqual(mail.outbox, [])

    def test_it_sends_nothing_to_a_user_with_nothing_due(self):
        send_deadline_digest.enqueue(self.alice.pk)
        send_deadline_digest.enqueue(self.fatima.pk)
        self.assertEqual(mail.outbox, [])

    def test_it_writes_in_the_users_language(self):
        User.objects.filter(pk=self.ines.pk).update(preferred_language="fr")
        send_deadline_digest.enqueue(self.ines.pk)
        body = mail.outbox[0].body
        self.assertIn("Lancer la boîte à outils", body)
        self.assertIn(f"https://hub.example.org/fr/workplan/activities/{self.iom_soon.pk}/", body)
        self.assertIn("20 août 2021", body)

    def test_the_command_queues_the_digests(self):
        out = StringIO()
        call_command("send_deadline_digests", stdout=out)
        self.assertIn("3", out.getvalue())
        self.assertEqual(len(mail.outbox), 3)


class MyDeadlinesTests(DigestFixtures):
    url = reverse("workplan:my_deadlines")

    def test_it_requires_login(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_it_lists_the_focal_points_activities_overdue_first(self):
        self.login(self.ines)
        response = self.client.get(self.url)
        self.assertContains(response, "<h1>My deadlines</h1>", html=True)
        content = response.content.decode()
        self.assertLess(
            content.index(self.iom_overdue.get_absolute_url()), content.index(self.iom_soon.get_absolute_url())
        )
        self.assertNotContains(response, self.undp_overdue.get_absolute_url())
        self.assertNotContains(response, self.ohchr_activity.get_absolute_url())
        self.assertContains(response, "badge--overdue")

    def test_it_groups_all_organisations_for_the_secretariat(self):
        self.login(self.sam)
        response = self.client.get(self.url)
        for activity in (self.iom_overdue, self.iom_soon, self.undp_overdue, self.ohchr_activity):
            self.assertContains(response, activity.get_absolute_url())
        self.assertContains(response, "<caption>UNDP</caption>", html=True)

    def test_it_explains_when_the_user_has_no_organisation(self):
        self.login(self.alice)
        response = self.client.get(self.url)
        self.assertContains(response, "You are not a focal point")

    def test_it_pins_the_query_count(self):
        self.login(self.sam)
        # session, user, roles, activities, their own and their priorities' lead organisations
        with self.assertNumQueries(6):
            self.client.get(self.url)
        make_activity(self.iom_overdue.priority, periods=[(D(2021, 7, 1), D(2021, 7, 31))], status="on_track")
        with self.assertNumQueries(6):
            self.client.get(self.url)

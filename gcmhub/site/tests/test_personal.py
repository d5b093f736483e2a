"""The personal page after signing in: what waits for each role, in a fixed number of queries."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gcmhub.consultations.models import Comment, Space, Topic
from gcmhub.knowledge.models import Practice, Resource
from gcmhub.test import PASSWORD, BaseTestCase, make_activity, make_practice, make_priority, make_resource, make_user
from gcmhub.workplan.models import Involvement, PriorityOrganisation

URL = reverse("me")


class PersonalPageTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        now = timezone.now()
        space = Space.objects.create(slug="africa", source_language="en", title_en="Regional review, Africa")
        self.topic = Topic.objects.create(
            space=space,
            slug="priorities",
            source_language="en",
            title_en="Priorities",
            opens_at=now - datetime.timedelta(days=1),
            published_at=now - datetime.timedelta(days=1),
        )
        self.moderator = make_user("mod@example.org")
        self.topic.moderators.add(self.moderator)

    def comment(self, author, status=Comment.Status.PENDING):
        comment = Comment.objects.create(topic=self.topic, author=author, language="en", body="A point.", status=status)
        comment.thread = comment
        comment.save(update_fields=["thread"])
        return comment

    def test_signing_in_lands_on_it(self):
        response = self.client.post(reverse("accounts:login"), {"username": "alice@example.org", "password": PASSWORD})
        self.assertRedirects(response, URL, fetch_redirect_response=False)
        self.assertEqual(self.client.get(URL).status_code, 200)

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_a_stakeholder_sees_their_work_in_progress(self):
        make_practice(self.alice, title="Safe shelters in transit")
        self.comment(self.alice)
        self.login(self.alice)
        response = self.client.get(URL)
        self.assertContains(response, "Safe shelters in transit")
        self.assertContains(response, "awaits a moderator")
        self.assertNotContains(response, "For the Secretariat")
        self.assertNotContains(response, "Moderation")

    def test_a_network_focal_point_sees_their_organisations_activities_due(self):
        priority = make_priority()
        PriorityOrganisation.objects.create(priority=priority, organisation=self.iom, role=Involvement.LEAD)
        today = timezone.localdate()
        due = make_activity(
            priority=priority, text_en="Map labour pathways", due_date=today + datetime.timedelta(days=10)
        )
        make_activity(priority=priority, text_en="Later work", due_date=today + datetime.timedelta(days=200))
        self.login(self.ines)
        response = self.client.get(URL)
        self.assertContains(response, due.label)
        self.assertNotContains(response, "Later work")

    def test_a_member_state_focal_point_sees_their_country(self):
        self.login(self.fatima)
        self.assertContains(self.client.get(URL), self.morocco.name)

    def test_a_moderator_and_the_secretariat_see_their_queues(self):
        self.comment(self.alice)
        self.comment(self.fatima)
        make_resource(title_en="A proposal", status=Resource.Status.PROPOSED)
        make_practice(self.alice, title="To screen", status=Practice.Status.SUBMITTED)
        self.login(self.moderator)
        self.assertContains(self.client.get(URL), "2 comments await a moderator.")
        self.login(self.sam)
        response = self.client.get(URL)
        self.assertContains(response, "2 comments await a moderator.")
        self.assertContains(response, "1 practice to screen")
        self.assertContains(response, "1 proposed resource to decide on")
        self.login(self.rita)
        self.assertContains(self.client.get(URL), "No review waits for you.")

    def test_the_number_of_queries_does_not_grow(self):
        self.login(self.sam)
        with CaptureQueriesContext(connection) as few:
            self.client.get(URL)
        for n in range(5):
            make_practice(self.sam, title=f"Draft {n}")
            self.comment(self.sam)
            self.comment(self.alice)
        with CaptureQueriesContext(connection) as many:
            self.client.get(URL)
        self.assertEqual(len(few), len(many))

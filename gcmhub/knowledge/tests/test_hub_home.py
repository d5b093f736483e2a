import datetime

from django.urls import reverse
from django.utils import timezone

from gcmhub.knowledge.models import Practice, Resource
from gcmhub.test import BaseTestCase, make_call, make_practice, make_resource

HOME_URL = reverse("knowledge:home")


class HubHomeTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for n in range(8):
            make_resource(title_en=f"Published resource {n}")
        make_resource(title_en="Proposed resource", status=Resource.Status.PROPOSED, proposed_by=cls.ines)
        make_practice(cls.alice, title="Published practice", status=Practice.Status.PUBLISHED)
        make_practice(cls.alice, title="Draft practice")
        make_call(title_en="Open call")
        make_call(title_en="Closed call", deadline=timezone.now() - datetime.timedelta(days=1))

    def test_it_shows_the_latest_published_content_and_open_calls(self):
        with self.assertNumQueries(3):  # resources, practices, calls
            response = self.client.get(HOME_URL)
        self.assertContains(response, "Published resource 7")
        self.assertNotContains(response, "Published resource 1<")
        self.assertNotContains(response, "Proposed resource")
        self.assertContains(response, "Published practice")
        self.assertNotContains(response, "Draft practice")
        self.assertContains(response, "Open call")
        self.assertNotContains(response, "Closed call")
        self.assertContains(response, reverse("search:search"))
        self.assertContains(response, reverse("knowledge:figures"))
        self.assertContains(response, reverse("knowledge:practice_new"))
        self.assertNotContains(response, reverse("knowledge:resource_propose"))
        self.assertNotContains(response, reverse("knowledge:my_submissions"))

    def test_it_offers_actions_by_role(self):
        expectations = {
            "alice": (False, False),
            "fatima": (False, False),
            "rita": (False, False),
            "ines": (True, False),
            "sam": (True, True),
        }
        for name, (propose, hub_team) in expectations.items():
            with self.subTest(user=name):
                self.login(getattr(self, name))
                with self.assertNumQueries(6):  # session, user, roles, resources, practices, calls
                    response = self.client.get(HOME_URL)
                self.assertContains(response, reverse("knowledge:my_submissions"))
                self.assertEqual(reverse("knowledge:resource_propose") in response.text, propose)
                self.assertEqual(reverse("knowledge:resource_proposals") in response.text, hub_team)

"""Objective and country pages list the public discussions tagged with them (issue 11 §1)."""

from django.urls import reverse

from gcmhub.test import BaseTestCase, make_objective, make_space, make_topic


class DiscussionLinksTests(BaseTestCase):
    def test_public_topics_are_listed_restricted_ones_never(self):
        objective = make_objective(7)
        public = make_topic(title_en="Firewalls between services and immigration enforcement")
        restricted = make_topic(make_space(visibility="restricted"), title_en="Champion countries only")
        for topic in (public, restricted):
            topic.objectives.add(objective)
            topic.countries.add(self.morocco)
        for address in (reverse("taxonomy:objective", args=[7]), reverse("taxonomy:country", args=["mar"])):
            response = self.client.get(address)
            self.assertContains(response, "Firewalls between services")
            self.assertContains(response, public.get_absolute_url())
            self.assertNotContains(response, "Champion countries only")

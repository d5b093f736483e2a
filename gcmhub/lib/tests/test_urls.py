from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import translation

from gcmhub.lib.urls import url_maker


class UrlMakerTests(SimpleTestCase):
    def test_it_builds_the_same_urls_as_reverse(self):
        with translation.override("fr"):
            activity_url = url_maker("workplan:activity", int)
            priority_url = url_maker("workplan:priority", str, str)
            self.assertEqual(activity_url(12), reverse("workplan:activity", args=[12]))
            self.assertEqual(
                priority_url("plan-2021", "core-1"), reverse("workplan:priority", args=["plan-2021", "core-1"])
            )
        self.assertTrue(activity_url(3).startswith("/fr/"))

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


class AbsoluteUrlMakerTests(SimpleTestCase):
    def test_it_builds_what_build_absolute_uri_gives_once_per_request_and_view(self):
        from django.test import RequestFactory

        from gcmhub.lib.urls import absolute_url_maker

        request = RequestFactory().get("/api/v1/resources", HTTP_HOST="hub.example.org", secure=True)
        with self.settings(ALLOWED_HOSTS=["hub.example.org"]):
            resource_url = absolute_url_maker(request, "knowledge:resource", str)
            self.assertEqual(
                resource_url("toolkit"),
                request.build_absolute_uri(reverse("knowledge:resource", args=["toolkit"])),
            )
            self.assertTrue(resource_url("toolkit").startswith("https://hub.example.org/"))
            self.assertIs(absolute_url_maker(request, "knowledge:resource", str), resource_url)
            # Another request has its own: its host may differ.
            other = RequestFactory().get("/", HTTP_HOST="hub.example.org")
            self.assertTrue(absolute_url_maker(other, "knowledge:resource", str)("x").startswith("http://"))

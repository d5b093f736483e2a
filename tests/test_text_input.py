"""NUL refused and other control characters removed, in one place for every form, query string and
API body (gcmhub.lib.textinput, gcmhub.api.parser). Run on SQLite and PostgreSQL: PostgreSQL is
the database that cannot store NUL."""

import json

import pytest
from django.test import RequestFactory
from django.urls import reverse

from gcmhub.api.tests.base import API, ApiTestCase
from gcmhub.knowledge.models import Resource, ToolFeedback
from gcmhub.lib.cleantext import has_controls, strip_controls
from gcmhub.lib.textinput import TextInputMiddleware
from gcmhub.taxonomy.models import GuidingPrinciple
from gcmhub.test import make_resource
from gcmhub.workplan.models import StatusUpdate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("tab\tline\ncarriage\r", "tab\tline\ncarriage\r"),
        ("nul\x00bell\x07escape\x1b", "nulbellescape"),
        ("word\x0bline\x0cpage", "word\nline\npage"),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
        ("not \ufffe a \uffff character", "not \ufffd a \ufffd character"),
        ("émigré 移民 🌍", "émigré 移民 🌍"),
    ],
)
def test_it_strips_control_characters(text, expected):
    assert strip_controls(text) == expected
    assert has_controls(text) == (text != expected)


def test_it_replaces_the_query_string_with_a_cleaned_copy():
    seen = {}

    def view(request):
        seen["q"] = request.GET.getlist("q")
        return None

    request = RequestFactory().get("/en/search/", {"q": ["a\x07b", "c\x0bd"]})
    TextInputMiddleware(view)(request)
    assert seen["q"] == ["ab", "c\nd"]


class TextInputTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tool = make_resource(title_en="Guidance", is_network_tool=True, kind=Resource.Kind.GUIDANCE)
        cls.feedback_url = reverse("knowledge:resource_feedback", args=[cls.tool.slug])

    def feedback(self, **data):
        return self.client.post(self.feedback_url, {"rating": "4", "country": "", **data})

    def test_it_refuses_nul_in_a_query_string_with_a_clear_page(self):
        for url in (
            "/en/search/?q=%00",
            f"/en/workplan/{self.plan.slug}/activities/?q=a%00b",
            "/en/gcm/objectives/?x%00=1",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "Null characters are not allowed.", status_code=400)
                self.assertContains(response, "<h1>Bad request</h1>", status_code=400, html=True)

    def test_it_refuses_nul_in_a_path(self):
        GuidingPrinciple.objects.create(code="a", order=1, name_en="People-centred")
        self.assertEqual(self.client.get("/en/gcm/principles/a%00/").status_code, 400)
        response = self.client.get(f"{API}/principles/a%00")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["errors"], {"__all__": ["Null characters are not allowed."]})

    def test_it_refuses_nul_in_a_form_and_saves_nothing(self):
        for user in (None, self.alice, self.sam):
            with self.subTest(user=user):
                if user:
                    self.login(user)
                response = self.feedback(how_used="Used it\x00 well")
                self.assertContains(response, "Null characters are not allowed.", status_code=400)
                self.assertContains(response, "how_used", status_code=400)
        self.assertFalse(ToolFeedback.objects.exists())

    def test_it_removes_other_control_characters_from_a_form(self):
        response = self.feedback(how_used="Line one\x0bline two\x07", improvements="\x1bNothing")
        self.assertEqual(response.status_code, 302)
        feedback = ToolFeedback.objects.get()
        self.assertEqual(feedback.how_used, "Line one\nline two")
        self.assertEqual(feedback.improvements, "Nothing")

    def test_it_refuses_an_unreadable_multipart_body(self):
        response = self.client.generic(
            "POST",
            self.feedback_url,
            b"--x\r\nContent-Disposition: form-data\r\n\r\nbroken",
            content_type="multipart/form-data; boundary=x",
        )
        self.assertEqual(response.status_code, 400)

    def test_it_refuses_nul_in_an_api_query_string_as_json(self):
        response = self.client.get(f"{API}/activities?q=%00")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json(),
            {"detail": "The data sent is not valid.", "errors": {"q": ["Null characters are not allowed."]}},
        )

    def post_update(self, body: str):
        token = self.token_for(self.ines)
        return self.client.post(
            f"{API}/activities/{self.a1.pk}/updates",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )

    def test_it_refuses_nul_in_an_api_body_naming_the_field(self):
        response = self.post_update(json.dumps({"status": "on_track", "narrative": "Done\x00"}))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["errors"], {"narrative": ["Null characters are not allowed."]})
        response = self.post_update(json.dumps({"status": "on_track", "evidence_links": ["https://a.org/\x00"]}))
        self.assertEqual(response.json()["errors"], {"evidence_links": ["Null characters are not allowed."]})
        self.assertFalse(StatusUpdate.objects.exists())

    def test_it_removes_other_control_characters_from_an_api_body(self):
        response = self.post_update(json.dumps({"status": "on_track", "narrative": "Bell\x07 and\x0bbreak \ud800"}))
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(StatusUpdate.objects.get().narrative, "Bell and\nbreak \ufffd")

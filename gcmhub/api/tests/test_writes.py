import json

from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.models import APIToken

from gcmhub.api.tests.base import API, ApiTestCase
from gcmhub.workplan.models import Activity, StatusUpdate

UNAUTHENTICATED = {"detail": "Authentication credentials were not provided or are invalid."}


class WriteTestCase(ApiTestCase):
    def post(self, path, body, token=None, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = body if isinstance(body, str) else json.dumps(body)
        response = self.client.post(f"{API}{path}", data, content_type="application/json", headers=headers, **kwargs)
        self.assertTrue(response["Content-Type"].startswith("application/json"), response.content)
        return response


class PostStatusUpdateTestCase(WriteTestCase):
    def url(self, activity):
        return f"/activities/{activity.pk}/updates"

    def test_it_answers_401_without_a_token(self):
        response = self.post(self.url(self.a1), {"status": "on_track"})
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json(), UNAUTHENTICATED)
        self.assertIn("Bearer", response["WWW-Authenticate"])

    def test_it_ignores_a_session_cookie(self):
        self.login(self.sam)
        response = self.post(self.url(self.a1), {"status": "on_track"})
        self.assertEqual(response.status_code, 401)
        self.assertFalse(StatusUpdate.objects.exists())

    def test_it_needs_no_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            f"{API}{self.url(self.a1)}",
            {"status": "at_risk"},
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.token_for(self.ines)}"},
        )
        self.assertEqual(response.status_code, 201, response.content)

    def test_it_answers_401_for_a_bad_token(self):
        response = self.post(self.url(self.a1), {"status": "on_track"}, token="wagtail_notarealtoken")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json(), UNAUTHENTICATED)

    def test_it_answers_401_for_a_revoked_token(self):
        token = self.token_for(self.ines)
        APIToken.objects.update(revoked_at=timezone.now())
        self.assertEqual(self.post(self.url(self.a1), {"status": "on_track"}, token=token).status_code, 401)

    def test_it_answers_403_to_a_stakeholder(self):
        response = self.post(self.url(self.a1), {"status": "on_track"}, token=self.token_for(self.alice))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json(), {"detail": "You do not have permission to perform this action."})

    def test_it_answers_403_to_a_participant(self):
        response = self.post(self.url(self.a1), {"status": "on_track"}, token=self.token_for(self.oscar))
        self.assertEqual(response.status_code, 403)

    def test_it_lets_the_lead_focal_point_post(self):
        body = {
            "status": "on_track",
            "percent_complete": 40,
            "narrative": "Halfway there",
            "evidence_links": ["https://example.org/report"],
        }
        response = self.post(self.url(self.a1), body, token=self.token_for(self.ines))
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        self.assertEqual(data["status"], "on_track")
        self.assertEqual(data["percent_complete"], 40)
        self.assertEqual(data["narrative"], "Halfway there")
        self.assertEqual(data["evidence_links"], ["https://example.org/report"])
        self.assertEqual(data["organisation"]["slug"], "iom")
        self.assertEqual(data["author"], "Ines Network")
        self.a1.refresh_from_db()
        self.assertEqual(self.a1.status, "on_track")
        self.assertEqual(self.a1.percent_complete, 40)
        update = StatusUpdate.objects.get()
        self.assertEqual((update.pk, update.author, update.kind), (data["id"], self.ines, "status"))

    def test_it_answers_403_to_a_focal_point_of_another_lead(self):
        response = self.post(self.url(self.a3), {"status": "on_track"}, token=self.token_for(self.ines))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Activity.objects.get(pk=self.a3.pk).status, "on_track")
        self.assertFalse(StatusUpdate.objects.exists())

    def test_it_lets_the_secretariat_post_on_any_activity(self):
        response = self.post(self.url(self.a3), {"status": "completed"}, token=self.token_for(self.sam))
        self.assertEqual(response.status_code, 201, response.content)
        self.a3.refresh_from_db()
        self.assertEqual((self.a3.status, self.a3.percent_complete), ("completed", 100))
        self.assertIsNone(response.json()["organisation"])

    def test_it_answers_400_with_per_field_errors(self):
        body = {"status": "nope", "percent_complete": 150, "colour": "red"}
        response = self.post(self.url(self.a1), body, token=self.token_for(self.ines))
        self.assertEqual(response.status_code, 400)
        data = response.json()
        self.assertEqual(data["detail"], "The data sent is not valid.")
        self.assertEqual(set(data["errors"]), {"status", "percent_complete", "colour"})
        self.assertEqual(data["errors"]["percent_complete"], ["Ensure this value is less than or equal to 100."])
        self.assertEqual(data["errors"]["colour"], ["This field is not allowed."])
        self.assertFalse(StatusUpdate.objects.exists())

    def test_it_requires_a_status(self):
        response = self.post(self.url(self.a1), {}, token=self.token_for(self.ines))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["errors"], {"status": ["This field is required."]})

    def test_it_translates_messages_with_lang(self):
        with translation.override("fr"):
            required = gettext("This field is required.")
        self.assertNotEqual(required, "This field is required.")  # Django's catalog has French
        response = self.post(f"{self.url(self.a1)}?lang=fr", {}, token=self.token_for(self.ines))
        self.assertEqual(response.json()["errors"], {"status": [required]})
        self.assertEqual(response["Content-Language"], "fr")

    def test_it_is_strict_about_types(self):
        body = {"status": "on_track", "percent_complete": "50", "narrative": 7, "evidence_links": "https://x.org"}
        response = self.post(self.url(self.a1), body, token=self.token_for(self.ines))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()["errors"]), {"percent_complete", "narrative", "evidence_links"})

    def test_it_passes_on_the_actions_validation_errors(self):
        token = self.token_for(self.ines)
        response = self.post(self.url(self.a1), {"status": "on_track", "evidence_links": ["not a link"]}, token=token)
        self.assertEqual(response.status_code, 400)
        self.assertIn("evidence_links", response.json()["errors"])
        response = self.post(self.url(self.a1), {"status": "completed", "percent_complete": 50}, token=token)
        self.assertEqual(response.status_code, 400)
        self.assertIn("percent_complete", response.json()["errors"])

    def test_it_answers_400_to_a_body_that_is_not_json(self):
        response = self.post(self.url(self.a1), "status=on_track", token=self.token_for(self.ines))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["errors"], {"__all__": ["Send a JSON object."]})

    def test_it_answers_405_json_to_a_wrong_method(self):
        response = self.client.put(f"{API}{self.url(self.a1)}", "{}", content_type="application/json")
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response.json(), {"detail": "Method not allowed."})
        self.assertEqual(set(response["Allow"].replace(" ", "").split(",")), {"GET", "POST"})
        response = self.client.post(f"{API}/activities/{self.a1.pk}", "{}", content_type="application/json")
        self.assertEqual(response.status_code, 405)

    def test_it_answers_404_json_for_an_unknown_activity(self):
        response = self.post("/activities/999999/updates", {"status": "on_track"}, token=self.token_for(self.sam))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"detail": "Not found."})


class PostNoteTestCase(WriteTestCase):
    def url(self, activity):
        return f"/activities/{activity.pk}/notes"

    def test_it_answers_401_without_a_token(self):
        self.assertEqual(self.post(self.url(self.a1), {"narrative": "Hi"}).status_code, 401)

    def test_it_lets_a_participant_add_a_note(self):
        response = self.post(
            self.url(self.a1), {"narrative": "We reviewed the draft"}, token=self.token_for(self.oscar)
        )
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        self.assertEqual(data["kind"], "note")
        self.assertEqual(data["organisation"]["slug"], "ohchr")
        self.assertEqual(data["narrative"], "We reviewed the draft")
        self.a1.refresh_from_db()
        self.assertEqual(self.a1.status, "not_started")

    def test_it_lets_a_lead_add_a_note(self):
        response = self.post(self.url(self.a1), {"narrative": "Convened"}, token=self.token_for(self.ines))
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["organisation"]["slug"], "iom")

    def test_it_answers_403_outside_the_participants(self):
        self.assertEqual(
            self.post(self.url(self.a3), {"narrative": "Hi"}, token=self.token_for(self.oscar)).status_code, 403
        )
        self.assertEqual(
            self.post(self.url(self.a1), {"narrative": "Hi"}, token=self.token_for(self.alice)).status_code, 403
        )
        self.assertFalse(StatusUpdate.objects.exists())

    def test_it_refuses_an_organisation_the_user_does_not_speak_for(self):
        body = {"narrative": "Hi", "organisation": "iom"}
        response = self.post(self.url(self.a1), body, token=self.token_for(self.oscar))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["errors"], {"organisation": ["Choose one of your organisations."]})

    def test_it_lets_the_secretariat_choose_the_organisation(self):
        body = {"narrative": "On behalf of", "organisation": "ohchr"}
        response = self.post(self.url(self.a1), body, token=self.token_for(self.sam))
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["organisation"]["slug"], "ohchr")

    def test_it_requires_a_narrative(self):
        token = self.token_for(self.oscar)
        response = self.post(self.url(self.a1), {}, token=token)
        self.assertEqual(response.json()["errors"], {"narrative": ["This field is required."]})
        response = self.post(self.url(self.a1), {"narrative": "   "}, token=token)
        self.assertEqual(response.status_code, 400)
        self.assertIn("narrative", response.json()["errors"])

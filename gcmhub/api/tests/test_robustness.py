"""The API's bounds and error shape: every answer is JSON and documented, whatever is sent."""

import json

from django.test import Client

from gcmhub.api.main import api
from gcmhub.api.tests.base import API, ApiTestCase
from gcmhub.lib.params import MAX_OFFSET
from gcmhub.workplan.models import StatusUpdate

LISTS = (
    "/objectives",
    "/principles",
    "/thematic-areas",
    "/countries",
    "/organisations",
    "/workplans",
    "/workplans/wp-2021/priorities",
    "/activities",
    "/activities/{id}/updates",
    "/resources",
    "/practices",
    "/calls",
)


class IndexTests(ApiTestCase):
    def test_it_answers_an_index_of_the_api(self):
        response = self.get_json("/")
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(data["version"], "1")
        self.assertEqual(data["openapi"], "http://testserver/api/v1/openapi.json")
        self.assertEqual(data["docs"], "http://testserver/api/v1/docs")
        names = [item["name"] for item in data["resources"]]
        self.assertEqual(names[:3], ["objectives", "principles", "thematic-areas"])
        self.assertLessEqual({"activities", "resources", "practices", "calls", "workplans"}, set(names))
        for item in data["resources"]:
            self.assertEqual(self.client.get(item["url"]).status_code, 200, item["url"])

    def test_it_is_in_every_language(self):
        self.assertEqual(self.get_json("/?lang=fr")["Content-Language"], "fr")


class BoundsTests(ApiTestCase):
    def list_urls(self):
        return [f"{API}{path.format(id=self.a1.pk)}" for path in LISTS]

    def test_it_refuses_an_offset_past_the_bound_on_every_list(self):
        for url in self.list_urls():
            for offset in ("9223372036854775808", "99999999999999999999999", str(MAX_OFFSET + 1)):
                with self.subTest(url=url, offset=offset):
                    response = self.client.get(f"{url}?offset={offset}")
                    self.assertEqual(response.status_code, 400)
                    self.assertEqual(
                        response.json()["errors"],
                        {"offset": [f"Ensure this value is less than or equal to {MAX_OFFSET}."]},
                    )

    def test_it_answers_an_empty_page_at_the_bound(self):
        for url in self.list_urls():
            with self.subTest(url=url):
                response = self.client.get(f"{url}?offset={MAX_OFFSET}&limit=500")
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.json()["items"], [])

    def test_it_refuses_numbers_no_database_holds(self):
        response = self.client.get(f"{API}/activities?objective=99999999999999999999")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(list(response.json()["errors"]), ["objective"])

    def test_it_answers_404_for_ids_no_database_holds(self):
        for path in ("/activities/99999999999999999999", "/objectives/9999999999999999999999", "/priorities/-1"):
            with self.subTest(path=path):
                response = self.client.get(f"{API}{path}")
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.json(), {"detail": "Not found."})

    def test_it_refuses_a_period_out_of_range(self):
        for period in ("9999-Q4", "0000", "2021-Q5"):
            with self.subTest(period=period):
                response = self.client.get(f"{API}/activities?period={period}")
                self.assertEqual(response.status_code, 400)
                self.assertEqual(list(response.json()["errors"]), ["period"])


class ErrorShapeTests(ApiTestCase):
    def post(self, path, body, token=None, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.client.post(f"{API}{path}", body, content_type="application/json", headers=headers, **kwargs)

    def test_it_answers_a_post_to_an_unknown_path_with_a_json_404_not_the_csrf_page(self):
        client = Client(enforce_csrf_checks=True)
        for method in ("post", "put", "patch", "delete"):
            with self.subTest(method=method):
                response = getattr(client, method)(f"{API}/nothing/here", "{}", content_type="application/json")
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.json(), {"detail": "Not found."})

    def test_it_refuses_deeply_nested_json_with_a_400(self):
        token = self.token_for(self.ines)
        for depth in (40, 100_000):
            with self.subTest(depth=depth):
                body = '{"narrative": ' + "[" * depth + "]" * depth + "}"
                response = self.post(f"/activities/{self.a1.pk}/notes", body, token=token)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json()["errors"], {"__all__": ["The JSON sent nests more than 32 levels."]})

    def test_it_answers_413_as_json_for_a_body_over_the_limit(self):
        token = self.token_for(self.ines)
        with self.settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
            response = self.post(
                f"/activities/{self.a1.pk}/updates", json.dumps({"status": "on_track", "narrative": "x" * 2000}), token
            )
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertIn("too large", response.json()["detail"])
        self.assertFalse(StatusUpdate.objects.exists())

    def test_it_answers_415_for_a_body_not_sent_as_json(self):
        """ASVS 4.0 V13.1.5: a body is parsed as JSON only when it says it is JSON."""
        token = self.token_for(self.ines)
        body = json.dumps({"status": "on_track", "narrative": "On track"})
        url = f"{API}/activities/{self.a1.pk}/updates"
        auth = {"Authorization": f"Bearer {token}"}
        for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""):
            with self.subTest(content_type=content_type):
                response = self.client.post(url, body, content_type=content_type, headers=auth)
                self.assertEqual(response.status_code, 415)
                self.assertEqual(
                    response.json(),
                    {"detail": "Send the request body as JSON, with the header Content-Type: application/json."},
                )
        self.assertFalse(StatusUpdate.objects.exists())
        for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
            with self.subTest(content_type=content_type):
                response = self.client.post(url, body, content_type=content_type, headers=auth)
                self.assertEqual(response.status_code, 201)

    def test_it_answers_json_whoever_refused_the_request(self):
        """Answers from outside the endpoints (Django's own 400 for a bad Host) are JSON too."""
        response = self.client.get(f"{API}/objectives", headers={"Host": "evil.example"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(response.json(), {"detail": "The request is not valid."})


class OpenApiErrorsTests(ApiTestCase):
    def test_it_documents_the_errors_of_every_operation(self):
        schema = api.get_openapi_schema(path_prefix="/api/v1/")
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                responses = operation["responses"]
                with self.subTest(operation=f"{method.upper()} {path}"):
                    self.assertIn("400", responses)
                    self.assertEqual(
                        responses["400"]["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ValidationErrorOut",
                    )
                    if "{" in path:
                        self.assertIn("404", responses)
                    if method in ("post", "patch"):
                        self.assertLessEqual({"401", "403"}, set(responses))
                    if "requestBody" in operation:
                        self.assertLessEqual({"413", "415"}, set(responses))
        self.assertIn("Error", schema["components"]["schemas"])

import json
import os
import re

from django.test import TestCase

from gcmhub.api.snapshot import SNAPSHOT_PATH, committed_schema_text, current_schema_text, write_snapshot


class OpenApiSnapshotTestCase(TestCase):
    def test_it_matches_the_committed_snapshot(self):
        """Refresh after an intended change: `gcmhub api-snapshot`, or run this test with
        UPDATE_OPENAPI_SNAPSHOT=1."""
        if os.environ.get("UPDATE_OPENAPI_SNAPSHOT") == "1":
            write_snapshot()
        self.assertEqual(
            current_schema_text(), committed_schema_text(),
            f"The API changed: review the diff and refresh {SNAPSHOT_PATH} with `gcmhub api-snapshot`.",
        )

    def test_it_serves_the_openapi_document(self):
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        schema = response.json()
        self.assertEqual(schema, json.loads(committed_schema_text()))
        self.assertIn("/api/v1/activities", schema["paths"])
        params = {p["name"] for p in schema["paths"]["/api/v1/activities"]["get"]["parameters"]}
        self.assertLessEqual({"workplan", "lead", "objective", "status", "overdue", "limit", "offset", "lang"}, params)
        self.assertIn("BearerTokenAuth", schema["components"]["securitySchemes"])


class DocsTestCase(TestCase):
    def test_it_renders_swagger_ui_from_local_files_only(self):
        response = self.client.get("/api/v1/docs")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn('id="swagger-ui"', html)
        self.assertIn('data-openapi-url="/api/v1/openapi.json"', html)
        self.assertIn("/static/api/vendor/swagger-ui-bundle-5.35.0.js", html)
        sources = re.findall(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="([^"]+)"', html)
        self.assertTrue(sources)
        external = [s for s in sources if s.startswith(("http:", "https:", "//"))]
        self.assertEqual(external, [])

    def test_it_has_one_h1_and_a_translated_title(self):
        html = self.client.get("/api/v1/docs?lang=fr").content.decode()
        self.assertEqual(html.count("<h1"), 1)
        self.assertIn('lang="fr"', html)

    def test_the_vendored_swagger_ui_makes_no_remote_calls(self):
        js = (SNAPSHOT_PATH.parent / "static" / "api" / "docs.js").read_text()
        self.assertIn("validatorUrl: null", js)

import json
import os

from django.test import TestCase

from gcmhub.api.snapshot import SNAPSHOT_PATH, committed_schema_text, current_schema_text, write_snapshot


class OpenApiSnapshotTestCase(TestCase):
    def test_it_matches_the_committed_snapshot(self):
        """Refresh after an intended change: `gcmhub api-snapshot`, or run this test with
        UPDATE_OPENAPI_SNAPSHOT=1."""
        if os.environ.get("UPDATE_OPENAPI_SNAPSHOT") == "1":
            write_snapshot()
        self.assertEqual(
            current_schema_text(),
            committed_schema_text(),
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

    def test_it_documents_the_hub_endpoints(self):
        paths = json.loads(committed_schema_text())["paths"]
        for path in (
            "/api/v1/resources",
            "/api/v1/resources/{slug}",
            "/api/v1/practices",
            "/api/v1/practices/{slug}",
            "/api/v1/practices/{slug}/submit",
            "/api/v1/calls",
            "/api/v1/calls/{slug}",
        ):
            self.assertIn(path, paths)
        self.assertEqual(set(paths["/api/v1/practices/{slug}"]), {"get", "patch"})
        self.assertEqual(set(paths["/api/v1/resources"]), {"get", "post"})
        params = {p["name"] for p in paths["/api/v1/resources"]["get"]["parameters"]}
        self.assertLessEqual({"objective", "country", "type", "publisher", "language", "limit", "offset"}, params)

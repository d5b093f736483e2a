from gcmhub.api.tests.base import API, ApiTestCase


class ErrorsTestCase(ApiTestCase):
    def test_it_answers_a_json_404_for_unknown_routes(self):
        for path in ("/nothing-here", "/activities/abc", "/objectives/", "/v2/activities"):
            response = self.client.get(f"{API}{path}")
            self.assertEqual(response.status_code, 404, path)
            self.assertEqual(response.json(), {"detail": "Not found."})

    def test_it_answers_a_json_405_on_read_only_endpoints(self):
        response = self.client.delete(f"{API}/objectives")
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response.json(), {"detail": "Method not allowed."})
        self.assertEqual(response["Allow"], "GET")

    def test_it_rejects_an_unknown_language(self):
        response = self.client.get(f"{API}/objectives?lang=de")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(list(response.json()["errors"]), ["lang"])

    def test_it_reports_bad_query_parameters_per_field(self):
        response = self.client.get(f"{API}/activities?objective=x&offset=-1")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json(),
            {
                "detail": "The data sent is not valid.",
                "errors": {
                    "offset": ["Ensure this value is greater than or equal to 0."],
                    "objective": ["Enter a whole number."],
                },
            },
        )

    def test_it_lets_reads_through_with_a_bad_token(self):
        response = self.client.get(f"{API}/objectives", headers={"Authorization": "Bearer wagtail_nope"})
        self.assertEqual(response.status_code, 200)

    def test_it_lets_reads_through_with_a_valid_token(self):
        response = self.client.get(
            f"{API}/objectives", headers={"Authorization": f"Bearer {self.token_for(self.alice)}"}
        )
        self.assertEqual(response.status_code, 200)

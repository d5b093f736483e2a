from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gcmhub.knowledge.models import Resource
from gcmhub.knowledge.tests.test_import import ImportDataMixin, to_csv
from gcmhub.test import BaseTestCase


class ImportViewsTestCase(ImportDataMixin, BaseTestCase):
    url = "/en/hub/import/"

    def upload(self, rows, name="resources.csv"):
        data = to_csv(rows)
        return self.client.post(self.url, {"document": SimpleUploadedFile(name, data, content_type="text/csv")})

    def test_it_sends_anonymous_users_to_login(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("login", response["Location"])

    def test_it_answers_403_to_everyone_but_the_hub_team(self):
        for user in (self.alice, self.fatima, self.ines, self.oscar, self.rita):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.upload([self.resource_row()]).status_code, 403)
        self.assertFalse(Resource.objects.exists())

    def test_it_answers_405_to_a_wrong_method(self):
        self.login(self.sam)
        self.assertEqual(self.client.put(self.url).status_code, 405)

    def test_it_shows_the_upload_form(self):
        self.login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, "<h1>Import resources and practices</h1>", html=True)
        self.assertContains(response, 'name="document"')

    def test_it_reports_a_file_it_cannot_read_next_to_the_field(self):
        self.login(self.sam)
        response = self.upload([], name="empty.csv")
        self.assertContains(response, "The file has no rows to import.")
        response = self.client.post(self.url, {"document": SimpleUploadedFile("a.pdf", b"%PDF")})
        self.assertContains(response, "Upload a .csv, .xlsx or .json file.")

    def test_it_imports_a_clean_file_after_the_report(self):
        self.login(self.sam)
        response = self.upload([self.resource_row(), self.practice_row()])
        self.assertEqual(response.status_code, 302)
        report_url = response["Location"]
        response = self.client.get(report_url)
        self.assertContains(response, "Resources: 1 new, 0 updated")
        self.assertContains(response, "Practices: 1 new, 0 updated")
        self.assertContains(response, "Import 2 rows")
        self.assertFalse(Resource.objects.exists())
        response = self.client.post(report_url)
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.assertEqual(Resource.objects.get().title_fr, "Guide des retours")
        self.assertEqual(self.client.get(report_url).status_code, 404)  # the upload is gone

    def test_it_lists_rejected_rows_and_imports_valid_rows_only_when_asked(self):
        self.login(self.sam)
        response = self.upload([self.resource_row(), self.resource_row(title="B", countries="Atlantis")])
        report_url = response["Location"]
        response = self.client.get(report_url)
        self.assertContains(
            response, "<td>3</td><td><code>countries</code></td><td>No country is known as “Atlantis”.</td>", html=True
        )
        self.assertContains(response, "Import the 1 valid row")
        response = self.client.post(report_url)  # without choosing "valid rows only"
        self.assertContains(response, "Nothing was imported")
        self.assertFalse(Resource.objects.exists())
        response = self.client.post(report_url, {"valid_only": "1"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Resource.objects.count(), 1)

    def test_it_shows_the_report_in_the_users_language(self):
        self.login(self.sam)
        report_url = self.upload([self.resource_row(objectives="99")])["Location"]
        response = self.client.get(report_url.replace("/en/", "/fr/"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "objectives")

    def test_it_hides_a_report_from_other_users(self):
        self.login(self.sam)
        report_url = self.upload([self.resource_row()])["Location"]
        other = type(self.sam).objects.create_user(email="sam2@example.org", password="x")
        from gcmhub.accounts.models import Role
        from gcmhub.test import make_role

        make_role(other, Role.Kind.SECRETARIAT)
        self.login(other)
        self.assertEqual(self.client.get(report_url).status_code, 404)
        self.assertEqual(self.client.get(reverse("knowledge:import_report", args=["x" * 43])).status_code, 404)

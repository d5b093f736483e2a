import datetime
import io
import tempfile
from pathlib import Path

from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from gcmhub.taxonomy.models import Organisation
from gcmhub.taxonomy.organisations_data import load_organisations
from gcmhub.test import BaseTestCase, make_activity, make_objective, make_priority, make_thematic_area, make_workplan
from gcmhub.workplan.models import Activity, ImportRun, WorkPlan

SEED = Path(__file__).resolve().parents[1] / "data" / "workplan-2021-2022-fr.txt"
EN = Path(__file__).resolve().parent / "data" / "workplan-en.md"


class ImportViewsBase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for n in range(1, 24):
            make_objective(n)
        for n in range(1, 6):
            make_thematic_area(n)
        load_organisations()

    def upload(self, path: Path = SEED, name: str | None = None, data: bytes | None = None, **extra):
        document = SimpleUploadedFile(name or path.name, path.read_bytes() if data is None else data)
        return self.client.post(reverse("workplan:import"), {"document": document, **extra})

    def token_from(self, response) -> str:
        self.assertEqual(response.status_code, 302)
        return response.url.rstrip("/").split("/")[-2]


class UploadViewTest(ImportViewsBase):
    url = reverse("workplan:import")

    def test_it_sends_anonymous_users_to_login(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response.url)

    def test_it_forbids_other_roles(self):
        for user in (self.alice, self.ines, self.fatima, self.rita):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)
            self.assertEqual(self.upload().status_code, 403)
        self.assertFalse(WorkPlan.objects.exists())

    def test_it_shows_the_form_to_the_secretariat(self):
        self.login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, 'type="file"')
        self.assertContains(response, "<h1>", count=1)

    def test_it_rejects_wrong_methods(self):
        self.login(self.sam)
        self.assertEqual(self.client.put(self.url).status_code, 405)

    def test_it_stores_the_upload_and_redirects_to_the_preview(self):
        self.login(self.sam)
        response = self.upload()
        token = self.token_from(response)
        self.assertRedirects(response, reverse("workplan:import_preview", args=[token]), fetch_redirect_response=False)
        self.assertFalse(WorkPlan.objects.exists())

    def test_it_shows_the_reason_for_an_unreadable_file(self):
        self.login(self.sam)
        response = self.upload(name="plan.docx", data=b"not a zip")
        self.assertContains(response, "not a valid DOCX")
        response = self.upload(name="plan.txt", data=b"Nothing to see here.")
        self.assertContains(response, "No priority was found")
        self.assertFalse(WorkPlan.objects.exists())

    def test_it_refuses_other_file_types(self):
        self.login(self.sam)
        response = self.upload(name="plan.pdf", data=b"%PDF-1.4")
        self.assertContains(response, "Upload a .docx, .md or .txt file.")
        self.assertContains(response, 'class="error-summary"')

    def test_it_requires_a_file(self):
        self.login(self.sam)
        response = self.client.post(self.url, {})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["document"])


class PreviewViewTest(ImportViewsBase):
    def test_it_shows_what_was_read(self):
        self.login(self.sam)
        url = self.upload().url
        with self.assertNumQueries(6):
            response = self.client.get(url)
        self.assertContains(response, "Plan de travail du Réseau : priorités pour 2021-2022")
        self.assertContains(response, "17 priority blocks")
        self.assertContains(response, "60 activities")
        self.assertContains(response, "This will create a new work plan.")
        self.assertContains(response, "Year inferred")
        self.assertContains(response, "unnumbered")
        self.assertNotContains(response, "Unknown:")
        # The preview keeps its state: a second visit shows the same document.
        self.assertContains(self.client.get(url), "60 activities")

    def test_it_saves_and_redirects_to_the_plan(self):
        self.login(self.sam)
        url = self.upload().url
        response = self.client.post(url, {})
        self.assertRedirects(response, reverse("workplan:overview", args=["2021-2022"]), fetch_redirect_response=False)
        plan = WorkPlan.objects.get()
        self.assertEqual(Activity.objects.filter(priority__workplan=plan).count(), 60)
        self.assertEqual(ImportRun.objects.get().created_by, self.sam)
        # The preview is gone once saved.
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_it_warns_that_a_reimport_updates_the_plan(self):
        self.login(self.sam)
        self.client.post(self.upload().url, {})
        response = self.client.get(self.upload().url)
        self.assertContains(response, "This will update the existing plan")
        self.assertContains(response, "Update the work plan")

    def test_it_requires_a_choice_for_unknown_organisations(self):
        self.login(self.sam)
        url = self.upload(EN).url
        response = self.client.get(url)
        self.assertContains(response, "Unknown: Friends of Imaginary Detention Reform")
        response = self.client.post(url, {})
        self.assertContains(response, "Choose an organisation or create a new one.")
        self.assertFalse(WorkPlan.objects.exists())

    def test_it_maps_unknown_organisations(self):
        self.login(self.sam)
        url = self.upload(EN).url
        idc = Organisation.objects.get(slug="idc")
        response = self.client.post(url, {"org_0": str(idc.pk)})
        self.assertRedirects(response, reverse("workplan:overview", args=["2023-2024"]), fetch_redirect_response=False)
        self.assertEqual(Organisation.objects.resolving("Friends of Imaginary Detention Reform").get(), idc)

    def test_it_creates_unknown_organisations_on_request(self):
        self.login(self.sam)
        url = self.upload(EN).url
        self.client.post(url, {"org_0": "new"})
        self.assertTrue(Organisation.objects.filter(name_en="Friends of Imaginary Detention Reform").exists())

    def test_it_keeps_the_language_override(self):
        self.login(self.sam)
        url = self.upload(language="es").url
        self.client.post(url, {})
        self.assertEqual(WorkPlan.objects.get().source_language, "es")

    def test_it_returns_404_for_unknown_tokens(self):
        self.login(self.sam)
        self.assertEqual(self.client.get(reverse("workplan:import_preview", args=["x" * 32])).status_code, 404)
        self.assertEqual(self.client.get(reverse("workplan:import_preview", args=["short"])).status_code, 404)

    def test_it_forbids_other_roles_and_sends_anonymous_to_login(self):
        self.login(self.sam)
        url = self.upload().url
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 302)
        for user in (self.alice, self.ines):
            self.login(user)
            self.assertEqual(self.client.get(url).status_code, 403)
            self.assertEqual(self.client.post(url, {}).status_code, 403)
        self.assertFalse(WorkPlan.objects.exists())


class DeadlinesToFixTest(ImportViewsBase):
    url = reverse("workplan:deadlines_to_fix")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        plan = make_workplan(slug="2021-2022")
        priority = make_priority(workplan=plan)
        cls.unparsed = make_activity(priority, deadline_text="dès que possible", deadline_state="unparsed")
        cls.inferred = make_activity(
            priority,
            deadline_text="3e trimestre",
            deadline_state="inferred",
            periods=[(datetime.date(2021, 7, 1), datetime.date(2021, 9, 30))],
        )
        cls.inferred.deadline_state = "inferred"
        cls.inferred.save(update_fields=["deadline_state"])
        cls.fine = make_activity(priority, deadline_text="2021", deadline_state="parsed")

    def test_it_lists_unparsed_and_inferred_deadlines(self):
        self.login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, reverse("workplan:activity_deadline", args=[self.unparsed.pk]))
        self.assertContains(response, reverse("workplan:activity_deadline", args=[self.inferred.pk]))
        self.assertNotContains(response, reverse("workplan:activity_deadline", args=[self.fine.pk]))
        self.assertContains(response, "2 deadlines to check")

    def test_it_runs_a_fixed_number_of_queries(self):
        self.login(self.sam)
        for i in range(5):
            make_activity(self.unparsed.priority, deadline_text=f"bientôt {i}", deadline_state="unparsed")
        with self.assertNumQueries(5):
            self.client.get(self.url)

    def test_it_is_for_the_secretariat_only(self):
        self.assertEqual(self.client.get(self.url).status_code, 302)
        for user in (self.alice, self.ines, self.oscar, self.fatima):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)


class EditDeadlineTest(DeadlinesToFixTest):
    def url_for(self, activity):
        return reverse("workplan:activity_deadline", args=[activity.pk])

    def test_it_reparses_an_edited_deadline(self):
        self.login(self.sam)
        response = self.client.get(self.url_for(self.unparsed))
        self.assertContains(response, "dès que possible")
        response = self.client.post(self.url_for(self.unparsed), {"deadline_text": "2e trimestre 2021", "version": 1})
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        activity = Activity.objects.get(pk=self.unparsed.pk)
        self.assertEqual(activity.deadline_state, "parsed")
        self.assertEqual(
            (activity.start_date, activity.due_date), (datetime.date(2021, 4, 1), datetime.date(2021, 6, 30))
        )
        self.assertEqual(activity.periods.count(), 1)
        self.assertTrue(LogEntry.objects.filter(object_id=str(activity.pk), user=self.sam).exists())

    def test_it_confirms_inferred_periods(self):
        self.login(self.sam)
        self.client.post(self.url_for(self.inferred), {"deadline_text": "3e trimestre", "confirm": "on", "version": 1})
        activity = Activity.objects.get(pk=self.inferred.pk)
        self.assertEqual(activity.deadline_state, "confirmed")
        self.assertEqual(activity.periods.count(), 1)

    def test_it_refuses_to_confirm_an_unreadable_deadline(self):
        self.login(self.sam)
        response = self.client.post(
            self.url_for(self.unparsed), {"deadline_text": "quand on pourra", "confirm": "on", "version": 1}
        )
        self.assertContains(response, "cannot be confirmed")
        self.assertContains(response, "quand on pourra")  # what the user typed is kept
        self.assertEqual(Activity.objects.get(pk=self.unparsed.pk).deadline_text, "dès que possible")

    def test_it_keeps_an_unreadable_deadline_flagged(self):
        self.login(self.sam)
        response = self.client.post(self.url_for(self.unparsed), {"deadline_text": "quand on pourra", "version": 1})
        self.assertRedirects(response, self.url_for(self.unparsed), fetch_redirect_response=False)
        activity = Activity.objects.get(pk=self.unparsed.pk)
        self.assertEqual((activity.deadline_text, activity.deadline_state), ("quand on pourra", "unparsed"))

    def test_it_guards_the_page(self):
        url = self.url_for(self.unparsed)
        self.assertEqual(self.client.get(url).status_code, 302)
        self.login(self.ines)
        self.assertEqual(self.client.post(url, {"deadline_text": "2021"}).status_code, 403)
        self.login(self.sam)
        self.assertEqual(self.client.get(reverse("workplan:activity_deadline", args=[999999])).status_code, 404)
        self.assertEqual(self.client.delete(url).status_code, 405)
        self.assertEqual(Activity.objects.get(pk=self.unparsed.pk).deadline_text, "dès que possible")


class ImportCommandTest(ImportViewsBase):
    def test_it_imports_a_file_and_prints_counts(self):
        out = io.StringIO()
        call_command("import_workplan", str(SEED), stdout=out)
        self.assertIn("Created plan 2021-2022 (fr): 17 priorities, 60 activities", out.getvalue())
        out = io.StringIO()
        call_command("import_workplan", str(SEED), stdout=out)
        self.assertIn("Updated plan 2021-2022", out.getvalue())
        self.assertEqual(Activity.objects.count(), 60)

    def test_it_fails_on_unknown_organisations_unless_asked(self):
        with self.assertRaisesMessage(CommandError, "Friends of Imaginary Detention Reform"):
            call_command("import_workplan", str(EN), stdout=io.StringIO())
        self.assertFalse(WorkPlan.objects.exists())
        out = io.StringIO()
        call_command("import_workplan", str(EN), "--create-unknown", stdout=out)
        self.assertIn("New organisation: Friends of Imaginary Detention Reform", out.getvalue())

    def test_it_fails_on_unreadable_files(self):
        with self.assertRaises(CommandError):
            call_command("import_workplan", "/nonexistent/plan.txt", stdout=io.StringIO())
        with tempfile.TemporaryDirectory() as folder:
            pdf = Path(folder) / "plan.pdf"
            pdf.write_bytes(b"%PDF-1.4 ...")
            with self.assertRaisesMessage(CommandError, "PDF"):
                call_command("import_workplan", str(pdf), stdout=io.StringIO())

"""The work plan's uploaded files: evidence documents checked by content and served like the status
updates they belong to (public); a plan's source document served to the Secretariat alone."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from gcmhub.lib.tests.samples import BAD, GOOD, upload
from gcmhub.test import make_reviewer
from gcmhub.workplan.actions import EVIDENCE_EXTENSIONS, do_add_contribution_note, do_post_status_update
from gcmhub.workplan.models import StatusUpdate, WorkPlan
from gcmhub.workplan.tests.test_activity import ActivityFixtures
from gcmhub.workplan.tests.test_updates import note_data, status_data


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


class EvidenceUploadTests(ActivityFixtures):
    def url(self):
        return reverse("workplan:activity_status", args=[self.activity.pk])

    def test_it_refuses_evidence_that_is_not_what_it_says_and_keeps_what_was_typed(self):
        self.login(self.ines)
        for name, data in BAD:
            with self.subTest(name=name):
                form = status_data(
                    **{"status-narrative": "Typed narrative", "status-evidence_file": upload(name, data)}
                )
                response = self.client.post(self.url(), form)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "Typed narrative", status_code=400)
        self.assertFalse(StatusUpdate.objects.exists())

    def test_it_says_what_is_wrong_with_a_disguised_file(self):
        self.login(self.ines)
        form = status_data(**{"status-evidence_file": upload("report.pdf", b"MZ\x90\x00")})
        response = self.client.post(self.url(), form)
        self.assertContains(response, "“report.pdf” does not contain what a .pdf file should", status_code=400)

    def test_it_accepts_evidence_of_every_allowed_type(self):
        self.login(self.ines)
        for extension in EVIDENCE_EXTENSIONS:
            with self.subTest(extension=extension):
                form = status_data(**{"status-evidence_file": upload(f"evidence.{extension}")})
                self.assertEqual(self.client.post(self.url(), form).status_code, 302)
        names = StatusUpdate.objects.values_list("evidence_file", flat=True)
        self.assertEqual(len(names), len(EVIDENCE_EXTENSIONS))
        for name in names:
            self.assertRegex(name, r"^evidence/\d{4}/[\w-]{22}/evidence\.\w+$")

    def test_the_actions_check_content_for_every_caller(self):
        with self.assertRaises(ValidationError) as caught:
            do_post_status_update(
                activity=self.activity, author=self.ines, status="on_track", evidence_file=upload("x.png", b"<svg/>")
            )
        self.assertIn("evidence_file", caught.exception.message_dict)
        with self.assertRaises(ValidationError):
            do_add_contribution_note(
                activity=self.activity, author=self.oscar, narrative="n", evidence_file=upload("x.pdf", b"MZ")
            )

    def test_the_note_form_refuses_a_disguised_file_too(self):
        self.login(self.oscar)
        form = note_data(**{"note-organisation": str(self.ohchr.pk), "note-evidence_file": upload("a.docx", b"MZ")})
        response = self.client.post(reverse("workplan:activity_note", args=[self.activity.pk]), form)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "OHCHR reviewed the draft", status_code=400)


class EvidenceServingTests(ActivityFixtures):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.victor = make_reviewer("victor@example.org")
        cls.update = do_post_status_update(
            activity=cls.activity,
            author=cls.ines,
            status="on_track",
            evidence_file=upload("Compte rendu.pdf"),
            organisation=cls.iom,
        )

    def test_it_serves_evidence_to_everyone_who_may_see_the_update(self):
        url = self.update.evidence_url()
        self.assertEqual(url, f"/files/evidence/{self.update.pk}/Compte_rendu.pdf")
        for user in (None, self.alice, self.fatima, self.ines, self.oscar, self.rita, self.victor, self.sam):
            with self.subTest(user=user and user.email):
                self.client.logout()
                if user:
                    self.login(user)
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(body(response), GOOD["pdf"])
                self.assertEqual(response["Content-Type"], "application/pdf")
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertEqual(response["Cache-Control"], "public, max-age=600")

    def test_it_answers_404_for_a_wrong_name_or_an_update_without_evidence(self):
        self.assertEqual(self.client.get(f"/files/evidence/{self.update.pk}/other.pdf").status_code, 404)
        plain = do_post_status_update(activity=self.activity, author=self.ines, status="on_track")
        self.assertEqual(self.client.get(f"/files/evidence/{plain.pk}/x.pdf").status_code, 404)

    def test_the_activity_page_and_the_api_link_to_the_serving_view(self):
        page = self.client.get(self.activity.get_absolute_url())
        self.assertContains(page, f'href="{self.update.evidence_url()}"')
        self.assertContains(page, "Document: Compte_rendu.pdf")
        self.assertNotContains(page, "/media/")
        updates = self.client.get(f"/api/v1/activities/{self.activity.pk}/updates").json()
        self.assertEqual(updates["items"][0]["evidence_file"], f"http://testserver{self.update.evidence_url()}")

    def test_an_old_media_link_still_works(self):
        legacy = StatusUpdate.objects.create(
            activity=self.activity, author=self.ines, evidence_file="evidence/2021/a.pdf"
        )
        default_storage.save("evidence/2021/a.pdf", ContentFile(GOOD["pdf"]))
        response = self.client.get(f"/media/{legacy.evidence_file.name}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Disposition"], "inline; filename=\"a.pdf\"; filename*=UTF-8''a.pdf")


class SourceDocumentTests(ActivityFixtures):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.victor = make_reviewer("victor@example.org")
        cls.plan.source_document.save("Plan de travail.docx", ContentFile(GOOD["docx"]), save=True)

    def test_it_serves_the_source_document_to_the_secretariat_only(self):
        url = self.plan.source_document_url()
        self.assertRegex(url, r"^/files/workplans/wp-2021/Plan_de_travail\.docx$")
        self.assertRegex(self.plan.source_document.name, r"^workplans/[\w-]{22}/Plan_de_travail\.docx$")
        for user in (None, self.alice, self.fatima, self.ines, self.oscar, self.rita, self.victor):
            with self.subTest(user=user and user.email):
                self.client.logout()
                if user:
                    self.login(user)
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.get(f"/media/{self.plan.source_document.name}").status_code, 404)
        self.login(self.sam)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(body(response), GOOD["docx"])
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertEqual(
            response["Content-Disposition"],
            "attachment; filename=\"Plan_de_travail.docx\"; filename*=UTF-8''Plan_de_travail.docx",
        )
        self.assertEqual(self.client.get(f"/media/{self.plan.source_document.name}").status_code, 200)

    def test_a_plan_without_a_source_document_has_no_link(self):
        self.assertEqual(WorkPlan(slug="empty").source_document_url(), "")

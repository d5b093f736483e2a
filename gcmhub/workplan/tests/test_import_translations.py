"""A document of the plan in another language attaches its texts as translations (issue 9 §3)."""

from pathlib import Path

from django.urls import reverse

from gcmhub.taxonomy.reference import load_reference_data
from gcmhub.test import BaseTestCase
from gcmhub.translations.registry import kind_of
from gcmhub.translations.status import segments
from gcmhub.workplan.importer import do_import_workplan, parse_document
from gcmhub.workplan.importer.translations import attach, match
from gcmhub.workplan.models import Activity, Priority, StatusUpdate, WorkPlan

DATA = Path(__file__).resolve().parents[1] / "data"


def seed(language: str) -> tuple[bytes, str]:
    path = DATA / f"workplan-2021-2022-{language}.txt"
    return path.read_bytes(), path.name


class AttachTranslationsTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        load_reference_data()
        data, name = seed("fr")
        cls.plan = do_import_workplan(parse_document(data, name), filename=name, data=data).plan

    def test_the_english_and_spanish_documents_match_the_french_plan_entirely(self):
        for language in ("en", "es"):
            with self.subTest(language=language):
                parsed = parse_document(*seed(language))
                self.assertEqual(parsed.source_language, language)
                found = match(parsed, self.plan)
                self.assertTrue(found.complete, (found.extra_blocks, found.extra_activities, found.missing_activities))
                self.assertEqual(
                    len(found.activity_pairs), Activity.objects.filter(priority__workplan=self.plan).count()
                )

    def test_attaching_adds_texts_and_changes_nothing_else(self):
        activity = Activity.objects.filter(priority__workplan=self.plan, priority__code="2.1", number=1).get()
        StatusUpdate.objects.create(activity=activity, status="ongoing", kind="status")
        before = list(
            Activity.objects.filter(priority__workplan=self.plan).values_list(
                "pk", "due_date", "status", "text_fr", "deadline_text_fr"
            )
        )
        parsed = parse_document(*seed("en"))
        attach(parsed, match(parsed, self.plan), user=self.sam)
        after = list(
            Activity.objects.filter(priority__workplan=self.plan).values_list(
                "pk", "due_date", "status", "text_fr", "deadline_text_fr"
            )
        )
        self.assertEqual(before, after)
        self.assertEqual(WorkPlan.objects.count(), 1)
        activity.refresh_from_db()
        self.assertTrue(activity.text_en)
        self.assertTrue(activity.deadline_text_en)
        plan = WorkPlan.objects.get()
        self.assertEqual(plan.as_of_en, "As of 28 April 2021")
        self.assertEqual(plan.as_of_fr, "Au 28 avril 2021")
        self.assertTrue(Priority.objects.filter(workplan=plan, code="2.1").get().title_en)
        states = {s.state for s in segments(kind_of("workplan.activity"), Activity.objects.all(), ["en"])}
        self.assertEqual(states, {"human"})
        self.assertEqual(StatusUpdate.objects.filter(activity=activity).count(), 1)

    def test_unmatched_blocks_and_activities_are_shown_and_left_out(self):
        text = seed("en")[0].decode()
        # An activity the plan does not have.
        text = text.replace("Activities:", "Activities:\n\n99. A new activity that the French plan does not list.\n", 1)
        parsed = parse_document(text.encode(), "plan.txt")
        found = match(parsed, self.plan)
        self.assertEqual([item.number for _b, item in found.extra_activities], [99])
        self.assertFalse(found.complete)

    def test_the_import_pages_preview_and_attach_for_the_secretariat_only(self):
        data, name = seed("es")
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.login(self.ines)
        self.assertEqual(self.client.get(reverse("workplan:import")).status_code, 403)
        self.login(self.sam)
        response = self.client.post(reverse("workplan:import"), {"document": SimpleUploadedFile(name, data)})
        self.assertEqual(response.status_code, 302)
        preview = self.client.get(response["Location"])
        self.assertContains(preview, "Every block and activity of the document matches")
        done = self.client.post(response["Location"])
        self.assertRedirects(done, reverse("workplan:overview", args=[self.plan.slug]), fetch_redirect_response=False)
        self.assertEqual(WorkPlan.objects.get().as_of_es, "Al 28 de abril de 2021")
        page = self.client.get("/es/workplan/" + self.plan.slug + "/")
        self.assertContains(page, "Al 28 de abril de 2021")

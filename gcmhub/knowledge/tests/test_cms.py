from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from gcmhub.accounts.groups import sync_secretariat_group
from gcmhub.knowledge.models import CallForPractices, Resource, ResourceEvent, ToolFeedback
from gcmhub.test import BaseTestCase, make_objective, make_resource


def admin_url(model, view, *args):
    return reverse(f"wagtailsnippets_knowledge_{model._meta.model_name}:{view}", args=args)


def resource_form(**overrides):
    data = {
        "kind": "publication",
        "status": "published",
        "source_language": "en",
        "title_en": "Handbook on labour migration",
        "title_fr": "",
        "title_es": "",
        "summary_en": "A handbook.",
        "summary_fr": "",
        "summary_es": "",
        "files": inline_formset([]),
        "external_url": "https://example.org/handbook",
        "publishers": [],
        "publication_date": "2024-05-01",
        "languages": ["en", "fr"],
        "geographic_scope": "global",
        "countries": [],
        "regions": [],
        "objectives": [],
        "principles": [],
        "thematic_area": "",
        "audiences": ["governments"],
        "output_of_priority": "",
        "output_of_activity": "",
    }
    data.update(overrides)
    # nested_form_data flattens lists too: only the files formset goes through it.
    data.update(nested_form_data({"files": data.pop("files")}))
    return data


class HubCmsTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # sam's role comes from make_role; do_grant_role would also have put him in the CMS group.
        cls.sam.groups.add(sync_secretariat_group())
        cls.objective = make_objective(3)

    def test_it_opens_the_hub_screens_to_the_secretariat(self):
        self.login(self.sam)
        resource = make_resource()
        for model in (Resource, CallForPractices, ToolFeedback):
            with self.subTest(model=model.__name__):
                self.assertEqual(self.client.get(admin_url(model, "list")).status_code, 200)
        self.assertEqual(self.client.get(admin_url(Resource, "add")).status_code, 200)
        self.assertEqual(self.client.get(admin_url(CallForPractices, "add")).status_code, 200)
        self.assertEqual(self.client.get(admin_url(Resource, "edit", resource.pk)).status_code, 200)
        self.assertContains(self.client.get(reverse("wagtailadmin_home")), "Hub")

    def test_it_keeps_everyone_else_out_of_the_cms(self):
        for user in (self.alice, self.fatima, self.ines, self.rita):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(admin_url(Resource, "list")).status_code, 302)
        self.client.logout()
        self.assertEqual(self.client.get(admin_url(Resource, "add")).status_code, 302)

    def test_it_creates_a_published_resource_with_a_file_and_records_it(self):
        self.login(self.sam)
        data = resource_form(
            objectives=[self.objective.pk],
            publishers=[self.iom.pk],
            countries=[self.morocco.pk],
            files=inline_formset([{"language": "fr", "title": "Manuel", "file": ""}]),
        )
        upload = SimpleUploadedFile("manuel.pdf", b"%PDF-1.4 manuel", "application/pdf")
        data["files-0-file"] = upload
        response = self.client.post(admin_url(Resource, "add"), data)
        self.assertEqual(
            response.status_code, 302, response.content.decode()[-20000:] if response.status_code == 200 else ""
        )
        resource = Resource.objects.get()
        self.assertEqual(resource.status, Resource.Status.PUBLISHED)
        self.assertIsNotNone(resource.published_at)
        self.assertEqual(resource.languages, ["en", "fr"])
        self.assertEqual(resource.audiences, ["governments"])
        self.assertEqual(list(resource.objectives.all()), [self.objective])
        self.assertEqual((resource.files.get().language, resource.files.get().size), ("fr", 15))
        event = ResourceEvent.objects.get(resource=resource)
        self.assertEqual((event.actor, event.from_status, event.to_status), (self.sam, "", "published"))

    def test_it_publishes_a_proposal_from_the_cms_and_tells_the_proposer(self):
        proposal = make_resource(status=Resource.Status.PROPOSED, proposed_by=self.ines, title_en="Proposed one")
        ResourceEvent.objects.create(resource=proposal, actor=self.ines, to_status="proposed")
        self.login(self.sam)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                admin_url(Resource, "edit", proposal.pk), resource_form(title_en="Proposed one", version=1)
            )
        self.assertEqual(response.status_code, 302)
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, Resource.Status.PUBLISHED)
        self.assertIsNotNone(proposal.published_at)
        self.assertEqual(
            list(proposal.events.values_list("from_status", "to_status")), [("", "proposed"), ("proposed", "published")]
        )
        self.assertEqual(mail.outbox[-1].to, [self.ines.email])

    def test_it_records_nothing_when_the_status_does_not_change(self):
        resource = make_resource(title_en="Stable")
        ResourceEvent.objects.create(resource=resource, to_status="published")
        self.login(self.sam)
        self.client.post(admin_url(Resource, "edit", resource.pk), resource_form(title_en="Stable, edited", version=1))
        resource.refresh_from_db()
        self.assertEqual(resource.title_en, "Stable, edited")
        self.assertEqual(resource.events.count(), 1)

    def test_it_requires_the_title_in_the_source_language(self):
        self.login(self.sam)
        response = self.client.post(admin_url(Resource, "add"), resource_form(source_language="fr"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Give the title in the source language.")
        self.assertFalse(Resource.objects.exists())

    def test_it_keeps_tool_feedback_read_only(self):
        tool = make_resource(is_network_tool=True)
        feedback = ToolFeedback.objects.create(resource=tool, rating=4)
        self.login(self.sam)
        self.assertIn(self.client.get(admin_url(ToolFeedback, "add")).status_code, (302, 403))
        self.assertIn(self.client.get(admin_url(ToolFeedback, "edit", feedback.pk)).status_code, (302, 403))
        self.assertEqual(self.client.get(admin_url(ToolFeedback, "inspect", feedback.pk)).status_code, 200)

    def test_it_creates_a_call_for_practices(self):
        self.login(self.sam)
        data = {
            "slug": "call-2026",
            "source_language": "en",
            "title_en": "Call 2026",
            "title_fr": "",
            "title_es": "",
            "rationale_en": "Why",
            "rationale_fr": "",
            "rationale_es": "",
            "eligibility_en": "",
            "eligibility_fr": "",
            "eligibility_es": "",
            "criteria_en": "",
            "criteria_fr": "",
            "criteria_es": "",
            "objectives": [self.objective.pk],
            "opens_at": "2026-01-01 00:00",
            "deadline": "2026-12-31 00:00",
            "contact_name": "Hub",
            "contact_email": "hub@example.org",
        }
        response = self.client.post(admin_url(CallForPractices, "add"), data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(CallForPractices.objects.get().title, "Call 2026")

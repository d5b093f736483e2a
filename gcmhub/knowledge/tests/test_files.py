"""The Hub's uploaded files: checked by content on every form that takes them, and served only through
views that apply the resource's or practice's permission, with safe headers."""

import json
from urllib.parse import quote

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset

from gcmhub.accounts.groups import sync_secretariat_group
from gcmhub.knowledge.forms_resources import ResourceProposalForm
from gcmhub.knowledge.models import (
    PRACTICE_ATTACHMENT_EXTENSIONS,
    RESOURCE_FILE_EXTENSIONS,
    Practice,
    PracticeAttachment,
    Resource,
    ResourceFile,
    ReviewAssignment,
)
from gcmhub.knowledge.permissions import can_view_practice
from gcmhub.knowledge.tests.test_cms import admin_url, resource_form
from gcmhub.knowledge.tests.test_resources import proposal_data
from gcmhub.knowledge.tests.test_submission import complete_data
from gcmhub.lib.tests.samples import BAD, GOOD, upload
from gcmhub.test import BaseTestCase, make_assignment, make_objective, make_practice, make_resource, make_reviewer


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# Uploads ------------------------------------------------------------------------------------------


class ResourceProposalUploadTests(BaseTestCase):
    url = reverse("knowledge:resource_propose")

    def test_it_refuses_files_that_are_not_what_they_say_and_keeps_what_was_typed(self):
        self.login(self.ines)
        for name, data in BAD:
            with self.subTest(name=name):
                data = proposal_data(title_fr="Mon guide tapé", external_url="", file_fr=upload(name, data))
                response = self.client.post(self.url, data)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, f"“{name}”", status_code=400)
                self.assertContains(response, 'value="Mon guide tapé"', status_code=400)
                self.assertContains(response, "files must be chosen again", status_code=400)
        self.assertFalse(Resource.objects.exists())
        self.assertFalse(ResourceFile.objects.exists())

    def test_it_accepts_a_file_of_every_allowed_type(self):
        for extension in RESOURCE_FILE_EXTENSIONS:
            with self.subTest(extension=extension):
                form = ResourceProposalForm(proposal_data(external_url=""), {"file_en": upload(f"doc.{extension}")})
                self.assertTrue(form.is_valid(), form.errors)

    def test_it_saves_the_file_under_an_unguessable_name_and_keeps_the_original_one(self):
        self.login(self.ines)
        self.client.post(self.url, proposal_data(file_fr=upload("Guide pratique.pdf")))
        file = ResourceFile.objects.get()
        self.assertRegex(file.file.name, r"^resources/\d{4}/\d{2}/[\w-]{22}/Guide_pratique\.pdf$")
        self.assertEqual(file.filename, "Guide_pratique.pdf")
        self.assertEqual(str(file), "Guide_pratique.pdf")


class ResourceCmsUploadTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sam.groups.add(sync_secretariat_group())

    def post(self, uploads: dict[str, object]):
        rows = [{"language": "en", "title": "", "file": ""} for _name in uploads]
        data = resource_form(files=inline_formset(rows))
        for index, file in enumerate(uploads.values()):
            data[f"files-{index}-file"] = file
        return self.client.post(admin_url(Resource, "add"), data)

    def test_it_refuses_bad_files_in_the_cms(self):
        self.login(self.sam)
        for name, data in BAD:
            with self.subTest(name=name):
                response = self.post({name: upload(name, data)})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, f"“{name}”")
        self.assertFalse(Resource.objects.exists())

    def test_it_accepts_every_allowed_type_in_the_cms(self):
        self.login(self.sam)
        response = self.post({ext: upload(f"file.{ext}") for ext in RESOURCE_FILE_EXTENSIONS})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ResourceFile.objects.count(), len(RESOURCE_FILE_EXTENSIONS))

    def test_it_does_not_read_the_stored_file_again_when_other_fields_change(self):
        resource = make_resource(title_en="Stable")
        item = ResourceFile.objects.create(resource=resource, file=upload("old.pdf"))
        # The stored bytes are replaced by junk: an edit that re-checked them would fail.
        with default_storage.open(item.file.name, "wb") as handle:
            handle.write(b"MZ junk")
        self.login(self.sam)
        data = resource_form(
            title_en="Stable, edited",
            version=resource.version,
            files=inline_formset([{"id": item.pk, "language": "en", "title": "", "file": ""}], initial=1),
        )
        response = self.client.post(admin_url(Resource, "edit", resource.pk), data)
        self.assertEqual(response.status_code, 302)
        item.refresh_from_db()
        self.assertEqual(item.resource.title_en, "Stable, edited")


class PracticeUploadTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.objective = make_objective(6)

    url = reverse("knowledge:practice_new")

    def test_it_refuses_files_that_are_not_what_they_say_and_keeps_what_was_typed(self):
        self.login(self.alice)
        for name, data in BAD:
            with self.subTest(name=name):
                form = complete_data(title="Mon guichet tapé", action="save", new_attachments=[upload(name, data)])
                response = self.client.post(self.url, form)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, f"“{name}”", status_code=400)
                self.assertContains(response, 'value="Mon guichet tapé"', status_code=400)
        self.assertFalse(Practice.objects.exists())

    def test_it_names_each_refused_file_and_keeps_none_of_them(self):
        self.login(self.alice)
        files = [upload("ok.pdf"), upload("setup.pdf", b"MZ\x90\x00"), upload("photo.png", b"<html></html>")]
        response = self.client.post(self.url, complete_data(action="save", new_attachments=files))
        self.assertContains(response, "“setup.pdf” does not contain what a .pdf file should", status_code=400)
        self.assertContains(response, "“photo.png” does not contain what a .png file should", status_code=400)
        self.assertFalse(PracticeAttachment.objects.exists())

    def test_it_accepts_a_file_of_every_allowed_type(self):
        self.login(self.alice)
        files = [upload(f"annexe.{ext}") for ext in PRACTICE_ATTACHMENT_EXTENSIONS]
        response = self.client.post(self.url, complete_data(action="save", new_attachments=files))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(PracticeAttachment.objects.count(), len(PRACTICE_ATTACHMENT_EXTENSIONS))
        for attachment in PracticeAttachment.objects.all():
            self.assertRegex(attachment.file.name, r"^practices/\d{4}/\d{2}/[\w-]{22}/annexe\.\w+$")


# Serving ------------------------------------------------------------------------------------------


class FileServingTestCase(BaseTestCase):
    """Each persona, plus a reviewer with a current assignment (rita) and one without (victor)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.victor = make_reviewer("victor@example.org")

    def personas(self):
        return {
            "anonymous": None,
            "stakeholder": self.alice,
            "member_state_fp": self.fatima,
            "network_fp": self.ines,
            "other_network_fp": self.oscar,
            "reviewer_assigned": self.rita,
            "reviewer_unassigned": self.victor,
            "secretariat": self.sam,
        }

    def fetch(self, user, url, **headers):
        self.client.logout()
        if user is not None:
            self.login(user)
        return self.client.get(url, headers=headers)


class ResourceFileServingTests(FileServingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.files = {}
        for status in Resource.Status.values:
            resource = make_resource(status=status, proposed_by=cls.ines, title_en=f"Resource {status}")
            cls.files[status] = ResourceFile.objects.create(
                resource=resource, language="en", file=upload("Rapport été.pdf")
            )

    def test_it_serves_a_resource_file_to_whoever_may_see_the_resource(self):
        may_see_drafts = {"network_fp", "secretariat"}  # ines proposed them
        for status, item in self.files.items():
            for persona, user in self.personas().items():
                with self.subTest(status=status, persona=persona):
                    response = self.fetch(user, item.get_absolute_url())
                    allowed = status == Resource.Status.PUBLISHED or persona in may_see_drafts
                    self.assertEqual(response.status_code, 200 if allowed else 404)
                    if allowed:
                        self.assertEqual(body(response), GOOD["pdf"])

    def test_it_sends_safe_headers(self):
        published = self.fetch(None, self.files["published"].get_absolute_url())
        self.assertEqual(published["Content-Type"], "application/pdf")
        self.assertEqual(published["X-Content-Type-Options"], "nosniff")
        self.assertEqual(
            published["Content-Disposition"],
            "inline; filename=\"Rapport_ete.pdf\"; filename*=UTF-8''Rapport_%C3%A9t%C3%A9.pdf",
        )
        self.assertEqual(published["Content-Security-Policy"], "default-src 'none'")
        self.assertEqual(published["Cache-Control"], "public, max-age=600")
        draft = self.fetch(self.ines, self.files["proposed"].get_absolute_url())
        self.assertEqual(draft["Cache-Control"], "private, no-store")

    def test_it_answers_404_for_a_wrong_filename_or_id(self):
        item = self.files["published"]
        self.assertEqual(self.client.get(f"/files/resources/{item.pk}/other.pdf").status_code, 404)
        self.assertEqual(self.client.get(f"/files/resources/{item.pk + 1000}/{item.filename}").status_code, 404)

    def test_it_answers_head_and_refuses_writes(self):
        url = self.files["published"].get_absolute_url()
        head = self.client.head(url)
        self.assertEqual(head.status_code, 200)
        self.assertEqual(head["Content-Length"], str(len(GOOD["pdf"])))
        self.assertEqual(self.client.post(url).status_code, 405)

    @override_settings(FILE_SERVE_METHOD="x-accel-redirect", FILE_ACCEL_REDIRECT_PREFIX="/protected-media/")
    def test_it_hands_allowed_downloads_to_nginx_only(self):
        item = self.files["proposed"]
        self.assertEqual(self.fetch(None, item.get_absolute_url()).status_code, 404)
        response = self.fetch(self.sam, item.get_absolute_url())
        self.assertEqual(response["X-Accel-Redirect"], "/protected-media/" + quote(item.file.name))
        self.assertEqual(response.content, b"")

    @override_settings(FILE_SERVE_METHOD="x-sendfile")
    def test_it_hands_allowed_downloads_to_apache_only(self):
        item = self.files["declined"]
        self.assertEqual(self.fetch(self.alice, item.get_absolute_url()).status_code, 404)
        response = self.fetch(self.ines, item.get_absolute_url())
        self.assertTrue(response["X-Sendfile"].encode("latin-1").endswith("/Rapport_été.pdf".encode()))


class PracticeAttachmentServingTests(FileServingTestCase):
    STATES = ("draft", "submitted", "in_review", "reviewed", "published", "declined")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.attachments = {}
        for status in cls.STATES:
            practice = make_practice(cls.alice, status=status, title=f"Practice {status}")
            if status != "published":
                state = ReviewAssignment.State.SUBMITTED if status == "reviewed" else ReviewAssignment.State.ACCEPTED
                make_assignment(practice, cls.rita, state=state)
            cls.attachments[status] = PracticeAttachment.objects.create(
                practice=practice, title="annexe.docx", file=upload("annexe.docx")
            )

    def test_it_serves_an_attachment_to_whoever_may_read_the_practice(self):
        always = {"stakeholder", "secretariat"}  # alice submitted them
        for status, item in self.attachments.items():
            for persona, user in self.personas().items():
                with self.subTest(status=status, persona=persona):
                    response = self.fetch(user, item.get_absolute_url())
                    if status == "published" or persona in always:
                        expected = 200
                    elif persona == "reviewer_assigned":
                        # Reviewers follow the permission helper (their access ends with their assignment).
                        expected = 200 if can_view_practice(self.rita, item.practice) else 404
                    else:
                        expected = 404
                    self.assertEqual(response.status_code, expected)

    def test_it_serves_a_practice_under_review_to_its_current_reviewer(self):
        response = self.fetch(self.rita, self.attachments["in_review"].get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response["Content-Type"], "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        self.assertEqual(
            response["Content-Disposition"], "attachment; filename=\"annexe.docx\"; filename*=UTF-8''annexe.docx"
        )
        self.assertEqual(response["Content-Security-Policy"], "default-src 'none'; sandbox")
        self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_it_stops_serving_a_reviewer_whose_assignment_was_withdrawn(self):
        item = self.attachments["in_review"]
        ReviewAssignment.objects.filter(practice=item.practice).update(state=ReviewAssignment.State.WITHDRAWN)
        self.assertEqual(self.fetch(self.rita, item.get_absolute_url()).status_code, 404)

    def test_it_lets_a_shared_cache_keep_published_attachments_only(self):
        self.assertEqual(
            self.fetch(None, self.attachments["published"].get_absolute_url())["Cache-Control"], "public, max-age=600"
        )


# Links --------------------------------------------------------------------------------------------


class FileLinkTests(BaseTestCase):
    """Every page, API answer and feed links to the serving views, never to /media/."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.resource = make_resource(title_en="Published guide", slug="published-guide")
        cls.file = ResourceFile.objects.create(resource=cls.resource, language="en", file=upload("guide.pdf"))
        cls.proposal = make_resource(status=Resource.Status.PROPOSED, proposed_by=cls.ines, slug="proposal")
        cls.proposal_file = ResourceFile.objects.create(resource=cls.proposal, file=upload("draft.pdf"))
        cls.practice = make_practice(cls.alice, status="published", title="Guichet", slug="guichet")
        cls.attachment = PracticeAttachment.objects.create(
            practice=cls.practice, title="annexe.pdf", file=upload("annexe.pdf")
        )
        cls.draft = make_practice(cls.alice, title="Draft", slug="draft-practice")
        cls.draft_attachment = PracticeAttachment.objects.create(
            practice=cls.draft, title="brouillon.pdf", file=upload("brouillon.pdf")
        )

    def assertLinksToServingViews(self, response, *items):
        content = response.content.decode()
        for item in items:
            self.assertIn(f'href="{item.get_absolute_url()}"', content)
        self.assertNotIn("/media/", content)

    def test_the_pages_link_to_the_serving_views(self):
        self.assertLinksToServingViews(self.client.get(self.resource.get_absolute_url()), self.file)
        self.assertLinksToServingViews(self.client.get(self.practice.get_absolute_url()), self.attachment)
        self.login(self.alice)
        self.assertLinksToServingViews(
            self.client.get(reverse("knowledge:practice_edit", args=[self.draft.slug])), self.draft_attachment
        )
        self.login(self.sam)
        self.assertLinksToServingViews(self.client.get(reverse("knowledge:resource_proposals")), self.proposal_file)
        self.draft.status = Practice.Status.SUBMITTED
        self.draft.save(update_fields=["status"])
        self.assertLinksToServingViews(
            self.client.get(reverse("knowledge:review_practice", args=[self.draft.slug])), self.draft_attachment
        )

    def test_the_api_links_to_the_serving_views(self):
        resource = self.client.get(f"/api/v1/resources/{self.resource.slug}").json()
        self.assertEqual(
            resource["files"][0]["url"], f"http://testserver/files/resources/{self.file.pk}/{self.file.filename}"
        )
        self.assertEqual(resource["files"][0]["filename"], "guide.pdf")
        practice = self.client.get(f"/api/v1/practices/{self.practice.slug}").json()
        self.assertEqual(practice["attachments"][0]["url"], f"http://testserver{self.attachment.get_absolute_url()}")

    def test_the_dcat_catalogue_links_to_the_serving_views(self):
        catalog = json.loads(self.client.get("/catalog/dcat.jsonld").content)
        urls = [d["dcat:downloadURL"]["@id"] for ds in catalog["dcat:dataset"] for d in ds["dcat:distribution"]]
        self.assertIn(f"http://testserver{self.file.get_absolute_url()}", urls)
        self.assertFalse([url for url in urls if "/media/" in url])
        self.assertEqual(self.client.get(urls[0]).status_code, 200)


# Old /media/ links --------------------------------------------------------------------------------


class LegacyMediaTests(FileServingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        published = make_resource()
        proposal = make_resource(status=Resource.Status.PROPOSED, proposed_by=cls.ines)
        # Files stored before names were made unguessable.
        cls.public_file = ResourceFile.objects.create(resource=published, file="resources/2024/05/guide.pdf")
        cls.draft_file = ResourceFile.objects.create(resource=proposal, file="resources/2024/05/draft.pdf")
        original = make_practice(cls.alice, status="published")
        update = make_practice(cls.alice, update_of=original)
        cls.shared = "practices/2024/05/annexe.pdf"
        PracticeAttachment.objects.create(practice=original, file=cls.shared)
        PracticeAttachment.objects.create(practice=update, file=cls.shared)
        draft = make_practice(cls.alice)
        cls.draft_attachment = "practices/2024/05/brouillon.pdf"
        PracticeAttachment.objects.create(practice=draft, file=cls.draft_attachment)
        for name in ("resources/2024/05/guide.pdf", "resources/2024/05/draft.pdf", cls.shared, cls.draft_attachment):
            default_storage.save(name, ContentFile(GOOD["pdf"]))

    def test_it_serves_an_old_link_through_the_same_check(self):
        cases = {
            f"/media/{self.public_file.file.name}": {"anonymous": 200, "stakeholder": 200, "network_fp": 200},
            f"/media/{self.draft_file.file.name}": {"anonymous": 404, "stakeholder": 404, "network_fp": 200},
            f"/media/{self.shared}": {"anonymous": 200, "stakeholder": 200, "secretariat": 200},
            f"/media/{self.draft_attachment}": {"anonymous": 404, "network_fp": 404, "stakeholder": 200},
        }
        personas = self.personas()
        for url, expected in cases.items():
            for persona, status in expected.items():
                with self.subTest(url=url, persona=persona):
                    response = self.fetch(personas[persona], url)
                    self.assertEqual(response.status_code, status)
                    if status == 200:
                        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                        self.assertEqual(response["Content-Type"], "application/pdf")

    def test_it_never_serves_a_stored_file_without_an_owner(self):
        default_storage.save("imports/17.bin", ContentFile(b"title\nSecret import\n"))
        default_storage.save("resources/2024/05/orphan.pdf", ContentFile(GOOD["pdf"]))
        for url in (
            "/media/imports/17.bin",
            "/media/resources/2024/05/orphan.pdf",
            "/media/resources/../imports/17.bin",
            "/media/../secret",
            "/media/unknown/file.pdf",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.fetch(self.sam, url).status_code, 404)

"""Wagtail documents: checked by content in the CMS (single and multiple upload), served by Wagtail's
view with collection privacy and the same safe headers as every other uploaded file."""

from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import BaseViewRestriction, Collection, CollectionViewRestriction

from gcmhub.lib.tests.samples import BAD, GOOD, upload
from gcmhub.test import BaseTestCase, make_user

Document = get_document_model()


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


class DocumentUploadTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.editor = make_user("editor@example.org", is_superuser=True, is_staff=True)
        cls.root = Collection.get_first_root_node()

    def test_it_refuses_documents_that_are_not_what_they_say(self):
        self.login(self.editor)
        for name, data in BAD:
            with self.subTest(name=name):
                response = self.client.post(
                    reverse("wagtaildocs:add"),
                    {"title": "Typed title", "collection": self.root.pk, "file": upload(name, data)},
                )
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, f"“{name}”")
                self.assertContains(response, 'value="Typed title"')
        self.assertFalse(Document.objects.exists())

    def test_it_refuses_them_in_the_multiple_uploader_too(self):
        self.login(self.editor)
        response = self.client.post(
            reverse("wagtaildocs:add_multiple"),
            {"title": "setup.pdf", "collection": self.root.pk, "files[]": upload("setup.pdf", b"MZ\x90\x00")},
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.json()["success"])
        self.assertIn("does not contain what a .pdf file should", response.json()["error_message"])
        self.assertFalse(Document.objects.exists())

    def test_it_accepts_every_allowed_type(self):
        self.login(self.editor)
        for extension in ("csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip", "md"):
            with self.subTest(extension=extension):
                response = self.client.post(
                    reverse("wagtaildocs:add"),
                    {"title": extension, "collection": self.root.pk, "file": upload(f"doc.{extension}")},
                )
                self.assertEqual(response.status_code, 302)
        self.assertEqual(Document.objects.count(), 11)


class DocumentServingTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        root = Collection.get_first_root_node()
        private = root.add_child(name="Secretariat only")
        CollectionViewRestriction.objects.create(collection=private, restriction_type=BaseViewRestriction.LOGIN)
        cls.public = Document.objects.create(title="Guide", file=ContentFile(GOOD["pdf"], name="guide.pdf"))
        cls.private = Document.objects.create(
            title="Minutes", collection=private, file=ContentFile(GOOD["docx"], name="minutes.docx")
        )
        # Stored before uploads were checked: HTML under a document extension.
        cls.legacy = Document.objects.create(
            title="Old", file=ContentFile(b"<html><script>alert(1)</script></html>", name="old.txt")
        )

    def test_it_serves_a_public_document_with_safe_headers(self):
        response = self.client.get(self.public.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(body(response), GOOD["pdf"])
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Content-Disposition"], "inline; filename=\"guide.pdf\"; filename*=UTF-8''guide.pdf")
        self.assertEqual(response["Cache-Control"], "public, max-age=600")

    def test_it_never_serves_stored_markup_as_a_page(self):
        response = self.client.get(self.legacy.url)
        self.assertEqual(response["Content-Type"], "application/octet-stream")
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        self.assertEqual(response["Content-Security-Policy"], "default-src 'none'; sandbox")

    def test_it_keeps_private_collections_private(self):
        response = self.client.get(self.private.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("login", response["Location"])
        self.login(self.alice)
        response = self.client.get(self.private.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))

    @override_settings(FILE_SERVE_METHOD="x-accel-redirect")
    def test_it_hands_documents_to_nginx_after_wagtails_checks(self):
        self.assertEqual(self.client.get(self.private.url).status_code, 302)
        self.login(self.alice)
        response = self.client.get(self.private.url)
        self.assertEqual(response["X-Accel-Redirect"], f"/protected-media/{self.private.file.name}")
        self.assertEqual(response.content, b"")

    def test_an_old_media_link_goes_through_wagtails_view(self):
        response = self.client.get(f"/media/{self.private.file.name}")
        self.assertRedirects(response, self.private.url, fetch_redirect_response=False)
        self.assertEqual(self.client.get(response["Location"]).status_code, 302)  # to the login page

    def test_it_asks_for_the_password_of_a_password_protected_collection(self):
        locked = Collection.get_first_root_node().add_child(name="Locked")
        CollectionViewRestriction.objects.create(
            collection=locked, restriction_type=BaseViewRestriction.PASSWORD, password="s3cret-phrase"
        )
        document = Document.objects.create(
            title="Locked", collection=locked, file=ContentFile(GOOD["pdf"], name="l.pdf")
        )
        response = self.client.get(document.url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/html"))
        self.assertNotIn(GOOD["pdf"], response.content)

    def test_it_refuses_writes_and_a_wrong_filename(self):
        self.assertEqual(self.client.post(self.public.url).status_code, 405)
        self.assertEqual(self.client.get(f"/documents/{self.public.pk}/other.pdf").status_code, 404)

"""Hostile, broken or mislabelled work-plan documents get a message, never a server error; control
characters never reach the database."""

import io
import zipfile

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse

from gcmhub.accounts.models import Role
from gcmhub.knowledge.tests.test_import_limits import measured, zipbomb
from gcmhub.test import make_role, make_user
from gcmhub.workplan.importer import WorkPlanImportError, do_import_workplan, parse_document
from gcmhub.workplan.importer import parse as parse_step
from gcmhub.workplan.models import Involvement, Priority, WorkPlan
from gcmhub.workplan.tests.test_import_views import SEED, ImportViewsBase


def docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rezip(data: bytes, change) -> bytes:
    """`data` (a ZIP) with every member passed through `change(name, content)` (None drops it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info))
            if content is not None:
                target.writestr(info, content)
    return out.getvalue()


class ParseStepTest(TestCase):
    def test_it_names_kinds_and_roles_as_the_models_do(self):
        self.assertEqual(
            (parse_step.CORE, parse_step.THEMATIC, parse_step.WORKING_GROUP),
            (Priority.Kind.CORE, Priority.Kind.THEMATIC, Priority.Kind.WORKING_GROUP),
        )
        self.assertEqual(
            (parse_step.LEAD, parse_step.PARTICIPANT, parse_step.OBSERVER),
            (Involvement.LEAD, Involvement.PARTICIPANT, Involvement.OBSERVER),
        )


class DocumentLimitsTest(TestCase):
    def test_it_refuses_a_docx_zip_bomb_quickly_with_bounded_memory(self):
        bomb = zipbomb().docx_bomb(2_000_000)  # 360 KB, 124 MB of XML once inflated
        raised, elapsed, peak = measured(lambda: parse_document(bomb, "bomb.docx", known=set()))
        self.assertIsInstance(raised, WorkPlanImportError)
        self.assertIn("once decompressed", str(raised.message))
        self.assertLess(elapsed, 2)
        self.assertLess(peak, 10 * 1024 * 1024)

    def test_it_refuses_malformed_docx_files_with_a_message(self):
        good = docx_bytes("Priorité essentielle 1 : Un titre", "Activités :", "1. Une activité")
        cases = {
            "not a zip": b"not a zip at all",
            "a zip without a document": rezip(good, lambda name, c: None if name == "word/document.xml" else c),
            "cut XML": rezip(good, lambda name, c: c[: len(c) // 2] if name == "word/document.xml" else c),
            "no content types": rezip(good, lambda name, c: None if name == "[Content_Types].xml" else c),
        }
        for label, data in cases.items():
            with self.subTest(label), self.assertRaisesMessage(WorkPlanImportError, "not a valid DOCX document"):
                parse_document(data, "plan.docx", known=set())

    def test_it_refuses_files_that_are_not_what_their_name_says(self):
        cases = [
            (docx_bytes("Priorité essentielle 1 : Un titre"), "plan.txt", "ends in “.docx”"),
            (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "plan.md", "web-page markup"),
            (b"MZ\x90\x00" + bytes(200), "plan.txt", "not a text document"),
            (b"%PDF-1.7", "plan.docx", "PDF files cannot be imported"),
        ]
        for data, name, message in cases:
            with self.subTest(name=name, message=message), self.assertRaisesMessage(WorkPlanImportError, message):
                parse_document(data, name, known=set())

    @override_settings(IMPORT_MAX_ROWS=50)
    def test_it_refuses_a_document_longer_than_the_limit(self):
        for data, name in ((SEED.read_bytes(), "plan.txt"), (docx_bytes(*["Un paragraphe."] * 51), "plan.docx")):
            with self.subTest(name=name), self.assertRaisesMessage(WorkPlanImportError, "more than 50 paragraphs"):
                parse_document(data, name, known=set())

    def test_it_reads_utf16_text(self):
        text = SEED.read_text(encoding="utf-8")
        parsed = parse_document(("\ufeff" + text).encode("utf-16-le"), "plan.txt", known=set())
        self.assertEqual(len(parsed.priorities), 17)


class ControlCharactersTest(ImportViewsBase):
    """NUL and other control characters are removed on input: PostgreSQL refuses NUL in text."""

    def test_it_removes_control_characters_from_what_it_saves(self):
        data = SEED.read_bytes()
        data = data.replace(
            "Priorité essentielle 2.2".encode(), "Priorité essentielle 2.2 Avec\x00 un\x07 titre\x1b".encode(), 1
        )
        data = data.replace(b"Activit", b"\x0bActivit", 1)
        self.assertGreater(data.find(b"\x00"), 4096)  # past the head that tells a text from binary
        result = do_import_workplan(parse_document(data, "plan.txt"), data=data, filename="plan.txt")
        titles = list(result.plan.priorities.values_list("title_fr", flat=True))
        self.assertIn("Avec un titre", " ".join(titles))
        self.assertFalse(any(ch in "".join(titles) for ch in "\x00\x07\x1b\x0b"))
        self.assertEqual(Priority.objects.get(slug="core-2-2").title_fr.split(" ")[:3], ["Avec", "un", "titre"])


class UploadLimitsViewTest(ImportViewsBase):
    def test_it_answers_broken_and_hostile_uploads_with_a_message(self):
        self.login(self.sam)
        bomb = zipbomb().docx_bomb(2_000_000)
        good = docx_bytes("Priorité essentielle 1 : Un titre", "Activités :", "1. Une activité")
        cut = rezip(good, lambda name, c: c[: len(c) // 2] if name == "word/document.xml" else c)
        for name, data, message in (
            ("bomb.docx", bomb, "once decompressed"),
            ("cut.docx", cut, "not a valid DOCX document"),
            ("plan.txt", good, "rename it"),
        ):
            with self.subTest(name=name):
                response = self.upload(name=name, data=data)
                self.assertContains(response, message, status_code=200)
        self.assertFalse(WorkPlan.objects.exists())

    def test_it_shows_a_preview_only_to_the_user_who_uploaded(self):
        self.login(self.sam)
        url = self.upload().url
        colleague = make_user("sam-colleague@example.org")
        make_role(colleague, Role.Kind.SECRETARIAT)
        self.login(colleague)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, {}).status_code, 404)
        self.login(self.sam)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertFalse(WorkPlan.objects.exists())

    def test_it_keeps_the_upload_out_of_the_public_media(self):
        from django.conf import settings

        self.login(self.sam)
        token = self.token_from(self.upload())
        media = list(settings.MEDIA_ROOT.rglob(f"*{token}*"))
        stashed = list(settings.UPLOAD_STASH_ROOT.rglob(f"{token}.bin"))
        self.assertEqual((media, len(stashed)), ([], 1))
        self.assertEqual(self.client.get(reverse("workplan:import_preview", args=[token])).status_code, 200)

    def test_it_refuses_a_mislabelled_upload_before_storing_it(self):
        self.login(self.sam)
        document = SimpleUploadedFile("plan.txt", b"<html><script>alert(1)</script></html>")
        response = self.client.post(reverse("workplan:import"), {"document": document})
        self.assertContains(response, "web-page markup")

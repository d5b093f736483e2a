"""XLIFF 2.0 and PO out to translators and back: every segment checked against the texts as they
are now, a report per segment, nothing half-applied, bad files refused with a clear message."""

import re
import xml.etree.ElementTree as ET

import polib
from defusedxml import ElementTree as SafeET
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gcmhub.test import BaseTestCase, make_activity
from gcmhub.translations import exchange
from gcmhub.translations.models import TranslationExport
from gcmhub.translations.registry import kind_of
from gcmhub.workplan.models import Activity

NS = {"x": exchange.XLIFF_NS}


def fill_xliff(data: bytes, translations: dict[str, str]) -> bytes:
    """What a translation tool does: a target per unit (keyed by the unit's source text)."""
    ET.register_namespace("", exchange.XLIFF_NS)
    root = SafeET.fromstring(data)
    for unit in root.iter(f"{{{exchange.XLIFF_NS}}}unit"):
        segment = unit.find("x:segment", NS)
        source = segment.find("x:source", NS).text
        if source in translations:
            target = segment.find("x:target", NS)
            if target is None:
                target = ET.SubElement(segment, f"{{{exchange.XLIFF_NS}}}target")
            target.text = translations[source]
            segment.set("state", "translated")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


class ExchangeTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.a1 = make_activity(text_fr="Élaborer un guide", text_en="", source_language="fr", leads=[cls.iom])
        cls.a2 = make_activity(text_fr="Organiser un webinaire", text_en="", source_language="fr", leads=[cls.ohchr])

    def export(self, fmt="xliff", lang="es", source="fr", kinds=("workplan.activity",)):
        response = self.client.post(
            reverse("translations:export", args=[lang]),
            {"source_language": source, "format": fmt, "kinds": list(kinds)},
        )
        self.assertEqual(response.status_code, 200, response.content[:500])
        return response.content

    def upload(self, data: bytes, *, lang="es", name="file.xlf", apply_anyway=False, status="human"):
        return self.client.post(
            reverse("translations:import", args=[lang]),
            {
                "file": SimpleUploadedFile(name, data),
                "status": status,
                **({"apply_anyway": "on"} if apply_anyway else {}),
            },
        )

    def texts(self, lang="es"):
        return dict(Activity.objects.filter(pk__in=[self.a1.pk, self.a2.pk]).values_list("text_fr", f"text_{lang}"))

    def test_an_xliff_round_trip(self):
        self.login(self.sam)
        data = self.export()
        root = SafeET.fromstring(data)
        self.assertEqual((root.get("version"), root.get("srcLang"), root.get("trgLang")), ("2.0", "fr", "es"))
        units = root.findall(".//x:unit", NS)
        self.assertEqual(
            {u.get("id") for u in units},
            {f"workplan.activity/{self.a1.pk}/text", f"workplan.activity/{self.a2.pk}/text"},
        )
        filled = fill_xliff(
            data, {"Élaborer un guide": "Elaborar una guía", "Organiser un webinaire": "Organizar un seminario web"}
        )
        response = self.upload(filled)
        self.assertContains(response, "2 translations applied.")
        self.assertEqual(
            self.texts(),
            {"Élaborer un guide": "Elaborar una guía", "Organiser un webinaire": "Organizar un seminario web"},
        )

    def test_a_po_round_trip_marked_as_suggestions(self):
        self.login(self.sam)
        po = polib.pofile(self.export(fmt="po").decode())
        self.assertEqual(po.metadata["Language"], "es")
        for entry in po:
            entry.msgstr = {"Élaborer un guide": "Elaborar una guía"}.get(entry.msgid, "")
        response = self.upload(str(po).encode(), name="file.po", status="suggested")
        self.assertContains(response, "1 translation applied.")
        self.assertContains(response, "empty or not final: skipped")
        from gcmhub.translations.status import segments

        states = {s.pk: s.state for s in segments(kind_of("workplan.activity"), Activity.objects.all(), ["es"])}
        self.assertEqual(states[self.a1.pk], "suggested")
        self.assertEqual(states[self.a2.pk], "missing")

    def test_a_refused_segment_stops_the_whole_file_unless_chosen(self):
        self.login(self.sam)
        data = self.export()
        Activity.objects.filter(pk=self.a2.pk).update(text_fr="Organiser deux webinaires")
        filled = fill_xliff(
            data, {"Élaborer un guide": "Elaborar una guía", "Organiser un webinaire": "Organizar un seminario web"}
        )
        response = self.upload(filled)
        self.assertContains(response, "Nothing was applied: 1 segment is refused.")
        self.assertContains(response, "refused: the source text changed since the export")
        self.assertContains(response, "Organiser deux webinaires")  # the source as it is now
        self.assertEqual(self.texts()["Élaborer un guide"], "")
        response = self.upload(filled, apply_anyway=True)
        self.assertContains(response, "1 translation applied.")
        self.assertEqual(self.texts()["Élaborer un guide"], "Elaborar una guía")
        self.assertEqual(self.texts()["Organiser deux webinaires"], "")

    def test_a_translation_made_here_since_the_export_is_not_overwritten(self):
        self.login(self.sam)
        data = self.export()
        self.a1.text_es = "Preparar una guía"
        self.a1.save()
        response = self.upload(fill_xliff(data, {"Élaborer un guide": "Elaborar una guía"}), apply_anyway=True)
        self.assertContains(response, "refused: the translation here changed since the export")
        self.assertEqual(self.texts()["Élaborer un guide"], "Preparar una guía")

    def test_unknown_duplicate_and_too_long_segments(self):
        self.login(self.sam)
        data = self.export(kinds=("workplan.activity", "taxonomy.organisation"))
        text = data.decode()
        # An id that names nothing, and a unit twice.
        text = text.replace(f"workplan.activity/{self.a2.pk}/text", "workplan.activity/999999/text")
        unit = re.search(r"<unit id=\"taxonomy\.organisation/.*?</unit>", text, re.S).group(0)
        text = text.replace("</file>", unit + "</file>")
        long_name = "x" * 301
        filled = fill_xliff(
            text.encode(),
            {
                "Élaborer un guide": "Elaborar una guía",
                "Organiser un webinaire": "Organizar",
                **dict.fromkeys(("Organisation internationale pour les migrations",), long_name),
            },
        )
        response = self.upload(filled)
        self.assertContains(response, "refused: unknown segment")
        self.assertContains(response, "refused: too long")
        self.assertContains(response, "at most 300 characters; this translation has 301")
        self.assertContains(response, "refused: the same segment twice in the file")
        self.assertEqual(self.texts()["Élaborer un guide"], "")

    def test_a_focal_point_exports_and_imports_their_organisations_content_only(self):
        self.login(self.ines)
        data = self.export()
        ids = {u.get("id") for u in SafeET.fromstring(data).findall(".//x:unit", NS)}
        self.assertEqual(ids, {f"workplan.activity/{self.a1.pk}/text"})
        # A file with another organisation's activity slipped in.
        self.login(self.sam)
        full = self.export()
        self.login(self.ines)
        response = self.upload(fill_xliff(full, {"Organiser un webinaire": "Organizar"}), apply_anyway=True)
        self.assertContains(response, "refused: not yours to translate")
        self.assertEqual(self.texts()["Organiser un webinaire"], "")

    def test_export_and_import_by_role(self):
        for user in (self.alice, self.fatima, self.rita):
            self.login(user)
            self.assertEqual(self.client.get(reverse("translations:export", args=["es"])).status_code, 403)
            self.assertEqual(self.upload(b"x").status_code, 403)
        self.client.logout()
        self.assertEqual(self.upload(b"x").status_code, 302)
        self.assertFalse(TranslationExport.objects.exists())


class BadFilesTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.a1 = make_activity(text_fr="Élaborer un guide", text_en="", source_language="fr")

    def upload(self, data: bytes, lang="es", name="file.xlf"):
        self.login(self.sam)
        return self.client.post(
            reverse("translations:import", args=[lang]), {"file": SimpleUploadedFile(name, data), "status": "human"}
        )

    def refused(self, data, message, **kwargs):
        response = self.upload(data, **kwargs)
        self.assertContains(response, "Nothing was imported from this file.", status_code=400)
        self.assertContains(response, message, status_code=400)
        self.assertEqual(Activity.objects.get(pk=self.a1.pk).text_es, "")

    def exported(self, lang="es"):
        self.login(self.sam)
        return self.client.post(
            reverse("translations:export", args=[lang]),
            {"source_language": "fr", "format": "xliff", "kinds": ["workplan.activity"]},
        ).content

    def test_files_that_are_not_translations(self):
        self.refused(b"%PDF-1.7 binary \xff\xfe", "not text encoded in UTF-8")
        self.refused(b"Hello, world", "neither an XLIFF 2.0 file nor a PO file")
        self.refused(b"<html><body>hi</body></html>", "not an XLIFF 2.0 file")
        self.refused(b"<xliff version='1.2'><file></file></xliff>", "XLIFF 1.2 file")
        self.refused(b"<xliff", "cannot be read")

    def test_entities_are_refused(self):
        bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><xliff>&b;</xliff>'
        self.refused(bomb, "entities or a DTD")

    def test_a_file_for_another_language_or_export(self):
        data = self.exported("es")
        self.refused(data, "a translation into Spanish", lang="en")
        forged = re.sub(rb'<file id="[^"]+"', b'<file id="00000000-0000-0000-0000-000000000000"', data)
        self.refused(forged, "its export id")
        english = self.exported("en")
        swapped = english.replace(b'trgLang="en"', b'trgLang="es"')
        self.refused(swapped, "answers an export into English")

    def test_a_po_file_not_from_here(self):
        po = polib.POFile()
        po.metadata = {"Language": "es"}
        po.append(polib.POEntry(msgid="Hello", msgstr="Hola"))
        self.refused(str(po).encode(), "X-Gcmhub-Export", name="file.po")

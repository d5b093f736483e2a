"""Translation as work (issue 9 §2, §3, §7), in Debian's Chromium, each page checked by axe-core:
the Secretariat translates side by side and a visitor then reads the translation; a Spanish
translator goes through XLIFF and back; an English visitor reads the seed plan in English."""

import xml.etree.ElementTree as ET
from urllib.parse import urlparse

import pytest
from defusedxml import ElementTree as SafeET

from tests.browser.conftest import PASSWORD, assert_accessible, login, make_account

pytestmark = pytest.mark.django_db(transaction=True)

XLIFF = "urn:oasis:names:tc:xliff:document:2.0"


def _untranslated_activity(plan, text_fr):
    from gcmhub.test import make_activity

    priority = plan.priorities.order_by("order").first()
    return make_activity(
        priority, text_fr=text_fr, text_en="", text_es="", source_language="fr", number=90 + len(text_fr) % 9
    )


def test_the_secretariat_translates_an_activity_side_by_side_and_a_visitor_reads_it(open_page, seeded_plan):
    from gcmhub.accounts.models import Role

    activity = _untranslated_activity(seeded_plan, "Organiser un atelier sur les alternatives à la rétention")
    make_account("sam@example.org", kind=Role.Kind.SECRETARIAT)

    visitor = open_page()
    visitor.goto(f"/en/workplan/activities/{activity.pk}/")
    assert "Shown in French — no English translation yet." in visitor.locator("main").inner_text()
    assert visitor.locator("main .lead").get_attribute("lang") == "fr"

    page = open_page()
    login(page, "sam@example.org", PASSWORD)
    page.get_by_role("link", name="Translations").click()
    page.wait_for_load_state()
    assert_accessible(page, "translation workspace")
    page.locator("a[href='/en/translations/en/workplan.activity/']").click()
    page.wait_for_load_state()
    assert_accessible(page, "segments to translate into English")

    segment = page.locator(f"#seg-workplan-activity-{activity.pk}-text")
    assert "Organiser un atelier" in segment.locator(".segment__source").inner_text()
    assert segment.locator(".segment__source [lang=fr]").count() == 1
    page.evaluate("window.__stillHere = true")  # gone if the page reloads
    box = segment.get_by_label("Translation (English)")
    box.fill("")
    segment.get_by_role("button", name="Save the translation").click()  # empty: refused, in place
    segment = page.locator(f"#seg-workplan-activity-{activity.pk}-text")
    segment.get_by_text("Write the translation before saving it.").wait_for()
    box = segment.get_by_label("Translation (English)")
    box.fill("Hold a workshop on alternatives to detention")
    box.press("Tab")
    page.keyboard.press("Enter")  # the keyboard reaches the save button
    segment = page.locator(f"#seg-workplan-activity-{activity.pk}-text")
    segment.get_by_text("Saved.").wait_for()
    assert page.evaluate("window.__stillHere") is True
    assert segment.locator(".badge").inner_text() == "translated by a person"
    assert_accessible(page, "segment saved")

    visitor.goto(f"/en/workplan/activities/{activity.pk}/")
    lead = visitor.locator("main .lead")
    assert lead.inner_text() == "Hold a workshop on alternatives to detention"
    assert lead.get_attribute("lang") == "en"
    assert "Shown in French" not in visitor.locator("main").inner_text()
    assert "Suggested translation" not in visitor.locator("main").inner_text()  # a person's
    visitor.goto(f"/fr/workplan/activities/{activity.pk}/")
    assert "Organiser un atelier" in visitor.locator("main .lead").inner_text()


def _fill(data: bytes, translations: dict[str, str]) -> bytes:
    ET.register_namespace("", XLIFF)
    root = SafeET.fromstring(data)
    for segment in root.iter(f"{{{XLIFF}}}segment"):
        source = segment.find(f"{{{XLIFF}}}source").text
        if source in translations:
            target = segment.find(f"{{{XLIFF}}}target")
            if target is None:
                target = ET.SubElement(segment, f"{{{XLIFF}}}target")
            target.text = translations[source]
            segment.set("state", "translated")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def test_a_spanish_translator_exports_xliff_fills_it_imports_it_and_reads_the_report(page, seeded_plan):
    from gcmhub.accounts.models import Role
    from gcmhub.workplan.models import Activity

    first = _untranslated_activity(seeded_plan, "Publier une note d'orientation")
    second = _untranslated_activity(seeded_plan, "Réunir les points focaux nationaux")
    make_account("tara@example.org", kind=Role.Kind.TRANSLATOR, language="es")

    login(page, "tara@example.org", PASSWORD, lang="es")
    page.goto("/es/translations/es/export/")
    assert_accessible(page, "export (es)")
    page.locator("select[name=source_language]").select_option("fr")  # the work plan's language
    page.locator("input[name=format][value=xliff]").check()
    with page.expect_download() as download_info:
        page.locator("main form button[type=submit]").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlf")
    data = open(download.path(), "rb").read()
    root = SafeET.fromstring(data)
    assert (root.get("srcLang"), root.get("trgLang")) == ("fr", "es")
    ids = {unit.get("id") for unit in root.iter(f"{{{XLIFF}}}unit")}
    assert {f"workplan.activity/{first.pk}/text", f"workplan.activity/{second.pk}/text"} <= ids

    filled = _fill(
        data,
        {
            "Publier une note d'orientation": "Publicar una nota de orientación",
            "Réunir les points focaux nationaux": "Reunir a los coordinadores nacionales",
        },
    )
    page.goto("/es/translations/es/import/")
    assert_accessible(page, "import (es)")
    page.locator("input[name=file]").set_input_files(
        {"name": "traduccion.xlf", "mimeType": "application/xliff+xml", "buffer": filled}
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    report = page.locator(".import-report")
    assert "2 traducciones aplicadas" in report.inner_text() or "2 translations applied" in report.inner_text()
    assert report.locator("tbody tr").count() == len(ids)
    assert_accessible(page, "import report (es)")
    assert Activity.objects.get(pk=first.pk).text_es == "Publicar una nota de orientación"

    page.goto(f"/es/workplan/activities/{second.pk}/")
    assert page.locator("main .lead").inner_text() == "Reunir a los coordinadores nacionales"
    assert page.locator("main .lead").get_attribute("lang") == "es"

    # The same file again: nothing changes, each segment says why.
    page.goto("/es/translations/es/import/")
    page.locator("input[name=file]").set_input_files(
        {"name": "traduccion.xlf", "mimeType": "application/xliff+xml", "buffer": filled}
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".import-report tbody tr").count() == len(ids)


def test_an_english_visitor_reads_the_seed_plan_in_english(page, seeded_plan):
    from gcmhub.workplan.models import Activity

    page.goto("/en/workplan/")
    assert urlparse(page.url).path == f"/en/workplan/{seeded_plan.slug}/"
    main = page.locator("main")
    assert page.locator("h1").inner_text() == "Network work plan: priorities for 2021-2022"
    assert "As of 28 April 2021" in main.inner_text()
    assert "Au 28 avril" not in main.inner_text()
    assert_accessible(page, "overview (en)")

    priority = seeded_plan.priorities.get(code="2.1")
    page.goto(priority.get_absolute_url())
    assert page.locator("main .lead").get_attribute("lang") == "en"
    assert "Shown in French" not in page.locator("main").inner_text()

    activity = Activity.objects.get(priority=priority, number=1)
    page.goto(activity.get_absolute_url())
    lead = page.locator("main .lead")
    assert lead.inner_text() == activity.text_en
    assert lead.get_attribute("lang") == "en"
    written = page.locator("main q")
    assert written.first.inner_text() == activity.deadline_text_en
    assert "Shown in French" not in page.locator("main").inner_text()
    # The seed's English texts are suggestions, not yet reviewed: the page says so.
    assert "Suggested translation from French, not yet reviewed by a person." in page.locator("main").inner_text()
    assert_accessible(page, "activity (en)")

    page.goto(f"/es/workplan/{seeded_plan.slug}/")
    assert "Al 28 de abril de 2021" in page.locator("main").inner_text()
    page.goto(f"/es{activity.get_absolute_url()[3:]}")
    assert page.locator("main .lead").inner_text() == activity.text_es

"""One date format and one date-time format per language, everywhere (issue 9 §5, decision 1303):
pages, e-mails, exports and messages print a date alike; date-times say their zone; numbers and
percentages follow the reader's language; language names are written as the reader's language
writes them; no template falls back to a short or literal date format."""

import datetime
import io
import re
import types
from pathlib import Path

import time_machine
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import formats, translation
from openpyxl import load_workbook

from gcmhub.accounts.tasks import render_email
from gcmhub.knowledge.actions.submissions import call_closed_error
from gcmhub.knowledge.models import Practice, Resource
from gcmhub.lib import tabular
from gcmhub.lib.formats import (
    date_text,
    datetime_text,
    language_name,
    native_language_name,
    number_text,
    percent_text,
)
from gcmhub.lib.i18n import LANGUAGE_CODES
from gcmhub.search.results import export_sheet
from gcmhub.test import (
    BaseTestCase,
    make_assignment,
    make_call,
    make_practice,
    make_resource,
    make_reviewer,
    make_user,
)

ROOT = Path(__file__).resolve().parent.parent / "gcmhub"
DAY = datetime.date(2026, 12, 4)
MOMENT = datetime.datetime(2026, 12, 4, 14, 30, tzinfo=datetime.UTC)
NNBSP, NBSP = "\u202f", "\u00a0"

DATES = {"en": "4 December 2026", "fr": "4 décembre 2026", "es": "4 de diciembre de 2026", "ar": "4 ديسمبر، 2026"}
DATETIMES = {
    "en": "4 December 2026, 14:30 UTC",
    "fr": "4 décembre 2026 à 14:30 UTC",
    "es": "4 de diciembre de 2026 a las 14:30 UTC",
    "ar": "4 ديسمبر، 2026، 14:30 UTC",
}
PERCENTS = {"en": "45%", "fr": f"45{NNBSP}%", "es": f"45{NBSP}%", "ar": "45%"}
THOUSANDS = {"en": "1,234,567", "fr": f"1{NNBSP}234{NNBSP}567", "es": f"1{NBSP}234{NBSP}567", "ar": "1,234,567"}
DECIMALS = {"en": "1,234.5", "fr": f"1{NNBSP}234,5", "es": f"1{NBSP}234,5", "ar": "1,234.5"}
ENGLISH_IN_A_SENTENCE = {"en": "English", "fr": "anglais", "es": "inglés", "ar": "الإنجليزية"}
ENGLISH_STANDALONE = {"en": "English", "fr": "Anglais", "es": "Inglés", "ar": "الإنجليزية"}


def templates():
    for path in sorted(ROOT.rglob("templates/**/*")):
        if path.is_file() and path.suffix in (".html", ".txt", ".xml"):
            yield path, path.read_text(encoding="utf-8")


def where(path: Path, text: str, index: int) -> str:
    return f"{path.relative_to(ROOT.parent)}:{text.count(chr(10), 0, index) + 1}"


class FormatModuleTests(SimpleTestCase):
    def test_every_language_of_the_settings_has_its_formats(self):
        self.assertEqual(set(LANGUAGE_CODES), set(DATES), "add gcmhub/formats/<code>/formats.py and a line here")
        for code in LANGUAGE_CODES:
            with self.subTest(code=code):
                module = __import__(f"gcmhub.formats.{code}.formats", fromlist=["DATE_FORMAT"])
                for name in ("DATE_FORMAT", "DATETIME_FORMAT", "PERCENT_FORMAT", "LANGUAGE_NAMES_IN_LOWER_CASE"):
                    self.assertTrue(hasattr(module, name), name)

    def test_one_date_and_one_date_time_format_per_language(self):
        for code in LANGUAGE_CODES:
            with self.subTest(code=code), translation.override(code):
                self.assertEqual(date_text(DAY), DATES[code])
                self.assertEqual(datetime_text(MOMENT), DATETIMES[code])
                # The short formats are the long ones: no "12/04/2026" beside "4 December 2026".
                self.assertEqual(formats.get_format("SHORT_DATE_FORMAT"), formats.get_format("DATE_FORMAT"))
                self.assertEqual(formats.get_format("SHORT_DATETIME_FORMAT"), formats.get_format("DATETIME_FORMAT"))

    def test_templates_print_what_the_functions_print(self):
        template = Template('{{ day|date }}|{{ day|date:"DATE_FORMAT" }}|{{ day }}|{{ moment|date:"DATETIME_FORMAT" }}')
        for code in LANGUAGE_CODES:
            with self.subTest(code=code), translation.override(code):
                rendered = template.render(Context({"day": DAY, "moment": MOMENT}))
                self.assertEqual(rendered, "|".join([DATES[code]] * 3 + [DATETIMES[code]]))

    @override_settings(TIME_ZONE="Europe/Paris")
    def test_a_date_time_says_its_zone_in_summer_and_winter(self):
        summer = datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.UTC)
        with translation.override("en"):
            self.assertEqual(datetime_text(MOMENT), "4 December 2026, 15:30 CET")
            self.assertEqual(datetime_text(summer), "1 July 2026, 14:00 CEST")
            self.assertEqual(
                Template('{{ m|date:"DATETIME_FORMAT" }}').render(Context({"m": summer})), datetime_text(summer)
            )

    def test_a_language_beyond_the_settings_keeps_django_s_formats_and_a_plain_percent(self):
        with translation.override("de"):
            self.assertEqual(date_text(DAY), "4. Dezember 2026")
            self.assertEqual(percent_text(45), "45%")
            self.assertEqual(language_name("fr", in_sentence=True), "Französisch")


class NumberTests(SimpleTestCase):
    def test_percentages_and_thousands_in_each_language(self):
        template = Template("{% load format_tags %}{{ p|percent }}|{{ n }}|{{ n|number }}|{{ x|number:1 }}")
        for code in LANGUAGE_CODES:
            with self.subTest(code=code), translation.override(code):
                self.assertEqual(percent_text(45), PERCENTS[code])
                self.assertEqual(number_text(1234567), THOUSANDS[code])
                self.assertEqual(number_text(1234.5, 1), DECIMALS[code])
                rendered = template.render(Context({"p": 45, "n": 1234567, "x": 1234.5}))
                self.assertEqual(rendered, f"{PERCENTS[code]}|{THOUSANDS[code]}|{THOUSANDS[code]}|{DECIMALS[code]}")

    def test_nothing_is_printed_for_no_value(self):
        self.assertEqual(percent_text(None), "")
        self.assertEqual(Template("{% load format_tags %}[{{ p|percent }}]").render(Context({"p": None})), "[]")

    def test_a_percentage_in_a_sentence(self):
        from gcmhub.workplan.rows import RowBuilder

        with translation.override("fr"):
            text = RowBuilder(None, DAY).status_text("on_track", 80, False)
        self.assertTrue(text.endswith(f" · 80{NNBSP}%"), text)

    def test_numbers_a_machine_reads_are_not_grouped(self):
        template = Template('{% load l10n %}<li id="update-{{ pk|unlocalize }}">{{ pk }}</li>')
        with translation.override("fr"):
            self.assertEqual(template.render(Context({"pk": 12345})), f'<li id="update-12345">12{NNBSP}345</li>')


class LanguageNameTests(SimpleTestCase):
    def test_in_a_sentence_french_and_spanish_write_names_in_lower_case(self):
        for code in LANGUAGE_CODES:
            with self.subTest(code=code), translation.override(code):
                self.assertEqual(language_name("en", in_sentence=True), ENGLISH_IN_A_SENTENCE[code])
                self.assertEqual(language_name("en"), ENGLISH_STANDALONE[code])
        with translation.override("es"):
            self.assertEqual(language_name("fr", in_sentence=True), "francés")
            self.assertEqual(language_name("zh", in_sentence=True), "chino")
        with translation.override("fr"):
            self.assertEqual(language_name("es", in_sentence=True), "espagnol")
            self.assertEqual(language_name("ru", in_sentence=True), "russe")

    def test_the_filters_name_languages_alike(self):
        template = Template(
            '{% load format_tags %}{{ "en"|language_name }}|{{ "en"|language_name:"in_sentence" }}|{{ codes|language_list }}'
        )
        with translation.override("fr"):
            self.assertEqual(template.render(Context({"codes": ["en", "es"]})), "Anglais|anglais|anglais, espagnol")

    def test_each_language_is_named_in_itself_with_its_capital(self):
        self.assertEqual(
            [native_language_name(code) for code in LANGUAGE_CODES],
            ["English", "Français", "Español", "العربيّة"],
        )


class TemplateScanTests(SimpleTestCase):
    """What the templates may ask of the `date` filter: the language's formats by name (DATE_FORMAT,
    DATETIME_FORMAT, YEAR_MONTH_FORMAT, or the year alone), and ISO 8601 only for machines, in a
    `datetime` attribute."""

    NAMED = {"DATE_FORMAT", "DATETIME_FORMAT", "YEAR_MONTH_FORMAT", "Y"}
    MACHINE = {"c", "Y-m-d"}
    DATE_FILTER = re.compile(r"\|(date|time):\s*(\"[^\"]*\"|'[^']*'|[A-Za-z_]+)")

    def test_templates_use_only_the_language_s_named_formats(self):
        found = []
        for path, text in templates():
            for match in self.DATE_FILTER.finditer(text):
                arg = match.group(2).strip("\"'")
                if match.group(1) == "time" or arg not in self.NAMED | self.MACHINE:
                    found.append(f"{where(path, text, match.start())}: |{match.group(1)}:{match.group(2)}")
                elif arg in self.MACHINE:
                    attribute = text.rfind('datetime="', 0, match.start())
                    if attribute == -1 or text.find('"', attribute + len('datetime="'), match.start()) != -1:
                        found.append(f"{where(path, text, match.start())}: {arg!r} outside a datetime attribute")
            for name in ("SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"):
                if name in text:
                    found.append(f"{where(path, text, text.index(name))}: {name}")
        self.assertEqual(found, [], 'use |date (DATE_FORMAT) or |date:"DATETIME_FORMAT" (decision 1303)')

    # A number a machine reads: inside a tag, a primary key, a count or an index, not unlocalized (`.id`
    # is left out: the ids templates print are texts, a bound field's or a chart's).
    TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.S)
    VARIABLE = re.compile(r"\{\{\s*([^}|]+?)\s*(\|[^}]*)?\}\}")
    NUMERIC = re.compile(r"(^|\.)(pk|counter0?|start_index|end_index|version|max_length|number)$")
    SAFE = ("unlocalize", "stringformat", "date", "default:'none'", "floatformat:'0u'")

    def test_numbers_in_attributes_are_unlocalized(self):
        found = []
        for path, text in templates():
            text = re.sub(r"\{% localize off %\}.*?\{% endlocalize %\}", "", text, flags=re.S)
            for tag in self.TAG.finditer(text):
                for variable in self.VARIABLE.finditer(tag.group(0)):
                    name, filters = variable.group(1), variable.group(2) or ""
                    if self.NUMERIC.search(name) and not any(safe in filters for safe in self.SAFE):
                        found.append(f"{where(path, text, tag.start())}: {variable.group(0)}")
        self.assertEqual(found, [], "a number in an attribute takes |unlocalize: '1,234' is not an id (decision 1303)")


class PythonScanTests(SimpleTestCase):
    # strftime for machines: upload folders, the name of a downloaded file.
    ALLOWED = {"lib/files.py", "translations/exchange.py"}

    def test_no_module_writes_a_date_for_readers_by_hand(self):
        found = []
        for path in sorted(ROOT.rglob("*.py")):
            relative = path.relative_to(ROOT)
            if {"tests", "migrations", "formats"} & set(relative.parts) or str(relative) in self.ALLOWED:
                continue
            text = path.read_text(encoding="utf-8")
            for pattern in (r"\.strftime\(", r"SHORT_DATE(TIME)?_FORMAT"):
                for match in re.finditer(pattern, text):
                    found.append(where(path, text, match.start()))
        self.assertEqual(found, [], "use gcmhub.lib.formats.date_text / datetime_text (decision 1303)")


class SameDateEverywhereTests(BaseTestCase):
    """A date, and a moment, read the same in a page, an e-mail, an export and a message."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        with time_machine.travel(MOMENT - datetime.timedelta(days=60)):
            cls.call = make_call(slug="call-formats", deadline=MOMENT)
            cls.practice = make_practice(cls.alice, status=Practice.Status.PUBLISHED, published_at=MOMENT)
            cls.reviewer = make_reviewer("rosa@example.org", full_name="Rosa Reviewer")
            submitted = make_practice(cls.alice, status=Practice.Status.IN_REVIEW)
            cls.assignment = make_assignment(submitted, cls.reviewer, due_date=DAY)

    @time_machine.travel(MOMENT - datetime.timedelta(days=1))
    def test_a_date_in_a_page_and_an_e_mail(self):
        self.login(self.reviewer)
        for code in LANGUAGE_CODES:
            with self.subTest(code=code):
                with translation.override(code):
                    page = self.client.get(reverse("knowledge:my_reviews")).content.decode()
                    published = self.client.get(self.practice.get_absolute_url()).content.decode()
                message = render_email(
                    "knowledge/review/email/reminder",
                    {"user": self.reviewer, "practice": self.assignment.practice, "assignment": self.assignment},
                    to=self.reviewer.email,
                    language=code,
                )
                self.assertIn(DATES[code], page)
                self.assertIn(DATES[code], published)
                self.assertIn(DATES[code], message.subject)
                self.assertIn(DATES[code], message.body)

    def test_a_moment_in_a_page_an_export_and_a_message(self):
        for code in LANGUAGE_CODES:
            with self.subTest(code=code), translation.override(code):
                with time_machine.travel(MOMENT - datetime.timedelta(days=1)):
                    page = self.client.get(reverse("knowledge:call", args=[self.call.slug])).content.decode()
                with time_machine.travel(MOMENT):
                    sheet = export_sheet([], query=types.SimpleNamespace(text="", filters={}), total=0)
                    workbook = load_workbook(io.BytesIO(tabular.xlsx_bytes([sheet])))
                with time_machine.travel(MOMENT + datetime.timedelta(days=1)):
                    draft = Practice(call=self.call, status=Practice.Status.DRAFT)
                    message = call_closed_error(draft)
                about = workbook.worksheets[-1]
                self.assertIn(DATETIMES[code], page)
                self.assertEqual(about.cell(about.max_row, 2).value, DATETIMES[code])
                self.assertIn(DATETIMES[code], message)

    def test_the_pdf_report_says_when_it_was_made(self):
        html = render_to_string(
            "workplan/report.html",
            {"plan": None, "generated_at": MOMENT, "filters": [], "sections": [], "total": 0, "status_totals": []},
        )
        self.assertIn(DATETIMES[settings.LANGUAGE_CODE], html)


class PageTests(BaseTestCase):
    def test_language_names_in_the_resource_page_s_sentences(self):
        resource = make_resource(title_en="Guide", title_fr="Guide", title_es="Guía", languages=["en", "es"])
        with translation.override("fr"):
            response = self.client.get(resource.get_absolute_url())
        self.assertContains(response, "anglais, espagnol")
        self.assertContains(response, ">espagnol</a>")
        self.assertNotContains(response, "Anglais, ")

    def test_a_large_id_stays_an_id(self):
        resource = make_resource(pk=12345, status=Resource.Status.PROPOSED, published_at=None)
        self.login(self.sam)
        with translation.override("fr"):
            response = self.client.get(reverse("knowledge:resource_proposals"))
        self.assertContains(response, 'id="proposal-12345"')
        self.assertContains(response, 'name="r12345-version"')
        self.assertEqual(resource.pk, 12345)

    def test_a_time_zone_in_the_cms_list_of_calls(self):
        make_call(title_en="Zoned call", opens_at=MOMENT, deadline=MOMENT + datetime.timedelta(days=1))
        self.client.force_login(make_user("admin@example.org", is_superuser=True, is_staff=True))
        with translation.override("en"):
            response = self.client.get(reverse("wagtailsnippets_knowledge_callforpractices:list"))
        self.assertContains(response, DATETIMES["en"])

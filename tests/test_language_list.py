"""`settings.LANGUAGES` is the only list of languages (issue 9 §1): code reads it through
`gcmhub.lib.i18n` (`LANGUAGE_CODES`, `Language`), never writes the list out again."""

import re
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

from gcmhub.lib.i18n import LANGUAGE_CODES, Language

ROOT = Path(__file__).resolve().parent.parent / "gcmhub"
# A written-out list of the site's languages: "en", "fr", "es" in a row, in any quotes.
LANGUAGE_LIST = re.compile(r"""["']en["']\s*,\s*["']fr["']\s*,\s*["']es["']""")
EXEMPT_PARTS = {"tests", "migrations", "settings"}  # settings: where the list lives
EXEMPT_FILES = {ROOT / "test.py"}  # test fixtures


class LanguageListTests(SimpleTestCase):
    def test_the_languages_come_from_the_settings(self):
        codes = tuple(code for code, _name in settings.LANGUAGES)
        self.assertEqual(LANGUAGE_CODES, codes)
        self.assertEqual([code for code, _label in Language.choices], list(codes))
        self.assertEqual(Language("fr").label, "French")

    def test_no_module_or_template_writes_the_list_again(self):
        found = []
        for path in sorted(ROOT.rglob("*")):
            if path.suffix not in (".py", ".html", ".js", ".txt") or path in EXEMPT_FILES:
                continue
            if EXEMPT_PARTS & set(path.relative_to(ROOT).parts):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for match in LANGUAGE_LIST.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT.parent)}:{line}")
        self.assertEqual(found, [], "Use gcmhub.lib.i18n.LANGUAGE_CODES (from settings.LANGUAGES) instead.")


class TranslatedFieldDeclarationTests(SimpleTestCase):
    def test_every_per_language_column_comes_from_one_translated_declaration(self):
        """A column per language is declared once (`gcmhub.lib.i18n.Translated`), so that a
        language added to the settings gets its columns everywhere by a migration alone."""
        from django.apps import apps

        problems = []
        for model in apps.get_models():
            if not model.__module__.startswith("gcmhub."):
                continue
            declared = getattr(model, "_translated_fields", ())
            for field in model._meta.concrete_fields:
                base, _sep, code = field.name.rpartition("_")
                if code in LANGUAGE_CODES and base not in declared:
                    problems.append(f"{model._meta.label}.{field.name}")
            for name in declared:
                columns = {f"{name}_{code}" for code in LANGUAGE_CODES}
                missing = columns - {field.name for field in model._meta.concrete_fields}
                if missing:
                    problems.append(f"{model._meta.label}.{name}: no {sorted(missing)}")
        self.assertEqual(problems, [])

    def test_a_translated_field_reads_the_readers_language_with_fallback(self):
        from django.utils import translation

        from gcmhub.taxonomy.models import Objective

        objective = Objective(number=13, short_en="Alternatives to detention", short_fr="Alternatives à la rétention")
        with translation.override("fr"):
            self.assertEqual(objective.short, "Alternatives à la rétention")
        with translation.override("es"):
            self.assertEqual(objective.short, "Alternatives to detention")  # the source language
        self.assertEqual(Objective._meta.get_field("short_fr").blank, True)
        self.assertEqual(Objective._meta.get_field("short_en").blank, False)
        with translation.override("en"):
            self.assertEqual(str(Objective._meta.get_field("title_es").verbose_name), "title (Spanish)")


# Text fields of the project's models that are not translated, and why (issue 9 §7). A new text
# field that users read is either declared with `Translated` or added here with its reason: a
# test fails otherwise. Keys are "app.Model" (every text field of it) or "app.Model.field".
NOT_TRANSLATED = {
    "accounts.User": "people's names and sign-in data",
    "taxonomy.GuidingPrinciple.code": "an identifier (a–j)",
    "taxonomy.Region.m49": "a code",
    "taxonomy.Country": "codes, and other names kept as aliases for import and search",
    "taxonomy.OrganisationAlias": "spellings as met in documents, for matching",
    "workplan.WorkPlan.source_sha256": "a checksum",
    "workplan.Priority.code": "an identifier (2.1)",
    "workplan.PriorityOrganisation.note": "as written in the plan's document, shown with its lang",
    "workplan.ActivityPeriod.label": "as written in the plan's document, shown with its lang",
    "workplan.StatusUpdate": "written by a lead in one language, with its evidence links",
    "workplan.ImportRun": "a file name and checksum",
    "knowledge.ResourceFile": "a file's title and language: one file per language",
    "knowledge.ResourceEvent": "the workflow's history (status codes, a moderator's note)",
    "knowledge.CallForPractices.contact_name": "a person's name",
    "knowledge.Practice": "written by its submitter in one language, marked with it (Practice.language)",
    "knowledge.PracticeAttachment": "a file's title",
    "knowledge.PracticeEvent": "the review workflow's history",
    "knowledge.ReviewerProfile": "a reviewer's own profile",
    "knowledge.ReviewAssignment": "a reviewer's declaration",
    "knowledge.Review": "a reviewer's comments, in their language",
    "knowledge.ToolFeedback": "a visitor's feedback, marked with its language",
    "consultations.Topic.time_zone": "an IANA time zone name",
    "consultations.TopicAttachment": "a file's title",
    "consultations.Comment": "written by its author in one language, marked with it (Comment.language)",
    "consultations.CommentRevision": "a comment's earlier text, in the comment's language",
    "consultations.CommentAttachment": "a file's title",
    "consultations.Flag": "a reader's note to the moderators",
    "consultations.ModerationAction": "a moderator's note to one person, in the moderation log",
    "consultations.Appeal": "an appellant's and a moderator's notes to each other",
    "consultations.Event.time_zone": "an IANA time zone name",
    "consultations.Event.place": "a venue's address, as written on the spot",
    "consultations.Speaker": "a person's name and affiliation",
    "consultations.Registration": "a participant's own answers (personal data), in their words",
    "consultations.EventNotice": "an organiser's message to the registrants, sent as written",
    "consultations.RegistrationExport": "a log of downloads: a format code",
    "notifications.Notification": "bookkeeping (its text is written when shown, in the reader's language)",
    "notifications.Preference": "bookkeeping",
    "translations.TranslationState": "bookkeeping",
    "search.IndexChange": "bookkeeping",
    "pagecache.Generation": "bookkeeping",
}


class TranslationDeclarationTests(SimpleTestCase):
    def test_every_text_field_is_translated_or_says_why_not(self):
        from django.apps import apps
        from django.db import models

        undeclared = []
        for model in apps.get_models():
            if not model.__module__.startswith("gcmhub."):
                continue
            label = model._meta.label
            if label in NOT_TRANSLATED:
                continue
            columns = {f"{name}_{code}" for name in getattr(model, "_translated_fields", ()) for code in LANGUAGE_CODES}
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.CharField | models.TextField) or field.choices:
                    continue
                if isinstance(field, models.SlugField | models.EmailField | models.URLField):
                    continue
                if field.name in columns or f"{label}.{field.name}" in NOT_TRANSLATED:
                    continue
                undeclared.append(f"{label}.{field.name}")
        self.assertEqual(
            undeclared, [], "declare these with Translated, or say in NOT_TRANSLATED why they stay in one language"
        )

"""The row helpers of gcmhub.lib.i18n: what the template tags would print, worked out once."""

from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import translation
from django.utils.translation import ngettext

from gcmhub.lib.i18n import choice_label, counted
from gcmhub.workplan.models import Status


class CountedTests(SimpleTestCase):
    def test_it_prints_what_blocktranslate_count_prints_in_each_language(self):
        template = Template(
            "{% load i18n %}{% blocktranslate trimmed count counter=n %}{{ counter }} priority"
            "{% plural %}{{ counter }} priorities{% endblocktranslate %}"
        )
        for lang in ("en", "fr", "es"):
            with translation.override(lang):
                text = counted(lambda n: ngettext("%(counter)s priority", "%(counter)s priorities", n))
                for n in (0, 1, 2, 17):
                    with self.subTest(lang=lang, n=n):
                        self.assertEqual(text(n), template.render(Context({"n": n})))

    def test_it_translates_once_per_number(self):
        calls = []

        def phrase(n):
            calls.append(n)
            return ngettext("%(counter)s priority", "%(counter)s priorities", n)

        text = counted(phrase)
        for n in (3, 3, 1, 3, 1):
            text(n)
        self.assertEqual(calls, [3, 1])


class ChoiceLabelTests(SimpleTestCase):
    def test_it_gives_get_display_in_the_active_language(self):
        for lang in ("en", "fr", "es"):
            with translation.override(lang):
                for value, label in Status.choices:
                    with self.subTest(lang=lang, value=value):
                        self.assertEqual(choice_label(Status, value), str(label))

    def test_it_gives_an_unknown_value_back(self):
        self.assertEqual(choice_label(Status, "no-such-status"), "no-such-status")

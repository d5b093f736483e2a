"""The interface's server side: picker widgets, the filter panel's count, the scripts' strings, and
templates that a Content-Security-Policy without inline styles or scripts can serve."""

import json
import re
from pathlib import Path

from django import forms
from django.template import Context, Template
from django.test import SimpleTestCase, TestCase
from django.utils import translation

from gcmhub.lib.widgets import PickerSelect, PickerSelectMultiple, option_keywords
from gcmhub.test import BaseTestCase

ROOT = Path(__file__).resolve().parents[1] / "gcmhub"


def _page_templates():
    """Every template that renders (part of) a web page: e-mails are left out, their styles have
    to be inline (mail clients drop style sheets) and no Content-Security-Policy applies to them."""
    for path in sorted(ROOT.rglob("templates/**/*.html")):
        if "/email/" not in str(path):
            yield path


class TemplatesTest(SimpleTestCase):
    def test_it_has_no_style_attribute_in_page_templates(self):
        found = [
            f"{path.relative_to(ROOT)}:{n}"
            for path in _page_templates()
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if re.search(r"\sstyle=", line)
        ]
        self.assertEqual(found, [], "Use a class (gcmhub.css has .pct-0 … .pct-100 for widths).")

    def test_it_has_no_inline_script_or_event_handler(self):
        found = []
        for path in _page_templates():
            text = path.read_text(encoding="utf-8")
            for match in re.finditer(r"<script\b([^>]*)>", text):
                if "src=" not in match.group(1) and "application/json" not in match.group(1):
                    found.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
            found += [f"{path.relative_to(ROOT)}: {m}" for m in re.findall(r"\son[a-z]+=\"", text)]
        self.assertEqual(found, [])


class PercentClassesTest(SimpleTestCase):
    def test_it_styles_every_whole_percent_from_0_to_100(self):
        css = (ROOT / "static" / "css" / "gcmhub.css").read_text(encoding="utf-8")
        for n in range(101):
            self.assertIn(f".pct-{n} {{ inline-size: {n}%; }}", css)

    def test_it_rounds_a_fraction_to_a_class(self):
        html = Template('<span class="pct-{{ pct|floatformat:0 }}"></span>').render(Context({"pct": 33.3333}))
        self.assertEqual(html, '<span class="pct-33"></span>')


class PickerWidgetTest(BaseTestCase):
    def test_it_marks_the_select_for_the_picker(self):
        class Form(forms.Form):
            country = forms.ChoiceField(choices=[("", "Any"), ("a", "A")], widget=PickerSelect)

        html = str(Form()["country"])
        self.assertIn("data-picker", html)
        self.assertNotIn("multiple", html)

    def test_it_gives_model_options_their_other_names(self):
        from gcmhub.taxonomy.models import Country, Organisation

        morocco, iom = self.morocco, self.iom

        class Form(forms.Form):
            countries = forms.ModelMultipleChoiceField(
                queryset=Country.objects.filter(pk=morocco.pk), widget=PickerSelectMultiple
            )
            organisation = forms.ModelChoiceField(queryset=Organisation.objects.filter(pk=iom.pk), widget=PickerSelect)

        form = Form()
        html = str(form["countries"])
        self.assertInHTML(f'<option value="{morocco.pk}" data-keywords="Maroc|Marruecos|MA|MAR">Morocco</option>', html)
        self.assertIn('size="8"', html)
        self.assertIn("data-picker-hint", html)  # how to choose several, without JavaScript
        # Names in every language and acronyms, once each; the label itself is not repeated.
        self.assertEqual(
            option_keywords(iom),
            ["International Organization for Migration", "Organisation internationale pour les migrations", "OIM"],
        )
        with self.assertNumQueries(1):
            str(form["organisation"])

    def test_it_adds_prefetched_aliases_without_a_query(self):
        from gcmhub.taxonomy.models import Organisation, OrganisationAlias

        org = Organisation.objects.create(slug="picum", name_en="PICUM")
        OrganisationAlias.objects.create(organisation=org, alias="Platform for undocumented migrants")
        org.sync_aliases()
        org = Organisation.objects.prefetch_related("aliases").get(pk=org.pk)
        with self.assertNumQueries(0):
            self.assertIn("Platform for undocumented migrants", option_keywords(org))

    def test_it_puts_pickers_on_the_long_selects_of_the_sites_forms(self):
        from gcmhub.accounts.forms import GrantRoleForm
        from gcmhub.knowledge.forms_practices import PracticeForm
        from gcmhub.knowledge.forms_resources import ResourceProposalForm, ToolFeedbackForm
        from gcmhub.knowledge.forms_review import ReviewerProfileForm, RosterFilterForm

        expected = {
            PracticeForm: ["countries", "regions", "implementing_organisation", "partner_organisations"],
            ResourceProposalForm: ["publishers", "countries", "regions", "output_of_priority", "output_of_activity"],
            ToolFeedbackForm: ["country"],
            ReviewerProfileForm: ["affiliation", "regions"],
            RosterFilterForm: ["objective"],
        }
        for form_class, names in expected.items():
            for name in names:
                with self.subTest(form=form_class.__name__, field=name):
                    self.assertIn("data-picker", form_class.base_fields[name].widget.attrs)
        for name in ("organisation", "country"):
            self.assertIn("data-picker", GrantRoleForm.base_fields[name].widget.attrs)


class FilterPanelTest(TestCase):
    def _count(self, query):
        from gcmhub.knowledge.forms_review import RosterFilterForm

        form = RosterFilterForm(query or None)
        return Template("{% load ui_tags %}{{ form|active_filter_count }}").render(Context({"form": form}))

    def test_it_counts_the_filters_in_use(self):
        self.assertEqual(self._count({}), "0")
        self.assertEqual(self._count({"language": "fr", "kind": ""}), "1")
        self.assertEqual(self._count({"language": "fr", "kind": "un"}), "2")

    def test_it_renders_the_toggle_with_its_count(self):
        html = Template('{% include "includes/filter_panel_toggle.html" with count=2 %}').render(Context())
        self.assertInHTML(
            '<summary class="filter-panel__toggle">Filters <span class="filter-panel__count">(2 active)</span></summary>',
            html,
        )
        html = Template('{% include "includes/filter_panel_toggle.html" with count=0 %}').render(Context())
        self.assertInHTML('<summary class="filter-panel__toggle">Filters</summary>', html)


class UiStringsTest(SimpleTestCase):
    def test_it_gives_the_scripts_their_text_in_the_page_language_as_data(self):
        with translation.override("fr"):
            html = Template("{% load ui_tags %}{% ui_strings %}").render(Context())
        self.assertTrue(html.startswith('<script id="gcmhub-ui-strings" type="application/json">'))
        strings = json.loads(re.sub(r"^<script[^>]*>|</script>$", "", html))
        self.assertIn("%(label)s", strings["pickerRemove"])
        self.assertIn("%(count)s", strings["pickerCount"])


class BasePageTest(BaseTestCase):
    def test_it_has_a_menu_button_that_only_scripts_show(self):
        self.client.force_login(self.alice)
        html = self.client.get("/en/").content.decode()
        self.assertInHTML(
            '<button type="button" class="menu-toggle" aria-expanded="true" aria-controls="user-nav main-nav" '
            'hidden data-menu-toggle><span class="menu-toggle__icon" aria-hidden="true"></span>Menu</button>',
            html,
        )
        self.assertIn('id="main-nav"', html)
        self.assertIn('id="user-nav"', html)
        self.assertIn('<script id="gcmhub-ui-strings" type="application/json">', html)

"""Form widgets of the site's interface.

`PickerSelect` and `PickerSelectMultiple` render a plain <select> marked `data-picker`, which
static/js/picker.js turns into a searchable combobox (the <select> stays in the form and is what
submits). Each option of a model choice carries its other names as `data-keywords`: names and
acronyms in every language of `settings.LANGUAGES`, ISO codes, and the `aliases` when the
queryset prefetched them, so "Maroc", "MAR" or "OIM" find Morocco and IOM in any interface
language. Reading them costs no query.
"""

from typing import TYPE_CHECKING

from django import forms
from django.conf import settings

if TYPE_CHECKING:
    _ChoiceWidget = forms.widgets.ChoiceWidget
else:
    _ChoiceWidget = object

# Fields whose value (per language, or as is) names an option another way.
TRANSLATED_NAME_FIELDS = ("name", "acronym", "short", "title")
CODE_FIELDS = ("iso2", "iso3", "code")
KEYWORD_SEPARATOR = "|"


def option_keywords(instance) -> list[str]:
    """The other names of `instance` a person may type: translations, acronyms, codes, aliases."""
    words: list[str] = []
    for field in TRANSLATED_NAME_FIELDS:
        for code, _name in settings.LANGUAGES:
            words.append(getattr(instance, f"{field}_{code}", "") or "")
    for field in CODE_FIELDS:
        words.append(str(getattr(instance, field, "") or ""))
    prefetched = getattr(instance, "_prefetched_objects_cache", {})
    if "aliases" in prefetched:
        words.extend(str(alias) for alias in prefetched["aliases"])
    label = str(instance).casefold()
    seen: set[str] = set()
    keywords = []
    for word in words:
        word = word.replace(KEYWORD_SEPARATOR, " ").strip()
        key = word.casefold()
        if word and key != label and key not in seen:
            seen.add(key)
            keywords.append(word)
    return keywords


class PickerMixin(_ChoiceWidget):
    """Mark the <select> for picker.js and give each model option its keywords."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-picker": "", **(attrs or {})}, choices)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)  # a ModelChoiceIteratorValue
        if instance is not None:
            keywords = option_keywords(instance)
            if keywords:
                option["attrs"]["data-keywords"] = KEYWORD_SEPARATOR.join(keywords)
        return option


class PickerSelect(PickerMixin, forms.Select):
    """A single choice among many (an organisation, a country)."""


class PickerSelectMultiple(PickerMixin, forms.SelectMultiple):
    """Several choices among many (countries, organisations, regions). Without JavaScript, a
    multiple <select> with a hint on how to choose several."""

    template_name = "includes/widgets/picker_select_multiple.html"

    def __init__(self, attrs=None, choices=()):
        super().__init__({"size": 8, **(attrs or {})}, choices)

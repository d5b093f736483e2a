"""Dates, times, numbers, percentages and language names as the reader's language writes them
(decision 1303).

The formats are data, in `gcmhub/formats/<code>/formats.py`: one date format per language ("4
December 2026", "4 décembre 2026", "4 de diciembre de 2026"), one date-time format that always
ends with the time zone ("4 December 2026, 14:30 UTC"), the number separators and where the
percent sign goes. Templates print them with `{{ value|date }}`, `{{ value|date:"DATETIME_FORMAT" }}`
and the `format_tags` filters (`percent`, `number`, `language_name`); Python code that makes text
for readers (exports, messages, e-mail parts built in code) calls the functions below, which print
exactly what those filters print. Machine-read values (the API, `datetime` attributes, file names,
typed spreadsheet cells) stay ISO 8601.
"""

import datetime
import decimal

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

Number = int | float | decimal.Decimal


def _format(name: str, default):
    """A format of gcmhub's own (`PERCENT_FORMAT` …) in the active language: Django gives back the
    name itself for a language whose module does not define it (a CMS user's language beyond the
    settings')."""
    value = formats.get_format(name)
    return default if value == name else value


# --- Dates and times -------------------------------------------------------------------------------


def date_text(value: datetime.date | None) -> str:
    """'4 December 2026' in the active language: what `{{ value|date }}` prints (a datetime is
    first taken in the current time zone, as the filter does)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATE_FORMAT")


def datetime_text(value: datetime.datetime | None) -> str:
    """'4 December 2026, 14:30 UTC': what `{{ value|date:"DATETIME_FORMAT" }}` prints, the time
    zone always written."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")


# --- Numbers and percentages -----------------------------------------------------------------------


def number_text(value: Number | str | None, decimal_pos: int | None = None) -> str:
    """'1,234', '1 234' (fr), '1 234,5' (es): the number with the language's separators, grouped
    whatever `USE_THOUSAND_SEPARATOR` says."""
    if value is None or value == "":
        return ""
    return formats.number_format(value, decimal_pos, force_grouping=True)


def percent_text(value: Number | str | None, decimal_pos: int | None = None) -> str:
    """'45%', '45 %' (fr, a narrow no-break space), '45 %' (es, a no-break space): `value` is
    the percentage itself (45 for 45 %)."""
    if value is None or value == "":
        return ""
    return _format("PERCENT_FORMAT", "{}%").format(number_text(value, decimal_pos))


# --- Language names --------------------------------------------------------------------------------


def _lowercase_names() -> bool:
    return _format("LANGUAGE_NAMES_IN_LOWER_CASE", False) is True


# Languages beyond the settings' that the site names: resources come in the UN's other official
# languages and in Portuguese (knowledge.criteria.ResourceLanguage), reviewers work in them.
OTHER_LANGUAGES: dict[str, Promise] = {"ru": _("Russian"), "zh": _("Chinese"), "pt": _("Portuguese")}


def language_name(code: str, *, in_sentence: bool = False) -> str:
    """The name of the language `code` in the reader's language: "French", "Français",
    "Francés", "الفرنسية". Standalone (a heading, a table's header cell, a choice, a facet) it keeps
    the label's capital; `in_sentence` (running text, a list of languages, a value after a
    label) writes it as the reader's language does inside a sentence: French and Spanish in lower
    case ("anglais", "inglés"), the others as they are.

    The names are those of `settings.LANGUAGES`, then `OTHER_LANGUAGES`, then Django's."""
    label: str | Promise | None = dict(settings.LANGUAGES).get(code) or OTHER_LANGUAGES.get(code)
    if label is None:
        try:
            label = translation.get_language_info(code)["name_translated"]
        except KeyError:
            label = code
    name = str(label)
    if in_sentence and _lowercase_names():
        name = name[:1].lower() + name[1:]
    return name


def native_language_name(code: str) -> str:
    """The language's name in itself, capitalised where the language has capitals: "English",
    "Français", "Español", "العربيّة" (the language switcher, the sections of a form per
    language)."""
    return capfirst(translation.get_language_info(code)["name_local"])

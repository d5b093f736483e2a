"""Structured content in the languages of `settings.LANGUAGES`, with fallback to the source language.

`settings.LANGUAGES` is the only list of languages: `LANGUAGE_CODES` and the `Language` choices
are made from it. A model declares `title_en`, `title_fr`, `title_es` … and a `source_language`;
`TranslatedField("title")` then reads the active language's value, falling back to the source
language and then to any language that has text.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.safestring import mark_safe

LANGUAGE_CODES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)

# The languages as model and form choices ("en" → "English", translated), made from the settings.
if TYPE_CHECKING:  # django-stubs do not model the functional API: a class for the checker

    class Language(models.TextChoices):
        pass

else:
    Language = models.TextChoices("Language", [(code.upper(), (code, name)) for code, name in settings.LANGUAGES])


def active_language() -> str:
    lang = (translation.get_language() or "en")[:2]
    return lang if lang in LANGUAGE_CODES else "en"


def pick(obj, name: str, lang: str | None = None) -> str:
    """The value of `name` in `lang` (default: active), else source language, else any."""
    lang = lang or active_language()
    value = getattr(obj, f"{name}_{lang}", "")
    if value:
        return value
    source = getattr(obj, "source_language", None) or "en"
    value = getattr(obj, f"{name}_{source}", "")
    if value:
        return value
    for code in LANGUAGE_CODES:
        value = getattr(obj, f"{name}_{code}", "")
        if value:
            return value
    return ""


class TranslatedField:
    """Descriptor: `obj.title` returns `pick(obj, "title")`."""

    def __init__(self, name: str):
        self.name = name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return pick(obj, self.name)


def language_of(obj, name: str) -> str:
    """The language code whose text `obj.<name>` shows now (for the `lang` attribute)."""
    lang = active_language()
    if getattr(obj, f"{name}_{lang}", ""):
        return lang
    source = getattr(obj, "source_language", None) or "en"
    if getattr(obj, f"{name}_{source}", ""):
        return source
    for code in LANGUAGE_CODES:
        if getattr(obj, f"{name}_{code}", ""):
            return code
    return lang


def counted(phrase: Callable[[int], str]) -> Callable[[int], str]:
    """What `{% blocktranslate count counter=n %}…{% endblocktranslate %}` prints, for rows: the
    sentence translated once per distinct number, as the tag leaves it (not escaped: translators'
    text), with the number put in. `phrase` gives the translated sentence for a number; write it
    with `ngettext` and literal msgids so that `makemessages` finds them:
    `counted(lambda n: ngettext("%(counter)s priority", "%(counter)s priorities", n))`."""
    texts: dict[int, str] = {}

    def text(n: int) -> str:
        found = texts.get(n)
        if found is None:
            found = texts[n] = mark_safe(phrase(n) % {"counter": int(n)})
        return found

    return text


_CHOICE_LABELS: dict[type, dict] = {}


def choice_label(choices: type[models.Choices], value) -> str:
    """What `obj.get_<field>_display()` gives for a field with these `choices`, in the active
    language, without its cost: Django's translates every choice's label to hash it, on each call.
    The labels stay lazy here; only the one shown is translated."""
    labels = _CHOICE_LABELS.get(choices)
    if labels is None:
        labels = _CHOICE_LABELS[choices] = dict(choices.choices)
    return str(labels.get(value, value))

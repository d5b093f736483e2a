"""Structured content in the languages of `settings.LANGUAGES`, with fallback to the source language.

`settings.LANGUAGES` is the only list of languages: `LANGUAGE_CODES` and the `Language` choices
are made from it. A model declares each translatable field once (`title = Translated(...)`, one
column per language: `title_en`, `title_fr` …) and a `source_language`; `obj.title` then reads
the active language's value, falling back to the source language and then to any language that
has text (decision 1302).
"""

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, overload

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import lazy
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy

from gcmhub.lib.formats import language_name

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


def _in_sentence_name(code: str) -> str:
    return language_name(code, in_sentence=True)


class Translated:
    """A translatable field, declared once on a model::

        title = Translated(models.CharField, _("title"), max_length=300, required=("en",))

    makes one column per language of `settings.LANGUAGES` (`title_en`, `title_fr`, `title_es` …,
    verbose names "title (English)" …) and `obj.title`, the text in the reader's language, falling
    back to the source language and then to any language with text (`pick`). Only the languages in
    `required` must be filled; the others are optional, so a new language in the settings needs
    only a migration (empty columns) and its interface strings. The model's translated fields are
    listed in `Model._translated_fields`."""

    def __init__(self, field_class: type[models.Field], verbose_name, *, required: tuple[str, ...] = (), **options):
        # The columns are made here, so that they keep their place among the model's fields.
        self.columns = []
        for code in LANGUAGE_CODES:
            column_options = dict(options)
            if code not in required:
                column_options["blank"] = True
            # "title (French)", "titre (français)": the language named as inside a sentence.
            label = lazy(_in_sentence_name, str)(code)
            self.columns.append((code, field_class(format_lazy("{} ({})", verbose_name, label), **column_options)))

    def contribute_to_class(self, cls, name: str, private_only: bool = False) -> None:
        self.name = name
        for code, column in self.columns:
            cls.add_to_class(f"{name}_{code}", column)
        setattr(cls, name, self)
        cls._translated_fields = (*cls.__dict__.get("_translated_fields", ()), name)

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> "Translated": ...
    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> str: ...
    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return pick(obj, self.name)


def translated_names(name: str) -> list[str]:
    """The columns of a translated field `name`: ["title_en", "title_fr", …]."""
    return [f"{name}_{code}" for code in LANGUAGE_CODES]


@functools.cache
def direction(code: str) -> str:
    """ "rtl" for a language written right to left (Arabic), else "ltr": the `dir` of a fragment."""
    try:
        return "rtl" if translation.get_language_info(code)["bidi"] else "ltr"
    except KeyError:
        return "ltr"


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


@dataclass(frozen=True)
class TranslationRecording:
    status: str  # "human" (translated by a person) or "suggested" (to review)
    by: object  # the user, or None
    only: frozenset  # {(field, language)} recorded even when their text did not change


_recording: contextvars.ContextVar[TranslationRecording | None] = contextvars.ContextVar(
    "translation_recording", default=None
)


@contextlib.contextmanager
def recorded_as(status: str, by=None, only: Iterable[tuple[str, str]] = ()):
    """Translations saved inside this block are recorded (by `gcmhub.translations`, which follows
    every save of a translated model) with this status and author: "human" for a person's,
    "suggested" for a machine translation or a draft to review. Pairs in `only` (field, language)
    are recorded even if their text did not change (a suggestion accepted as it is)."""
    token = _recording.set(TranslationRecording(status, by, frozenset(only)))
    try:
        yield
    finally:
        _recording.reset(token)


def translation_recording() -> TranslationRecording | None:
    return _recording.get()


# Set by the app that keeps the translation states (gcmhub.translations), so that what reads
# content (template tags) can ask without depending on it.
_suggested_fields: Callable[[object, str], set[str]] | None = None


def register_suggested_fields(lookup: Callable[[object, str], set[str]]) -> None:
    global _suggested_fields
    _suggested_fields = lookup


def suggested_fields(obj, language: str) -> set[str]:
    """The fields of `obj` whose `language` text is a suggested translation not yet reviewed."""
    return _suggested_fields(obj, language) if _suggested_fields is not None else set()

import datetime
from urllib.parse import urlencode

from django import template
from django.urls import translate_url as django_translate_url
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext

from gcmhub.lib.formats import language_name
from gcmhub.lib.i18n import LANGUAGE_CODES, active_language, direction, language_of, suggested_fields

register = template.Library()


@register.simple_tag(takes_context=True)
def translate_url(context, lang_code):
    """The current page in another language (keeps the query string). Pages outside
    i18n_patterns (the API documentation) take the language from `?lang=`."""
    request = context["request"]
    if request.path.startswith("/api/"):
        params = request.GET.copy()
        params["lang"] = lang_code
        return f"{request.path}?{params.urlencode()}"
    # base.html asks twice per language (head links, language switcher): resolve once per request.
    memo = request.__dict__.setdefault("_translated_urls", {})
    if lang_code not in memo:
        memo[lang_code] = django_translate_url(request.get_full_path(), lang_code)
    return memo[lang_code]


@register.filter
def in_languages(obj, fields):
    """[(code, language name, [obj.<field>_<code> for each field]), …] for every language of the
    settings: `{% for code, language, texts in country|in_languages:"name" %}` ("name,acronym"
    for several fields)."""
    names = [name.strip() for name in str(fields).split(",")]
    return [
        (code, language_name(code), [getattr(obj, f"{name}_{code}", "") or "" for name in names])
        for code in LANGUAGE_CODES
    ]


@register.simple_tag
def lang_of(obj, field):
    """The language the shown text of obj.<field> is written in, for a `lang` attribute."""
    return language_of(obj, field)


@register.simple_tag
def lang_attrs(obj, field):
    """` lang="fr" dir="ltr"`: the language and direction of the shown text of obj.<field>, for a
    fragment that may fall back to another language than the page's (`<p{% lang_attrs … %}>`)."""
    code = language_of(obj, field)
    return format_html(' lang="{}" dir="{}"', code, direction(code))


@register.simple_tag
def shown_in(obj, field, tag="p"):
    """A note when obj.<field> is shown in another language than the reader's, for lack of a
    translation: "Shown in French — no English translation yet."; or when the reader's text is a
    suggestion not yet reviewed (a machine translation): "Suggested translation from French, not
    yet reviewed by a person." Nothing otherwise."""
    shown, reader = language_of(obj, field), active_language()
    if not getattr(obj, f"{field}_{shown}", ""):
        return ""
    if shown == reader:
        source = getattr(obj, "source_language", None) or "en"
        if reader == source or field not in suggested_fields(obj, reader):
            return ""
        text = gettext("Suggested translation from %(language)s, not yet reviewed by a person.") % {
            "language": language_name(source, in_sentence=True)
        }
        return format_html('<{} class="shown-in">{}</{}>', tag, text, tag)
    text = gettext("Shown in %(language)s — no %(reader)s translation yet.") % {
        "language": language_name(shown, in_sentence=True),
        "reader": language_name(reader, in_sentence=True),
    }
    return format_html('<{} class="shown-in">{}</{}>', tag, text, tag)


_SHOWN_IN_TAGS: dict[tuple[str, str], str] = {}


@register.filter
def shown_in_tag(code):
    """After a list item's text: "(in French)" when the text is shown in another language than
    the reader's (no translation yet), nothing otherwise. Each tag is made once per language pair."""
    code, reader = str(code or ""), active_language()
    if not code or code == reader:
        return ""
    tag = _SHOWN_IN_TAGS.get((code, reader))
    if tag is None:
        text = gettext("(in %(language)s)") % {"language": language_name(code, in_sentence=True)}
        tag = _SHOWN_IN_TAGS[(code, reader)] = format_html(' <span class="shown-in-tag">{}</span>', text)
    return tag


@register.filter
def dir_of(code):
    """The `dir` of text in language `code`: "rtl" or "ltr"."""
    return direction(str(code))


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(params, doseq=True) if params else "?"


@register.filter
def elided_page_range(page):
    """The page numbers a pagination shows: the first, the last and two on each side of `page`,
    with `Paginator.ELLIPSIS` standing for the gaps."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@register.filter
def follow_key(obj) -> str:
    """ "<app_label.model>:<pk>": what a follow button posts, and what `following` holds."""
    return f"{obj._meta.label_lower}:{obj.pk}"


@register.filter
def utc_offset(moment) -> str:
    """The UTC offset of an aware datetime in the active time zone: "+01:00", "−03:00" ("" if none)."""
    if not isinstance(moment, datetime.datetime) or timezone.is_naive(moment):
        return ""
    offset = timezone.localtime(moment).utcoffset()
    if offset is None:
        return ""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "\u2212"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"

"""The site chrome's per-request values, worked out only when a template reads them.

`chrome` gives base.html `chrome.languages` (the language switcher: each language's local name
and this page's address in it) and `chrome.alternates` (the `hreflang` links of the head). The
rest of the chrome (brand, search form, navigation, footer) does not depend on the request beyond
the language and the visitor's roles: base.html keeps it with `{% memo %}` (gcmhub.pagecache).
"""

import functools

from django.conf import settings
from django.urls import URLResolver, get_resolver, get_script_prefix, reverse
from django.urls import translate_url as django_translate_url
from django.urls.resolvers import LocalePrefixPattern
from django.utils.functional import Promise, cached_property
from django.utils.translation import get_language

from gcmhub.lib.formats import native_language_name

API_PREFIX = "/api/"


@functools.cache
def local_name(code: str) -> str:
    """ "Français" for "fr": the language's name in itself, as the switcher shows it."""
    return native_language_name(code)


@functools.cache
def _swappable(urlconf: str) -> bool:
    """True when every language-prefixed route of the site is the same in every language
    (`i18n_patterns` with the default language prefixed too, no translated route): the page in
    another language is then the same path under that language's prefix, which is what Django's
    `translate_url` would reverse to, without resolving and reversing at each request."""
    found = False
    for entry in get_resolver(urlconf).url_patterns:
        if isinstance(entry, URLResolver) and isinstance(entry.pattern, LocalePrefixPattern):
            if not entry.pattern.prefix_default_language or _translated(entry.url_patterns):
                return False
            found = True
    return found


def _translated(patterns) -> bool:
    for entry in patterns:
        pattern = entry.pattern
        text = getattr(pattern, "_route", None) or getattr(pattern, "_regex", None)
        if isinstance(text, Promise):
            return True
        if isinstance(entry, URLResolver) and _translated(entry.url_patterns):
            return True
    return False


@functools.lru_cache(maxsize=64)
def _reverse(name: str, language: str, script_prefix: str) -> str:
    return reverse(name)


def clear_caches(**kwargs) -> None:
    if kwargs.get("setting") in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "FORCE_SCRIPT_NAME", None):
        _swappable.cache_clear()
        local_name.cache_clear()
        _reverse.cache_clear()


def page_in_language(request, code: str) -> str:
    """This page's address in the language `code` (keeps the query string), as gcmhub's
    `translate_url` tag gives it: pages outside the language prefixes (the API documentation)
    take the language from `?lang=`."""
    if request.path.startswith(API_PREFIX):
        params = request.GET.copy()
        params["lang"] = code
        return f"{request.path}?{params.urlencode()}"
    current = get_language()
    prefix = f"/{current}/"
    match = getattr(request, "resolver_match", None)
    if (
        match is not None
        and match.url_name
        and request.path == request.path_info
        and get_script_prefix() == "/"
        and request.path.startswith(prefix)
        and _swappable(getattr(request, "urlconf", None) or settings.ROOT_URLCONF)
    ):
        full = request.get_full_path()
        return f"/{code}/{full[len(prefix) :]}"
    return django_translate_url(request.get_full_path(), code)


class Chrome:
    def __init__(self, request):
        self.request = request

    @cached_property
    def languages(self) -> list[dict]:
        current = get_language()
        return [
            {
                "code": code,
                "name": local_name(code),
                "current": code == current,
                "url": None if code == current else page_in_language(self.request, code),
            }
            for code, _name in settings.LANGUAGES
        ]

    @property
    def profile_url(self) -> str:
        return _reverse("accounts:profile", get_language(), get_script_prefix())

    @property
    def logout_url(self) -> str:
        return _reverse("accounts:logout", get_language(), get_script_prefix())

    @property
    def login_url(self) -> str:
        return _reverse("accounts:login", get_language(), get_script_prefix())

    @cached_property
    def alternates(self) -> list[dict]:
        return [language for language in self.languages if not language["current"]]


def chrome(request):
    return {"chrome": Chrome(request)}

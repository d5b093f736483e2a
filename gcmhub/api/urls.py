"""URLs under /api/v1/ (included by gcmhub/urls.py). Every view is wrapped so that `?lang=`
selects the language and a wrong method answers JSON; anything unmatched answers a JSON 404."""

import functools

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.utils import translation
from django.utils.translation import gettext

from gcmhub.api.errors import api_not_found, json_method_not_allowed, validation_error_response
from gcmhub.api.main import api
from gcmhub.lib.i18n import LANGUAGE_CODES


def with_language(view):
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        lang = request.GET.get("lang")
        if lang is None:
            return view(request, *args, **kwargs)
        if lang not in LANGUAGE_CODES:
            return validation_error_response(
                {"lang": [gettext("Select a valid choice. That choice is not one of the available choices.")]}
            )
        with translation.override(lang):
            response = view(request, *args, **kwargs)
        response["Content-Language"] = lang
        return response

    return wrapper


def _wrap(pattern: URLPattern | URLResolver) -> URLPattern:
    if not isinstance(pattern, URLPattern):
        raise TypeError(f"ninja's URLs are expected to be flat, not {pattern!r}")
    callback = with_language(json_method_not_allowed(pattern.callback))
    return URLPattern(pattern.pattern, callback, pattern.default_args, pattern.name)


api_patterns, app_name, namespace = api.urls

urlpatterns: list[URLPattern | URLResolver] = [
    # Namespace "api-v1", as ninja's own reverse() calls (docs -> openapi.json) expect.
    path("", include(([_wrap(p) for p in api_patterns], app_name), namespace=namespace)),
    re_path(r"^(?P<path>.*)$", api_not_found),
]

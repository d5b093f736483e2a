"""Characters that have no place in text, kept out of every request and every file we write.

- A NUL character (U+0000) is never typed by a person, PostgreSQL refuses it in text columns, and
  XML (Atom, XLSX) cannot hold it: a query string or form field holding one is refused with a
  400 and a clear message (`TextInputMiddleware`), and an API body holding one gets a field
  message (`gcmhub.api.parser`).
- Other C0 control characters (U+0001–U+001F except tab, line feed and carriage return) arrive
  by copy and paste (Word's vertical tab is its manual line break): they are removed on input,
  a vertical tab or form feed becoming a line break, so what the person typed is kept.
- Unpaired surrogates (from a JSON `"\\ud800"`) cannot be encoded as UTF-8; U+FFFE and U+FFFF
  are not characters. They become U+FFFD, the replacement character.

`strip_controls` (in `gcmhub.lib.cleantext`, with the importers' rule) is also what the tabular
writer and the feeds apply to what they write out.
"""

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext

from gcmhub.lib.cleantext import has_controls, strip_controls
from gcmhub.lib.security import BODY_ERRORS, body_error_response

if TYPE_CHECKING:
    from django.http.request import _ImmutableQueryDict

NUL = "\x00"

# Paths whose clients read JSON: a refusal there is the API's error object, not a page.
JSON_PATH_PREFIXES = ("/api/",)
# Form bodies are read (and cleaned) only with these content types; the API reads its own JSON.
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def nul_message() -> str:
    return gettext("Null characters are not allowed.")


def _clean_querydict(data: QueryDict) -> tuple["_ImmutableQueryDict | None", str | None]:
    """(a cleaned copy, or None when nothing changes; the first key holding a NUL, or None)."""
    lists = list(data.lists())
    if not has_controls("".join(key + "".join(values) for key, values in lists)):
        return None, None  # the usual case: one scan of the whole query string
    for key, values in lists:
        if NUL in key or any(NUL in value for value in values):
            return None, strip_controls(key) or "?"
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(strip_controls(key), [strip_controls(value) for value in values])
    cleaned._mutable = False
    return cast("_ImmutableQueryDict", cleaned), None  # immutable from here on, like Django's own


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(JSON_PATH_PREFIXES)


def refuse(request: HttpRequest, field: str, message: str, status: int = 400) -> HttpResponse:
    """A 400 naming the parameter: the API's `{detail, errors}` object, or the site's 400 page."""
    detail = gettext("The data sent is not valid.")
    if wants_json(request):
        return JsonResponse(
            {"detail": detail, "errors": {field: [message]}},
            status=status,
            content_type="application/json; charset=utf-8",
        )
    return render(request, "400.html", {"message": message, "field": field}, status=status)


class TextInputMiddleware:
    """Refuse NUL in the path, query string and form body; remove other control characters from
    query strings and form bodies.

    Place it after LocaleMiddleware (its messages are translated) and AuthenticationMiddleware (its
    page shows the signed-in menu).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path:  # `<str:...>` path parameters reach queries too
            return refuse(request, "__all__", nul_message())
        cleaned, nul_in = _clean_querydict(request.GET)
        if nul_in is not None:
            return refuse(request, nul_in, nul_message())
        if cleaned is not None:
            request.GET = cleaned
        if self._reads_form(request):
            try:
                post = request.POST
            except BODY_ERRORS as exc:  # over Django's size or field limits: 413, not a bare 400
                response = body_error_response(request, exc)
                if response is None:
                    raise
                return response
            except MultiPartParserError:
                return refuse(request, "__all__", gettext("The form data sent could not be read."))
            cleaned, nul_in = _clean_querydict(post)
            if nul_in is not None:
                return refuse(request, nul_in, nul_message())
            if cleaned is not None:
                request.POST = cleaned
        return self.get_response(request)

    @staticmethod
    def _reads_form(request: HttpRequest) -> bool:
        return (
            request.method == "POST"
            and request.content_type in FORM_CONTENT_TYPES
            and not request.path.startswith(JSON_PATH_PREFIXES)
        )

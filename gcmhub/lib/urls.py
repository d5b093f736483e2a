"""URLs of many rows at the cost of one `reverse()`."""

from collections.abc import Callable

from django.http import HttpRequest
from django.urls import reverse

# Stand-ins that no URL holds otherwise, replaced by the rows' values.
_INT = 987654321987
_SLUG = "zz-url-argument-zz"


def url_maker(viewname: str, *kinds: type) -> Callable[..., str]:
    """A function of the view's arguments returning its URL, reversed once (in the active
    language): `activity_url = url_maker("workplan:activity", int)`, then `activity_url(pk)` per
    row. `kinds` are `int` (for <int:...>) or `str` (slugs, codes: URL-safe text)."""
    stand_ins = [_INT + n if kind is int else f"{_SLUG}{n}" for n, kind in enumerate(kinds)]
    url = reverse(viewname, args=stand_ins).replace("{", "{{").replace("}", "}}")
    for stand_in in stand_ins:
        url = url.replace(str(stand_in), "{}", 1)
    return url.format


def absolute_url_maker(request: HttpRequest, viewname: str, *kinds: type) -> Callable[..., str]:
    """`url_maker` with the request's scheme and host in front (what `build_absolute_uri` adds),
    made once per request and view: for the API's lists of absolute URLs."""
    makers = request.__dict__.setdefault("_absolute_url_makers", {})
    key = (viewname, kinds)
    maker = makers.get(key)
    if maker is None:
        site = request.build_absolute_uri("/")[:-1]
        relative = url_maker(viewname, *kinds)
        maker = makers[key] = lambda *args: site + relative(*args)
    return maker

"""JSON answers of the API's read endpoints: serialised once from plain values, and kept.

django-ninja validates what an endpoint returns against its response schema before writing it:
for a page of 50 activities, that validation cost as much as computing the page (measured:
a third of the request). The read endpoints that matter build plain dicts that already have the
schema's shape, and answer them through `json_answer`: the same bytes ninja would write (its JSON
encoder, the schema's field order), without the validation. The schema stays the contract: it is
what the OpenAPI document shows (the endpoints keep declaring it), and with
`API_CHECK_RESPONSES` (on in the tests and with DEBUG) every answer is also validated through it
and must serialise to the same bytes, so a drift fails loudly.

`kept_json_answer` also keeps the serialised page, like a part of an HTML page
(gcmhub.pagecache.fragments): reads are public and the same for every client, so a page is keyed
by the endpoint, the path, the query string, the language, the site's address and the
generations of the data it shows, and computed again only after a change.
"""

import json

from django.conf import settings
from django.http import HttpResponse
from ninja.responses import NinjaJSONEncoder

from gcmhub.pagecache import fragments

CONTENT_TYPE = "application/json; charset=utf-8"


def serialise(data, schema) -> str:
    content = json.dumps(data, cls=NinjaJSONEncoder)
    if getattr(settings, "API_CHECK_RESPONSES", False):
        expected = json.dumps(schema.model_validate(data).model_dump(), cls=NinjaJSONEncoder)
        if content != expected:
            raise AssertionError(f"The answer does not have the shape of {schema.__name__}: {content[:500]}")
    return content


def json_answer(data, schema) -> HttpResponse:
    """`data` (plain values shaped like `schema`) as ninja would answer it, status 200."""
    return HttpResponse(serialise(data, schema), content_type=CONTENT_TYPE)


def kept_json_answer(request, name: str, scopes: tuple[str, ...], compute, schema) -> HttpResponse:
    """`compute()`'s data as `json_answer` gives it, kept per path, query string, language, site
    address and generations of `scopes` (see the module docstring)."""
    content = fragments.cached(
        name,
        (request.scheme, request.get_host(), request.path),
        scopes,
        lambda: serialise(compute(), schema),
        query=fragments.query_variant(request),
        request=request,
    )
    return HttpResponse(str(content), content_type=CONTENT_TYPE)

"""The API's JSON body parser: bounded nesting, and text fit for the database.

- Nesting deeper than MAX_DEPTH is refused with a 400 before anything walks it (no request body
  of ours nests more than three levels; a deeply nested one was a RecursionError).
- A NUL character in any string is refused with a 400 naming the field (PostgreSQL cannot store
  it); other control characters are removed, as on the site's forms (`gcmhub.lib.textinput`).

- A body whose `Content-Type` is not JSON (`application/json` or a `+json` type) is refused
  with a 415 before it is read (ASVS 4.0 V13.1.5).

Errors are raised as `ApiValidationError` or `UnsupportedMediaType`; ninja wraps them (its "Cannot parse request body") and
`gcmhub.api.errors` unwraps them into the usual `{detail, errors}` object.
"""

import json
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja.parser import Parser

from gcmhub.api.errors import NON_FIELD_ERRORS, ApiValidationError, UnsupportedMediaType, is_json
from gcmhub.lib.cleantext import strip_controls
from gcmhub.lib.textinput import NUL, nul_message

MAX_DEPTH = 32


def _too_deep() -> ApiValidationError:
    return ApiValidationError(
        {NON_FIELD_ERRORS: [gettext("The JSON sent nests more than %(depth)s levels.") % {"depth": MAX_DEPTH}]}
    )


def check_depth(data: Any, max_depth: int = MAX_DEPTH) -> None:
    """Raise ApiValidationError when lists and objects nest deeper than `max_depth` (iterative)."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > max_depth:
            raise _too_deep()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def _field(path: tuple) -> str:
    """The top-level field a value belongs to, as validation errors name fields."""
    for part in path:
        if isinstance(part, str):
            return part
    return NON_FIELD_ERRORS


def clean_strings(data: Any, path: tuple = ()) -> Any:
    """`data` with control characters removed from every string (keys too); NUL is an error.
    Call `check_depth` first: this recursion is as deep as the data."""
    if isinstance(data, str):
        if NUL in data:
            raise ApiValidationError({_field(path): [nul_message()]})
        return strip_controls(data)
    if isinstance(data, dict):
        return {clean_strings(key, path): clean_strings(value, (*path, key)) for key, value in data.items()}
    if isinstance(data, list):
        return [clean_strings(value, (*path, index)) for index, value in enumerate(data)]
    return data


class JsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        if not is_json(request.META.get("CONTENT_TYPE", "")):
            raise UnsupportedMediaType()
        try:
            data = json.loads(request.body)
        except RecursionError:
            raise _too_deep() from None
        check_depth(data)
        return clean_strings(data)

"""Numbers read from requests, bounded before they reach a database, a search engine or a loop.

A page number, an offset or a limit comes from the query string, where anyone can write
`page=30000000`, `page=1e23`, `offset=99999999999999999999` or five thousand digits. Each of these
once reached an engine or a query as is: the search engine tried to allocate tens of gigabytes for
a deep page, and an offset over 2^63 overflowed the database driver. Every such number goes
through this module: it is parsed strictly (digits only, a bounded number of them), clamped to a
range, and an unreadable value falls back to a default rather than raising.

`paginate()` is the paginator of every HTML list: out-of-range and unreadable page numbers show
the nearest page (the first or the last) instead of an error.
"""

import re
from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator

# What a database integer column of any kind (SQLite's, PostgreSQL's bigint) holds, with room:
# ids and numbers past this are not ids, and paths answer 404 for them (see converters.py).
MAX_ID = 10**18 - 1
MAX_ID_DIGITS = 18
# Deepest page of an HTML list (Django's paginator clamps to the last real page below this).
MAX_PAGE = 100_000
# Deepest item the API's offset pagination reaches; a bigger offset is a 400, never a query.
MAX_OFFSET = 1_000_000

_INTEGER = re.compile(rf"[+-]?[0-9]{{1,{MAX_ID_DIGITS + 1}}}")


def parse_int(value: Any) -> int | None:
    """`value` as an integer if it is a short decimal integer ("12", " 12 ", "-3", 12), else None.

    Never raises: "1e23", "1.5", "", None, "٣" (non-ASCII digits) and 5,000 digits are all None.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if abs(value) <= MAX_ID * 10 else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not _INTEGER.fullmatch(text):
        return None
    return int(text)


def bounded_int(value: Any, *, default: int, minimum: int, maximum: int) -> int:
    """`value` parsed by `parse_int` and clamped to [minimum, maximum]; `default` when unreadable."""
    number = parse_int(value)
    if number is None:
        return default
    return max(minimum, min(maximum, number))


def page_number(value: Any, *, last: int = MAX_PAGE) -> int:
    """A 1-based page number from a query string value: unreadable -> 1, clamped to [1, last]."""
    return bounded_int(value, default=1, minimum=1, maximum=max(1, last))


def last_page(total: int, per_page: int, *, max_items: int | None = None) -> int:
    """The number of the last page of `total` items (at least 1), counting at most `max_items`."""
    if max_items is not None:
        total = min(total, max_items)
    return max(1, -(-max(0, total) // per_page))


def paginate(object_list: Sequence | Any, per_page: int, number: Any, *, count: int | None = None) -> Page:
    """The page `number` (a raw query-string value) of `object_list`; never raises.

    Unlike `Paginator.get_page`, a number below 1 shows the first page, not the last. `count`:
    the number of items when the caller has counted them already (saves the COUNT query).
    """
    paginator = Paginator(object_list, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not computed
    return paginator.get_page(page_number(number))

"""Parts of pages that are the same for every visitor, kept between requests, never stale.

Two kinds, both used from templates through the `fragments` tag library:

- `memo(node, vary, compute)`: parts that depend only on the language and the code of this
  release (the site's header, navigation and footer: words, links, static file addresses), kept
  in the process. The key holds the active language, the script prefix and the `vary` values the
  template gives (e.g. whether the visitor is a Secretariat member). Forgotten when a setting
  changes (tests).
- `cached(name, vary, scopes, compute)`: parts that show data (a plan's activities, a resource),
  kept in the page cache's storage (`PAGE_CACHE_ALIAS`, shared by every process), keyed like the
  page cache keys whole pages: the release, the language, the `vary` values and the generation
  counters of the content `scopes` (bumped in the transaction that changes them, read with one
  query), so a change is seen by the next request. They expire at the next local midnight (dates
  such as "overdue" and "this quarter" change then), or earlier at the moments of
  `PAGE_CACHE_CLOCKS` (a call for practices opens or closes). With the page cache off
  (`PAGE_CACHE_ENABLED = False`, the tests' settings) they are computed every time.

A part rendered inside a transaction that has changed content and not committed yet is shown
but not kept (it may roll back). Neither may hold anything of the visitor's own: their name, their roles beyond what `vary`
says, a CSRF token (an output holding one is never kept, and a warning is logged).
"""

import logging
import time
import weakref
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.functional import LazyObject, empty
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

MEMO_ENTRIES = 256  # per template node: a few languages × a few role sets
CSRF_FIELD = "csrfmiddlewaretoken"

_memo_owners: "weakref.WeakSet" = weakref.WeakSet()


class MemoStore:
    """One template node's kept outputs."""

    __slots__ = ("__weakref__", "entries")

    def __init__(self):
        self.entries: dict[tuple, SafeString] = {}


def new_memo_store() -> MemoStore:
    store = MemoStore()
    _memo_owners.add(store)
    return store


def plain(value):
    """A lazy value (a role flag of the context processors) as what it stands for: keys must
    not hold on to the request."""
    if isinstance(value, LazyObject):
        if value._wrapped is empty:
            value._setup()
        return value._wrapped
    return value


def memo(store: MemoStore, vary: tuple, compute) -> SafeString:
    key = (translation.get_language(), get_script_prefix(), *(plain(value) for value in vary))
    entries = store.entries
    found = entries.get(key)
    if found is not None:
        return found
    output = mark_safe(compute())
    if CSRF_FIELD in output:
        logger.warning("A memo fragment holds a CSRF token: it is not kept.")
        return output
    if len(entries) >= MEMO_ENTRIES:
        entries.clear()
    entries[key] = output
    return output


def forget_memos(**kwargs) -> None:
    for store in list(_memo_owners):
        store.entries.clear()


def query_variant(request) -> str | None:
    """The request's query string in a canonical order, "" when it has none, or None when it is
    too long or has too many parameters to be kept (`PAGE_CACHE_MAX_QUERY_LENGTH`,
    `PAGE_CACHE_MAX_QUERY_PARAMS`, as for whole pages)."""
    raw = request.META.get("QUERY_STRING", "")
    if not raw:
        return ""
    if len(raw) > getattr(settings, "PAGE_CACHE_MAX_QUERY_LENGTH", 512):
        return None
    pairs = sorted(request.GET.lists())
    if sum(len(values) for _name, values in pairs) > getattr(settings, "PAGE_CACHE_MAX_QUERY_PARAMS", 20):
        return None
    return urlencode(pairs, doseq=True)


def cached(
    name: str, vary: tuple, scopes: tuple[str, ...] | None, compute, query: str | None = "", request=None
) -> SafeString:
    """`compute()` (a template part's output), kept per `name`, `vary`, language and generations
    of `scopes` (every content app when None). `query`: the canonical query string the part
    depends on (`query_variant`): at most `PAGE_CACHE_QUERY_VARIANTS` of them are kept per name
    and generation, so made-up query strings cannot flood the cache; None: never kept. With the
    `request`, the generations are read once per request, at its first part (reading them before
    the data, as the page cache does: a part is never kept under generations newer than what it
    shows)."""
    if not getattr(settings, "PAGE_CACHE_ENABLED", True) or query is None:
        return mark_safe(compute())
    from gcmhub.pagecache import generations
    from gcmhub.pagecache.middleware import _clocks, _digest, _next_midnight, release

    counters = getattr(request, "_fragment_generations", None)
    if counters is None:
        try:
            counters = generations.read_all()
        except Exception:  # no counters table yet, database away: compute
            logger.exception("Fragment cache: cannot read the generations")
            return mark_safe(compute())
        if request is not None:
            request._fragment_generations = counters
    if scopes is None:
        scopes = generations.watched_apps()
    scopes = (*scopes, *getattr(settings, "PAGE_CACHE_GLOBAL_SCOPES", ()))
    token = tuple(counters.get(scope, 0) for scope in scopes)
    vary = tuple(plain(value) for value in vary)
    language = translation.get_language()
    key = "f:" + _digest(release(), name, vary, query, language, get_script_prefix(), token)
    cache = caches[getattr(settings, "PAGE_CACHE_ALIAS", "pages")]
    try:
        found = cache.get(key)
    except Exception:  # a cache outage must not take pages down
        logger.exception("Fragment cache: lookup failed")
        found = None
    if found is not None:
        return mark_safe(found)
    now = time.time()
    output = compute()
    if CSRF_FIELD in output:
        logger.warning("The fragment %s holds a CSRF token: it is not kept.", name)
        return mark_safe(output)
    limits = [now + getattr(settings, "PAGE_CACHE_TIMEOUT", 86400), _next_midnight(now)]
    clock = _clocks(now)
    if clock is not None:
        limits.append(clock)
    timeout = int(min(limits) - time.time())
    if timeout > 0 and not _uncommitted_changes():
        try:
            if not query or _within_variants(cache, name, language, token, timeout):
                cache.set(key, str(output), timeout)
        except Exception:
            logger.exception("Fragment cache: store failed")
    return mark_safe(output)


def _uncommitted_changes() -> bool:
    """Whether this request's transaction has changed content it has not committed yet: what it
    renders then must not be kept (the transaction may still roll back, and its bump would then
    be undone and reused by the next change)."""
    from django.db import connections

    from gcmhub.pagecache import generations

    connection = connections[generations._alias()]
    return connection.in_atomic_block and bool(generations._already_bumped(connection))


def _within_variants(cache, name: str, language: str, token: tuple, timeout: int) -> bool:
    from gcmhub.pagecache.middleware import _digest, release

    key = "fq:" + _digest(release(), name, language, token)
    cache.add(key, 0, timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        return False
    return count <= getattr(settings, "PAGE_CACHE_QUERY_VARIANTS", 200)

"""Whole pages for anonymous readers from a cache shared by every worker process.

- Storage: the cache alias `settings.PAGE_CACHE_ALIAS` ("pages"): a file cache beside the
  database by default (measured faster than the database cache on this machine; one machine's
  processes share it), Redis when `REDIS_URL` is set (every machine shares it).
- Freshness: a page is keyed by the generation counters of the content it shows
  (`generations`: bumped in the changing transaction), read with one query before the lookup, so
  a reader never gets a page older than the last committed change; and a page expires at the next
  local midnight (overdue flags, "this quarter") or earlier when its view says so
  (`valid_until`), e.g. when a call for practices opens or closes.
- Which requests: GET and HEAD without a session or messages cookie, an `Authorization` header or
  `HX-Request`, for views that opted in (`cacheable`, or `settings.PAGE_CACHE_VIEWS`). Which
  responses are stored: 200 and 404, text (HTML, JSON, feeds), no cookie set, CSRF token unused,
  no message, no `private`/`no-store` from the view, and within the bounds on query-string
  variants per path and 404s per view (so random query strings cannot flood the cache).
- HTTP: every GET answer gets an `ETag` and 304s when it matches; cached pages say
  `Cache-Control: public, max-age=0, s-maxage=<PAGE_CACHE_CDN_MAX_AGE>`, signed-in ones
  `private, no-cache`, responses that set a cookie `private, no-store`.

See `middleware.PageCacheMiddleware` and docs/performance.md ("Page cache").
"""

import datetime

from gcmhub.pagecache.policy import ALL, cacheable

__all__ = ["ALL", "cacheable", "exempt", "remember", "valid_until"]


def valid_until(request, when: datetime.datetime | None) -> None:
    """The page being rendered changes by itself at `when` (a call opens, a deadline passes):
    a cached copy expires then."""
    if when is None:
        return
    current = getattr(request, "_page_cache_until", None)
    if current is None or when < current:
        request._page_cache_until = when


def exempt(request) -> None:
    """Never store the page being rendered (it shows something the key does not hold)."""
    request._page_cache_exempt = True


def remember(name: str, scopes: tuple[str, ...], compute):
    """`compute()`, shared by every process and user until a change of `scopes` (or midnight):
    data that is the same for everyone, e.g. the Hub's figures, also for signed-in pages. Keyed
    by `name`, the active language and the scopes' generations (one query to read them);
    computed each time when the page cache is off."""
    from django.conf import settings

    if not getattr(settings, "PAGE_CACHE_ENABLED", True):
        return compute()
    from gcmhub.pagecache.middleware import remember as _remember

    return _remember(name, scopes, compute)

"""The page cache middleware, and HTTP validators (ETag, 304) and Cache-Control for every GET.

Place it right after WhiteNoise, before the session, locale, CSRF, authentication and messages
middleware: a hit is answered before any of them runs (no session read, no user), and a miss
stores what they produced (their headers included). Middleware above it (security headers) runs
on hits too.

A page with a form for anonymous visitors (a tool's feedback form) holds each visitor's CSRF
token: it is kept with the tokens left out, and each hit fills in a token of the visitor's own
CSRF secret (read from their cookie, or a new one sent in a cookie, as Django's CSRF middleware
would), so the form is served from the cache and still posts. Such an answer is private
(`Cache-Control: private, no-cache`): the shared copy is only ever the one on the server.
"""

import functools
import hashlib
import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.middleware import csrf as django_csrf
from django.middleware.csrf import CSRF_TOKEN_LENGTH, CsrfViewMiddleware, get_token
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.module_loading import import_string

from gcmhub.pagecache import generations, policy

logger = logging.getLogger(__name__)

MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage
TEXT_TYPES = frozenset(
    {
        "text/html",
        "text/plain",
        "text/xml",
        "application/json",
        "application/xml",
        "application/atom+xml",
        "application/rss+xml",
    }
)
VARY_KEYED = frozenset({"cookie", "accept-language", "accept-encoding"})  # what the key already holds
NOT_STORED_HEADERS = frozenset(
    {"set-cookie", "date", "cache-control", "etag", "last-modified", "expires", "x-page-cache"}
)
ENTRY_FORMAT = 2
# Pages, "not found" pages, and redirects (to the current plan: they follow the data like pages).
STORED_STATUSES = frozenset({200, 404, 301, 302, 307, 308})
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
CSRF_HOLE = b'name="csrfmiddlewaretoken" value="\x00csrf\x00"'  # never in a rendered page (no NUL)
MASKED_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{%d}(?![A-Za-z0-9])" % CSRF_TOKEN_LENGTH)


@dataclass(frozen=True)
class Plan:
    key: str
    match: policy.Match
    path: str
    query: str
    language: str
    token: tuple  # the generations and vary values the key holds


def _setting(name, default):
    return getattr(settings, name, default)


def _digest(*parts) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def _etag(content: bytes) -> str:
    return '"' + hashlib.blake2b(content, digest_size=12).hexdigest() + '"'


@functools.lru_cache(maxsize=1)
def release() -> str:
    """What the code of this release renders with: `PAGE_CACHE_VERSION` when the deployment sets
    it, else a digest of the templates, code and translations (computed once per process), so a
    new release never serves pages rendered by the previous one."""
    configured = _setting("PAGE_CACHE_VERSION", "")
    if configured:
        return configured
    import django
    import wagtail

    digest = hashlib.blake2b(f"{django.__version__} {wagtail.__version__}".encode(), digest_size=16)
    roots = [Path(__file__).resolve().parents[1], *(Path(p) for p in settings.LOCALE_PATHS)]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".html", ".txt", ".mo", ".json") and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()


def _next_midnight(now: float) -> float:
    local = timezone.localtime(datetime.fromtimestamp(now, tz=UTC))
    midnight = datetime.combine(local.date() + timedelta(days=1), dtime.min, tzinfo=local.tzinfo)
    return midnight.timestamp()


def _clocks(now: float) -> float | None:
    """The earliest moment at which some public page changes by the passage of time alone
    (`settings.PAGE_CACHE_CLOCKS`: functions of now returning a datetime or None)."""
    moments = []
    at = datetime.fromtimestamp(now, tz=UTC)
    for path in _setting("PAGE_CACHE_CLOCKS", ()):
        moment = import_string(path)(at)
        if moment is not None:
            moments.append(moment.timestamp())
    return min(moments) if moments else None


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)  # its request and response steps, for kept forms
        self.languages = frozenset(code for code, _name in settings.LANGUAGES)
        if _setting("PAGE_CACHE_ENABLED", True):
            release()  # at the worker's start, not during its first request

    # --- request ------------------------------------------------------------------------------

    def __call__(self, request):
        plan = None
        if request.method in ("GET", "HEAD") and _setting("PAGE_CACHE_ENABLED", True):
            plan = self.plan(request)
            if plan is not None:
                entry = self.lookup(plan.key)
                if entry is not None:
                    return self.serve(request, entry)
        request._page_cache_started = time.time()
        response = self.get_response(request)
        return self.finish(request, response, plan)

    def plan(self, request) -> Plan | None:
        """The cache key of an anonymous, cacheable request; None when it must be computed."""
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or MESSAGES_COOKIE in cookies:
            return None
        meta = request.META
        if "HTTP_AUTHORIZATION" in meta or "HTTP_HX_REQUEST" in meta:
            return None
        raw_query = meta.get("QUERY_STRING", "")
        if len(raw_query) > _setting("PAGE_CACHE_MAX_QUERY_LENGTH", 512):
            return None
        path = request.path_info
        language = path.split("/", 2)[1] if path.count("/") >= 2 else ""
        if language not in self.languages:
            # A path outside i18n_patterns (the API, feeds): the language comes from the cookie or
            # Accept-Language, as LocaleMiddleware will find it.
            language = translation.get_language_from_request(request, check_path=False)
        found = policy.match(path, language)
        if found is None:
            return None
        query = ""
        if raw_query:
            pairs = sorted(request.GET.lists())
            if sum(len(values) for _name, values in pairs) > _setting("PAGE_CACHE_MAX_QUERY_PARAMS", 20):
                return None
            query = urlencode(pairs, doseq=True)
        try:
            host = request.get_host()
            counters = generations.read_all()
        except DisallowedHost:
            return None
        except Exception:  # no counters table yet, database away: compute the page
            logger.exception("Page cache: cannot read the generations")
            return None
        scopes = found.policy.scopes
        if scopes is None:
            scopes = generations.watched_apps()
        else:
            scopes = (*scopes, *_setting("PAGE_CACHE_GLOBAL_SCOPES", ()))
        token = (tuple(counters.get(scope, 0) for scope in scopes), found.policy.vary_values(request))
        key = "p:" + _digest(release(), request.scheme, host, request.path, query, language, found.view_name, token)
        return Plan(key, found, request.path, query, language, token)

    def lookup(self, key: str):
        try:
            entry = caches[_setting("PAGE_CACHE_ALIAS", "pages")].get(key)
        except Exception:  # a cache outage must not take pages down
            logger.exception("Page cache: lookup failed")
            return None
        if entry is None or entry[0] != ENTRY_FORMAT or entry[6] <= time.time():
            return None
        return entry

    def serve(self, request, entry) -> HttpResponse:
        _format, status, headers, content, etag, modified, expires, holes = entry
        if request.method != "GET":
            content = b""
        own_secret = True
        if holes:
            content, own_secret = self.fill_tokens(request, content)
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response.headers[name] = value
        if holes:  # the visitor's own token: only their browser may keep this answer
            self.csrf.process_response(request, response)  # sets (or renews) the CSRF cookie
            response["Cache-Control"] = "private, no-cache"
            patch_vary_headers(response, ("Cookie",))
            response["ETag"] = etag
            response["Last-Modified"] = _http_date(modified)
        else:
            self.public_headers(response, etag, modified, expires)
        response["X-Page-Cache"] = "hit"
        if not own_secret:  # the page the browser kept holds tokens of a secret it no longer has
            return response
        conditional = get_conditional_response(request, etag=etag, last_modified=int(modified), response=response)
        return response if conditional is None else conditional  # None only when given no response

    def fill_tokens(self, request, content: bytes) -> tuple[bytes, bool]:
        """`content` with its holes filled with a masking of the visitor's CSRF secret (a new
        secret when they sent none, or none well formed), as `{% csrf_token %}` renders it; and
        whether the browser sent that secret."""
        self.csrf.process_request(request)
        sent = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
        own_secret = sent is not None and request.META.get("CSRF_COOKIE") == sent
        token = get_token(request).encode()  # also asks for the cookie, on a HEAD too
        return content.replace(CSRF_HOLE, b'name="csrfmiddlewaretoken" value="' + token + b'"'), own_secret

    # --- response -----------------------------------------------------------------------------

    def finish(self, request, response, plan: Plan | None):
        if plan is not None:
            stored = self.store(request, response, plan)
            response["X-Page-Cache"] = "miss" if stored else "pass"
        if request.method not in ("GET", "HEAD") or response.streaming:
            return response
        if not response.has_header("Cache-Control"):
            if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
                # A new session (a sign-in) or other state: nobody keeps this answer.
                response["Cache-Control"] = "private, no-store"
            elif (
                response.cookies
                or settings.SESSION_COOKIE_NAME in request.COOKIES
                or "HTTP_AUTHORIZATION" in request.META
            ):
                # The visitor's own page (or a form with their CSRF token): their browser may keep
                # it and ask again with its ETag.
                response["Cache-Control"] = "private, no-cache"
                patch_vary_headers(response, ("Cookie",))
        if 200 <= response.status_code < 300 and not response.has_header("ETag"):
            content = response.content
            if len(content) <= _setting("PAGE_CACHE_MAX_BYTES", 2_000_000):
                # The masked CSRF token differs at every render but any masking of the visitor's
                # secret stays valid: leave it out, so an unchanged page still gets a 304.
                response["ETag"] = _etag(CSRF_INPUT.sub(b"", content))
        return get_conditional_response(request, etag=response.get("ETag"), response=response)

    def store(self, request, response, plan: Plan) -> bool:
        """Store the page when every rule says it may be shared; True when stored."""
        if not self.shareable(request, response):
            return False
        started = request._page_cache_started
        limits = [started + _setting("PAGE_CACHE_TIMEOUT", 86400), _next_midnight(started)]
        until = getattr(request, "_page_cache_until", None)
        if until is not None:
            limits.append(until.timestamp())
        cache = caches[_setting("PAGE_CACHE_ALIAS", "pages")]
        try:
            clock = _clocks(started)
            if clock is not None:
                limits.append(clock)
            expires = min(limits)
            timeout = int(expires - time.time())
            if timeout < 1 or not self.within_bounds(cache, response, plan, timeout):
                return False
            patch_vary_headers(response, ("Cookie",))
            content = response.content
            # A token was rendered: Django's CSRF middleware then (re)sends the cookie.
            holes = settings.CSRF_COOKIE_NAME in response.cookies or CSRF_INPUT.search(content) is not None
            if holes:
                kept = self.without_tokens(request, content)
                if kept is None:
                    return False
                etag = _etag(CSRF_INPUT.sub(b"", content))  # as `finish` gives the visitor's own pages
            else:
                kept, etag = content, _etag(content)
            headers = [(name, value) for name, value in response.items() if name.lower() not in NOT_STORED_HEADERS]
            entry = (ENTRY_FORMAT, response.status_code, headers, kept, etag, started, expires, holes)
            cache.set(plan.key, entry, timeout)
        except Exception:  # a cache outage must not take pages down
            logger.exception("Page cache: store failed")
            return False
        generations.forget_bumps()
        if not holes:
            self.public_headers(response, etag, started, expires)
        return True

    @staticmethod
    def without_tokens(request, content: bytes) -> bytes | None:
        """`content` with its CSRF token inputs made holes; None when the visitor's secret shows
        anywhere else (a token outside a form input would be given to every other visitor)."""
        secret = request.META.get("CSRF_COOKIE")
        kept = CSRF_INPUT.sub(CSRF_HOLE, content)
        if not secret or CSRF_HOLE not in kept or secret.encode() in kept:
            return None
        for match in MASKED_TOKEN.finditer(kept):
            if django_csrf._unmask_cipher_token(match.group().decode()) == secret:  # type: ignore[attr-defined]
                logger.warning("Page cache: %s shows a CSRF token outside a form input; not kept.", request.path)
                return None
        return kept

    def shareable(self, request, response) -> bool:
        if getattr(request, "_page_cache_exempt", False) or response.streaming:
            return False
        if response.status_code not in STORED_STATUSES or set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
            return False
        messages = getattr(request, "_messages", None)
        if messages is not None and (getattr(messages, "_queued_messages", None) or getattr(messages, "used", False)):
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
        control = response.get("Cache-Control", "").lower()
        if any(word in control for word in ("private", "no-store", "no-cache")):
            return False
        vary = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
        if not vary <= VARY_KEYED:
            return False
        if response.get("Content-Type", "").split(";")[0].strip().lower() not in TEXT_TYPES:
            return False
        if response.has_header("Content-Disposition"):
            return False
        return len(response.content) <= _setting("PAGE_CACHE_MAX_BYTES", 2_000_000)

    def within_bounds(self, cache, response, plan: Plan, timeout: int) -> bool:
        """Bound what visitors can make the cache hold beyond the site's own pages: at most
        PAGE_CACHE_QUERY_VARIANTS query strings per path, and PAGE_CACHE_NOT_FOUND_VARIANTS 404
        pages per view, per generation of the content."""
        if response.status_code == 404:
            counter, limit = ("n", plan.match.view_name), _setting("PAGE_CACHE_NOT_FOUND_VARIANTS", 100)
        elif plan.query:
            counter, limit = ("q", plan.path), _setting("PAGE_CACHE_QUERY_VARIANTS", 200)
        else:
            return True
        key = "c:" + _digest(release(), plan.language, counter, plan.token)
        cache.add(key, 0, timeout)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            return False
        return count <= limit

    @staticmethod
    def public_headers(response, etag: str, modified: float, expires: float) -> None:
        shared = max(0, min(_setting("PAGE_CACHE_CDN_MAX_AGE", 0), int(expires - time.time())))
        response["Cache-Control"] = f"public, max-age=0, s-maxage={shared}"
        response["ETag"] = etag
        response["Last-Modified"] = _http_date(modified)


def _http_date(epoch: float) -> str:
    from django.utils.http import http_date

    return http_date(epoch)


def remember(name: str, scopes: tuple[str, ...], compute):
    """See gcmhub.pagecache.remember."""
    cache = caches[_setting("PAGE_CACHE_ALIAS", "pages")]
    try:
        counters = generations.read_all()
    except Exception:  # no counters table yet, database away: compute
        logger.exception("Page cache: cannot read the generations")
        return compute()
    scopes = (*scopes, *_setting("PAGE_CACHE_GLOBAL_SCOPES", ()))
    token = tuple(counters.get(scope, 0) for scope in scopes)
    key = "m:" + _digest(release(), name, translation.get_language(), token)
    value = cache.get(key)
    if value is None:
        now = time.time()
        value = compute()
        timeout = int(min(now + _setting("PAGE_CACHE_TIMEOUT", 86400), _next_midnight(now)) - time.time())
        if timeout > 0:
            cache.set(key, value, timeout)
    return value

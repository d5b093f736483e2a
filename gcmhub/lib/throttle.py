"""Throttling of sign-in attempts and anonymous forms, by account and by client address.

A *scope* ("login", "password_reset", "signup", ...) has one rate per kind of key: "account"
(an e-mail address or a user id) and "address" (the client's IP address). A rate is "N/period":
`N` events within a window that opens with the first event and closes `period` later
(`10/15m`, `30/1h`, `5/30s`, `100/1d`). Counters live in the "default" cache, which must be
shared by every worker process in production (a per-process cache multiplies every limit by the
number of processes). Keys are hashed: no e-mail address is stored in the cache in clear.

- `check(scope, request, account)` raises `Throttled` when any counter is at its limit;
- `hit(scope, request, account)` counts one event;
- `hit_and_check(...)` (forms that count every submission) does both, in that order;
- `reset(scope, account=...)` forgets an account's counter (after a successful sign-in).

`Throttled` raised by a view (or by the authentication backend, for the Django admin and CMS
sign-in forms) becomes a 429 page or JSON answer in `ThrottleMiddleware`, with `Retry-After`.

The client address is `REMOTE_ADDR`; with `TRUSTED_PROXY_COUNT = n` (n proxies that each append
to `X-Forwarded-For`), it is the n-th address from the right of that header. The header is never
trusted by default: anyone can send it.
"""

import datetime
import functools
import hashlib
import hmac
import logging
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

logger = logging.getLogger("gcmhub.security")

# Defaults; settings.THROTTLE_RATES overrides them scope by scope and key by key.
DEFAULT_RATES: dict[str, dict[str, str]] = {
    # Failed sign-ins (site, CMS, Django admin): after the limit even the right password is refused.
    "login": {"account": "10/15m", "address": "50/15m"},
    # Every request counts.
    "password_reset": {"account": "3/1h", "address": "20/1h"},
    "signup": {"account": "3/1h", "address": "10/1h"},
    "resend_verification": {"account": "3/1h", "address": "10/1h"},
    # Forms anyone may post (tool feedback...); "account" is the signed-in user, if any.
    "anonymous_form": {"account": "20/1h", "address": "30/1h"},
    # Comments and replies in discussions, by account (a signed-in user) and address.
    "comment": {"account": "10/10m", "address": "60/10m"},
}

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int
    window: int  # seconds

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """`"10/15m"` -> Rate(10, 900); raises ValueError on anything else."""
        match = _RATE.match(text or "")
        if not match:
            raise ValueError(f"A throttle rate looks like 10/15m, not {text!r}")
        count, number, unit = match.groups()
        window = int(number or 1) * _UNITS[unit]
        if int(count) < 1 or window < 1:
            raise ValueError(f"A throttle rate needs a count and a period of at least 1, not {text!r}")
        return cls(int(count), window)


class Throttled(Exception):
    """Too many attempts; `retry_after` is in seconds. Deliberately not a `PermissionDenied`:
    `django.contrib.auth.authenticate()` swallows those and the form would say "wrong password"."""

    def __init__(self, scope: str, retry_after: int):
        self.scope = scope
        self.retry_after = max(1, int(retry_after))
        super().__init__(f"{scope}: retry after {self.retry_after} s")

    @property
    def retry_at(self):
        return timezone.now() + datetime.timedelta(seconds=self.retry_after)

    def message(self) -> str:
        minutes = math.ceil(self.retry_after / 60)
        if self.retry_after < 60:
            return ngettext(
                "Too many attempts. For your security, please try again in %(count)d second.",
                "Too many attempts. For your security, please try again in %(count)d seconds.",
                self.retry_after,
            ) % {"count": self.retry_after}
        return ngettext(
            "Too many attempts. For your security, please try again in %(count)d minute.",
            "Too many attempts. For your security, please try again in %(count)d minutes.",
            minutes,
        ) % {"count": minutes}


def rates(scope: str) -> dict[str, Rate]:
    configured = {**DEFAULT_RATES.get(scope, {}), **getattr(settings, "THROTTLE_RATES", {}).get(scope, {})}
    return {kind: Rate.parse(text) for kind, text in configured.items() if text}


def client_address(request: HttpRequest | None) -> str:
    """The client's IP address: REMOTE_ADDR, or the address the n-th trusted proxy saw."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    # Each trusted proxy appends the address it received the request from; the n-th from the
    # right is the one the outermost trusted proxy saw. Addresses further left are the client's
    # say-so. A shorter header means the request did not come through every proxy.
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return forwarded[0] if forwarded else remote


def normalise_account(value) -> str:
    return str(value or "").strip().lower()


def mask_email(value: str) -> str:
    """`alice@example.org` -> `a…@example.org`, for logs."""
    value = str(value or "")
    local, at, domain = value.partition("@")
    if not at:
        return (value[:1] + "…") if value else ""
    return f"{local[:1]}…@{domain}"


def _digest(value: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def _keys(scope: str, request: HttpRequest | None, account) -> list[tuple[str, str, Rate]]:
    """(kind, cache key prefix, rate) for each counter that applies."""
    scope_rates = rates(scope)
    values = {"account": normalise_account(account), "address": client_address(request)}
    keys = []
    for kind, rate in scope_rates.items():
        value = values.get(kind)
        if value:
            keys.append((kind, f"throttle:{scope}:{kind}:{_digest(value)}", rate))
    return keys


def _cache():
    return caches["default"]


def _retry_after(cache, key: str, rate: Rate, now: float) -> int:
    started = cache.get(f"{key}:t")
    if started is None:
        return rate.window
    return max(1, math.ceil(started + rate.window - now))


def check(scope: str, request: HttpRequest | None, account=None) -> None:
    """Raise `Throttled` (and log it) if a counter of `scope` for this account or address is full."""
    cache, now = _cache(), time.time()
    for kind, key, rate in _keys(scope, request, account):
        count = cache.get(f"{key}:n") or 0
        if count >= rate.limit:
            exc = Throttled(scope, _retry_after(cache, key, rate, now))
            logger.warning(
                "throttled scope=%s by=%s account=%s address=%s retry_after=%ss",
                scope,
                kind,
                mask_email(normalise_account(account)),
                client_address(request),
                exc.retry_after,
            )
            raise exc


def hit(scope: str, request: HttpRequest | None, account=None) -> None:
    """Count one event against each counter of `scope`; the first event opens the window."""
    cache, now = _cache(), time.time()
    for _kind, key, rate in _keys(scope, request, account):
        cache.add(f"{key}:t", now, timeout=rate.window)
        if cache.add(f"{key}:n", 1, timeout=rate.window):
            continue
        try:
            cache.incr(f"{key}:n")
        except ValueError:  # expired between add() and incr()
            cache.set(f"{key}:n", 1, timeout=rate.window)
            cache.set(f"{key}:t", now, timeout=rate.window)


def hit_and_check(scope: str, request: HttpRequest | None, account=None) -> None:
    """For forms where every submission counts: refuse when full, else count this one."""
    check(scope, request, account)
    hit(scope, request, account)


def reset(scope: str, *, account) -> None:
    cache = _cache()
    for kind, key, _rate in _keys(scope, None, account):
        if kind == "account":
            cache.delete_many([f"{key}:n", f"{key}:t"])


def limit_posts(scope: str = "anonymous_form"):
    """View decorator: count every POST against `scope` (by signed-in user and by address)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                user = getattr(request, "user", None)
                account = f"user:{user.pk}" if user is not None and user.is_authenticated else None
                hit_and_check(scope, request, account)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def throttled_response(request: HttpRequest, exc: Throttled) -> HttpResponse:
    """429 with the message: JSON under /api/, the site's page elsewhere."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": exc.message()}, status=429)
    else:
        response = render(request, "429.html", {"message": exc.message(), "retry_at": exc.retry_at}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


class ThrottleMiddleware:
    """Answer `Throttled` with a 429, and throttle POSTs to views we do not own.

    `settings.THROTTLED_VIEWS` maps a URL name to (scope, POST field holding the account, mode):
    mode "check" only refuses when full (the authentication backend counts failed sign-ins),
    "hit" counts every POST.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.resolver_match is None:
            return None
        rule = getattr(settings, "THROTTLED_VIEWS", {}).get(request.resolver_match.view_name)
        if rule is None:
            return None
        scope, field, mode = rule
        account = request.POST.get(field) if field else None
        if field and field in view_kwargs:
            account = f"{field}:{view_kwargs[field]}"
        try:
            if mode == "hit":
                hit_and_check(scope, request, account)
            else:
                check(scope, request, account)
        except Throttled as exc:
            return throttled_response(request, exc)
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, Throttled):
            return throttled_response(request, exception)
        return None

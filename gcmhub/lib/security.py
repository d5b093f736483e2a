"""HTTP hardening: security headers, request body limits and the SECRET_KEY check.

- `SecurityHeadersMiddleware` adds Content-Security-Policy and Permissions-Policy to every
  response that has none yet (a view may set a stricter one). The site's policy has no inline
  script; the Wagtail CMS and the Django admin, which need inline scripts and styles, get their
  own policy (`CONTENT_SECURITY_POLICY_ADMIN`) on their paths only. Referrer-Policy,
  Cross-Origin-Opener-Policy, X-Content-Type-Options and X-Frame-Options come from Django's
  SecurityMiddleware and XFrameOptionsMiddleware (settings in base.py).
- `RequestSizeMiddleware` answers 413 (a page, or JSON under /api/) to a body over the limit:
  `REQUEST_MAX_BODY_SIZE` for multipart forms (file uploads), `DATA_UPLOAD_MAX_MEMORY_SIZE` for
  any other body, which Django reads into memory. A Content-Length over the limit is refused
  before anything is read; a chunked body (no Content-Length) is read into a spooled file up to
  the limit, so Django can parse it and it can never grow past it. Django's own
  `RequestDataTooBig`, `TooManyFieldsSent` and `TooManyFilesSent` become 413 with a message.
- `check_secret_key` refuses a weak SECRET_KEY (production settings call it at start-up).

This module is imported by the settings: nothing here reads settings at import time (the lazy
`django.conf.settings` is only read inside functions).
"""

import tempfile

from django.conf import settings
from django.core.exceptions import (
    ImproperlyConfigured,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext

# The development default in base.py: never accepted in production.
DEV_SECRET_KEY = "dev-only-insecure-key-change-me"  # noqa: S105 (a known-bad value, refused)
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_DISTINCT = 10  # a 50-character hex key has 16; "aaaa...bbbb" does not pass


def check_secret_key(key: str | None) -> str:
    """Return `key` if it looks like a random secret; raise ImproperlyConfigured otherwise."""
    advice = 'Generate one with: python3 -c "import secrets; print(secrets.token_urlsafe(50))"'
    if not key:
        raise ImproperlyConfigured(f"SECRET_KEY must be set in production. {advice}")
    if key == DEV_SECRET_KEY or key.startswith("django-insecure-"):
        raise ImproperlyConfigured(f"SECRET_KEY is a development key; production needs its own. {advice}")
    if len(key) < SECRET_KEY_MIN_LENGTH:
        raise ImproperlyConfigured(
            f"SECRET_KEY is too short ({len(key)} characters; at least {SECRET_KEY_MIN_LENGTH}). {advice}"
        )
    if len(set(key)) < SECRET_KEY_MIN_DISTINCT:
        raise ImproperlyConfigured(
            f"SECRET_KEY has too few distinct characters ({len(set(key))}; at least "
            f"{SECRET_KEY_MIN_DISTINCT}): it is not random. {advice}"
        )
    return key


# Headers -------------------------------------------------------------------------------------


def policy_header(directives: dict[str, list[str]]) -> str:
    """{"default-src": ["'self'"], "upgrade-insecure-requests": []} -> "default-src 'self'; upgrade-insecure-requests"."""
    parts = []
    for name, sources in directives.items():
        parts.append(" ".join([name, *sources]) if sources else name)
    return "; ".join(parts)


def permissions_policy_header(features: dict[str, list[str]]) -> str:
    """{"camera": [], "fullscreen": ["self"]} -> "camera=(), fullscreen=(self)"."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in features.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._headers: dict[int, tuple[dict, str]] = {}

    def _header(self, directives: dict, render) -> str:
        """The header for this settings value, built once (and again if the setting changes)."""
        cached = self._headers.get(id(directives))
        if cached is None or cached[0] is not directives:
            cached = (directives, render(directives))
            self._headers[id(directives)] = cached
        return cached[1]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        admin_paths = tuple(settings.CONTENT_SECURITY_POLICY_ADMIN_PATHS)
        policy = (
            settings.CONTENT_SECURITY_POLICY_ADMIN
            if admin_paths and request.path.startswith(admin_paths)
            else settings.CONTENT_SECURITY_POLICY
        )
        header = (
            "Content-Security-Policy-Report-Only"
            if settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
            else "Content-Security-Policy"
        )
        if policy and "Content-Security-Policy" not in response and header not in response:
            response[header] = self._header(policy, policy_header)
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self._header(settings.PERMISSIONS_POLICY, permissions_policy_header)
        return response


# Request size --------------------------------------------------------------------------------

CHUNK = 64 * 1024


class RequestBodyTooLarge(RequestDataTooBig):
    pass


def _is_multipart(request: HttpRequest) -> bool:
    return request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/")


def body_limit(request: HttpRequest) -> int:
    """The largest body this request may have, in bytes."""
    if _is_multipart(request) or settings.DATA_UPLOAD_MAX_MEMORY_SIZE is None:
        return settings.REQUEST_MAX_BODY_SIZE
    return min(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.REQUEST_MAX_BODY_SIZE)


def _request_language(request: HttpRequest) -> str:
    """The language of the page asked for (this middleware runs before LocaleMiddleware)."""
    if request.path.startswith("/api/") and request.GET.get("lang") in dict(settings.LANGUAGES):
        return request.GET["lang"]
    return translation.get_language_from_path(request.path_info) or translation.get_language_from_request(request)


def too_large_response(request: HttpRequest, limit: int) -> HttpResponse:
    with translation.override(_request_language(request)):
        message = gettext(
            "What you sent is too large: at most %(limit)s can be sent at once. "
            "If you attached files, send fewer at a time or make them smaller."
        ) % {"limit": filesizeformat(limit)}
        return _error_response(request, message)


def too_many_fields_response(request: HttpRequest) -> HttpResponse:
    with translation.override(_request_language(request)):
        message = gettext("The form sent has too many fields or files. Send fewer at a time.")
        return _error_response(request, message)


def _error_response(request: HttpRequest, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=413)
    else:
        response = render(request, "413.html", {"message": message}, status=413)
    # The client may still be sending the body we refuse to read.
    response["Connection"] = "close"
    return response


class RequestSizeMiddleware:
    """See the module docstring. Place it before SessionMiddleware and CsrfViewMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit(request)
        raw_length = request.META.get("CONTENT_LENGTH")
        try:
            length = int(raw_length) if raw_length not in (None, "") else None
        except ValueError:
            length = None
        if length is not None and length > limit:
            return too_large_response(request, limit)
        if length is None and self._has_unsized_body(request):
            if not self._spool_body(request, limit):
                return too_large_response(request, limit)
        return self.get_response(request)

    @staticmethod
    def _has_unsized_body(request: HttpRequest) -> bool:
        """A chunked body: the server de-chunks `wsgi.input` and marks its end (PEP 3333 extension
        `wsgi.input_terminated`, which gunicorn sets). Django reads no body without Content-Length."""
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        return chunked and bool(request.META.get("wsgi.input_terminated")) and "wsgi.input" in request.META

    @staticmethod
    def _spool_body(request: HttpRequest, limit: int) -> bool:
        """Read the body into a spooled file, up to `limit`; False if it grows past it."""
        source = request.META["wsgi.input"]
        spool = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)
        total = 0
        while chunk := source.read(CHUNK):
            total += len(chunk)
            if total > limit:
                spool.close()
                return False
            spool.write(chunk)
        spool.seek(0)
        request.META["CONTENT_LENGTH"] = str(total)
        # django-stubs: LimitedStream wraps any binary file, and _stream is read as one.
        request._stream = LimitedStream(spool, total)  # type: ignore[arg-type, assignment]
        return True

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        """Parse a form body here, before CsrfViewMiddleware does, so that Django's limits on
        fields and in-memory data answer 413 with a message instead of a bare 400 (or a 500 in
        views that catch every exception)."""
        if request.method != "POST":
            return None
        try:
            request.POST  # noqa: B018 (parses the body; cached on the request)
        except BODY_ERRORS as exc:
            return body_error_response(request, exc)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception):
        return body_error_response(request, exception)


BODY_ERRORS = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def body_error_response(request: HttpRequest, exception: Exception) -> HttpResponse | None:
    """The 413 answer for Django's refusals to parse a body (any middleware that reads
    `request.POST` calls it), or None for other exceptions."""
    if isinstance(exception, RequestDataTooBig):
        # Django's limit on what it holds in memory: the form's fields other than files.
        return too_large_response(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or body_limit(request))
    if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        return too_many_fields_response(request)
    return None

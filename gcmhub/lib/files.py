"""Serving uploaded files after a permission check, and naming them so that a name reveals nothing.

No uploaded file is ever served straight from MEDIA_ROOT or a public bucket: a view finds the
object the file belongs to, checks that the user may see it (404 otherwise), then calls
`serve_file`. Every answer declares the format read from the file's bytes (`filetypes.sniff`,
never its name), `X-Content-Type-Options: nosniff`, a `Content-Disposition` with the original
filename (inline only for PDF and raster images), a Content-Security-Policy that keeps anything
active in the file from running, and `Cache-Control` that lets shared caches keep public files
only.

`settings.FILE_SERVE_METHOD` says who sends the bytes once the check has passed:
- "django": the app streams the file (`FileResponse`; HEAD and single byte ranges supported);
- "x-sendfile": an empty answer with `X-Sendfile: <path>` for Apache's mod_xsendfile;
- "x-accel-redirect": an empty answer with `X-Accel-Redirect: <FILE_ACCEL_REDIRECT_PREFIX><name>`
  for an nginx `internal` location;
- "redirect": for object storage (S3-compatible, django-storages) a redirect to a pre-signed URL
  valid `FILE_URL_EXPIRY` seconds, which makes the storage answer with our Content-Type,
  Content-Disposition and Cache-Control.
A storage without local paths is streamed by the app unless the method is "redirect".
"""

import hashlib
import os
import posixpath
import re
import secrets
import unicodedata
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.deconstruct import deconstructible

from gcmhub.lib.filetypes import FORMAT_MEDIA_TYPES, INLINE_FORMATS, OPAQUE_MEDIA_TYPE, extension_of, sniff

SERVE_METHODS = ("django", "x-sendfile", "x-accel-redirect", "redirect")
PUBLIC_MAX_AGE = 600  # seconds a browser or CDN may keep a public file before asking again
FORMAT_CACHE_SECONDS = 30 * 24 * 3600  # stored names never change content: keep what a sniff found
CHUNK_SIZE = 64 * 1024

# Nothing in a served file may run: no script, no plugin, no form, and a sandbox (unique origin) for
# anything shown in the browser. PDFs get no sandbox: Chromium's viewer refuses to open in one.
SANDBOX_POLICY = "default-src 'none'; sandbox"
PDF_POLICY = "default-src 'none'"

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


@deconstructible
class UnguessablePath:
    """An `upload_to`: `<prefix, strftime-formatted><random 128-bit token>/<original name>`.

    The random folder makes stored names unguessable, so knowing a filename reveals nothing even if
    the media folder were ever exposed, and lets the last part keep the name the user gave."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __call__(self, instance, filename: str) -> str:
        folder = timezone.now().strftime(self.prefix)
        return posixpath.join(folder, secrets.token_urlsafe(16), posixpath.basename(filename.replace("\\", "/")))

    def __eq__(self, other):
        return isinstance(other, UnguessablePath) and self.prefix == other.prefix

    def __hash__(self):
        return hash(self.prefix)


def filename_of(name: str | None) -> str:
    """The original filename kept as the last part of a stored name."""
    return posixpath.basename(name or "")


def stored_format(file, version: str = "") -> str:
    """The format of a stored file (a FieldFile), sniffed from its bytes once and then cached.

    `version` tells apart contents stored under a reused name (a Wagtail document's file hash).
    Raises Http404 when the file is missing from storage."""
    key = "gcmhub:file-format:" + hashlib.sha256(f"{file.name}\0{version}".encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        try:
            with file.storage.open(file.name, "rb") as handle:
                found = sniff(handle)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise Http404 from exc
        cache.set(key, found, FORMAT_CACHE_SECONDS)
    return found


def media_type(fmt: str) -> str:
    return FORMAT_MEDIA_TYPES.get(fmt, OPAQUE_MEDIA_TYPE)


def content_disposition(filename: str, inline: bool = False) -> str:
    """`attachment` (or `inline`) with an ASCII filename and its UTF-8 form (RFC 6266 / RFC 5987)."""
    filename = posixpath.basename((filename or "").replace("\\", "/"))
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r'[\x00-\x1f\x7f"\\;]', "_", ascii_name).strip() or "download"
    if extension_of(filename) and not extension_of(ascii_name):
        ascii_name = f"download.{extension_of(filename)}"
    # Both forms always: `filename*` (RFC 5987) carries the exact name, `filename` is the fallback.
    kind = "inline" if inline else "attachment"
    exact = quote(filename or ascii_name, safe="")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{exact}"


def file_headers(fmt: str, filename: str, *, public: bool, etag: str) -> dict[str, str]:
    inline = fmt in INLINE_FORMATS
    return {
        "Content-Type": media_type(fmt),
        "Content-Disposition": content_disposition(filename, inline=inline),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": PDF_POLICY if fmt == "pdf" else SANDBOX_POLICY,
        # A private file may sit in no shared cache, nor on the disk of a shared computer.
        "Cache-Control": f"public, max-age={PUBLIC_MAX_AGE}" if public else "private, no-store",
        "ETag": etag,
    }


def _local_path(file) -> str | None:
    try:
        return file.storage.path(file.name)
    except NotImplementedError:
        return None


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single `Range: bytes=…`; None to send the whole file.

    Raises ValueError when the range cannot be satisfied."""
    match = _RANGE.match(header.strip())
    if not match or size == 0:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            raise ValueError("empty suffix range")
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size:
        raise ValueError("range starts past the end")
    if end < start:
        return None
    return start, end


def _read_range(handle, start: int, length: int):
    try:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(CHUNK_SIZE, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        handle.close()


def _stream(request: HttpRequest, file, headers: dict[str, str], local_path: str | None) -> HttpResponseBase:
    try:
        size = os.path.getsize(local_path) if local_path else file.storage.size(file.name)
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise Http404 from exc
    byte_range = None
    response: HttpResponseBase
    range_header = request.headers.get("Range", "")
    if range_header and request.headers.get("If-Range", headers["ETag"]) == headers["ETag"]:
        try:
            byte_range = _byte_range(range_header, size)
        except ValueError:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
    if request.method == "HEAD":
        response = HttpResponse(headers=headers)
        response["Content-Length"] = str(size)
    elif byte_range is None:
        handle = open(local_path, "rb") if local_path else file.storage.open(file.name, "rb")
        response = FileResponse(handle, content_type=headers["Content-Type"])
        for header, value in headers.items():
            response[header] = value
        response["Content-Length"] = str(size)
    else:
        start, end = byte_range
        handle = open(local_path, "rb") if local_path else file.storage.open(file.name, "rb")
        response = StreamingHttpResponse(_read_range(handle, start, end - start + 1), status=206, headers=headers)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    return response


def _signed_redirect(file, headers: dict[str, str]) -> HttpResponseBase:
    url = file.storage.url(
        file.name,
        parameters={
            "ResponseContentType": headers["Content-Type"],
            "ResponseContentDisposition": headers["Content-Disposition"],
            "ResponseCacheControl": headers["Cache-Control"],
        },
        expire=settings.FILE_URL_EXPIRY,
    )
    response = HttpResponseRedirect(url)
    # The signed address is good for anyone until it expires: nobody may keep this redirect.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def serve_file(
    request: HttpRequest, file, *, public: bool, filename: str | None = None, etag: str | None = None
) -> HttpResponseBase:
    """Answer with the stored `file` (a FieldFile) once the caller has checked the user may see it.

    `public`: whether anyone, signed in or not, may see it (then shared caches may keep it).
    `filename`: the name to save it under (default: the original name kept in the stored name).
    `etag`: a validator of the content (default: derived from the stored name, which never changes)."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if not file or not file.name:
        raise Http404
    fmt = stored_format(file, etag or "")
    etag = etag or hashlib.sha256(file.name.encode()).hexdigest()[:32]
    if not etag.startswith(('"', "W/")):
        etag = f'"{etag}"'
    headers = file_headers(fmt, filename or filename_of(file.name), public=public, etag=etag)
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        not_modified["Cache-Control"] = headers["Cache-Control"]
        not_modified["ETag"] = etag
        return not_modified
    method = settings.FILE_SERVE_METHOD
    local_path = _local_path(file)
    if local_path is None:
        return _signed_redirect(file, headers) if method == "redirect" else _stream(request, file, headers, None)
    if method == "x-sendfile":
        response = HttpResponse(headers=headers)
        # The path's own bytes (UTF-8 on the wire, through WSGI's latin-1 headers): mod_xsendfile
        # 0.12, the packaged one, does not URL-decode the header; stored names never hold a "%".
        response["X-Sendfile"] = os.fsencode(os.path.abspath(local_path)).decode("latin-1")
        return response
    if method == "x-accel-redirect":
        response = HttpResponse(headers=headers)
        # A URI: nginx (≥ 1.5.9) decodes it before looking for the file.
        response["X-Accel-Redirect"] = settings.FILE_ACCEL_REDIRECT_PREFIX.rstrip("/") + "/" + quote(file.name)
        return response
    return _stream(request, file, headers, local_path)

"""Conditional writes: `ETag` on reads, `If-Match` on writes (RFC 9110 §13.1.1, RFC 6585 §3).

A single object's `GET` answers its version as a strong `ETag`. A `PATCH` must send it back in
`If-Match`: a missing header is 428 Precondition Required (a blind write could undo someone
else's change); a version other than the current one is 412 Precondition Failed, with the current
object in the body so the client can merge and retry. `If-Match: *` writes over any version.
The check and the write are one compare-and-set in the action (`gcmhub.lib.concurrency.claim`).
"""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import Schema

from gcmhub.lib.concurrency import if_match_version

IF_MATCH_DOC = (
    "Send the `ETag` of your last read in `If-Match`; 412 answers the current version when someone "
    "changed it since, 428 a request without `If-Match`."
)


class PreconditionRequiredOut(Schema):
    detail: str


class PreconditionMissing(Exception):
    """A write that needs `If-Match` came without it."""


def expected_version(request: HttpRequest, *, required: bool) -> int | None:
    """The version named by `If-Match`: None for `*` (or no header where it is optional), 0 for
    a tag this server never gave (so the check fails). Raises `PreconditionMissing`."""
    version = if_match_version(request.headers.get("If-Match"))
    if version is None:
        if required:
            raise PreconditionMissing
        return None
    if version is True:
        return None
    if version is False:
        return 0
    return version


def missing_body() -> dict:
    return {
        "detail": gettext(
            "Send the ETag of the version you edit in an If-Match header (or If-Match: * to write over any version)."
        )
    }


def stale_detail() -> str:
    return gettext("Someone changed this since your version: nothing was saved. The current version is in `current`.")


def set_etag(response: HttpResponse, etag: str) -> None:
    response["ETag"] = etag

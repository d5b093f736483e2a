"""Limits on ZIP containers (XLSX, DOCX) from uploads, checked before any member is inflated.

A zip bomb is small on disk and huge once inflated: 360 KB of XLSX can hold three million rows
(123 MB of XML), which a reader then walks for a minute. The central directory declares every
member's inflated size, and Python's `zipfile` (which openpyxl and python-docx read through) never
inflates a member past its declared size: it stops there and the CRC check fails. So checking the
declared sizes bounds what any reader can inflate: the number of members, their total size and
each member's compression ratio. Limits come from settings (`IMPORT_ZIP_*`); callers may lower them.
"""

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

# Members this small are not held to the ratio: a few KB of repeated XML legitimately compress far.
RATIO_FLOOR_BYTES = 1024 * 1024


class UnsafeArchive(ValueError):
    """The container breaks a limit or cannot be read; `message` is translated and safe to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ZipLimits:
    max_members: int
    max_inflated_bytes: int
    max_ratio: int

    @classmethod
    def from_settings(cls) -> "ZipLimits":
        return cls(
            max_members=settings.IMPORT_ZIP_MAX_MEMBERS,
            max_inflated_bytes=settings.IMPORT_ZIP_MAX_INFLATED_BYTES,
            max_ratio=settings.IMPORT_ZIP_MAX_RATIO,
        )


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f}"


def check_zip(data: bytes, limits: ZipLimits | None = None) -> zipfile.ZipFile:
    """Raise UnsafeArchive unless `data` is a ZIP container within `limits` (default: the
    settings); return it opened, with nothing inflated yet."""
    limits = limits or ZipLimits.from_settings()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise UnsafeArchive(_("The file is damaged: it is not a readable ZIP container.")) from exc
    if len(members) > limits.max_members:
        raise UnsafeArchive(
            _("The file contains %(count)s files; at most %(max)s are accepted.")
            % {"count": len(members), "max": limits.max_members}
        )
    total = 0
    for member in members:
        total += member.file_size
        if total > limits.max_inflated_bytes:
            raise UnsafeArchive(
                _("The file would take more than %(max)s MB once decompressed; split it into smaller files.")
                % {"max": _megabytes(limits.max_inflated_bytes)}
            )
        if member.file_size >= RATIO_FLOOR_BYTES and member.file_size > limits.max_ratio * max(member.compress_size, 1):
            raise UnsafeArchive(
                _(
                    "The file contains a file with a compression ratio of %(ratio)s to 1, far more than a real "
                    "document has: it was refused as a possible “zip bomb”."
                )
                % {"ratio": member.file_size // max(member.compress_size, 1)}
            )
    return archive

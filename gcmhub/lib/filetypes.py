"""What a file is, read from its bytes (and, for ZIP containers, from the names of their members),
never from its name or the type the browser claims.

`sniff(file)` names the format ("pdf", "docx", "png", "text", "html", "exe"...); `check_upload`
refuses a file whose extension is not allowed for the field or whose content is not what the
extension says: an `.exe` renamed `.pdf`, HTML renamed `.png` or `.txt`, an SVG (scripts inside
an image) are all refused. Plain Python, no Django model import: forms, importers and the API
share it.
"""

import os
import zipfile
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

HEAD_BYTES = 64 * 1024  # how much of a file is read to decide what it is

# extension -> the formats its content may have
EXTENSION_FORMATS: dict[str, frozenset[str]] = {
    "pdf": frozenset({"pdf"}),
    "doc": frozenset({"ole"}),
    "xls": frozenset({"ole"}),
    "ppt": frozenset({"ole"}),
    "docx": frozenset({"docx"}),
    "xlsx": frozenset({"xlsx"}),
    "pptx": frozenset({"pptx"}),
    "odt": frozenset({"odt"}),
    "ods": frozenset({"ods"}),
    "odp": frozenset({"odp"}),
    "rtf": frozenset({"rtf"}),
    "jpg": frozenset({"jpeg"}),
    "jpeg": frozenset({"jpeg"}),
    "png": frozenset({"png"}),
    "gif": frozenset({"gif"}),
    "webp": frozenset({"webp"}),
    "txt": frozenset({"text"}),
    "md": frozenset({"text"}),
    "csv": frozenset({"text"}),
    "json": frozenset({"text"}),
    "zip": frozenset({"zip"}),
    "key": frozenset({"iwork"}),
}

# The media type a response declares for each format. Formats a browser would run or render as a
# page (markup, programs) and anything unrecognised are served as opaque bytes.
FORMAT_MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "ole": "application/x-ole-storage",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "iwork": "application/zip",
    "zip": "application/zip",
    "rtf": "application/rtf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "text": "text/plain",
}
OPAQUE_MEDIA_TYPE = "application/octet-stream"
# Formats a browser shows without running anything of the file's own: these alone may be inline.
INLINE_FORMATS = frozenset({"pdf", "png", "jpeg", "gif", "webp"})

# Office Open XML and OpenDocument: a ZIP container told apart by a member it must hold.
_OOXML_MARKERS = (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"), ("ppt/presentation.xml", "pptx"))
# Apple iWork (Keynote, Pages, Numbers): a ZIP package with an index of one of these names.
_IWORK_MEMBERS = ("Index/Document.iwa", "index.apxl", "index.apxl.gz", "Index.zip")
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
_SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # legacy Word/Excel/PowerPoint
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"{\\rtf", "rtf"),
    (b"MZ", "exe"),
    (b"\x7fELF", "exe"),
    (b"\xca\xfe\xba\xbe", "exe"),
    (b"\xcf\xfa\xed\xfe", "exe"),
    (b"#!", "script"),
)
# Markup a browser would render (and run scripts in) if the file were ever served inline.
_MARKUP_STARTS = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml", b"<iframe", b"<!--")
_MARKUP_ANYWHERE = (b"<script", b"<html", b"<svg", b"<iframe", b"javascript:")
# Control characters plain text never holds (tab, newline, carriage return and form feed are fine).
_TEXT_CONTROLS = bytes(c for c in range(32) if c not in (9, 10, 12, 13)) + b"\x7f"


def _read_head(file: IO[bytes]) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        return file.read(HEAD_BYTES) or b""
    finally:
        file.seek(position)


def _zip_format(file: IO[bytes]) -> str:
    position = file.tell()
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            for member, name in _OOXML_MARKERS:
                if member in names:
                    return name
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 200:
                    odf = _ODF_MIMETYPES.get(archive.read("mimetype").strip())
                    if odf:
                        return odf
            if any(member in names for member in _IWORK_MEMBERS):
                return "iwork"
            return "zip"
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, NotImplementedError):
        return "unknown"
    finally:
        file.seek(position)


def _decode_text(head: bytes, truncated: bool) -> str | None:
    """The head as text, or None when it is not text (NUL bytes, control characters, binary)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = head[2:].decode("utf-16-le" if head[:2] == b"\xff\xfe" else "utf-16-be", errors="strict")
        except UnicodeDecodeError:
            if not truncated:
                return None
            text = head[2:-1].decode("utf-16-le" if head[:2] == b"\xff\xfe" else "utf-16-be", errors="ignore")
        return None if any(ch in text for ch in _TEXT_CONTROLS.decode("latin-1")) else text
    raw = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    if any(byte in _TEXT_CONTROLS for byte in raw):
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if truncated and exc.start >= len(raw) - 3:  # a character cut by the head's end
            return raw[: exc.start].decode("utf-8")
    # Spreadsheets saved on Windows: Windows-1252. Its undefined bytes mean binary data.
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return None


def _is_markup(head: bytes) -> bool:
    lowered = head.lower()
    stripped = lowered.lstrip(b"\xef\xbb\xbf \t\r\n\f")
    return stripped.startswith(_MARKUP_STARTS) or any(tag in lowered for tag in _MARKUP_ANYWHERE)


def sniff(file: IO[bytes]) -> str:
    """The format of `file` (a seekable binary file; its position is kept): one of "pdf", "ole",
    "docx", "xlsx", "pptx", "odt", "ods", "odp", "iwork", "zip", "rtf", "png", "jpeg", "gif", "webp",
    "text", "html" (any markup: HTML, SVG, XML), "exe", "script", "empty" or "unknown"."""
    head = _read_head(file)
    if not head:
        return "empty"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_format(file)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    for signature, name in _SIGNATURES:
        if head.startswith(signature):
            return name
    if _is_markup(head):
        return "html"
    if _decode_text(head, truncated=len(head) == HEAD_BYTES) is not None:
        return "text"
    return "unknown"


def extension_of(name: str) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def check_upload(file, allowed_extensions) -> str:
    """Raise ValidationError unless `file` (an UploadedFile) has an allowed extension and content
    of the format that extension says; return its format."""
    extension = extension_of(getattr(file, "name", ""))
    allowed = sorted(set(allowed_extensions))
    if extension not in allowed:
        raise ValidationError(
            _("“%(name)s” is not a file type accepted here. Accepted types: %(types)s."),
            code="extension",
            params={"name": os.path.basename(file.name or ""), "types": ", ".join(allowed)},
        )
    found = sniff(file)
    if found == "empty":
        raise ValidationError(
            _("“%(name)s” is empty."), code="empty", params={"name": os.path.basename(file.name or "")}
        )
    if found not in EXTENSION_FORMATS.get(extension, frozenset()):
        raise ValidationError(
            _("“%(name)s” does not contain what a .%(extension)s file should: its content was not recognised."),
            code="content",
            params={"name": os.path.basename(file.name or ""), "extension": extension},
        )
    return found


@deconstructible
class UploadValidator:
    """A model field validator: a file newly assigned to the field must pass `check_upload`.

    A file already in storage was checked when it was uploaded and is not read again, so editing
    the other fields of a row never downloads its file."""

    def __init__(self, allowed_extensions):
        self.allowed_extensions = tuple(allowed_extensions)

    def __call__(self, value) -> None:
        if not value or getattr(value, "_committed", True):
            return
        check_upload(value.file, self.allowed_extensions)

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and self.allowed_extensions == other.allowed_extensions

    def __hash__(self):
        return hash(self.allowed_extensions)

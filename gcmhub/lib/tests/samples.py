"""Small files of every format the upload fields accept, and the bad files they must refuse; shared
by the tests of every file field."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile


def zip_bytes(members: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"

# extension -> the bytes of a file of that type
GOOD = {
    "pdf": PDF,
    "doc": OLE,
    "xls": OLE,
    "ppt": OLE,
    "docx": zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}),
    "xlsx": zip_bytes({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}),
    "pptx": zip_bytes({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p:presentation/>"}),
    "odt": zip_bytes({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office/>"}),
    "ods": zip_bytes({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<office/>"}),
    "odp": zip_bytes({"mimetype": "application/vnd.oasis.opendocument.presentation", "content.xml": "<office/>"}),
    "key": zip_bytes({"Index/Document.iwa": b"\x00\x01", "Metadata/Properties.plist": "<plist/>"}),
    "rtf": b"{\\rtf1\\ansi Hello}",
    "txt": "Notes on the consultation, été 2024.\n".encode(),
    "md": b"# Notes\n\nSome *text*.\n",
    "csv": b"country,count\nMorocco,3\n",
    "json": b'{"country": "Morocco", "count": 3}\n',
    "zip": zip_bytes({"data/table.csv": "a,b\n1,2\n"}),
    "jpg": JPEG,
    "jpeg": JPEG,
    "png": PNG,
    "gif": b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    "webp": b"RIFF\x1a\x00\x00\x00WEBPVP8 \x0e\x00\x00\x00",
}

# (name, bytes): what an attacker uploads; every field refuses all of them.
BAD = (
    ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),  # a Windows program named .pdf
    ("photo.png", b"<html><body><script>alert(document.cookie)</script></body></html>"),
    ("notes.txt", b"<script>alert(document.cookie)</script>"),
    ("page.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("run.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
)


def upload(name: str, data: bytes | None = None, content_type: str = "application/octet-stream"):
    """An upload named `name` with `data` (default: a good file of the type its extension says)."""
    if data is None:
        data = GOOD[name.rsplit(".", 1)[-1].lower()]
    return SimpleUploadedFile(name, data, content_type=content_type)

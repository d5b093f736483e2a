import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gcmhub.lib.filetypes import EXTENSION_FORMATS, UploadValidator, check_upload, sniff
from gcmhub.lib.tests.samples import BAD, GOOD, upload


def _zip(members: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


DOCX = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
XLSX = _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
ODT = _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office/>"})


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (DOCX, "docx"),
        (XLSX, "xlsx"),
        (ODT, "odt"),
        (_zip({"a.txt": "x"}), "zip"),
        (b"MZ\x90\x00\x03", "exe"),
        (b"<!DOCTYPE html><html><body>hi</body></html>", "html"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "html"),
        (b"  \n<?xml version='1.0'?><svg/>", "html"),
        (b"title,summary\nA,\xc3\xa9t\xc3\xa9\n", "text"),
        (b"title;summary\nA;\xe9t\xe9\n", "text"),  # Windows-1252
        ("\ufeffname\n".encode("utf-16"), "text"),
        (b"text with a NUL \x00 byte", "unknown"),
        (b"", "empty"),
    ],
)
def test_it_tells_formats_from_content(data, expected):
    assert sniff(io.BytesIO(data)) == expected


def test_it_keeps_the_file_position():
    f = io.BytesIO(b"%PDF-1.4 body")
    f.seek(5)
    sniff(f)
    assert f.tell() == 5


def test_it_accepts_a_file_whose_content_matches_its_extension():
    assert check_upload(SimpleUploadedFile("report.docx", DOCX), ["pdf", "docx"]) == "docx"


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("setup.pdf", b"MZ\x90\x00", "content"),
        ("photo.png", b"<html><script>alert(1)</script></html>", "content"),
        ("notes.txt", b"<script>alert(1)</script>", "content"),
        ("page.html", b"<html></html>", "extension"),
        ("logo.svg", b"<svg/>", "extension"),
        ("sheet.xlsx", DOCX, "content"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_it_refuses_files_that_are_not_what_they_say(name, data, code):
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile(name, data), ["pdf", "png", "txt", "xlsx", "docx"])
    assert caught.value.code == code


def test_it_tells_apple_iwork_packages_apart_from_plain_zip_files():
    keynote = _zip({"Index/Document.iwa": b"\x00", "Metadata/Properties.plist": "<plist/>"})
    assert sniff(io.BytesIO(keynote)) == "iwork"
    assert check_upload(SimpleUploadedFile("talk.key", keynote), ["key"]) == "iwork"
    with pytest.raises(ValidationError):
        check_upload(SimpleUploadedFile("talk.key", _zip({"a.txt": "x"})), ["key"])


@pytest.mark.parametrize("extension", sorted(GOOD))
def test_it_accepts_a_sample_of_every_format_the_fields_take(extension):
    assert check_upload(upload(f"file.{extension}"), [extension]) in EXTENSION_FORMATS[extension]


@pytest.mark.parametrize(("name", "data"), BAD)
def test_it_refuses_every_bad_sample_even_when_all_extensions_are_allowed(name, data):
    with pytest.raises(ValidationError):
        check_upload(SimpleUploadedFile(name, data), [*EXTENSION_FORMATS, "html", "svg", "exe"])


class _Stored:
    """A FieldFile already in storage: `_committed` is True."""

    _committed = True
    name = "resources/2025/01/abc/old.pdf"

    @property
    def file(self):
        raise AssertionError("a stored file is not read again")


def test_the_model_validator_checks_new_uploads_only():
    validator = UploadValidator(["pdf"])
    validator(_Stored())  # not read
    validator(None)
    new = type("New", (), {"_committed": False, "file": SimpleUploadedFile("a.pdf", b"MZ\x90\x00")})()
    with pytest.raises(ValidationError) as caught:
        validator(new)
    assert caught.value.code == "content"
    assert UploadValidator(["pdf"]) == UploadValidator(("pdf",))
    assert UploadValidator(["pdf"]).deconstruct()[0] == "gcmhub.lib.filetypes.UploadValidator"

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gcmhub.lib.filetypes import check_upload, sniff


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

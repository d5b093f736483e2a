import io
import zipfile

import pytest

from gcmhub.lib.archives import UnsafeArchive, ZipLimits, check_zip
from gcmhub.lib.cleantext import clean_text, has_control_characters

LIMITS = ZipLimits(max_members=3, max_inflated_bytes=5 * 1024 * 1024, max_ratio=100)


def _zip(members: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_it_accepts_an_ordinary_container():
    archive = check_zip(_zip({"a.xml": b"<a/>" * 1000, "b.xml": b"<b/>"}), LIMITS)
    assert sorted(archive.namelist()) == ["a.xml", "b.xml"]


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({f"{n}.xml": b"<a/>" for n in range(4)}, "contains 4 files"),
        ({"a.bin": bytes(range(256)) * 25_000}, "more than 5 MB once decompressed"),  # 6.4 MB, barely compressible
        ({"a.xml": b"\0" * 2_000_000}, "zip bomb"),  # 2 MB of zeros: ~1000:1
    ],
)
def test_it_refuses_containers_over_a_limit(members, message):
    with pytest.raises(UnsafeArchive, match=message):
        check_zip(_zip(members), LIMITS)


def test_it_refuses_what_is_not_a_zip():
    with pytest.raises(UnsafeArchive, match="damaged"):
        check_zip(b"PK\x03\x04 not really", LIMITS)


def test_it_bounds_what_a_lying_header_can_inflate():
    """The check trusts declared sizes because zipfile never inflates past them."""
    data = bytearray(_zip({"a.xml": b"a" * 10_000}))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.infolist()[0]
    info.file_size = 100  # what a forged central directory would declare
    with archive.open(info) as member, pytest.raises(zipfile.BadZipFile):
        assert len(member.read()) <= 100  # stops at the declared size, then the CRC fails


def test_it_removes_control_characters_and_keeps_line_breaks_where_allowed():
    text = "Ti\x00tle\x07 with\x0bbreak\r\nand\ttab \ud800end\x85"
    assert has_control_characters(text)
    assert clean_text(text) == "Title with\nbreak\nand\ttab end\n"
    assert clean_text(text, multiline=False) == "Title with break and tab end "
    assert not has_control_characters("Ordinary text\nwith\ttabs and accents: é, ü, 中文, \u200f")
    assert clean_text("Ordinary\u00a0text \u200f") == "Ordinary\u00a0text \u200f"

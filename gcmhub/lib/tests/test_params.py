import re

import pytest
from django.test import SimpleTestCase

from gcmhub.lib.converters import IdConverter
from gcmhub.lib.params import MAX_ID, MAX_PAGE, bounded_int, last_page, page_number, paginate, parse_int


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (" 12 ", 12),
        ("-3", -3),
        ("+4", 4),
        (7, 7),
        ("1e23", None),
        ("1.5", None),
        ("", None),
        (None, None),
        (True, None),
        ("١٢", None),  # Arabic-Indic digits: int() reads them, we do not
        ("9" * 5000, None),  # past Python's int() digit limit: ValueError, not a 500
        ("9" * 20, None),  # over 2^63
        (10**40, None),
        ("12abc", None),
        ("\x0012", None),
    ],
)
def test_it_parses_only_short_decimal_integers(value, expected):
    assert parse_int(value) == expected


def test_it_clamps_and_falls_back_to_the_default():
    assert bounded_int("30000000", default=1, minimum=1, maximum=500) == 500
    assert bounded_int("-5", default=1, minimum=1, maximum=500) == 1
    assert bounded_int("1e23", default=7, minimum=1, maximum=500) == 7


def test_it_reads_page_numbers_from_the_first_to_the_last():
    assert page_number(None) == 1
    assert page_number("0") == 1
    assert page_number("-1") == 1
    assert page_number("1e23") == 1
    assert page_number("99999999999999999999999") == 1  # unreadable (too long): the first page
    assert page_number("99999999") == MAX_PAGE
    assert page_number("30000000", last=500) == 500
    assert page_number("3", last=500) == 3


def test_it_counts_pages_within_a_depth():
    assert last_page(0, 20) == 1
    assert last_page(41, 20) == 3
    assert last_page(10**9, 20, max_items=10_000) == 500


class PaginateTests(SimpleTestCase):
    def test_it_shows_the_nearest_page_for_any_number(self):
        items = list(range(95))
        self.assertEqual(paginate(items, 20, "2").number, 2)
        self.assertEqual(paginate(items, 20, "-1").number, 1)  # Django's get_page shows the last one
        self.assertEqual(paginate(items, 20, "1e23").number, 1)
        self.assertEqual(paginate(items, 20, "30000000").number, 5)
        self.assertEqual(paginate(items, 20, "9" * 5000).number, 1)
        self.assertEqual(paginate([], 20, "4").number, 1)


def test_the_id_converter_matches_only_what_a_database_integer_holds():
    converter = IdConverter()
    assert converter.to_python("42") == 42
    assert converter.to_url(42) == "42"
    assert re.fullmatch(converter.regex, str(MAX_ID))
    assert not re.fullmatch(converter.regex, "9" * 19)
    assert not re.fullmatch(converter.regex, "-1")

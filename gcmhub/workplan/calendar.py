"""Quarter maths for the calendar of action and the dashboard, and human-readable periods.

Pure functions: no queries. Periods are `(start, end, year_inferred)` triples or objects with
`start`, `end` and `year_inferred` attributes (ActivityPeriod).
"""

import datetime
import functools
import re
from dataclasses import dataclass
from functools import total_ordering

from django.utils import dateformat, formats, translation
from django.utils.translation import gettext


@total_ordering
@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1..4

    @classmethod
    def of(cls, day: datetime.date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> datetime.date:
        return self.next().start - datetime.timedelta(days=1)

    @property
    def key(self) -> str:
        """The value the period filter takes: '2021-Q2'."""
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return gettext("Q%(quarter)s %(year)s") % {"quarter": self.number, "year": self.year}

    def next(self) -> "Quarter":
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def overlaps(self, start: datetime.date, end: datetime.date) -> bool:
        return start <= self.end and end >= self.start

    def __lt__(self, other: "Quarter") -> bool:
        return (self.year, self.number) < (other.year, other.number)

    def __str__(self):
        return self.label


PERIOD_RE = re.compile(r"^(?P<year>[0-9]{4})(?:-Q(?P<quarter>[1-4]))?$")  # ASCII digits only
# Years a period filter may name: wide enough for any plan, narrow enough for date arithmetic
# (year 0 or 9999-Q4 would overflow `datetime.date`).
PERIOD_YEARS = range(1900, 2201)


def period_bounds(value: str) -> tuple[datetime.date, datetime.date] | None:
    """'2021' -> the year; '2021-Q2' -> the quarter; anything else (or a year out of
    `PERIOD_YEARS`) -> None."""
    match = PERIOD_RE.match((value or "").strip())
    if not match or int(match["year"]) not in PERIOD_YEARS:
        return None
    year = int(match["year"])
    if match["quarter"]:
        quarter = Quarter(year, int(match["quarter"]))
        return quarter.start, quarter.end
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def quarters_between(start: datetime.date, end: datetime.date) -> list[Quarter]:
    """Every quarter from the one holding `start` to the one holding `end`, inclusive."""
    if end < start:
        return []
    quarter, last, result = Quarter.of(start), Quarter.of(end), []
    while quarter <= last:
        result.append(quarter)
        quarter = quarter.next()
    return result


def _period_tuple(period) -> tuple[datetime.date, datetime.date, bool]:
    if isinstance(period, tuple):
        start, end, *rest = period
        return start, end, bool(rest and rest[0])
    return period.start, period.end, bool(getattr(period, "year_inferred", False))


def coverage(periods, quarters: list[Quarter]) -> dict[Quarter, str]:
    """For each quarter a period touches: 'scheduled', or 'inferred' when every period touching
    it has a year inferred from the plan."""
    result: dict[Quarter, str] = {}
    for period in periods:
        start, end, inferred = _period_tuple(period)
        for quarter in quarters:
            if quarter.overlaps(start, end):
                if not inferred:
                    result[quarter] = "scheduled"
                else:
                    result.setdefault(quarter, "inferred")
    return result


# Runs of months are abbreviated: Django's "N" abbreviations (Jan., juil., Ene.) are unambiguous in
# every language; "M" gives French "Jui" for both juin and juillet. One month is written as the
# pages write a month ("March 2021", YEAR_MONTH_FORMAT) and days as they write a date ("15 March
# 2021", DATE_FORMAT): decision 1303.
MONTH = "N"
MONTH_YEAR = "N Y"


def _month(day: datetime.date) -> str:
    return dateformat.format(day, MONTH)


def period_label(start: datetime.date, end: datetime.date) -> str:
    """'Q2 2021', 'Q1–Q2 2021', 'Jan.–Dec. 2021', 'March 2021', 'Nov. 2021–Feb. 2022', or exact dates,
    in the active language. Periods repeat (quarters, years): each is worded once per language."""
    return _period_label(start, end, translation.get_language())


@functools.lru_cache(maxsize=4096)
def _period_label(start: datetime.date, end: datetime.date, language: str) -> str:
    month_aligned = start.day == 1 and (end + datetime.timedelta(days=1)).day == 1
    if not month_aligned:
        if start == end:
            return formats.date_format(start, "DATE_FORMAT")
        return gettext("%(start)s – %(end)s") % {
            "start": formats.date_format(start, "DATE_FORMAT"),
            "end": formats.date_format(end, "DATE_FORMAT"),
        }
    first, last = Quarter.of(start), Quarter.of(end)
    quarter_aligned = start == first.start and end == last.end
    whole_years = start.month == 1 and end.month == 12
    if quarter_aligned and not whole_years:
        if first == last:
            return first.label
        if first.year == last.year:
            return gettext("Q%(first)s–Q%(last)s %(year)s") % {
                "first": first.number,
                "last": last.number,
                "year": first.year,
            }
        return gettext("%(start)s–%(end)s") % {"start": first.label, "end": last.label}
    if start.year == end.year:
        if start.month == end.month:
            return formats.date_format(start, "YEAR_MONTH_FORMAT")
        return gettext("%(first)s–%(last)s %(year)s") % {
            "first": _month(start),
            "last": _month(end),
            "year": start.year,
        }
    return gettext("%(start)s–%(end)s") % {
        "start": dateformat.format(start, MONTH_YEAR),
        "end": dateformat.format(end, MONTH_YEAR),
    }


def describe_periods(periods) -> list[dict]:
    """Display rows for an activity's periods: label, whether the year was inferred, and the
    period's own label ("expérimentation") when it has one."""
    rows = []
    for period in periods:
        start, end, inferred = _period_tuple(period)
        if isinstance(period, tuple):
            note = period[3] if len(period) > 3 else ""
        else:
            note = getattr(period, "label", "")
        rows.append(
            {
                "text": period_label(start, end),
                "inferred": inferred,
                "note": note,
                "start": start,
                "end": end,
            }
        )
    return rows

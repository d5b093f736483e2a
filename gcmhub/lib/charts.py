"""Accessible SVG charts shared by the dashboards: horizontal stacked bars and columns, laid out
here (pure functions, no queries) and drawn by the templates under `includes/charts/`.

Every series has a colour with at least 3:1 contrast on white AND a pattern, and every chart ships
a data table, so colour never carries information alone.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from gcmhub.lib.formats import number_text
from gcmhub.lib.i18n import direction

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

WIDTH = 720
LABEL_WIDTH = 210
TOTAL_WIDTH = 44
ROW_HEIGHT = 30
BAR_HEIGHT = 20
TOP = 8
MIN_TEXT_WIDTH = 22


@dataclass
class Series:
    key: str
    label: "StrOrPromise"
    color: str
    pattern: str
    pattern_id: str = ""


@dataclass
class Segment:
    series: Series
    value: int
    x: float
    width: float
    text_x: float
    show_text: bool


@dataclass
class Row:
    label: str
    full_label: str
    url: str = ""
    lang: str = ""
    counts: dict = field(default_factory=dict)
    total: int = 0
    y: float = 0
    text_y: float = 0
    bar_end: float = 0
    segments: list = field(default_factory=list)
    cells: list = field(default_factory=list)
    thin: bool = False  # a coverage chart's row with too few items (knowledge.charts.by_objective)


@dataclass
class StackedBarChart:
    id: str
    title: str
    summary: str
    label_header: str
    series: list
    rows: list
    width: int = WIDTH
    height: int = 0
    label_width: int = LABEL_WIDTH
    rtl: bool = False  # laid out right to left (mirror_rows)
    totals: list = field(default_factory=list)
    grand_total: int = 0
    note: str = ""

    @property
    def axis_x(self) -> int:
        """Where the labels end and the bars start: on the left, or on the right when mirrored."""
        return self.width - self.label_width if self.rtl else self.label_width

    @property
    def svg_bars(self) -> str:
        return stacked_bars_svg(self)


@dataclass
class Column:
    quarter: object  # the period the column stands for (a work-plan Quarter on the dashboard)
    label: str
    total: int
    overdue: int
    x: float
    width: float
    center: float
    segments: list = field(default_factory=list)  # (series, value, y, height)
    value_y: float = 0
    current: bool = False


@dataclass
class ColumnChart:
    id: str
    title: str
    summary: str
    series: list
    columns: list
    width: int
    height: int
    baseline: float
    label_y: float
    total: int = 0
    overdue: int = 0


def _num(value: float) -> str:
    """A coordinate for SVG: never localized ('12,5' would break the drawing)."""
    return f"{value:g}"


def _count(value: int) -> str:
    """A count the reader sees, grouped as the language groups thousands ("1,234", "1 234")."""
    value = int(value)
    return str(value) if -1000 < value < 1000 else number_text(value)


_LABEL = '<text x="{}" y="{}" text-anchor="end" class="chart__label"{}>{}</text>'
# A label written in the other direction than the page's (French on an Arabic page): anchored at
# its start, which is then on the axis side.
_LABEL_OTHER_WAY = '<text x="{}" y="{}" text-anchor="start" direction="{}" class="chart__label"{}>{}</text>'
_SEGMENT = (
    '<rect x="{}" y="{}" width="{}" height="{}" fill="url(#{})" stroke="#fff" stroke-width="1">'
    "<title>{} – {}: {}</title></rect>"
)
_VALUE = '<text x="{}" y="{}" text-anchor="middle" class="chart__value">{}</text>'
_TOTAL = '<text x="{}" y="{}" class="chart__total">{}</text>'


def stacked_bars_svg(chart: StackedBarChart) -> str:
    """The bars of a stacked chart as SVG elements (labels, segments with their <title>, values,
    totals); the template draws the frame, the patterns, the legend and the table. Built here
    because the template engine would spend more on these few hundred elements than the rest of
    the dashboard. What `format_html` would do per element, done once per text: each label and
    pattern id is escaped once; the other values are numbers."""
    parts = []
    # Labels end 8 units before the axis, on its side: "end" is the left of right-to-left text.
    label_x = _num(chart.axis_x + 8 if chart.rtl else chart.axis_x - 8)
    series_texts = {id(s): (escape(s.pattern_id), escape(s.label)) for s in chart.series}
    page_direction = "rtl" if chart.rtl else "ltr"
    for row in chart.rows:
        text_y = _num(row.text_y)
        row_y = _num(row.y)
        label = escape(row.label)
        lang = f' lang="{escape(row.lang)}"' if row.lang else ""
        label_direction = direction(row.lang) if row.lang else page_direction
        if label_direction == page_direction:
            parts.append(_LABEL.format(label_x, text_y, lang, label))
        else:
            parts.append(_LABEL_OTHER_WAY.format(label_x, text_y, label_direction, lang, label))
        for seg in row.segments:
            found = series_texts.get(id(seg.series))
            pattern_id, series_label = found or (escape(seg.series.pattern_id), escape(seg.series.label))
            value = _count(seg.value)
            parts.append(
                _SEGMENT.format(_num(seg.x), row_y, _num(seg.width), BAR_HEIGHT, pattern_id, label, series_label, value)
            )
            if seg.show_text:
                parts.append(_VALUE.format(_num(seg.text_x), text_y, value))
        parts.append(_TOTAL.format(_num(row.bar_end), text_y, _count(row.total)))
    return mark_safe("".join(parts))  # every text above is escaped


def short(text: str, length: int = 28) -> str:
    return Truncator(text).chars(length)


def stacked_bars(chart_id, title, summary, label_header, rows: list[Row], series: list[Series]) -> StackedBarChart:
    """Lay out one horizontal stacked bar per row, scaled to the largest row total."""
    max_total = max((r.total for r in rows), default=0) or 1
    area = WIDTH - LABEL_WIDTH - TOTAL_WIDTH
    scale = area / max_total
    for index, row in enumerate(rows):
        row.y = TOP + index * ROW_HEIGHT
        row.text_y = row.y + BAR_HEIGHT / 2 + 5
        x = float(LABEL_WIDTH)
        row.segments = []
        row.cells = [row.counts.get(s.key, 0) for s in series]
        for s in series:
            value = row.counts.get(s.key, 0)
            if not value:
                continue
            width = value * scale
            row.segments.append(
                Segment(
                    series=s,
                    value=value,
                    x=round(x, 1),
                    width=round(width, 1),
                    text_x=round(x + width / 2, 1),
                    show_text=width >= MIN_TEXT_WIDTH,
                )
            )
            x += width
        row.bar_end = round(x + 6, 1)
    rtl = translation.get_language_bidi()
    if rtl:
        mirror_rows(rows, WIDTH)
    totals = [sum(r.counts.get(s.key, 0) for r in rows) for s in series]
    return StackedBarChart(
        id=chart_id,
        title=title,
        summary=summary,
        label_header=label_header,
        series=series,
        rows=rows,
        height=TOP * 2 + max(len(rows), 1) * ROW_HEIGHT,
        totals=totals,
        grand_total=sum(r.total for r in rows),
        rtl=rtl,
    )


def mirror_rows(rows: list[Row], width: int) -> None:
    """Right to left: bars start at the right and grow leftwards (the text of the labels, values and
    totals keeps its anchors: "start" and "end" follow the text's direction)."""
    for row in rows:
        for seg in row.segments:
            seg.x = round(width - seg.x - seg.width, 1)
            seg.text_x = round(width - seg.text_x, 1)
        row.bar_end = round(width - row.bar_end, 1)


def mirror_columns(columns: list[Column], width: int) -> None:
    """Right to left: the first column (the earliest quarter) on the right."""
    for column in columns:
        column.x = round(width - column.x - column.width, 1)
        column.center = round(width - column.center, 1)

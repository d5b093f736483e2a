"""Dashboard charts: pure functions from activities to counts and SVG geometry (no queries).

The templates under `workplan/includes/chart_*.html` draw the geometry. Every series has a colour
with at least 3:1 contrast on white AND a pattern, and every chart ships a data table, so colour
never carries information alone.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gcmhub.workplan.calendar import Quarter
from gcmhub.workplan.models import CLOSED_STATUSES, Status

# Display order: done first, then in progress, then trouble.
STATUS_ORDER = [
    Status.COMPLETED, Status.ON_TRACK, Status.ONGOING, Status.NOT_STARTED, Status.AT_RISK, Status.DELAYED,
    Status.CANCELLED,
]

# Colours match --status-* in gcmhub.css; all ≥ 4.5:1 on white. Patterns tell them apart without colour.
STATUS_STYLE = {
    Status.COMPLETED: ("#0b4f8a", "solid"),
    Status.ON_TRACK: ("#1d6b2c", "diagonal"),
    Status.ONGOING: ("#5b3a8c", "dots"),
    Status.NOT_STARTED: ("#5f6b76", "horizontal"),
    Status.AT_RISK: ("#8a5a00", "vertical"),
    Status.DELAYED: ("#a11d1d", "cross"),
    Status.CANCELLED: ("#3d3d3d", "reverse"),
}

WIDTH = 720
LABEL_WIDTH = 210
TOTAL_WIDTH = 44
ROW_HEIGHT = 30
BAR_HEIGHT = 20
TOP = 8
MIN_TEXT_WIDTH = 22
OTHERS = "__others__"


@dataclass
class Series:
    key: str
    label: str
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
    totals: list = field(default_factory=list)
    grand_total: int = 0
    note: str = ""

    @property
    def svg_bars(self) -> str:
        return stacked_bars_svg(self)


@dataclass
class Column:
    quarter: Quarter
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


def stacked_bars_svg(chart: StackedBarChart) -> str:
    """The bars of a stacked chart as SVG elements (labels, segments with their <title>, values,
    totals); the template draws the frame, the patterns, the legend and the table. Built here
    because the template engine would spend more on these few hundred elements than the rest of
    the dashboard."""
    parts = []
    label_x = _num(chart.label_width - 8)
    for row in chart.rows:
        text_y = _num(row.text_y)
        parts.append(format_html('<text x="{}" y="{}" text-anchor="end" class="chart__label">{}</text>',
                                 label_x, text_y, row.label))
        for seg in row.segments:
            parts.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="url(#{})" stroke="#fff" stroke-width="1">'
                "<title>{} – {}: {}</title></rect>",
                _num(seg.x), _num(row.y), _num(seg.width), BAR_HEIGHT, seg.series.pattern_id, row.label,
                seg.series.label, seg.value,
            ))
            if seg.show_text:
                parts.append(format_html('<text x="{}" y="{}" text-anchor="middle" class="chart__value">{}</text>',
                                         _num(seg.text_x), text_y, seg.value))
        parts.append(format_html('<text x="{}" y="{}" class="chart__total">{}</text>', _num(row.bar_end), text_y,
                                 row.total))
    return mark_safe("".join(parts))  # every part went through format_html


def status_series(chart_id: str) -> list[Series]:
    return [
        Series(key=s.value, label=s.label, color=STATUS_STYLE[s][0], pattern=STATUS_STYLE[s][1],
               pattern_id=f"{chart_id}-{s.value}")
        for s in STATUS_ORDER
    ]


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
            row.segments.append(Segment(series=s, value=value, x=round(x, 1), width=round(width, 1),
                                        text_x=round(x + width / 2, 1), show_text=width >= MIN_TEXT_WIDTH))
            x += width
        row.bar_end = round(x + 6, 1)
    totals = [sum(r.counts.get(s.key, 0) for r in rows) for s in series]
    return StackedBarChart(
        id=chart_id, title=title, summary=summary, label_header=label_header, series=series, rows=rows,
        height=TOP * 2 + max(len(rows), 1) * ROW_HEIGHT, totals=totals, grand_total=sum(r.total for r in rows),
    )


def _status_row(label, full_label, url, statuses, lang="") -> Row:
    counts = Counter(statuses)
    return Row(label=short(label), full_label=full_label, url=url, lang=lang, counts=dict(counts),
               total=sum(counts.values()))


def status_by_priority(priorities, activities) -> StackedBarChart:
    """One bar per priority, in plan order; `priorities` need not be prefetched."""
    by_priority: dict[int, list] = {}
    for activity in activities:
        by_priority.setdefault(activity.priority_id, []).append(activity.status)
    rows = [
        _status_row(p.heading, f"{p.heading} – {p.title}" if p.code else p.title, p.get_absolute_url(),
                    by_priority.get(p.pk, []))
        for p in priorities
    ]
    rows = [r for r in rows if r.total]
    chart_id = "chart-priority"
    return stacked_bars(
        chart_id, gettext("Status of activities by priority"),
        gettext("Horizontal stacked bars: the number of activities in each status for each of "
                "%(count)s priorities. The table that follows gives the same figures.") % {"count": len(rows)},
        gettext("Priority"), rows, status_series(chart_id),
    )


def status_by_thematic_area(activities) -> StackedBarChart:
    groups: dict = {}
    for activity in activities:
        area = activity.priority.thematic_area
        groups.setdefault(area.pk if area else None, (area, []))[1].append(activity.status)
    rows = []
    for key in sorted(groups, key=lambda k: (k is None, groups[k][0].number if groups[k][0] else 0)):
        area, statuses = groups[key]
        if area is None:
            rows.append(_status_row(gettext("No thematic area"), gettext("No thematic area"), "", statuses))
        else:
            rows.append(_status_row(str(area), str(area), area.get_absolute_url(), statuses))
    chart_id = "chart-area"
    return stacked_bars(
        chart_id, gettext("Status of activities by thematic area"),
        gettext("Horizontal stacked bars: the number of activities in each status for each of "
                "%(count)s thematic areas. The table that follows gives the same figures.") % {"count": len(rows)},
        gettext("Thematic area"), rows, status_series(chart_id),
    )


def status_by_lead(activities, top: int = 10, leads_of=None) -> StackedBarChart:
    """Lead organisations (own or inherited from the priority), the `top` busiest, then the rest
    together as "Other organisations". An activity with two leads counts for both."""
    leads_of = leads_of or (lambda activity: activity.leads)
    groups: dict = {}
    for activity in activities:
        for org in leads_of(activity):
            groups.setdefault(org.pk, (org, []))[1].append(activity.status)
    ranked = sorted(groups.values(), key=lambda g: (-len(g[1]), g[0].label.lower()))
    rows = [_status_row(org.label, org.name, org.get_absolute_url(), statuses) for org, statuses in ranked[:top]]
    rest = ranked[top:]
    if rest:
        statuses = [s for _org, group in rest for s in group]
        rows.append(_status_row(
            gettext("Other organisations (%(count)s)") % {"count": len(rest)},
            ", ".join(org.label for org, _group in rest), "", statuses,
        ))
    chart_id = "chart-lead"
    chart = stacked_bars(
        chart_id, gettext("Status of activities by lead organisation"),
        gettext("Horizontal stacked bars: the number of activities in each status led by each of the "
                "%(count)s busiest lead organisations, then all others together. The table that follows "
                "gives the same figures.") % {"count": min(top, len(ranked))},
        gettext("Lead organisation"), rows, status_series(chart_id),
    )
    chart.note = gettext("An activity with several lead organisations counts once for each of them.")
    return chart


DEADLINE_SERIES = [
    ("overdue", _("Overdue"), "#a11d1d", "cross"),
    ("due", _("Due, not overdue"), "#0b4f8a", "solid"),
]


def deadlines_by_quarter(activities, quarters: list[Quarter], today) -> ColumnChart:
    """Activities due in each quarter (by due date), the overdue ones at the foot of each column.
    Quarters outside `quarters` that hold due dates are added at either end."""
    due = Counter()
    overdue = Counter()
    for activity in activities:
        if not activity.due_date:
            continue
        quarter = Quarter.of(activity.due_date)
        due[quarter] += 1
        if activity.is_overdue(today):
            overdue[quarter] += 1
    all_quarters = sorted(set(quarters) | set(due))
    if all_quarters:
        # Fill the gaps so the axis has no holes.
        first, last = all_quarters[0], all_quarters[-1]
        all_quarters, q = [], first
        while q <= last:
            all_quarters.append(q)
            q = q.next()
    chart_id = "chart-deadlines"
    series = [Series(key=k, label=str(label), color=c, pattern=p, pattern_id=f"{chart_id}-{k}")
              for k, label, c, p in DEADLINE_SERIES]
    left, right, top, plot_height, label_band = 30, 10, 24, 200, 40
    count = max(len(all_quarters), 1)
    slot = max(min((WIDTH - left - right) / count, 90), 34)
    width = int(left + right + slot * count)
    baseline = top + plot_height
    max_total = max(due.values(), default=0) or 1
    scale = plot_height / max_total
    current = Quarter.of(today)
    columns = []
    for index, quarter in enumerate(all_quarters):
        x = left + index * slot + slot * 0.15
        bar_width = slot * 0.7
        n_over, n_total = overdue[quarter], due[quarter]
        segments, y = [], float(baseline)
        for s, value in ((series[0], n_over), (series[1], n_total - n_over)):
            if value:
                height = value * scale
                y -= height
                segments.append((s, value, round(y, 1), round(height, 1)))
        columns.append(Column(
            quarter=quarter, label=quarter.label, total=n_total, overdue=n_over, x=round(x, 1),
            width=round(bar_width, 1), center=round(x + bar_width / 2, 1), segments=segments,
            value_y=round(y - 6, 1), current=quarter == current,
        ))
    total, total_overdue = sum(due.values()), sum(overdue.values())
    return ColumnChart(
        id=chart_id, title=gettext("Deadlines per quarter"),
        summary=gettext("Columns: the number of activities due in each of %(count)s quarters, %(total)s in "
                        "all, of which %(overdue)s are overdue, shown at the foot of each column. The table "
                        "that follows gives the same figures.") % {
            "count": len(columns), "total": total, "overdue": total_overdue},
        series=series, columns=columns, width=width, height=baseline + label_band, baseline=baseline,
        label_y=baseline + 18, total=total, overdue=total_overdue,
    )


def status_summary(activities, today) -> dict:
    """Counts for the overview: by status (display order), overdue, open."""
    counts = Counter(a.status for a in activities)
    return {
        "by_status": [(s, counts.get(s.value, 0)) for s in STATUS_ORDER],
        "total": sum(counts.values()),
        "overdue": sum(1 for a in activities if a.is_overdue(today)),
        "open": sum(1 for a in activities if a.status not in CLOSED_STATUSES),
    }

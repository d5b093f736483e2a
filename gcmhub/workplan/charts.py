"""Dashboard charts: pure functions from activities to counts (no queries), laid out with the
shared chart helpers of `gcmhub.lib.charts` and drawn by the templates under `includes/charts/`.
"""

from collections import Counter

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gcmhub.lib.charts import (
    WIDTH,
    Column,
    ColumnChart,
    Row,
    Series,
    StackedBarChart,
    mirror_columns,
    short,
    stacked_bars,
)
from gcmhub.lib.formats import number_text
from gcmhub.lib.i18n import language_of
from gcmhub.workplan.calendar import Quarter
from gcmhub.workplan.models import CLOSED_STATUSES, Status

# Display order: done first, then in progress, then trouble.
STATUS_ORDER = [
    Status.COMPLETED,
    Status.ON_TRACK,
    Status.ONGOING,
    Status.NOT_STARTED,
    Status.AT_RISK,
    Status.DELAYED,
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

OTHERS = "__others__"


def status_series(chart_id: str) -> list[Series]:
    return [
        Series(
            key=s.value,
            label=s.label,
            color=STATUS_STYLE[s][0],
            pattern=STATUS_STYLE[s][1],
            pattern_id=f"{chart_id}-{s.value}",
        )
        for s in STATUS_ORDER
    ]


def _status_row(label, full_label, url, statuses, lang="") -> Row:
    counts = Counter(statuses)
    return Row(
        label=short(label), full_label=full_label, url=url, lang=lang, counts=dict(counts), total=sum(counts.values())
    )


def status_by_priority(priorities, activities) -> StackedBarChart:
    """One bar per priority, in plan order; `priorities` need not be prefetched."""
    by_priority: dict[int, list] = {}
    for activity in activities:
        by_priority.setdefault(activity.priority_id, []).append(activity.status)
    rows = [
        _status_row(
            p.heading,
            f"{p.heading} – {p.title}" if p.code else p.title,
            p.get_absolute_url(),
            by_priority.get(p.pk, []),
            # A working group is named by its title, in the language it is written in.
            "" if p.code else language_of(p, "title"),
        )
        for p in priorities
    ]
    rows = [r for r in rows if r.total]
    chart_id = "chart-priority"
    return stacked_bars(
        chart_id,
        gettext("Status of activities by priority"),
        gettext(
            "Horizontal stacked bars: the number of activities in each status for each of "
            "%(count)s priorities. The table that follows gives the same figures."
        )
        % {"count": len(rows)},
        gettext("Priority"),
        rows,
        status_series(chart_id),
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
            rows.append(_status_row(str(area), str(area), area.get_absolute_url(), statuses, language_of(area, "name")))
    chart_id = "chart-area"
    return stacked_bars(
        chart_id,
        gettext("Status of activities by thematic area"),
        gettext(
            "Horizontal stacked bars: the number of activities in each status for each of "
            "%(count)s thematic areas. The table that follows gives the same figures."
        )
        % {"count": len(rows)},
        gettext("Thematic area"),
        rows,
        status_series(chart_id),
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
        rows.append(
            _status_row(
                gettext("Other organisations (%(count)s)") % {"count": len(rest)},
                ", ".join(org.label for org, _group in rest),
                "",
                statuses,
            )
        )
    chart_id = "chart-lead"
    chart = stacked_bars(
        chart_id,
        gettext("Status of activities by lead organisation"),
        gettext(
            "Horizontal stacked bars: the number of activities in each status led by each of the "
            "%(count)s busiest lead organisations, then all others together. The table that follows "
            "gives the same figures."
        )
        % {"count": min(top, len(ranked))},
        gettext("Lead organisation"),
        rows,
        status_series(chart_id),
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
    due: Counter[Quarter] = Counter()
    overdue: Counter[Quarter] = Counter()
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
    series = [
        Series(key=k, label=str(label), color=c, pattern=p, pattern_id=f"{chart_id}-{k}")
        for k, label, c, p in DEADLINE_SERIES
    ]
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
        columns.append(
            Column(
                quarter=quarter,
                label=quarter.label,
                total=n_total,
                overdue=n_over,
                x=round(x, 1),
                width=round(bar_width, 1),
                center=round(x + bar_width / 2, 1),
                segments=segments,
                value_y=round(y - 6, 1),
                current=quarter == current,
            )
        )
    if translation.get_language_bidi():
        mirror_columns(columns, width)
    total, total_overdue = sum(due.values()), sum(overdue.values())
    return ColumnChart(
        id=chart_id,
        title=gettext("Deadlines per quarter"),
        summary=gettext(
            "Columns: the number of activities due in each of %(count)s quarters, %(total)s in "
            "all, of which %(overdue)s are overdue, shown at the foot of each column. The table "
            "that follows gives the same figures."
        )
        % {"count": len(columns), "total": number_text(total), "overdue": number_text(total_overdue)},
        series=series,
        columns=columns,
        width=width,
        height=baseline + label_band,
        baseline=baseline,
        label_y=baseline + 18,
        total=total,
        overdue=total_overdue,
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

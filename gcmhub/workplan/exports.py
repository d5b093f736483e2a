"""The work plan as files: CSV, XLSX, iCalendar and the PDF progress report.

Pure functions: they take activities already loaded with `Activity.objects.for_list()` (and, for
the report, the latest updates) and return bytes, reading texts in the active language. They
run no queries of their own.
"""

import datetime
from collections import Counter, defaultdict

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from gcmhub.lib import tabular
from gcmhub.lib.formats import datetime_text
from gcmhub.lib.tabular import Column, Sheet
from gcmhub.workplan.calendar import period_label
from gcmhub.workplan.models import Status

# --- Periods and objectives as text -------------------------------------------------------


def iso_periods(activity) -> str:
    """'2021-04-01/2021-06-30; 2022-01-01/2022-12-31' (ISO 8601 intervals)."""
    return "; ".join(f"{p.start.isoformat()}/{p.end.isoformat()}" for p in activity.periods.all())


def objectives_text(priority) -> str:
    if priority.all_objectives:
        return _("All objectives")
    names = [str(o) for o in priority.objectives.all()]
    if priority.cross_cutting:
        names.append(_("Cross-cutting priority"))
    return "; ".join(names)


# --- Tables (CSV and XLSX) ----------------------------------------------------------------


def table_headers() -> list[str]:
    return [
        _("Priority"),
        _("Priority title"),
        _("Activity number"),
        _("Activity"),
        _("Deadline (as written)"),
        _("Periods"),
        _("Ongoing"),
        _("Status (last report)"),
        _("Percent complete"),
        _("Lead organisations"),
        _("Participating organisations"),
        _("GCM objectives"),
        _("Thematic area"),
        _("Overdue"),
        _("Last status update"),
    ]


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def table_rows(activities, today: datetime.date | None = None):
    """One list of Python values per activity, in `table_headers()` order."""
    today = today or timezone.localdate()
    for a in activities:
        priority = a.priority
        yield [
            priority.heading,
            priority.title,
            a.number,
            a.text,
            a.deadline_text,
            iso_periods(a),
            _yes_no(a.is_continuing),  # the deadline says "ongoing", or the status does
            a.get_status_display(),
            a.percent_complete,
            "; ".join(o.label for o in a.leads),
            "; ".join(o.label for o in a.participants),
            objectives_text(priority),
            str(priority.thematic_area) if priority.thematic_area else "",
            _yes_no(a.is_overdue(today)),
            timezone.localdate(a.status_updated_at) if a.status_updated_at else None,
        ]


COLUMN_WIDTHS = (18, 40, 10, 70, 30, 26, 10, 14, 10, 24, 30, 30, 30, 10, 14)


def table_columns() -> list[Column]:
    return [Column(header, width) for header, width in zip(table_headers(), COLUMN_WIDTHS, strict=True)]


def build_csv(activities, today: datetime.date | None = None) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens accents correctly."""
    return tabular.csv_bytes(table_columns(), table_rows(activities, today))


def build_xlsx(activities, *, plan, filters: list[tuple[str, str]], generated_at=None, today=None) -> bytes:
    """Activities on a first sheet (styled, frozen header), and an "About" sheet."""
    generated_at = generated_at or timezone.now()
    about = [
        (_("Work plan"), plan.title),
        (_("Generated at"), datetime_text(generated_at)),
        (_("Activities"), len(activities)),
    ]
    if filters:
        about += [(_("Filter: %(name)s") % {"name": label}, value) for label, value in filters]
    else:
        about.append((_("Filters"), _("None: every activity of the plan")))
    about.append((_("Source"), settings.SITE_URL.rstrip("/") + plan.get_absolute_url()))
    sheet = Sheet(
        _("Activities"), table_columns(), table_rows(activities, today), wrap=True, about=about, about_title=_("About")
    )
    return tabular.xlsx_bytes([sheet])


def describe_filters(form) -> list[tuple[str, str]]:
    """The filter form's active filters as (label, readable value) pairs."""
    pairs = []
    for name, value in form.active_filters().items():
        field = form.fields[name]
        choices = getattr(field, "choices", None)
        if choices:
            labels = {str(k): str(v) for k, v in choices}
            shown = labels.get(str(value), str(value))
        elif value is True:
            shown = _("Yes")
        else:
            shown = str(value)
        pairs.append((str(field.label), shown))
    return pairs


# --- iCalendar -----------------------------------------------------------------------------


def build_ics(activities, *, name: str, site_url: str, now=None) -> bytes:
    """One all-day event on the due date of each period (what calendar users expect of a
    deadline); the period itself is in the description. UIDs stay the same across exports."""
    from icalendar import Calendar, Event

    now = now or timezone.now()
    cal = Calendar()
    cal.add("prodid", "-//UN Network on Migration//gcmhub//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    site_url = site_url.rstrip("/")
    for a in activities:
        url = site_url + a.get_absolute_url()
        summary = f"{a.priority.heading} – {a.label}: {Truncator(a.text).chars(80)}"
        for n, period in enumerate(a.periods.all(), start=1):
            event = Event()
            event.add("uid", f"activity-{a.pk}-{n}@gcmhub")
            event.add("dtstamp", now)
            event.add("dtstart", period.end)
            event.add("dtend", period.end + datetime.timedelta(days=1))
            event.add("summary", summary)
            lines = [_("Period: %(period)s") % {"period": period_label(period.start, period.end)}]
            if period.year_inferred:
                lines.append(_("The year was inferred from the plan."))
            if a.deadline_text:
                lines.append(_("Deadline as written: %(text)s") % {"text": a.deadline_text})
            lines.append(_("Status: %(status)s") % {"status": a.get_status_display()})
            leads = ", ".join(o.label for o in a.leads)
            if leads:
                lines.append(_("Lead: %(organisations)s") % {"organisations": leads})
            lines.extend(["", a.text, "", url])
            event.add("description", "\n".join(lines))
            event.add("url", url)
            event.add("transp", "TRANSPARENT")
            event.add("categories", [a.priority.heading])
            cal.add_component(event)
    return cal.to_ical()


# --- PDF progress report -------------------------------------------------------------------


def report_sections(activities, updates, today=None) -> list[dict]:
    """Per priority, in plan order: its activities, status counts, overdue activities and
    latest updates (the `updates` given, already limited to a few per priority)."""
    today = today or timezone.localdate()
    sections: dict[int, dict] = {}
    for a in activities:
        section = sections.setdefault(
            a.priority_id, {"priority": a.priority, "activities": [], "counts": Counter(), "overdue": [], "updates": []}
        )
        section["activities"].append(a)
        section["counts"][a.status] += 1
        if a.is_overdue(today):
            section["overdue"].append(a)
    by_priority = defaultdict(list)
    for update in updates:
        by_priority[update.activity.priority_id].append(update)
    for priority_id, section in sections.items():
        section["updates"] = by_priority.get(priority_id, [])
        section["status_counts"] = [
            (value, label, section["counts"][value]) for value, label in Status.choices if section["counts"][value]
        ]
    return sorted(sections.values(), key=lambda s: (s["priority"].order, s["priority"].pk))


def build_report_pdf(plan, activities, updates, *, filters, generated_at=None, today=None) -> bytes:
    """The Executive Committee's progress report, rendered from `workplan/report.html`."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    generated_at = generated_at or timezone.now()
    today = today or timezone.localdate()
    totals = Counter(a.status for a in activities)
    context = {
        "plan": plan,
        "generated_at": generated_at,
        "filters": filters,
        "sections": report_sections(activities, updates, today),
        "total": len(activities),
        "total_overdue": sum(1 for a in activities if a.is_overdue(today)),
        "status_totals": [(value, label, totals[value]) for value, label in Status.choices],
    }
    html = render_to_string("workplan/report.html", context)
    # Local files only: a report never reaches the network, even if a text holds a URL.
    base_url = str(settings.BASE_DIR / "gcmhub" / "static") + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=URLFetcher(allowed_protocols=["file", "data"]))
    # PDF/UA: a tagged PDF (structure tree from the headings, lists and tables, their header
    # cells, the document's language and title) that screen readers can follow.
    return document.write_pdf(pdf_variant="pdf/ua-1")

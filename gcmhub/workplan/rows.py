"""What the work plan's lists show, worked out once per request as plain values.

Templates render these rows; nothing here is markup. The work done here rather than in templates
is what a template would otherwise repeat for every row: reversing URLs (one `reverse()` per kind
of URL and request, then string formatting), translating fixed words (once per request),
picking the language of each text, shortening texts, and wording a status.

Rows and their parts answer `row["name"]` as well as `row.name`: the template engine tries an
item lookup before an attribute, and answering the first try saves it two failed lookups per
variable.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from gcmhub.lib.formats import percent_text
from gcmhub.lib.i18n import LANGUAGE_CODES, active_language
from gcmhub.workplan.calendar import describe_periods
from gcmhub.workplan.models import Activity, Status

_INT = 987654321
_SLUG = "zz-placeholder-zz"


def url_pattern(name: str, *args, last=_SLUG) -> str:
    """`reverse(name, args=[*args, last])` with `{}` in place of the last argument, for
    `str.format`: one `reverse()` per request instead of one per row."""
    url = reverse(name, args=[*args, last]).replace("{", "{{").replace("}", "}}")
    return url.replace(str(last), "{}")


def shorten(text: str, length: int) -> str:
    """`truncatechars` without its Unicode normalisation pass: a plain cut is enough here."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def text_and_lang(obj, name: str, lang: str) -> tuple[str, str]:
    """`pick(obj, name)` and `language_of(obj, name)` in one pass."""
    value = getattr(obj, f"{name}_{lang}", "")
    if value:
        return value, lang
    source = getattr(obj, "source_language", None) or "en"
    value = getattr(obj, f"{name}_{source}", "")
    if value:
        return value, source
    for code in LANGUAGE_CODES:
        value = getattr(obj, f"{name}_{code}", "")
        if value:
            return value, code
    return "", lang


def pick_value(values: Mapping[str, Any], name: str, lang: str, source: str = "en") -> str:
    """`lib.i18n.pick` on a `values()` row: the text in `lang`, else `source`, else any."""
    for code in (lang, source, *LANGUAGE_CODES):
        value = values.get(f"{name}_{code}")
        if value:
            return value
    return ""


class _Item:
    __slots__ = ()
    __getitem__ = object.__getattribute__  # see the module docstring


@dataclass(slots=True)
class OrgLink(_Item):
    url: str
    name: str
    label: str


@dataclass(slots=True)
class PeriodText(_Item):
    text: str
    note: str
    inferred: bool
    start: datetime.date
    end: datetime.date


@dataclass(slots=True)
class ActivityRow(_Item):
    activity: Activity
    url: str
    label: str  # "Activity 3"
    heading: str  # "Core priority 2.1"
    priority_url: str
    priority_title: str
    priority_lang: str
    text: str
    text_lang: str
    status: str
    status_text: str  # "On track · 80%", or "Last report: On track · 80%" when overdue
    overdue: bool
    leads: list
    leads_inherited: bool
    periods: list = field(default_factory=list)
    due_text: str = ""  # "due 30 June 2021", where a list shows it
    due_iso: str = ""  # the due date for a `datetime` attribute ("2021-06-30"), where a list shows it
    due_date_text: str = ""  # the due date as `|date:"DATE_FORMAT"` prints it (`RowBuilder.date_texts`)
    cells: list = field(default_factory=list)  # the calendar's quarter cells (views.Timeline)
    cells_html: str = ""  # those cells as rendered <td>s (views.Timeline.cells_html)
    leads_html: str = ""  # the leads as rendered links, where a list shows them (RowBuilder.leads_html)
    no_dates: bool = False


class RowBuilder:
    """Builds `ActivityRow`s of one plan's activities without queries, from activities of
    `Activity.objects.for_rows()` (or `for_calendar()`) given `period_list` and `lead_list` by
    `models.attach_row_details`."""

    def __init__(self, plan, today: datetime.date, text_length: int = 400):
        self.today = today
        self.lang = active_language()
        self.text_length = text_length
        self.activity_url = url_pattern("workplan:activity", last=_INT)
        # Rows of several plans (plan None) reverse each priority's URL once.
        self.priority_url = url_pattern("workplan:priority", plan.slug) if plan is not None else None
        self.org_url = url_pattern("taxonomy:organisation")
        self.status_labels = {value: str(label) for value, label in Status.choices}
        self.activity_label = gettext("Activity %(number)s")
        self.unnumbered_label = gettext("Unnumbered activity")
        self.percent_format = gettext("%(status)s · %(percent)s")
        self.last_report_format = gettext("Last report: %(status)s")
        self._status_texts: dict = {}
        self._dates: dict = {}
        self._leads_html: dict = {}
        self._orgs: dict = {}
        self._priorities: dict = {}

    def status_text(self, status: str, percent, overdue: bool) -> str:
        """The status as a phrase. An overdue activity's status is its lead's last report, and
        says so: "Overdue" beside a plain "On track" would contradict it."""
        key = (status, percent, overdue)
        text = self._status_texts.get(key)
        if text is None:
            text = self.status_labels.get(status, status)
            if percent is not None:
                text = self.percent_format % {"status": text, "percent": percent_text(percent)}
            if overdue:
                text = self.last_report_format % {"status": text}
            self._status_texts[key] = text
        return text

    def date_texts(self, day: datetime.date | None) -> tuple[str, str]:
        """`day|date:'Y-m-d'` and `day|date:"DATE_FORMAT"`, once per date and request: lists
        repeat the same few due dates (quarter ends) on many rows."""
        if day is None:
            return "", ""
        found = self._dates.get(day)
        if found is None:
            found = self._dates[day] = (date_format(day, "Y-m-d"), date_format(day, "DATE_FORMAT"))
        return found

    def leads_html(self, leads: list) -> str:
        """`leads` (OrgLinks of `org()`) as workplan/includes/lead_links.html renders them, once per
        distinct list: rows of one priority repeat its leads."""
        key = tuple(id(link) for link in leads)
        html = self._leads_html.get(key)
        if html is None:
            # The template file's final newline is not part of the list.
            html = self._leads_html[key] = mark_safe(
                render_to_string("workplan/includes/lead_links.html", {"leads": leads}).rstrip("\n")
            )
        return html

    def org(self, org) -> OrgLink:
        link = self._orgs.get(org.pk)
        if link is None:
            link = self._orgs[org.pk] = OrgLink(self.org_url.format(org.slug), org.name, org.label)
        return link

    def priority(self, priority) -> tuple[str, str, str, str]:
        """(heading, URL, title shortened to 140 characters, its language), once per priority."""
        found = self._priorities.get(priority.pk)
        if found is None:
            title, lang = text_and_lang(priority, "title", self.lang)
            found = self._priorities[priority.pk] = (
                priority.heading,
                self.priority_url.format(priority.slug) if self.priority_url else priority.get_absolute_url(),
                shorten(title, 140),
                lang,
            )
        return found

    def row(self, activity, *, with_periods=True) -> ActivityRow:
        overdue = activity.is_overdue(self.today)
        heading, priority_url, priority_title, priority_lang = self.priority(activity.priority)
        text, text_lang = text_and_lang(activity, "text", self.lang)
        number = activity.number
        return ActivityRow(
            activity=activity,
            url=self.activity_url.format(activity.pk),
            label=self.activity_label % {"number": number} if number else self.unnumbered_label,
            heading=heading,
            priority_url=priority_url,
            priority_title=priority_title,
            priority_lang=priority_lang,
            text=shorten(text, self.text_length),
            text_lang=text_lang,
            status=activity.status,
            status_text=self.status_text(activity.status, activity.percent_complete, overdue),
            overdue=overdue,
            leads=[self.org(o) for o in activity.lead_list],
            leads_inherited=activity.leads_inherited,
            periods=[PeriodText(**p) for p in describe_periods(activity.period_list)] if with_periods else [],
        )


def attach_priorities(activities, plan=None) -> list:
    """Share one Priority instance per priority among `activities`, with `plan` attached when they
    are all of one plan, and return the list. Prefetch on the priorities afterwards if needed."""
    activities = list(activities)
    priorities: dict = {}
    for activity in activities:
        priority = priorities.get(activity.priority_id)
        if priority is None:
            priority = priorities[activity.priority_id] = activity.priority
            if plan is not None:
                priority.workplan = plan
        activity.priority = priority
    return activities

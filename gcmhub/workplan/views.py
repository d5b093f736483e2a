"""The work plan's public reading pages: overview, priority, filtered activity list, calendar of
action and dashboard. Every page reads in a fixed number of queries, whatever the plan's size."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from html import escape as escape_text

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Value, When, prefetch_related_objects
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from gcmhub.knowledge.models import Resource
from gcmhub.lib.i18n import LANGUAGE_CODES, active_language
from gcmhub.lib.params import paginate
from gcmhub.taxonomy.models import Organisation
from gcmhub.workplan import charts
from gcmhub.workplan.calendar import DAY_MONTH_YEAR, MONTH_YEAR, Quarter, describe_periods, quarters_between
from gcmhub.workplan.filters import ActivityFilterForm, period_bounds
from gcmhub.workplan.models import (
    CLOSED_STATUSES,
    Activity,
    ActivityOrganisation,
    ActivityPeriod,
    Involvement,
    Priority,
    PriorityOrganisation,
    Status,
    WorkPlan,
)

PAGE_SIZE = 25

KIND_GROUPS = [
    (Priority.Kind.CORE, _("Core priorities")),
    (Priority.Kind.WORKING_GROUP, _("Thematic working groups")),
    (Priority.Kind.THEMATIC, _("Thematic priorities")),
]

STATUS_RANK = Case(
    *[When(status=s, then=Value(i)) for i, s in enumerate(charts.STATUS_ORDER)],
    default=Value(99),
    output_field=IntegerField(),
)

# sort parameter -> (label, ordering). "number" is the plan's own order.
SORTS = {
    "number": (_("Plan order"), ("priority__order", "order", "pk")),
    "due": (_("Due date, earliest first"), (F("due_date").asc(nulls_last=True), "priority__order", "order", "pk")),
    "-due": (_("Due date, latest first"), (F("due_date").desc(nulls_last=True), "priority__order", "order", "pk")),
    "status": (_("Status"), ("status_rank", "priority__order", "order", "pk")),
}

FILTER_FIELDS = tuple(ActivityFilterForm.base_fields)


def _get_plan(slug: str) -> WorkPlan:
    return get_object_or_404(WorkPlan, slug=slug)


def _no_plan(request):
    return render(request, "workplan/no_plan.html", status=404)


def _priority_involvements():
    # An explicit order: the default ("priority", ...) follows Priority's and WorkPlan's orderings
    # through two joins, which costs more to compile than to run.
    return Prefetch(
        "involvements",
        queryset=PriorityOrganisation.objects.select_related("organisation").order_by("role", "order", "pk"),
    )


def _rows_queryset(qs):
    """What a row shows, like `for_list()` but with periods and involvements as plain lists
    (`period_list`, `involvement_list`): Django clones a queryset per instance for each plain
    prefetch, which on a 120-row page costs more than the queries. Finish with `_finish_rows`."""
    return qs.select_related("priority").prefetch_related(
        Prefetch("periods", queryset=ActivityPeriod.objects.order_by("order", "pk"), to_attr="period_list"),
        Prefetch(
            "involvements",
            queryset=ActivityOrganisation.objects.select_related("organisation").order_by("role", "order", "pk"),
            to_attr="involvement_list",
        ),
    )


def _finish_rows(activities, plan: WorkPlan) -> list[Activity]:
    """Share one Priority instance per priority, attach `plan` to it (all rows are of one plan)
    and load the priorities' organisations once (one query)."""
    activities = list(activities)
    priorities: dict = {}
    for activity in activities:
        priority = priorities.get(activity.priority_id)
        if priority is None:
            priority = priorities[activity.priority_id] = activity.priority
            priority.workplan = plan
        activity.priority = priority
    prefetch_related_objects(list(priorities.values()), _priority_involvements())
    return activities


def _leads(activity) -> tuple[list, bool]:
    """The activity's lead organisations, and whether they come from its priority."""
    own = [i.organisation for i in activity.involvement_list if i.role == Involvement.LEAD]
    if own:
        return own, False
    inherited = [i.organisation for i in activity.priority.involvements.all() if i.role == Involvement.LEAD]
    return inherited, bool(inherited)


@dataclass
class ActivityRow:
    """What a list row shows, with its repeated bits already rendered (templates are slow at
    per-row loops: a 120-row calendar would spend most of its time in them)."""

    activity: Activity
    periods: list
    leads: list
    leads_inherited: bool
    overdue: bool
    status_label: str = ""
    badge: str = ""
    leads_html: str = ""
    periods_html: str = ""
    cells_html: str = ""
    short: tuple = ()  # calendar rows: (activity URL, escaped label, text, its language) for short_item


class RowRenderer:
    """Builds ActivityRows from `for_list()` activities without queries; translations and
    organisation URLs are looked up once per request."""

    def __init__(self, today):
        self.today = today
        self.status_labels = {value: str(label) for value, label in Status.choices}
        self.overdue_text = gettext("Overdue")
        self.inferred_text = gettext("year inferred")
        self.ongoing_text = gettext("Ongoing")
        self.no_dates_text = gettext("No dates")
        self.none_named_text = gettext("None named")
        self._org_urls: dict = {}
        self._headings: dict = {}
        self._org_links: dict = {}
        self._badges: dict = {}
        self._due_months: dict = {}

    @cached_property
    def _activity_url(self) -> str:
        # One reverse() per request, not per row: activity URLs differ only by pk.
        return reverse("workplan:activity", args=[987654321]).replace("987654321", "{pk}")

    def activity_url(self, activity) -> str:
        return self._activity_url.format(pk=activity.pk)

    @staticmethod
    def shorten(text: str, length: int) -> str:
        """Truncator without its Unicode normalization pass (a plain cut is enough for a preview)."""
        return text if len(text) <= length else text[: length - 1].rstrip() + "…"

    def org_url(self, org) -> str:
        if org.pk not in self._org_urls:
            self._org_urls[org.pk] = org.get_absolute_url()
        return self._org_urls[org.pk]

    def row(self, activity: Activity, with_periods: bool = True) -> ActivityRow:
        """`activity` comes from `_rows_queryset` + `_finish_rows`. Without `with_periods`,
        `periods` and `periods_html` stay empty (the calendar draws periods as cells)."""
        leads, inherited = _leads(activity)
        overdue = activity.is_overdue(self.today)
        periods = describe_periods(activity.period_list) if with_periods else []
        status_label = self.status_labels.get(activity.status, activity.status)
        if activity.percent_complete is not None:
            status_label = gettext("%(status)s · %(percent)s%%") % {
                "status": status_label,
                "percent": activity.percent_complete,
            }
        badge = format_html('<span class="status status--{}">{}</span>', activity.status, status_label)
        if overdue:
            badge += format_html(' <span class="badge badge--overdue">{}</span>', self.overdue_text)
        if leads:
            leads_html = format_html_join(
                ", ", '<a href="{}" title="{}">{}</a>', ((self.org_url(o), o.name, o.label) for o in leads)
            )
        else:
            leads_html = format_html('<span class="muted">{}</span>', self.none_named_text)
        if not with_periods:
            periods_html = ""
        elif periods:
            periods_html = format_html(
                '<ul class="periods">{}</ul>',
                format_html_join(
                    "",
                    "<li>{}{}{}</li>",
                    (
                        (
                            p["text"],
                            format_html(" ({})", p["note"]) if p["note"] else "",
                            format_html(' <span class="badge badge--warn">{}</span>', self.inferred_text)
                            if p["inferred"]
                            else "",
                        )
                        for p in periods
                    ),
                ),
            )
        elif activity.ongoing:
            periods_html = self.ongoing_text
        else:
            periods_html = format_html('<span class="muted">{}</span>', self.no_dates_text)
        return ActivityRow(
            activity=activity,
            periods=periods,
            leads=leads,
            leads_inherited=inherited,
            overdue=overdue,
            status_label=status_label,
            badge=badge,
            leads_html=leads_html,
            periods_html=periods_html,
        )

    @cached_property
    def _lang(self) -> str:
        return active_language()

    @cached_property
    def _activity_label(self) -> str:
        return gettext("Activity %(number)s")

    @cached_property
    def _unnumbered_label(self) -> str:
        return gettext("Unnumbered activity")

    def _text_and_lang(self, obj, name: str) -> tuple[str, str]:
        """`pick(obj, name)` and `language_of(obj, name)` in one pass, with the language looked up
        once per request."""
        lang = self._lang
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

    def _org_link(self, org) -> str:
        """One lead's link, escaped, cached per organisation (as RowRenderer.row's leads_html)."""
        html = self._org_links.get(org.pk)
        if html is None:
            html = self._org_links[org.pk] = (
                f'<a href="{escape_text(self.org_url(org))}" title="{escape_text(org.name)}">'
                f"{escape_text(org.label)}</a>"
            )
        return html

    def _badge(self, status: str, percent, overdue: bool) -> str:
        """The status badge (as RowRenderer.row's), cached per status, percentage and lateness."""
        key = (status, percent, overdue)
        html = self._badges.get(key)
        if html is None:
            label = self.status_labels.get(status, status)
            if percent is not None:
                label = self._percent_format % {"status": label, "percent": percent}
            html = f'<span class="status status--{escape_text(status)}">{escape_text(label)}</span>'
            if overdue:
                html += self._overdue_badge
            self._badges[key] = html
        return html

    @cached_property
    def _percent_format(self) -> str:
        return gettext("%(status)s · %(percent)s%%")

    @cached_property
    def _overdue_badge(self) -> str:
        return f' <span class="badge badge--overdue">{escape_text(self.overdue_text)}</span>'

    @cached_property
    def _none_named(self) -> str:
        return f'<span class="muted">{escape_text(self.none_named_text)}</span>'

    def calendar_row(
        self, activity: Activity, leads: list, own_leads: bool, periods: list, timeline: "Timeline"
    ) -> ActivityRow:
        """The calendar's row for one activity, with `cells_html` (header cell, then one cell per
        quarter) and the bits `short_item` needs. `leads` are the activity's lead organisations
        (`own_leads`) or else its priority's, `periods` its `(start, end, year_inferred)` triples.
        Plain string building of escaped pieces: the same markup as `row`, whose `format_html`
        calls cost too much per row."""
        inherited = bool(leads) and not own_leads
        today = self.today
        overdue = bool(
            activity.due_date
            and activity.due_date < today
            and not activity.ongoing
            and activity.status not in CLOSED_STATUSES
        )
        badge = self._badge(activity.status, activity.percent_complete, overdue)
        leads_html = ", ".join([self._org_link(o) for o in leads]) if leads else self._none_named
        extras = ""
        if activity.ongoing:
            extras += self._ongoing_cell_badge
        if not periods:
            extras += self._no_dates_cell
        number = activity.number
        label = escape_text(self._activity_label % {"number": number} if number else self._unnumbered_label)
        text, lang = self._text_and_lang(activity, "text")
        activity_url = self._activity_url.format(pk=activity.pk)
        row = ActivityRow(
            activity=activity,
            periods=[],
            leads=leads,
            leads_inherited=inherited,
            overdue=overdue,
            status_label="",
            badge=SafeString(badge),
            leads_html=SafeString(leads_html),  # escaped above
        )
        row.cells_html = SafeString(  # every piece is escaped above or fixed markup
            f'<th scope="row"><a href="{escape_text(activity_url)}">{label}</a> {badge}{extras}'
            f'<span class="timeline__text" lang="{escape_text(lang)}">{escape_text(self.shorten(text, 80))}</span>'
            f"</th>{timeline.cells(periods)}"
        )
        row.short = (activity_url, label, text, lang)
        return row

    @cached_property
    def _ongoing_cell_badge(self) -> str:
        return f' <span class="badge">{escape_text(self.ongoing_badge_text)}</span>'

    @cached_property
    def _no_dates_cell(self) -> str:
        return f' <span class="muted">{escape_text(self.no_dates_cell_text)}</span>'

    def heading(self, priority) -> str:
        if priority.pk not in self._headings:
            self._headings[priority.pk] = priority.heading
        return self._headings[priority.pk]

    def _due_text(self, day) -> str:
        """'due 25 Nov. 2026', escaped. DAY_MONTH_YEAR is "j N Y": the "N Y" part is formatted
        once per month (dates rarely repeat, months do)."""
        if DAY_MONTH_YEAR != f"j {MONTH_YEAR}":
            return escape_text(self._due_format % {"date": date_format(day, DAY_MONTH_YEAR)})
        month = self._due_months.get((day.year, day.month))
        if month is None:
            month = self._due_months[(day.year, day.month)] = date_format(day, MONTH_YEAR)
        return escape_text(self._due_format % {"date": f"{day.day} {month}"})

    @cached_property
    def _due_format(self) -> str:
        return gettext("due %(date)s")

    def short_item(self, row: ActivityRow) -> str:
        """One entry of the calendar's "due this quarter" and "overdue" lists (a `calendar_row`)."""
        activity = row.activity
        activity_url, label, text, lang = row.short
        leads = f" · {row.leads_html}" if row.leads else ""
        return (
            f'<li><a href="{escape_text(activity_url)}">{escape_text(self.heading(activity.priority))} – {label}</a>'
            f' {row.badge} <span class="meta">{self._due_text(activity.due_date)}{leads}</span><br>'
            f'<span lang="{escape_text(lang)}">{escape_text(self.shorten(text, 160))}</span></li>'
        )

    @cached_property
    def ongoing_badge_text(self) -> str:
        return gettext("ongoing")

    @cached_property
    def no_dates_cell_text(self) -> str:
        return gettext("no dates")


class Timeline:
    """The calendar's quarter columns: each quarter's bounds and cell markup worked out once per
    request, and the cells of each distinct set of periods built once."""

    def __init__(self, quarters: list, current):
        scheduled = escape_text(gettext("scheduled"))
        inferred = escape_text(gettext("scheduled (year inferred)"))
        self.columns = []
        for quarter in quarters:
            now = " q--now" if quarter == current else ""
            self.columns.append(
                (
                    quarter.start,
                    quarter.end,
                    f'<td class="q q--on{now}"><span class="visually-hidden">{scheduled}</span></td>',
                    f'<td class="q q--inferred{now}"><span class="visually-hidden">{inferred}</span></td>',
                    f'<td class="q{now}"></td>',
                )
            )
        self._cache: dict = {}

    def cells(self, periods: list) -> str:
        """The quarter cells for `(start, end, year_inferred)` periods, as in `calendar.coverage`:
        scheduled, or inferred when every period touching the quarter has an inferred year."""
        key = tuple(periods)
        html = self._cache.get(key)
        if html is None:
            states = [2] * len(self.columns)  # 0 scheduled, 1 inferred, 2 empty
            for start, end, inferred in periods:
                for i, column in enumerate(self.columns):
                    if start <= column[1] and end >= column[0]:
                        if not inferred:
                            states[i] = 0
                        elif states[i] == 2:
                            states[i] = 1
            html = self._cache[key] = "".join(
                [column[2 + state] for column, state in zip(self.columns, states, strict=True)]
            )
        return html


def _plan_links(plan: WorkPlan, query: str = "") -> dict:
    suffix = f"?{query}" if query else ""
    return {
        "csv": reverse("workplan:export_csv", args=[plan.slug]) + suffix,
        "xlsx": reverse("workplan:export_xlsx", args=[plan.slug]) + suffix,
        "pdf": reverse("workplan:report_pdf", args=[plan.slug]) + suffix,
        "ics": reverse("feeds:workplan_ics", args=[plan.slug]),
    }


def _redirect_to_current(request, name: str):
    """Redirect to page `name` of the current plan, keeping the filters in the query string."""
    plan = WorkPlan.objects.current()
    if plan is None:
        return _no_plan(request)
    url = reverse(name, args=[plan.slug])
    return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)


@require_safe
def index(request):
    return _redirect_to_current(request, "workplan:overview")


@require_safe
def calendar_current(request):
    return _redirect_to_current(request, "workplan:calendar")


@require_safe
def dashboard_current(request):
    return _redirect_to_current(request, "workplan:dashboard")


@dataclass
class PriorityCard:
    priority: Priority
    counts: dict
    total: int
    completed: int
    overdue: int
    leads: list
    leads_inherited: bool
    bar: list  # (status, label, count, percent)
    mix: list  # (label, count) for statuses with activities


@require_safe
def overview(request, plan):
    plan = _get_plan(plan)
    today = timezone.localdate()
    quarter = Quarter.of(today)
    priorities = list(
        plan.priorities.select_related("thematic_area").prefetch_related("objectives", _priority_involvements())
    )
    open_q = ~Q(status__in=CLOSED_STATUSES)
    counts = (
        Activity.objects.filter(priority__workplan=plan)
        .values("priority_id", "status")
        .annotate(
            n=Count("id"),
            overdue=Count("id", filter=open_q & Q(due_date__lt=today, ongoing=False)),
            due_quarter=Count("id", filter=open_q & Q(due_date__gte=quarter.start, due_date__lte=quarter.end)),
        )
        .order_by()
    )
    by_priority: dict = defaultdict(Counter)
    overdue_by_priority: Counter = Counter()
    plan_status: Counter = Counter()
    overdue_total = due_quarter_total = 0
    for row in counts:
        by_priority[row["priority_id"]][row["status"]] += row["n"]
        overdue_by_priority[row["priority_id"]] += row["overdue"]
        plan_status[row["status"]] += row["n"]
        overdue_total += row["overdue"]
        due_quarter_total += row["due_quarter"]
    # Thematic priorities name their leads per activity: show those when the priority names none.
    activity_leads: dict = defaultdict(dict)
    for inv in (
        ActivityOrganisation.objects.filter(activity__priority__workplan=plan, role=Involvement.LEAD)
        .select_related("organisation")
        .annotate(priority_pk=F("activity__priority_id"))
        .order_by("organisation__name_en")
    ):
        activity_leads[inv.priority_pk].setdefault(inv.organisation.pk, inv.organisation)
    groups = []
    for kind, heading in KIND_GROUPS:
        cards = [
            _card(p, by_priority[p.pk], overdue_by_priority[p.pk], activity_leads[p.pk])
            for p in priorities
            if p.kind == kind
        ]
        if cards:
            groups.append({"kind": kind, "heading": heading, "cards": cards})
    total = sum(plan_status.values())
    return render(
        request,
        "workplan/overview.html",
        {
            "plan": plan,
            "groups": groups,
            "summary": {
                "total": total,
                "by_status": [(s, plan_status.get(s.value, 0)) for s in charts.STATUS_ORDER],
                "overdue": overdue_total,
                "due_quarter": due_quarter_total,
                "quarter": quarter,
            },
            "links": _plan_links(plan),
        },
    )


def _card(priority, counts: Counter, overdue: int, activity_leads: dict) -> PriorityCard:
    total = sum(counts.values())
    leads = [i.organisation for i in priority.involvements.all() if i.role == Involvement.LEAD]
    inherited = False
    if not leads and activity_leads:
        leads, inherited = list(activity_leads.values()), True
    bar = (
        [
            (s, s.label, counts[s.value], round(100 * counts[s.value] / total, 1))
            for s in charts.STATUS_ORDER
            if counts.get(s.value)
        ]
        if total
        else []
    )
    return PriorityCard(
        priority=priority,
        counts=dict(counts),
        total=total,
        completed=counts.get(Status.COMPLETED, 0),
        overdue=overdue,
        leads=leads,
        leads_inherited=inherited,
        bar=bar,
        mix=[(label, n) for _s, label, n, _pct in bar],
    )


def published_outputs(condition: Q):
    """Published Hub resources that are outputs of a priority or activity (lazy: one query when
    `workplan/includes/outputs.html` reads it)."""
    return (
        Resource.objects.published()
        .filter(condition)
        .distinct()
        .only("slug", "kind", "source_language", "title_en", "title_fr", "title_es", "publication_date", "published_at")
        .order_by("-publication_date", "-id")
    )


@require_safe
def priority_detail(request, plan, priority):
    priority = get_object_or_404(
        Priority.objects.select_related("workplan", "thematic_area").prefetch_related(
            "objectives", _priority_involvements()
        ),
        workplan__slug=plan,
        slug=priority,
    )
    today = timezone.localdate()
    renderer = RowRenderer(today)
    rows = [renderer.row(a) for a in _finish_rows(_rows_queryset(priority.activities.all()), priority.workplan)]
    involvements = list(priority.involvements.all())
    return render(
        request,
        "workplan/priority_detail.html",
        {
            "plan": priority.workplan,
            "priority": priority,
            "rows": rows,
            "roles": [
                (role, label, [i for i in involvements if i.role == role])
                for role, label in (
                    (Involvement.LEAD, gettext("Lead organisations")),
                    (Involvement.PARTICIPANT, gettext("Participating organisations")),
                    (Involvement.OBSERVER, gettext("Observers")),
                )
            ],
            "status_counts": Counter(r.activity.status for r in rows),
            "completed": sum(1 for r in rows if r.activity.status == Status.COMPLETED),
            "outputs": published_outputs(Q(output_of_priority=priority) | Q(output_of_activity__priority=priority)),
        },
    )


def _filter_query(request) -> str:
    """The filter part of the query string (no page, no sort), for export links and resets."""
    params = QueryDict(mutable=True)
    for key in FILTER_FIELDS:
        values = [v for v in request.GET.getlist(key) if v]
        if values:
            params.setlist(key, values)
    return params.urlencode()


def _chips(request, form: ActivityFilterForm) -> list[dict]:
    """One removable chip per filter in use."""
    chips = []
    for key, value in form.active_filters().items():
        form_field = form.fields[key]
        if key == "overdue":
            shown = gettext("yes")
        elif hasattr(form_field, "choices"):
            shown = str(dict(form_field.choices).get(value, value))
        elif key == "period":
            bounds = period_bounds(value)
            shown = Quarter.of(bounds[0]).label if "Q" in value else value
        else:
            shown = value
        params = request.GET.copy()
        params.pop(key, None)
        params.pop("page", None)
        chips.append(
            {
                "key": key,
                "label": form_field.label,
                "value": shown,
                "remove_url": "?" + params.urlencode() if params else "?",
            }
        )
    return chips


def _filter_fields(form: ActivityFilterForm) -> list[dict]:
    """The filter form's fields with their options worked out here: Django's widget templates
    render each <option> through a template, which costs more than the rest of the page."""
    items = []
    for bound in form:
        value = bound.data if form.is_bound else bound.initial
        item = {"field": bound, "checkbox": bound.name == "overdue", "options": None, "value": value or ""}
        if hasattr(bound.field, "choices"):
            current = "" if value is None else str(value)
            item["options"] = [(str(v), label, str(v) == current) for v, label in bound.field.choices]
        items.append(item)
    return items


def _plan_activities(plan):
    return Activity.objects.filter(priority__workplan=plan)


@require_safe
def activity_list(request, plan):
    plan = _get_plan(plan)
    today = timezone.localdate()
    form = ActivityFilterForm(request.GET or None, workplan=plan)
    qs = form.filter(_plan_activities(plan), today=today)
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "number"
    if sort == "status":
        qs = qs.annotate(status_rank=STATUS_RANK)
    qs = _rows_queryset(qs.order_by(*SORTS[sort][1]))
    page = paginate(qs, PAGE_SIZE, request.GET.get("page"))
    renderer = RowRenderer(today)
    query = _filter_query(request)
    return render(
        request,
        "workplan/activity_list.html",
        {
            "plan": plan,
            "form": form,
            "page": page,
            "rows": [renderer.row(a) for a in _finish_rows(page.object_list, plan)],
            "chips": _chips(request, form),
            "filter_fields": _filter_fields(form),
            "sort": sort,
            "sorts": [(key, label) for key, (label, _order) in SORTS.items()],
            "filter_query": query,
            "links": _plan_links(plan, query),
        },
    )


class GroupRows(list):
    """One priority's calendar rows, with `html`: their table rows joined (a template loop over
    120 rows costs more than the join)."""

    html = ""


# What separated the rows when calendar.html looped over them: the rendered page stays the same.
ROW_SEPARATOR = "\n" + " " * 28

# What the calendar reads of an activity and its priority: skipping the rest (the status update
# time, the deadline as written...) saves converting them on every row.
CALENDAR_FIELDS = (
    "id",
    "priority_id",
    "number",
    "order",
    "text_en",
    "text_fr",
    "text_es",
    "source_language",
    "ongoing",
    "due_date",
    "status",
    "percent_complete",
    "priority__id",
    "priority__workplan_id",
    "priority__kind",
    "priority__code",
    "priority__slug",
    "priority__order",
    "priority__title_en",
    "priority__title_fr",
    "priority__title_es",
    "priority__source_language",
)


@dataclass
class CalendarData:
    """The calendar's activities (one Priority instance per priority, its `workplan` attached, as
    `_finish_rows` does) and, by pk, each activity's periods as `(start, end, year_inferred)`
    triples, its own lead organisations and each priority's. Periods and involvements come as
    plain rows, not model instances: the calendar needs no more."""

    activities: list
    periods: dict
    leads: dict
    priority_leads: dict


_ORG_FIELDS = ("id", "slug", "name_en", "name_fr", "name_es", "acronym_en", "acronym_fr", "acronym_es")


def _calendar_rows(qs, plan: WorkPlan) -> CalendarData:
    activities = list(qs.select_related("priority").only(*CALENDAR_FIELDS))
    priorities: dict = {}
    for activity in activities:
        priority = priorities.get(activity.priority_id)
        if priority is None:
            priority = priorities[activity.priority_id] = activity.priority
            priority.workplan = plan
        activity.priority = priority
    data = CalendarData(
        activities, {a.pk: [] for a in activities}, {a.pk: [] for a in activities}, {pk: [] for pk in priorities}
    )
    if not activities:
        return data
    for activity_id, start, end, inferred in (
        ActivityPeriod.objects.filter(activity_id__in=list(data.periods))
        .order_by("order", "pk")
        .values_list("activity_id", "start", "end", "year_inferred")
    ):
        data.periods[activity_id].append((start, end, inferred))
    organisations: dict = {}
    org_columns = [f"organisation__{f}" for f in _ORG_FIELDS]
    for model, key, owners, found in (
        (PriorityOrganisation, "priority_id", list(priorities), data.priority_leads),
        (ActivityOrganisation, "activity_id", list(data.leads), data.leads),
    ):
        for owner, *values in (
            model.objects.filter(**{f"{key}__in": owners}, role=Involvement.LEAD)
            .order_by("order", "pk")
            .values_list(key, *org_columns)
        ):
            org = organisations.get(values[0])
            if org is None:
                org = organisations[values[0]] = Organisation(**dict(zip(_ORG_FIELDS, values, strict=True)))
            found[owner].append(org)
    return data


@require_safe
def calendar(request, plan):
    plan = _get_plan(plan)
    today = timezone.localdate()
    current = Quarter.of(today)
    form = ActivityFilterForm(request.GET or None, workplan=plan)
    data = _calendar_rows(form.filter(_plan_activities(plan), today=today), plan)
    activities = data.activities
    quarters = quarters_between(plan.period_start, plan.period_end)
    timeline = Timeline(quarters, current)
    renderer = RowRenderer(today)
    rows = {}
    groups: dict = {}
    for activity in activities:
        row = rows[activity.pk] = renderer.calendar_row(
            activity,
            data.leads[activity.pk] or data.priority_leads[activity.priority_id],
            bool(data.leads[activity.pk]),
            data.periods[activity.pk],
            timeline,
        )
        groups.setdefault(activity.priority_id, (activity.priority, GroupRows()))[1].append(row)
    for _priority, group_rows in groups.values():
        group_rows.html = SafeString("".join([f"<tr>{r.cells_html}</tr>{ROW_SEPARATOR}" for r in group_rows]))
    start, end = current.start, current.end
    due_now = sorted(
        (
            r
            for r in rows.values()
            if r.activity.status not in CLOSED_STATUSES and r.activity.due_date and start <= r.activity.due_date <= end
        ),
        key=lambda r: (r.activity.due_date, r.activity.priority.order, r.activity.order),
    )
    overdue = sorted(
        (r for r in rows.values() if r.overdue), key=lambda r: (r.activity.due_date, r.activity.priority.order)
    )
    query = _filter_query(request)
    return render(
        request,
        "workplan/calendar.html",
        {
            "plan": plan,
            "form": form,
            "chips": _chips(request, form),
            "filter_fields": _filter_fields(form),
            "quarters": [(q, q == current) for q in quarters],
            "current_quarter": current,
            "current_in_plan": current in quarters,
            "groups": list(groups.values()),
            "count": len(activities),
            "due_now": due_now,
            "overdue": overdue,
            "due_now_html": mark_safe("".join([renderer.short_item(r) for r in due_now])),  # escaped in short_item
            "overdue_html": mark_safe("".join([renderer.short_item(r) for r in overdue])),
            "today": today,
            "filter_query": query,
            "links": _plan_links(plan, query),
        },
    )


@require_safe
def dashboard(request, plan):
    plan = _get_plan(plan)
    today = timezone.localdate()
    priorities = list(plan.priorities.all())
    activities = _finish_rows(
        _plan_activities(plan)
        .select_related("priority__thematic_area")
        .prefetch_related(
            Prefetch(
                "involvements",
                queryset=ActivityOrganisation.objects.select_related("organisation").order_by("role", "order", "pk"),
                to_attr="involvement_list",
            )
        ),
        plan,
    )
    summary = charts.status_summary(activities, today)
    return render(
        request,
        "workplan/dashboard.html",
        {
            "plan": plan,
            "summary": summary,
            "completed_text": ngettext(
                "%(done)s of %(total)s activity completed",
                "%(done)s of %(total)s activities completed",
                summary["total"],
            )
            % {"done": dict(summary["by_status"]).get(Status.COMPLETED, 0), "total": summary["total"]},
            "stacked": [
                charts.status_by_priority(priorities, activities),
                charts.status_by_thematic_area(activities),
                charts.status_by_lead(activities, leads_of=lambda a: _leads(a)[0]),
            ],
            "deadlines": charts.deadlines_by_quarter(
                activities, quarters_between(plan.period_start, plan.period_end), today
            ),
            "today": today,
            "links": _plan_links(plan),
        },
    )

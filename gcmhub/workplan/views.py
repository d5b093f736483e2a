"""The work plan's public reading pages: overview, priority, filtered activity list, calendar of
action and dashboard. Every page reads in a fixed number of queries, whatever the plan's size;
the querysets are shaped by `Activity.objects.for_rows()`/`for_calendar()`, the rows' plain
values by `rows.RowBuilder`, and the markup is the templates'.

What the pages show is the same for every visitor: each view finds its plan (a 404 otherwise) and
hands the template a `content` function that computes the rest; the template keeps the rendered
part with `{% fragment … using content %}` (gcmhub.pagecache: per plan, filters, language and
generation of the data), so a page already rendered since the last change of the work plan costs
its visitor the chrome and one look-up, signed in or not, and `content` is not called."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import partial

from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from gcmhub.lib.display import show
from gcmhub.lib.formats import number_text
from gcmhub.lib.i18n import translated_names
from gcmhub.lib.params import paginate
from gcmhub.lib.prepared import prepared
from gcmhub.taxonomy.models import Objective
from gcmhub.workplan import charts
from gcmhub.workplan.calendar import Quarter, period_bounds, quarters_between
from gcmhub.workplan.filters import ActivityFilterForm
from gcmhub.workplan.models import (
    CLOSED_STATUSES,
    Activity,
    ActivityOrganisation,
    Involvement,
    Priority,
    PriorityOrganisation,
    Status,
    WorkPlan,
    attach_row_details,
    overdue_q,
)
from gcmhub.workplan.rows import _INT, RowBuilder, attach_priorities, text_and_lang, url_pattern

PAGE_SIZE = 25
# The calendar lists at most this many activities due this quarter or overdue, then links to the
# whole list (the timeline is what the page is for).
LIST_LIMIT = 10

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


@prepared
def plan_by_slug(slug: str):
    return WorkPlan.objects.filter(slug=slug)


def _get_plan(slug: str) -> WorkPlan:
    """The plan of a page, or 404 (compiled once: every page of a plan asks)."""
    found = plan_by_slug(slug)
    if not found:
        raise Http404("No work plan has this address.")
    return found[0]


def _no_plan(request):
    return render(request, "workplan/no_plan.html", status=404)


def _plan_activities(plan):
    return Activity.objects.filter(priority__workplan=plan)


def _rows(activities, plan, today, **kwargs) -> list:
    """`for_rows()` activities of one plan as `ActivityRow`s: three more queries (periods and
    lead organisations)."""
    activities = attach_row_details(attach_priorities(activities, plan))
    builder = RowBuilder(plan, today, **kwargs)
    rows = [builder.row(a) for a in activities]
    for row in rows:
        row.leads_html = builder.leads_html(row.leads)
    return rows


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


# --- Overview ---------------------------------------------------------------------------------


@dataclass
class PriorityCard:
    """One priority of the overview, as plain values."""

    priority: Priority
    url: str
    heading: str
    title: str
    title_lang: str
    area: tuple | None  # (label, URL)
    objectives: list  # (number, URL, short label)
    leads: list  # OrgLink
    leads_inherited: bool
    total: int
    completed: int
    overdue: int
    progress_text: str = ""
    overdue_text: str = ""
    leads_html: str = ""  # `leads` rendered (RowBuilder.leads_html)
    bar: list = field(default_factory=list)  # (status, percent as text)
    mix: list = field(default_factory=list)  # "On track: 3"


@require_safe
def overview(request, plan):
    plan = _get_plan(plan)
    return render(request, "workplan/overview.html", {"plan": plan, "content": partial(overview_content, plan)})


# The overview's lists of one plan, compiled once per process (`lib.prepared`): building and
# compiling these queries cost more than running them. Each priority's objectives and
# organisations come as plain lists (`objective_list`, `involvement_list`), in the orders
# `prefetch_related` gave.
@prepared
def _plan_priorities(plan_id: int):
    return Priority.objects.filter(workplan_id=plan_id).select_related("thematic_area")


@prepared
def _plan_priority_objectives(plan_id: int):
    return (
        Priority.objectives.through.objects.filter(priority__workplan_id=plan_id)
        .select_related("objective")
        .order_by("objective__number", "objective_id")
    )


@prepared
def _plan_involvements(plan_id: int):
    return (
        PriorityOrganisation.objects.filter(priority__workplan_id=plan_id)
        .select_related("organisation")
        .order_by("role", "order", "pk")
    )


@prepared
def _plan_activity_leads(plan_id: int):
    return (
        ActivityOrganisation.objects.filter(activity__priority__workplan_id=plan_id, role=Involvement.LEAD)
        .select_related("organisation")
        .annotate(priority_pk=F("activity__priority_id"))
        .order_by("organisation__name_en")
    )


def _plan_priorities_with_lists(plan) -> list:
    priorities = _plan_priorities(plan.pk)
    objectives: dict = defaultdict(list)
    for link in _plan_priority_objectives(plan.pk):
        objectives[link.priority_id].append(link.objective)
    involvements: dict = defaultdict(list)
    for involvement in _plan_involvements(plan.pk):
        involvements[involvement.priority_id].append(involvement)
    for priority in priorities:
        priority.workplan = plan
        show(priority, objective_list=objectives[priority.pk], involvement_list=involvements[priority.pk])
    return priorities


def overview_content(plan) -> dict:
    today = timezone.localdate()
    quarter = Quarter.of(today)
    priorities = _plan_priorities_with_lists(plan)
    open_q = ~Q(status__in=CLOSED_STATUSES)
    counts = (
        _plan_activities(plan)
        .values("priority_id", "status")
        .annotate(
            n=Count("id"),
            overdue=Count("id", filter=overdue_q(today)),
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
    for inv in _plan_activity_leads(plan.pk):
        activity_leads[inv.priority_pk].setdefault(inv.organisation.pk, inv.organisation)
    builder = RowBuilder(plan, today)
    words = _CardWords(builder)
    groups = []
    for kind, heading in KIND_GROUPS:
        cards = [
            words.card(p, by_priority[p.pk], overdue_by_priority[p.pk], activity_leads[p.pk])
            for p in priorities
            if p.kind == kind
        ]
        if cards:
            groups.append({"kind": kind, "heading": heading, "cards": cards})
    total = sum(plan_status.values())
    activities_url = reverse("workplan:activities", args=[plan.slug])
    return {
        "plan_lang": text_and_lang(plan, "title", builder.lang)[1],
        "groups": groups,
        "summary": {
            "total": total,
            "by_status": [
                (s.value, s.label, plan_status.get(s.value, 0), f"{activities_url}?status={s.value}")
                for s in charts.STATUS_ORDER
            ],
            "overdue": overdue_total,
            "due_quarter": due_quarter_total,
            "quarter": quarter,
        },
        "activities_url": activities_url,
        "links": _plan_links(plan),
    }


class _CardWords:
    """The overview cards' words and URLs, translated and reversed once per request."""

    def __init__(self, builder: RowBuilder):
        self.builder = builder
        self.objective_url = url_pattern("taxonomy:objective", last=_INT)
        self.area_url = url_pattern("taxonomy:thematic_area", last=_INT)
        self.mix_format = gettext("%(label)s: %(value)s")
        self.status_labels = builder.status_labels

    def card(self, priority, counts: Counter, overdue: int, activity_leads: dict) -> PriorityCard:
        total = sum(counts.values())
        completed = counts.get(Status.COMPLETED, 0)
        leads = [i.organisation for i in priority.involvement_list if i.role == Involvement.LEAD]
        inherited = False
        if not leads and activity_leads:
            leads, inherited = list(activity_leads.values()), True
        heading, url, _title, _lang = self.builder.priority(priority)
        title, title_lang = text_and_lang(priority, "title", self.builder.lang)
        area = priority.thematic_area
        card = PriorityCard(
            priority=priority,
            url=url,
            heading=heading,
            title=_words(title, 30) if priority.code else "",
            title_lang=title_lang,
            area=(str(area), self.area_url.format(area.number)) if area else None,
            objectives=[(o.number, self.objective_url.format(o.number), o.short) for o in priority.objective_list],
            leads=[self.builder.org(o) for o in leads],
            leads_inherited=inherited,
            total=total,
            completed=completed,
            overdue=overdue,
        )
        card.leads_html = self.builder.leads_html(card.leads)
        if total:
            card.progress_text = ngettext(
                "%(done)s of %(total)s activity completed", "%(done)s of %(total)s activities completed", total
            ) % {"done": number_text(completed), "total": number_text(total)}
            if overdue:
                card.overdue_text = ngettext("%(n)s overdue", "%(n)s overdue", overdue) % {"n": number_text(overdue)}
            for status in charts.STATUS_ORDER:
                n = counts.get(status.value)
                if n:
                    card.bar.append((status.value, f"{100 * n / total:.1f}"))
                    card.mix.append(
                        self.mix_format % {"label": self.status_labels[status.value], "value": number_text(n)}
                    )
        return card


def _words(text: str, count: int) -> str:
    """`truncatewords` without the template filter's per-call setup."""
    words = text.split()
    return text if len(words) <= count else " ".join(words[:count]) + "…"


# --- Priority ---------------------------------------------------------------------------------


def published_outputs(queryset):
    """Published Hub resources among `queryset`, read through the priority's or activity's
    reverse relation (`resources`) and the resources' own `published()`, so the work plan needs
    no import of the Hub. Lazy: one query when `workplan/includes/outputs.html` reads it."""
    return (
        queryset.published()
        .only("slug", "kind", "source_language", *translated_names("title"), "publication_date")
        .order_by("-publication_date", "-id")
    )


@prepared
def priority_by_slugs(plan: str, priority: str):
    return Priority.objects.select_related("workplan", "thematic_area").filter(workplan__slug=plan, slug=priority)


@require_safe
def priority_detail(request, plan, priority):
    found = priority_by_slugs(plan, priority)
    if not found:
        raise Http404("No priority has this address.")
    priority = found[0]
    return render(
        request,
        "workplan/priority_detail.html",
        {"plan": priority.workplan, "priority": priority, "content": partial(priority_content, priority)},
    )


# A priority's lists (its page, the activity page), compiled once per process (`lib.prepared`):
# building and compiling these queries cost more than running them.
@prepared
def priority_objectives(priority_id: int):
    return Objective.objects.filter(priorities=priority_id)


@prepared
def _priority_involvements(priority_id: int):
    # In role order, as `Priority.prefetch_involvements`.
    return (
        PriorityOrganisation.objects.filter(priority_id=priority_id)
        .select_related("organisation")
        .order_by("role", "order", "pk")
    )


@prepared
def _priority_activities(priority_id: int):
    return Activity.objects.filter(priority_id=priority_id).order_by("order", "pk")


@prepared
def _priority_outputs(priority_id: int):
    # The Hub's resources through the reverse relation: the work plan imports nothing of the Hub.
    resources = Priority._meta.get_field("resources").related_model._default_manager
    return published_outputs(
        resources.filter(Q(output_of_priority_id=priority_id) | Q(output_of_activity__priority_id=priority_id))
    )


def priority_content(priority) -> dict:
    today = timezone.localdate()
    plan = priority.workplan
    activities = _priority_activities(priority.pk)
    for activity in activities:
        activity.priority = priority
    rows = _rows(activities, plan, today)
    involvements = _priority_involvements(priority.pk)
    return {
        "objectives": priority_objectives(priority.pk),
        "rows": rows,
        "roles": [
            (role, label, [i for i in involvements if i.role == role])
            for role, label in (
                (Involvement.LEAD, gettext("Lead organisations")),
                (Involvement.PARTICIPANT, gettext("Participating organisations")),
                (Involvement.OBSERVER, gettext("Observers")),
            )
        ],
        "completed": sum(1 for r in rows if r.status == Status.COMPLETED),
        "outputs": _priority_outputs(priority.pk),
    }


# --- Filters (list and calendar) ----------------------------------------------------------------


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
            bounds = period_bounds(value)  # valid: the form checked it
            shown = Quarter.of(bounds[0]).label if bounds and "Q" in value else value
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
    """The filter form's fields as plain values, options included: Django's widget templates
    render each <option> through a template, which costs more than the rest of the page."""
    items = []
    errors = form.errors if form.is_bound else {}
    data = form.data
    for name, form_field in form.fields.items():
        value = data.get(name) if form.is_bound else None
        item = {
            "name": name,
            "id": f"id_{name}",
            "label": form_field.label,
            "help_text": form_field.help_text,
            "errors": errors.get(name),
            "checkbox": name == "overdue",
            "options": None,
            "value": value or "",
            "max_length": getattr(form_field, "max_length", None),
        }
        if hasattr(form_field, "choices"):
            current = "" if value is None else str(value)
            item["options"] = [(str(v), label, str(v) == current) for v, label in form_field.choices]
        items.append(item)
    return items


def _filters_context(request, form: ActivityFilterForm) -> dict:
    return {
        "form": form,
        "chips": _chips(request, form),
        "filter_fields": _filter_fields(form),
        "active_count": len(form.active_filters()),
    }


# --- Activity list ----------------------------------------------------------------------------


@require_safe
def activity_list(request, plan):
    plan = _get_plan(plan)
    return render(
        request,
        "workplan/activity_list.html",
        {"plan": plan, "content": partial(activity_list_content, request, plan)},
    )


def activity_list_content(request, plan) -> dict:
    today = timezone.localdate()
    form = ActivityFilterForm(request.GET or None, workplan=plan)
    qs = Activity.objects.matching(form.activity_filter(), today)
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "number"
    if sort == "status":
        qs = qs.annotate(status_rank=STATUS_RANK)
    page = paginate(qs.for_rows().order_by(*SORTS[sort][1]), PAGE_SIZE, request.GET.get("page"))
    query = _filter_query(request)
    return {
        "page": page,
        "rows": _rows(page.object_list, plan, today),
        "sort": sort,
        "sorts": [(key, label) for key, (label, _order) in SORTS.items()],
        "filter_query": query,
        "links": _plan_links(plan, query),
        **_filters_context(request, form),
    }


# --- Calendar of action -------------------------------------------------------------------------


class Timeline:
    """The calendar's quarter columns, worked out once per request; the cells of each distinct
    pattern of quarter states are built and rendered once (many activities share one)."""

    def __init__(self, quarters: list, current: Quarter):
        self.bounds = [(q.start, q.end) for q in quarters]
        self.now = [q == current for q in quarters]
        self.texts = [gettext("scheduled"), gettext("scheduled (year inferred)"), ""]
        self._by_states: dict = {}  # quarter states -> (cells, their HTML or None)

    def _row(self, periods: list) -> list:
        """[cells, HTML] of the periods' pattern of states (0 scheduled, 1 year inferred, 2 none):
        a quarter is inferred when every period touching it is, as in `calendar.coverage`."""
        states = [2] * len(self.bounds)
        for start, end, inferred, *_label in periods:
            for i, (first, last) in enumerate(self.bounds):
                if start <= last and end >= first:
                    if not inferred:
                        states[i] = 0
                    elif states[i] == 2:
                        states[i] = 1
        key = tuple(states)
        found = self._by_states.get(key)
        if found is None:
            cells: list = []
            for i, state in enumerate(states):
                if cells and not self.now[i] and not self.now[i - 1] and cells[-1]["state"] == state:
                    cells[-1]["span"] += 1
                    continue
                css = ("q q--on", "q q--inferred", "q")[state] + (" q--now" if self.now[i] else "")
                cells.append({"state": state, "css": css, "span": 1, "text": self.texts[state]})
            found = self._by_states[key] = [cells, None]
        return found

    def cells(self, periods: list) -> list:
        """Runs of quarters in the same state (the current quarter is a run of its own), for
        `(start, end, year_inferred, …)` periods."""
        return self._row(periods)[0]

    def cells_html(self, periods: list) -> str:
        """The cells as `<td>`s (workplan/includes/timeline_cells.html), rendered once per pattern."""
        found = self._row(periods)
        if found[1] is None:
            # The template file's final newline is not part of the row.
            found[1] = mark_safe(
                render_to_string("workplan/includes/timeline_cells.html", {"cells": found[0]}).rstrip("\n")
            )
        return found[1]


@require_safe
def calendar(request, plan):
    plan = _get_plan(plan)
    return render(
        request, "workplan/calendar.html", {"plan": plan, "content": partial(calendar_content, request, plan)}
    )


def calendar_content(request, plan) -> dict:
    today = timezone.localdate()
    current = Quarter.of(today)
    form = ActivityFilterForm(request.GET or None, workplan=plan)
    activities = attach_row_details(
        attach_priorities(Activity.objects.matching(form.activity_filter(), today).for_calendar(), plan)
    )
    quarters = quarters_between(plan.period_start, plan.period_end)
    timeline = Timeline(quarters, current)
    builder = RowBuilder(plan, today, text_length=160)
    groups: dict = {}
    rows = []
    for activity in activities:
        row = builder.row(activity, with_periods=False)
        row.cells = timeline.cells(activity.period_list)
        row.cells_html = timeline.cells_html(activity.period_list)
        row.no_dates = not activity.period_list
        rows.append(row)
        groups.setdefault(activity.priority_id, (row, []))[1].append(row)
    start, end = current.start, current.end
    due_now = sorted(
        (
            r
            for r in rows
            if r.activity.status not in CLOSED_STATUSES and r.activity.due_date and start <= r.activity.due_date <= end
        ),
        key=lambda r: (r.activity.due_date, r.activity.priority.order, r.activity.order),
    )
    overdue = sorted((r for r in rows if r.overdue), key=lambda r: (r.activity.due_date, r.activity.priority.order))
    due_format = gettext("due %(date)s")
    due_texts: dict = {}
    for r in (*due_now[:LIST_LIMIT], *overdue[:LIST_LIMIT]):
        day = r.activity.due_date
        if day is None:  # both lists hold only activities with a due date
            continue
        if day not in due_texts:
            due_texts[day] = due_format % {"date": date_format(day, "DATE_FORMAT")}
        r.due_text = due_texts[day]
    query = _filter_query(request)
    return {
        "quarters": [(q, q == current) for q in quarters],
        "current_quarter": current,
        "current_in_plan": current in quarters,
        "groups": list(groups.values()),
        "count": len(activities),
        "due_now": due_now,
        "overdue": overdue,
        "list_limit": LIST_LIMIT,
        "activities_url": reverse("workplan:activities", args=[plan.slug]),
        "today": today,
        "filter_query": query,
        "links": _plan_links(plan, query),
        **_filters_context(request, form),
    }


# --- Dashboard --------------------------------------------------------------------------------


@require_safe
def dashboard(request, plan):
    plan = _get_plan(plan)
    return render(request, "workplan/dashboard.html", {"plan": plan, "content": partial(dashboard_content, plan)})


def dashboard_content(plan) -> dict:
    today = timezone.localdate()
    priorities = list(plan.priorities.all())
    activities = attach_row_details(attach_priorities(_plan_activities(plan).for_dashboard(), plan), periods=False)
    summary = charts.status_summary(activities, today)
    return {
        "summary": summary,
        "completed_text": ngettext(
            "%(done)s of %(total)s activity completed",
            "%(done)s of %(total)s activities completed",
            summary["total"],
        )
        % {
            "done": number_text(dict(summary["by_status"]).get(Status.COMPLETED, 0)),
            "total": number_text(summary["total"]),
        },
        "stacked": [
            charts.status_by_priority(priorities, activities),
            charts.status_by_thematic_area(activities),
            charts.status_by_lead(activities, leads_of=lambda a: a.lead_list),
        ],
        "deadlines": charts.deadlines_by_quarter(
            activities, quarters_between(plan.period_start, plan.period_end), today
        ),
        "today": today,
        "links": _plan_links(plan),
    }

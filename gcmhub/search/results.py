"""What the search page and the exports show of the engine's answer: the items behind the hits,
facet values with labels in the page's language, removable filters, and the export tables."""

import datetime
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gcmhub.consultations.models import Comment, Topic
from gcmhub.knowledge.models import CallForPractices, GeographicScope, Practice, Resource
from gcmhub.lib import tabular
from gcmhub.lib.formats import datetime_text, language_name, number_text
from gcmhub.lib.tabular import Column, Sheet
from gcmhub.search.documents import GENERAL, parse_doc_id
from gcmhub.search.engine import Hit
from gcmhub.taxonomy.models import Country, GuidingPrinciple, Objective, Organisation, Region, ThematicArea, note_rows
from gcmhub.workplan.models import Activity, ActivityOrganisation, PriorityOrganisation

# Facets shown on the page, in this order, with their legends; "kind" is a filter only.
FACET_LEGENDS = {
    "type": gettext_lazy("Type"),
    "objective": gettext_lazy("GCM objective"),
    "principle": gettext_lazy("Guiding principle"),
    "thematic_area": gettext_lazy("Thematic area"),
    "country": gettext_lazy("Country"),
    "region": gettext_lazy("Region"),
    "scope": gettext_lazy("Geographic scope"),
    "language": gettext_lazy("Language"),
    "publisher": gettext_lazy("Organisation"),
    "year": gettext_lazy("Year"),
}
SHOWN_FACETS = tuple(FACET_LEGENDS)
FILTERS = ("kind", *SHOWN_FACETS)
MAX_VALUES = 30  # values of one facet in a URL
MAX_VALUE_CHARS = 80
VISIBLE_VALUES = 8  # values listed before "More"

KIND_LABELS = {
    "resource": gettext_lazy("Resource"),
    "practice": gettext_lazy("Practice"),
    "activity": gettext_lazy("Work-plan activity"),
    "call": gettext_lazy("Call for practices"),
    "topic": gettext_lazy("Discussion topic"),
    "comment": gettext_lazy("Comment in a discussion"),
    "organisation": gettext_lazy("Organisation"),
    "country": gettext_lazy("Country or area"),
    "objective": gettext_lazy("GCM objective"),
    "principle": gettext_lazy("Guiding principle"),
}
# The model behind each kind of document that is not loaded with its own query below.
SIMPLE_KINDS: dict[str, Any] = {
    "call": CallForPractices,
    "organisation": Organisation,
    "country": Country,
    "objective": Objective,
    "principle": GuidingPrinciple,
}


# --- Items behind the hits ------------------------------------------------------------------------


@dataclass
class Item:
    id: str
    kind: str
    kind_label: str
    url: str
    title_html: str
    excerpt_html: str
    language: str
    date: datetime.date | None = None
    context: str = ""  # a line under the title: the activity's priority
    review_label: str = ""  # a published practice's "Peer reviewed" or "Reviewed on the previous platform"


def _ids_by_kind(hits: list[Hit]) -> dict[str, list[int]]:
    by_kind: dict[str, list[int]] = {kind: [] for kind in KIND_LABELS}
    for hit in hits:
        parsed = parse_doc_id(hit.id)
        if parsed:
            by_kind[parsed[0]].append(parsed[1])
    return by_kind


def load_items(hits: list[Hit]) -> list[Item]:
    """The items of the hits in the hits' order, one query per kind present. Hits whose item is
    gone (the index not yet caught up) are left out."""
    by_kind = _ids_by_kind(hits)
    objects: dict[str, Any] = {}
    if by_kind["resource"]:
        for resource in Resource.objects.filter(pk__in=by_kind["resource"]).only("slug", "kind", "publication_date"):
            objects[f"resource:{resource.pk}"] = resource
    if by_kind["practice"]:
        practices = Practice.objects.filter(pk__in=by_kind["practice"]).only("slug", "published_at", "status")
        for practice in practices.with_review_route():
            objects[f"practice:{practice.pk}"] = practice
    if by_kind["activity"]:
        for activity in Activity.objects.filter(pk__in=by_kind["activity"]).select_related("priority"):
            objects[f"activity:{activity.pk}"] = activity
    if by_kind["topic"]:
        for topic in Topic.objects.filter(pk__in=by_kind["topic"]).select_related("space"):
            objects[f"topic:{topic.pk}"] = topic
    if by_kind["comment"]:
        comments = Comment.objects.filter(pk__in=by_kind["comment"]).select_related("topic__space", "author")
        for comment in comments:
            objects[f"comment:{comment.pk}"] = comment
    for kind, model in SIMPLE_KINDS.items():
        if by_kind[kind]:
            for obj in model._default_manager.filter(pk__in=by_kind[kind]):
                objects[f"{kind}:{obj.pk}"] = obj
    items = []
    for hit in hits:
        obj = objects.get(hit.id)
        if obj is None:
            continue
        kind = hit.id.partition(":")[0]
        item = Item(
            id=hit.id,
            kind=kind,
            kind_label=str(KIND_LABELS[kind]),
            url=obj.get_absolute_url(),
            title_html=mark_safe(hit.title_highlight),
            excerpt_html=mark_safe(hit.excerpt_highlight),
            language=hit.language,
        )
        if isinstance(obj, Resource):
            item.kind_label = obj.get_kind_display()
            item.date = obj.publication_date
        elif isinstance(obj, Practice):
            item.date = timezone.localdate(obj.published_at) if obj.published_at else None
            item.review_label = obj.review_label
        elif isinstance(obj, Activity):
            item.date = obj.due_date
            item.context = f"{obj.priority.heading} – {obj.label}"
        elif isinstance(obj, CallForPractices):
            item.date = timezone.localdate(obj.deadline)
        elif isinstance(obj, Topic):
            moment = obj.opens_at or obj.published_at
            item.date = timezone.localdate(moment) if moment else None
        elif isinstance(obj, Comment):
            item.date = timezone.localdate(obj.published_at or obj.created_at)
            item.context = _("Comment by %(name)s") % {"name": obj.author.display_name()}
        items.append(item)
    return items


# --- Facets -------------------------------------------------------------------------------------


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetGroup:
    name: str
    legend: str
    values: list[FacetValue] = field(default_factory=list)
    more: list[FacetValue] = field(default_factory=list)  # shown under "More"

    @property
    def values_html(self) -> str:
        return _checkboxes(self.name, self.values, "")

    @property
    def more_html(self) -> str:
        return _checkboxes(self.name, self.more, "-more")


def _checkboxes(name: str, values: list[FacetValue], suffix: str) -> str:
    """The <li> of each value: a checkbox and its label with the count. Built here rather than in
    the template: a page lists a few hundred values and the template engine would take most of
    the page's time."""
    name = escape(name)
    parts = []
    for number, v in enumerate(values, start=1):
        control = f"facet-{name}{suffix}-{number}"
        checked = " checked" if v.selected else ""
        count = v.count if v.count < 1000 else number_text(v.count)  # grouped from four digits on
        parts.append(
            f'<li><input type="checkbox" name="{name}" value="{escape(v.value)}" id="{control}"{checked}>'
            f'<label for="{control}">{escape(v.label)} <span class="search-facet__count">({count})</span>'
            "</label></li>"
        )
    return mark_safe("".join(parts))


def _language_label(code: str) -> str:
    """A language facet's value, a standalone label ("Anglais"), named as the resource pages name it."""
    return language_name(code)


LABEL_CACHE_SECONDS = 300
_label_cache: dict[str, tuple[float, dict[str, dict[str, str]]]] = {}
LABELLED_MODELS = (Objective, GuidingPrinciple, ThematicArea, Country, Region, Organisation)


def clear_label_cache(**kwargs) -> None:
    """Forget the reference labels (connected to saves of the reference models; also a TTL)."""
    _label_cache.clear()


def reference_labels() -> dict[str, dict[str, str]]:
    """Every label of the reference facets in the active language, loaded at most every
    LABEL_CACHE_SECONDS per process (six small queries), so a page needs none."""
    language = translation.get_language() or "en"
    cached = _label_cache.get(language)
    now = time.monotonic()
    if cached and now - cached[0] < LABEL_CACHE_SECONDS:
        return cached[1]
    labels = {
        "objective": {str(o.number): str(o) for o in Objective.objects.all()},
        "principle": {o.code: o.name for o in GuidingPrinciple.objects.all()},
        "thematic_area": {str(o.number): str(o) for o in ThematicArea.objects.all()},
        "country": {o.iso2: o.name for o in Country.objects.all()},
        "region": {o.m49: o.name for o in Region.objects.all()},
        "publisher": {o.slug: o.label for o in Organisation.objects.all()},
    }
    labels["objective"][GENERAL] = _("The Compact as a whole")
    _label_cache[language] = (now, labels)
    return labels


def value_labels(values_by_facet: dict[str, set[str]]) -> dict[str, dict[str, str]]:
    """Labels of facet values in the active language (reference labels come from a per-process cache)."""
    labels: dict[str, dict[str, str]] = {name: {} for name in values_by_facet}
    reference = reference_labels()
    for name, known in reference.items():
        for value in values_by_facet.get(name, ()):
            if value in known:
                labels[name][value] = known[value]
    kinds = dict(Resource.Kind.choices) | {k: v for k, v in KIND_LABELS.items() if k != "resource"}
    for value in values_by_facet.get("type", ()):
        labels["type"][value] = str(kinds.get(value, value))
    for value in values_by_facet.get("kind", ()):
        labels["kind"][value] = str(KIND_LABELS.get(value, value))
    scopes = dict(GeographicScope.choices)
    for value in values_by_facet.get("scope", ()):
        labels["scope"][value] = str(scopes.get(value, value))
    for value in values_by_facet.get("language", ()):
        labels["language"][value] = _language_label(value)
    return labels


def labels_for(facets: dict[str, list[tuple[str, int]]], filters: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    """Labels of every value the page shows: counted facet values and selected filters."""
    values_by_facet = {name: {value for value, _count in facets.get(name, [])} for name in SHOWN_FACETS}
    for name, values in filters.items():
        values_by_facet.setdefault(name, set()).update(values)
    return value_labels(values_by_facet)


def facet_groups(facets: dict[str, list[tuple[str, int]]], filters: dict[str, list[str]], labels) -> list[FacetGroup]:
    """One group per shown facet with values; selected values always listed, with their count."""
    groups = []
    for name in SHOWN_FACETS:
        counts = dict(facets.get(name, []))
        selected = set(filters.get(name, []))
        ordered = list(counts)
        if name == "year":
            ordered.sort(reverse=True)
        ordered += sorted(selected - set(counts))
        values = [
            FacetValue(value, labels[name].get(value, value), counts.get(value, 0), value in selected)
            for value in ordered
        ]
        if not values:
            continue
        visible = [v for i, v in enumerate(values) if i < VISIBLE_VALUES or v.selected]
        more = [v for i, v in enumerate(values) if i >= VISIBLE_VALUES and not v.selected]
        groups.append(FacetGroup(name=name, legend=str(FACET_LEGENDS[name]), values=visible, more=more))
    return groups


# --- Removable filters and query strings ------------------------------------------------------------


def querystring(params, drop=(), remove: tuple[str, str] | None = None) -> str:
    """The request's query string without the `drop` keys and without one (name, value) pair."""
    pairs = []
    for key in params:
        if key in drop:
            continue
        for value in params.getlist(key):
            if remove and (key, value) == remove:
                continue
            if value != "":
                pairs.append((key, value))
    return urlencode(pairs)


@dataclass
class Chip:
    legend: str
    label: str
    remove_query: str


def chips(params, filters: dict[str, list[str]], labels) -> list[Chip]:
    legends = {"kind": _("Kind"), **{name: str(legend) for name, legend in FACET_LEGENDS.items()}}
    return [
        Chip(legends[name], labels[name].get(value, value), querystring(params, drop=("page",), remove=(name, value)))
        for name, values in filters.items()
        for value in values
    ]


# --- Exports --------------------------------------------------------------------------------------


def export_headers() -> list[str]:
    return [
        _("Title"),
        _("Kind"),
        _("Type"),
        _("Date"),
        _("Address"),
        _("GCM objectives"),
        _("Countries"),
        _("Organisations"),
    ]


def _join(values) -> str:
    return "; ".join(str(v) for v in values)


def export_rows(hits: list[Hit], request) -> list[list]:
    """One row per hit, in the hits' order: a fixed number of queries whatever their number."""
    by_kind = _ids_by_kind(hits)
    rows = {}
    named: list[Country] = []  # the countries named, for their notes below the table
    if by_kind["resource"]:
        resources = Resource.objects.filter(pk__in=by_kind["resource"]).prefetch_related(
            "objectives", "countries", "publishers"
        )
        for r in resources:
            named.extend(r.countries.all())
            objectives = [str(o) for o in r.objectives.all()] + ([_("The Compact as a whole")] if r.is_general else [])
            rows[f"resource:{r.pk}"] = [
                r.title,
                str(KIND_LABELS["resource"]),
                r.get_kind_display(),
                r.publication_date,
                request.build_absolute_uri(r.get_absolute_url()),
                _join(objectives),
                _join(c.marked_name for c in r.countries.all()),
                _join(o.label for o in r.publishers.all()),
            ]
    if by_kind["practice"]:
        practices = (
            Practice.objects.filter(pk__in=by_kind["practice"])
            .select_related("implementing_organisation")
            .prefetch_related("objectives", "countries", "partner_organisations")
        )
        for p in practices:
            named.extend(p.countries.all())
            organisations = [p.implementer_name] if p.implementer_name else []
            organisations += [o.label for o in p.partner_organisations.all()]
            rows[f"practice:{p.pk}"] = [
                p.title,
                str(KIND_LABELS["practice"]),
                str(KIND_LABELS["practice"]),
                timezone.localdate(p.published_at) if p.published_at else None,
                request.build_absolute_uri(p.get_absolute_url()),
                _join(p.objectives.all()),
                _join(c.marked_name for c in p.countries.all()),
                _join(organisations),
            ]
    if by_kind["activity"]:
        activities = (
            Activity.objects.filter(pk__in=by_kind["activity"])
            .select_related("priority")
            .prefetch_related(
                Prefetch("involvements", queryset=ActivityOrganisation.objects.select_related("organisation")),
                Prefetch(
                    "priority__involvements", queryset=PriorityOrganisation.objects.select_related("organisation")
                ),
                "priority__objectives",
            )
        )
        for a in activities:
            objectives = [str(o) for o in a.priority.objectives.all()]
            if a.priority.all_objectives:
                objectives = [_("All objectives")]
            rows[f"activity:{a.pk}"] = [
                a.text,
                str(KIND_LABELS["activity"]),
                f"{a.priority.heading} – {a.label}",
                a.due_date,
                request.build_absolute_uri(a.get_absolute_url()),
                _join(objectives),
                "",
                _join(o.label for o in a.leads),
            ]
    for kind, model in SIMPLE_KINDS.items():
        if by_kind[kind]:
            queryset = model._default_manager.filter(pk__in=by_kind[kind])
            if model is CallForPractices:
                queryset = queryset.prefetch_related("objectives")
            for obj in queryset:
                if isinstance(obj, Country):
                    named.append(obj)
                call_objectives = _join(obj.objectives.all()) if isinstance(obj, CallForPractices) else ""
                rows[f"{kind}:{obj.pk}"] = [
                    obj.marked_name if isinstance(obj, Country) else str(obj),
                    str(KIND_LABELS[kind]),
                    str(KIND_LABELS[kind]),
                    timezone.localdate(obj.deadline) if isinstance(obj, CallForPractices) else None,
                    request.build_absolute_uri(obj.get_absolute_url()),
                    call_objectives,
                    "",
                    "",
                ]
    return [rows[hit.id] for hit in hits if hit.id in rows] + note_rows(named, len(COLUMN_WIDTHS))


COLUMN_WIDTHS = (60, 16, 24, 12, 50, 40, 30, 30)


def export_columns() -> list[Column]:
    return [Column(header, width) for header, width in zip(export_headers(), COLUMN_WIDTHS, strict=True)]


def export_sheet(rows: list[list], *, query, total: int) -> Sheet:
    """The results on a first sheet, the search itself on an "About" sheet."""
    about = [(_("Search"), query.text)]
    about += [(name, "; ".join(values)) for name, values in query.filters.items()]
    about += [
        (_("Matches"), total),
        (_("Rows"), len(rows)),
        (_("Generated"), datetime_text(timezone.now())),
    ]
    return Sheet(_("Results"), export_columns(), rows, about=about, about_title=_("About"))


def build_csv(rows: list[list]) -> bytes:
    return tabular.csv_bytes(export_columns(), rows)


def build_xlsx(rows: list[list], *, query, total: int) -> bytes:
    return tabular.xlsx_bytes([export_sheet(rows, query=query, total=total)])

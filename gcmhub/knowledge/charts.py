"""Figures of the knowledge platform: what is published, where, and on which GCM objectives.

Counts come from annotated querysets (one query per figure, whatever the size of the library);
the layout uses the shared stacked bars (`gcmhub.lib.charts`, as the work-plan dashboard), which pair
every colour with a pattern and every chart with a data table.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext

from gcmhub.knowledge.models import Practice, Resource
from gcmhub.lib.charts import Row, Series, StackedBarChart, short, stacked_bars
from gcmhub.lib.i18n import translated_names
from gcmhub.taxonomy.models import Country, Objective, Region

# An objective with fewer published resources and practices than this is "thin".
THIN_BELOW = 5
TOP_COUNTRIES = 15

RESOURCES, PRACTICES = "resources", "practices"


class _CountDistinct(Func):
    function = "COUNT"
    template = "%(function)s(DISTINCT %(expressions)s)"
    output_field = IntegerField()


def _count(queryset):
    """A correlated subquery counting the distinct rows of `queryset` (0 when none)."""
    counted = queryset.order_by().annotate(n=_CountDistinct(F("pk"))).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _published_resources():
    return Resource.objects.published()


def _published_practices():
    return Practice.objects.published()


def search_url(**params) -> str:
    return f"{reverse('search:search')}?{urlencode(params)}"


def _series(chart_id: str) -> list[Series]:
    # Same colours as the dashboard's "completed" and "on track"; patterns tell them apart in grey.
    return [
        Series(
            key=RESOURCES,
            label=gettext("Resources"),
            color="#0b4f8a",
            pattern="solid",
            pattern_id=f"{chart_id}-{RESOURCES}",
        ),
        Series(
            key=PRACTICES,
            label=gettext("Practices"),
            color="#1d6b2c",
            pattern="diagonal",
            pattern_id=f"{chart_id}-{PRACTICES}",
        ),
    ]


def _row(label, full_label, url, resources, practices) -> Row:
    return Row(
        label=label,
        full_label=full_label,
        url=url,
        counts={RESOURCES: resources, PRACTICES: practices},
        total=resources + practices,
    )


@dataclass
class Figures:
    regions: StackedBarChart
    countries: StackedBarChart
    objectives: StackedBarChart
    thin: list = field(default_factory=list)  # objectives rows flagged thin
    total_resources: int = 0
    total_practices: int = 0
    global_resources: int = 0
    global_practices: int = 0
    general_resources: int = 0


def by_region() -> StackedBarChart:
    """Top-level M49 regions; an item counts for a region through its countries, the region itself
    or one of its sub-regions, once."""

    def in_region(queryset):
        return queryset.filter(
            Q(countries__region=OuterRef("pk")) | Q(regions=OuterRef("pk")) | Q(regions__parent=OuterRef("pk"))
        )

    regions = (
        Region.objects.filter(parent__isnull=True)
        .annotate(
            n_resources=_count(in_region(_published_resources())), n_practices=_count(in_region(_published_practices()))
        )
        .order_by("name_en")
    )
    rows = [
        _row(short(region.name), region.name, search_url(region=region.m49), region.n_resources, region.n_practices)
        for region in regions
    ]
    rows.sort(key=lambda r: (-r.total, r.full_label))
    chart_id = "chart-regions"
    chart = stacked_bars(
        chart_id,
        gettext("Published resources and practices by region"),
        gettext(
            "Horizontal stacked bars: the number of published resources and practices about each of "
            "%(count)s regions. The table that follows gives the same figures."
        )
        % {"count": len(rows)},
        gettext("Region"),
        rows,
        _series(chart_id),
    )
    chart.note = gettext("An item about several regions counts once for each of them.")
    return chart


def by_country(top: int = TOP_COUNTRIES) -> StackedBarChart:
    countries = (
        Country.objects.annotate(
            n_resources=_count(_published_resources().filter(countries=OuterRef("pk"))),
            n_practices=_count(_published_practices().filter(countries=OuterRef("pk"))),
        )
        .annotate(n_total=F("n_resources") + F("n_practices"))
        .filter(n_total__gt=0)
        .order_by("-n_total", "name_en")
        .only("iso2", *translated_names("name"))[:top]
    )
    rows = [
        _row(
            short(country.name),
            country.name,
            search_url(country=country.iso2),
            country.n_resources,
            country.n_practices,
        )
        for country in countries
    ]
    chart_id = "chart-countries"
    return stacked_bars(
        chart_id,
        gettext("Countries with the most published resources and practices"),
        gettext(
            "Horizontal stacked bars: the number of published resources and practices about each of the "
            "%(count)s countries with the most. The table that follows gives the same figures."
        )
        % {"count": len(rows)},
        gettext("Country"),
        rows,
        _series(chart_id),
    )


def by_objective() -> tuple[StackedBarChart, list[Row]]:
    objectives = Objective.objects.annotate(
        n_resources=_count(_published_resources().filter(objectives=OuterRef("pk"))),
        n_practices=_count(_published_practices().filter(objectives=OuterRef("pk"))),
    ).order_by("number")
    rows, thin = [], []
    for objective in objectives:
        label = f"{objective.number}. {objective.short}"
        row = _row(
            short(label), label, search_url(objective=objective.number), objective.n_resources, objective.n_practices
        )
        row.thin = row.total < THIN_BELOW
        if row.thin:
            # Said in words, not by colour: the bar's label carries the flag (and fits in the label column).
            flagged = gettext("%(label)s (thin)")
            row.label = flagged % {"label": short(label, 28 - len(flagged % {"label": ""}))}
            thin.append(row)
        rows.append(row)
    chart_id = "chart-objectives"
    chart = stacked_bars(
        chart_id,
        gettext("Coverage of the 23 objectives"),
        gettext(
            "Horizontal stacked bars: the number of published resources and practices linked to each GCM "
            "objective; objectives with fewer than %(threshold)s items are marked as thin (%(thin)s of them). "
            "The table that follows gives the same figures."
        )
        % {"thin": len(thin), "threshold": THIN_BELOW},
        gettext("GCM objective"),
        rows,
        _series(chart_id),
    )
    chart.note = gettext("An item linked to several objectives counts once for each of them.")
    return chart, thin


def build_figures() -> Figures:
    """Every figure of the page, in 5 queries."""
    objectives, thin = by_objective()
    totals = Resource.objects.aggregate(
        total=Count("pk", distinct=True, filter=Q(status=Resource.Status.PUBLISHED)),
        unplaced=Count(
            "pk",
            distinct=True,
            filter=Q(status=Resource.Status.PUBLISHED, countries__isnull=True, regions__isnull=True),
        ),
        general=Count("pk", distinct=True, filter=Q(status=Resource.Status.PUBLISHED, is_general=True)),
    )
    practices = _published_practices().aggregate(
        total=Count("pk", distinct=True),
        unplaced=Count("pk", distinct=True, filter=Q(countries__isnull=True, regions__isnull=True)),
    )
    return Figures(
        regions=by_region(),
        countries=by_country(),
        objectives=objectives,
        thin=thin,
        total_resources=totals["total"],
        total_practices=practices["total"],
        global_resources=totals["unplaced"],
        global_practices=practices["unplaced"],
        general_resources=totals["general"],
    )

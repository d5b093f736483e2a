"""Public pages of the GCM reference data: objectives, guiding principles, thematic areas,
countries and organisations, each with what the platform links to it."""

from functools import partial
from urllib.parse import urlencode

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from gcmhub import pagecache
from gcmhub.consultations.models import Topic
from gcmhub.knowledge.models import Practice, Resource
from gcmhub.lib.display import show
from gcmhub.lib.i18n import active_language, choice_label, counted, language_of, translated_names
from gcmhub.lib.params import paginate
from gcmhub.lib.prepared import prepared
from gcmhub.lib.urls import url_maker
from gcmhub.site.forms import CountryFilterForm, OrganisationFilterForm
from gcmhub.taxonomy.models import (
    Country,
    GuidingPrinciple,
    Objective,
    Organisation,
    Region,
    ThematicArea,
    normalize_name,
)
from gcmhub.workplan.models import (
    Activity,
    ActivityOrganisation,
    Involvement,
    Priority,
    PriorityOrganisation,
    Status,
    WorkPlan,
)

ORGANISATIONS_PER_PAGE = 50
LINKED_LIMIT = 10  # resources and practices listed on a reference page; the search page has the rest


def _by_name(items):
    """Sort by the name shown in the active language, ignoring case and accents."""
    return sorted(items, key=lambda item: normalize_name(item.name))


def linked_priorities(priorities, plan: WorkPlan) -> list[Priority]:
    """`plan`'s priorities among `priorities` with their activities, for
    `site/includes/priorities.html` (2 queries whatever the number of rows). What each row
    shows is worked out here once per request (URLs from one reverse() each, status labels and
    languages), not per row in the template."""
    priorities = list(
        priorities.filter(workplan=plan)
        .prefetch_related(
            Prefetch(
                "activities",
                queryset=Activity.objects.only(
                    "priority_id", "number", "order", "status", "source_language", *translated_names("text")
                ).order_by("order", "pk"),
                to_attr="activity_list",
            )
        )
        .order_by("order", "pk")
    )
    priority_url = url_maker("workplan:priority", str, str)
    activity_url = url_maker("workplan:activity", int)
    for priority in priorities:
        priority.workplan = plan
        priority.url = priority_url(plan.slug, priority.slug)
        for activity in priority.activity_list:
            activity.url = activity_url(activity.pk)
            activity.status_label = choice_label(Status, activity.status)
            activity.text_language = language_of(activity, "text")
    return priorities


def linked_workplans(priorities, facet: str, value) -> dict:
    """For the objective and thematic-area pages: one work plan in full (the current plan, or
    the latest with a matching priority), its priorities and their activities, and every other
    plan as one line (its counts and a link to its activity list filtered by `facet=value`, the
    list's filter keys). The page stays the size of one plan whatever the number of plans:
    3 queries."""
    selected = Priority.objects.filter(pk__in=priorities.values("pk"))
    in_selection = Q(priorities__in=selected.values("pk"))
    plans = list(
        WorkPlan.objects.annotate(
            priority_count=Count("priorities", filter=in_selection, distinct=True),
            activity_count=Count("priorities__activities", filter=in_selection),
        )
        .filter(priority_count__gt=0)
        .only("slug", "is_current", "period_start", "source_language", *translated_names("title"))
        .current_first()
    )
    plan_url = url_maker("workplan:overview", str)
    list_url = url_maker("workplan:activities", str)
    query = urlencode({facet: value})
    # What site/includes/other_plans.html prints per plan, its sentences translated once per count.
    priorities_text = counted(lambda n: ngettext("%(counter)s priority", "%(counter)s priorities", n))
    activities_text = counted(
        lambda n: ngettext(
            "its %(counter)s activity in the plan's list", "its %(counter)s activities in the plan's list", n
        )
    )
    for plan in plans:
        show(
            plan,
            url=plan_url(plan.slug),
            activities_url=f"{list_url(plan.slug)}?{query}",
            title_language=language_of(plan, "title"),
            priority_count_text=priorities_text(plan.priority_count),
            activity_count_text=activities_text(plan.activity_count),
        )
    shown = plans[0] if plans else None
    return {
        "priorities": linked_priorities(selected, shown) if shown else [],
        "shown_plan": shown,
        "other_plans": plans[1:],
    }


def _latest_resources(resources):
    return (
        resources.published()
        .distinct()
        .only("slug", "kind", "source_language", *translated_names("title"), "publication_date", "published_at")
        .order_by("-published_at", "-id")[: LINKED_LIMIT + 1]
    )


def _latest_practices(practices):
    return (
        practices.published()
        .distinct()
        .only("slug", "title", "language", "published_at")
        .order_by("-published_at", "-id")[: LINKED_LIMIT + 1]
    )


# What each reference page lists of the Hub, by the page's object: compiled once per process
# (`gcmhub.lib.prepared`), as building and compiling these joins cost more than running them.
@prepared
def _resources_on_objective(pk: int):
    return _latest_resources(Resource.objects.filter(objectives=pk))


@prepared
def _practices_on_objective(pk: int):
    return _latest_practices(Practice.objects.filter(objectives=pk))


@prepared
def _resources_on_principle(pk: int):
    return _latest_resources(Resource.objects.filter(principles=pk))


@prepared
def _practices_on_principle(pk: int):
    return _latest_practices(Practice.objects.filter(principles=pk))


@prepared
def _resources_on_country(pk: int):
    return _latest_resources(Resource.objects.filter(countries=pk))


@prepared
def _practices_on_country(pk: int):
    return _latest_practices(Practice.objects.filter(countries=pk))


@prepared
def _resources_by_organisation(pk: int):
    return _latest_resources(Resource.objects.filter(publishers=pk))


@prepared
def _practices_by_organisation(pk: int):
    return _latest_practices(Practice.objects.filter(Q(implementing_organisation=pk) | Q(partner_organisations=pk)))


def linked_topics(lookup: dict, facet: str, value) -> dict:
    """The latest public discussion topics tagged so (one query), for
    `site/includes/discussion_links.html`, with a link to the search page filtered the same way."""
    topics = list(
        Topic.objects.published()
        .filter(visibility="public", space__visibility="public", **lookup)
        .select_related("space")
        .order_by("-published_at", "-id")[: LINKED_LIMIT + 1]
    )
    for topic in topics:
        topic.title_language = language_of(topic, "title")
    search = reverse("search:search")
    return {
        "linked_topics": topics[:LINKED_LIMIT],
        "more_topics": len(topics) > LINKED_LIMIT,
        "topics_search_url": f"{search}?{urlencode({facet: value, 'kind': 'topic'})}",
    }


def linked_knowledge(resources: list, practices: list, facet: str, value) -> dict:
    """The latest published resources and practices (up to LINKED_LIMIT + 1, newest first, from
    the `_resources_…`/`_practices_…` queries above), for `site/includes/knowledge_links.html`,
    with links to the search page filtered by `facet=value` (the search facets' keys and values)."""
    resource_url = url_maker("knowledge:resource", str)
    practice_url = url_maker("knowledge:practice", str)
    kind_labels = {value: str(label) for value, label in Resource.Kind.choices}
    for resource in resources:
        resource.url = resource_url(resource.slug)
        resource.title_language = language_of(resource, "title")
        resource.kind_label = kind_labels.get(resource.kind, resource.kind)
    for practice in practices:
        practice.url = practice_url(practice.slug)
    search = reverse("search:search")
    return {
        "linked_resources": resources[:LINKED_LIMIT],
        "more_resources": len(resources) > LINKED_LIMIT,
        "resources_search_url": f"{search}?{urlencode({facet: value, 'kind': 'resource'})}",
        "linked_practices": practices[:LINKED_LIMIT],
        "more_practices": len(practices) > LINKED_LIMIT,
        "practices_search_url": f"{search}?{urlencode({facet: value, 'kind': 'practice'})}",
    }


@require_safe
@pagecache.cacheable()
def objective_list(request):
    objectives = _all_objectives()
    objective_url = url_maker("taxonomy:objective", int)
    for objective in objectives:
        show(
            objective,
            url=objective_url(objective.number),
            short_language=language_of(objective, "short"),
            title_language=language_of(objective, "title"),
        )
    return render(request, "site/objective_list.html", {"objectives": objectives})


@require_safe
@pagecache.cacheable()
def objective_detail(request, number):
    objective = get_object_or_404(Objective, number=number)
    context = {"objective": objective, "content": partial(objective_content, objective)}
    return render(request, "site/objective_detail.html", context)


def objective_content(objective) -> dict:
    """What the page's `{% fragment %}` shows, computed only when it is not kept (decision 1201)."""
    return {
        "thematic_areas": objective.thematic_areas.all(),
        **linked_workplans(
            Priority.objects.filter(Q(objectives=objective) | Q(all_objectives=True)), "objective", objective.number
        ),
        **linked_knowledge(
            _resources_on_objective(objective.pk),
            _practices_on_objective(objective.pk),
            "objective",
            objective.number,
        ),
        **linked_topics({"objectives": objective.pk}, "objective", objective.number),
    }


@require_safe
@pagecache.cacheable()
def principle_list(request):
    return render(request, "site/principle_list.html", {"principles": GuidingPrinciple.objects.all()})


@require_safe
@pagecache.cacheable()
def principle_detail(request, code):
    principle = get_object_or_404(GuidingPrinciple, code=code.lower())
    content = partial(_principle_content, principle)
    return render(request, "site/principle_detail.html", {"principle": principle, "content": content})


def _principle_content(principle) -> dict:
    return linked_knowledge(
        _resources_on_principle(principle.pk), _practices_on_principle(principle.pk), "principle", principle.code
    )


@require_safe
@pagecache.cacheable()
def thematic_area_list(request):
    areas = _areas_with_counts()
    objectives: dict = {}
    for link in _area_objective_links():
        objectives.setdefault(link.thematicarea_id, []).append(link.objective)
    area_url = url_maker("taxonomy:thematic_area", int)
    objective_url = url_maker("taxonomy:objective", int)
    for area in areas:
        area_objectives = objectives.get(area.pk, [])
        for objective in area_objectives:
            show(objective, url=objective_url(objective.number))
        show(area, url=area_url(area.number), objective_list=area_objectives)
    return render(request, "site/thematic_area_list.html", {"thematic_areas": areas})


@prepared
def _all_objectives():
    return Objective.objects.all()


# The thematic areas page's queries, compiled once per process (`gcmhub.lib.prepared`); the
# objectives as `prefetch_related` gave them (in the objectives' order).
@prepared
def _areas_with_counts():
    return ThematicArea.objects.annotate(priority_count=Count("priorities"))


@prepared
def _area_objective_links():
    return ThematicArea.objectives.through.objects.select_related("objective").order_by(
        "objective__number", "objective_id"
    )


@require_safe
@pagecache.cacheable()
def thematic_area_detail(request, number):
    area = get_object_or_404(ThematicArea, number=number)
    context = {"thematic_area": area, "content": partial(thematic_area_content, area)}
    return render(request, "site/thematic_area_detail.html", context)


def thematic_area_content(area) -> dict:
    """What the page's `{% fragment %}` shows, computed only when it is not kept (decision 1201)."""
    return {
        "objectives": area.objectives.all(),
        **linked_workplans(Priority.objects.filter(thematic_area=area), "area", area.number),
    }


def _group_countries(countries):
    """[(region, [(subregion, [country, ...]), ...]), ...] in name order; territories without
    an M49 region come last under region None."""
    tree: dict = {}
    for country in countries:
        tree.setdefault(country.region, {}).setdefault(country.subregion, []).append(country)
    groups = []
    for region in _by_name([r for r in tree if r is not None]) + ([None] if None in tree else []):
        subregions = tree[region]
        ordered = _by_name([s for s in subregions if s is not None]) + ([None] if None in subregions else [])
        groups.append((region, [(sub, _by_name(subregions[sub])) for sub in ordered]))
    return groups


@require_safe
@pagecache.cacheable()
def country_list(request):
    regions = _by_name(_top_regions())
    form = CountryFilterForm(request.GET or None, regions=regions)
    selected = None
    if form.is_valid() and form.cleaned_data["region"]:
        selected = next(r for r in regions if r.m49 == form.cleaned_data["region"])
    context = {"form": form, "selected_region": selected, "content": partial(country_list_content, selected)}
    return render(request, "site/country_list.html", context)


# The countries page's queries, compiled once per process (`gcmhub.lib.prepared`): compiling the
# countries with their two regions cost more than running it.
@prepared
def _top_regions():
    return Region.objects.filter(parent__isnull=True)


@prepared
def _all_countries():
    return Country.objects.listed().select_related("region", "subregion")


@prepared
def _countries_of_region(region_id: int):
    return Country.objects.listed().select_related("region", "subregion").filter(region_id=region_id)


def country_list_content(region) -> dict:
    """What the page's `{% fragment %}` shows, computed only when it is not kept (decision 1201):
    the countries of `region` (every country when None)."""
    countries = _countries_of_region(region.pk) if region is not None else _all_countries()
    country_url = url_maker("taxonomy:country", str)
    for country in countries:
        show(country, url=country_url(country.iso3.lower()), name_language=language_of(country, "name"))
    notes = [country for country in countries if country.note]  # Kosovo: resolution 1244
    return {"groups": _group_countries(countries), "count": len(countries), "notes": notes}


@require_safe
@pagecache.cacheable()
def country_detail(request, iso3):
    if iso3 != iso3.lower():
        return redirect("taxonomy:country", iso3.lower(), permanent=True)
    country = get_object_or_404(Country.objects.select_related("region", "subregion"), iso3=iso3.upper())
    # Member State focal points are personal data: this public page neither lists nor counts them.
    content = partial(_country_content, country)
    return render(request, "site/country_detail.html", {"country": country, "content": content})


def _country_content(country) -> dict:
    return {
        **linked_knowledge(
            _resources_on_country(country.pk), _practices_on_country(country.pk), "country", country.iso2
        ),
        **linked_topics({"countries": country.pk}, "country", country.iso2),
    }


@require_safe
@pagecache.cacheable()
def organisation_list(request):
    return render(request, "site/organisation_list.html", {"content": partial(organisation_list_content, request)})


def organisation_list_content(request) -> dict:
    """What the page's `{% fragment %}` shows, computed only when it is not kept (decision 1201)."""
    form = OrganisationFilterForm(request.GET or None)
    organisations = Organisation.objects.by_name(active_language())
    if form.is_valid():
        if form.cleaned_data["q"]:
            organisations = organisations.matching(form.cleaned_data["q"])
        if form.cleaned_data["kind"]:
            organisations = organisations.filter(kind=form.cleaned_data["kind"])
    page = paginate(organisations, ORGANISATIONS_PER_PAGE, request.GET.get("page"))
    page.object_list = list(page.object_list)
    organisation_url = url_maker("taxonomy:organisation", str)
    kind_labels = {value: str(label) for value, label in Organisation.Kind.choices}
    for organisation in page.object_list:
        organisation.url = organisation_url(organisation.slug)
        organisation.kind_label = kind_labels.get(organisation.kind, organisation.kind)
        organisation.name_language = language_of(organisation, "name")
        organisation.acronym_language = language_of(organisation, "acronym")
    return {"form": form, "page": page}


def _by_role(involvements):
    """[(role value, role label, [involvement, ...]), ...] in the order lead, participant, observer."""
    grouped: dict[str, list] = {role: [] for role in Involvement.values}
    for involvement in involvements:
        grouped[involvement.role].append(involvement)
    return [(role, label, grouped[role]) for role, label in Involvement.choices if grouped[role]]


@require_safe
@pagecache.cacheable()
def organisation_detail(request, slug):
    """The organisation, its names, and what the work plans name it on: one plan in full (the
    current plan, or the latest that names it) and every other plan as one line with links to
    its activity list filtered by this organisation, so the page stays the size of one plan."""
    organisation = get_object_or_404(Organisation.objects.prefetch_related("aliases"), slug=slug)
    context = {"organisation": organisation, "content": partial(organisation_content, organisation)}
    return render(request, "site/organisation_detail.html", context)


def organisation_content(organisation) -> dict:
    """What the page's `{% fragment %}` shows, computed only when it is not kept (decision 1201)."""
    # The plans naming it, found from its involvements (indexed by organisation), not by joining
    # every plan's priorities and activities to theirs.
    names_it = Q(
        pk__in=PriorityOrganisation.objects.filter(organisation=organisation).values("priority__workplan_id")
    ) | Q(
        pk__in=ActivityOrganisation.objects.filter(organisation=organisation).values("activity__priority__workplan_id")
    )
    plans = list(
        WorkPlan.objects.filter(names_it)
        .annotate(
            priority_count=Count(
                "priorities", filter=Q(priorities__involvements__organisation=organisation), distinct=True
            ),
        )
        .only("slug", "is_current", "period_start", "source_language", *translated_names("title"))
        .current_first()
    )
    activity_counts = dict(
        ActivityOrganisation.objects.filter(organisation=organisation)
        .order_by()
        .values_list("activity__priority__workplan_id")
        .annotate(count=Count("activity_id", distinct=True))
    )
    shown = plans[0] if plans else None
    plan_url = url_maker("workplan:overview", str)
    list_url = url_maker("workplan:activities", str)
    priority_url = url_maker("workplan:priority", str, str)
    activity_url = url_maker("workplan:activity", int)
    # What site/includes/organisation_workplan.html prints per other plan, translated once per count.
    priorities_text = counted(lambda n: ngettext("%(counter)s priority", "%(counter)s priorities", n))
    activities_text = counted(
        lambda n: ngettext("%(counter)s activity that names it", "%(counter)s activities that name it", n)
    )
    lead_query = urlencode({"lead": organisation.slug})
    participant_query = urlencode({"participant": organisation.slug})
    for plan in plans:
        activity_count = activity_counts.get(plan.pk, 0)
        plan_list_url = list_url(plan.slug)
        show(
            plan,
            url=plan_url(plan.slug),
            activity_count=activity_count,
            lead_url=f"{plan_list_url}?{lead_query}",
            participant_url=f"{plan_list_url}?{participant_query}",
            title_language=language_of(plan, "title"),
            priority_count_text=priorities_text(plan.priority_count),
            activity_count_text=activities_text(activity_count),
        )
    priority_involvements: list[PriorityOrganisation] = []
    activity_involvements: list[ActivityOrganisation] = []
    if shown is not None:
        priority_involvements = list(
            PriorityOrganisation.objects.filter(organisation=organisation, priority__workplan=shown)
            .select_related("priority")
            .annotate(activity_count=Count("priority__activities"))
            .order_by("priority__order", "pk")
        )
        activity_involvements = list(
            ActivityOrganisation.objects.filter(organisation=organisation, activity__priority__workplan=shown)
            .select_related("activity__priority")
            .order_by("activity__priority__order", "activity__order", "pk")
        )
        for priority_involvement in priority_involvements:
            priority = priority_involvement.priority
            priority.workplan = shown
            show(priority, url=priority_url(shown.slug, priority.slug))
        for activity_involvement in activity_involvements:
            activity = activity_involvement.activity
            activity.priority.workplan = shown
            show(
                activity,
                url=activity_url(activity.pk),
                status_label=choice_label(Status, activity.status),
                text_language=language_of(activity, "text"),
            )
    return {
        "priority_roles": _by_role(priority_involvements),
        "activity_roles": _by_role(activity_involvements),
        "shown_plan": shown,
        "other_plans": plans[1:],
        "priority_count": sum(plan.priority_count for plan in plans),
        "activity_count": sum(activity_counts.values()),
        **linked_knowledge(
            _resources_by_organisation(organisation.pk),
            _practices_by_organisation(organisation.pk),
            "publisher",
            organisation.slug,
        ),
    }

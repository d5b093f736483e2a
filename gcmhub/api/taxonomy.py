"""GCM reference data: objectives, guiding principles, thematic areas, countries, organisations."""

from typing import Annotated

from django.db.models import Prefetch, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router

from gcmhub.api.responses import kept_json_answer
from gcmhub.api.schemas.common import Error, Pagination, enum_schema, paginate, translations
from gcmhub.api.schemas.taxonomy import (
    CountryList,
    CountryOut,
    ObjectiveList,
    ObjectiveOut,
    OrganisationList,
    OrganisationOut,
    PrincipleList,
    PrincipleOut,
    ThematicAreaList,
    ThematicAreaOut,
)
from gcmhub.lib.i18n import choice_label
from gcmhub.lib.urls import absolute_url_maker
from gcmhub.taxonomy.models import (
    Country,
    GuidingPrinciple,
    Objective,
    Organisation,
    ThematicArea,
    normalize_name,
)

router = Router(tags=["GCM reference data"])


def objective_out(request: HttpRequest, objective: Objective) -> dict:
    return {
        "number": objective.number,
        "name": objective.short,
        "names": translations(objective, "short"),
        "title": objective.title,
        "titles": translations(objective, "title"),
        "url": request.build_absolute_uri(objective.get_absolute_url()),
    }


def principle_out(request: HttpRequest, principle: GuidingPrinciple) -> dict:
    return {
        "code": principle.code,
        "name": principle.name,
        "names": translations(principle, "name"),
        "url": request.build_absolute_uri(principle.get_absolute_url()),
    }


def thematic_area_out(request: HttpRequest, area: ThematicArea) -> dict:
    """Reads `area.objectives`: prefetch it."""
    return {
        "number": area.number,
        "name": area.name,
        "names": translations(area, "name"),
        "objectives": [o.number for o in area.objectives.all()],
        "url": request.build_absolute_uri(area.get_absolute_url()),
    }


def region_out(region) -> dict | None:
    if region is None:
        return None
    return {"m49": region.m49, "name": region.name, "names": translations(region, "name")}


def country_out(request: HttpRequest, country: Country) -> dict:
    """Reads `country.region` and `country.subregion`: select them."""
    return {
        "iso2": country.iso2,
        "iso3": country.iso3,
        "m49": country.m49,
        "name": country.name,
        "names": translations(country, "name"),
        "notes": translations(country, "note"),
        "region": region_out(country.region),
        "subregion": region_out(country.subregion),
        "url": request.build_absolute_uri(country.get_absolute_url()),
    }


def organisation_out(request: HttpRequest, org: Organisation) -> dict:
    """Reads `org.aliases`: prefetch it."""
    return {
        "slug": org.slug,
        "kind": org.kind,
        "kind_label": choice_label(Organisation.Kind, org.kind),
        "name": org.name,
        "names": translations(org, "name"),
        "acronym": org.acronym,
        "acronyms": translations(org, "acronym"),
        "aliases": sorted({a.alias for a in org.aliases.all()}),
        "website": org.website,
        "is_network_member": org.is_network_member,
        "url": absolute_url_maker(request, "taxonomy:organisation", str)(org.slug),
    }


def _kept(request, name: str, schema, compute):
    """A list of reference data: the same for every client, serialised once and kept until the
    reference data change (gcmhub/api/responses.py)."""
    return kept_json_answer(request, name, ("taxonomy",), compute, schema)


def _page(request, qs, page: Pagination, out) -> dict:
    result = paginate(qs, page)
    result["items"] = [out(request, obj) for obj in result["items"]]
    return result


@router.get("/objectives", response=ObjectiveList, summary="List the 23 GCM objectives")
def list_objectives(request: HttpRequest, page: Query[Pagination]):
    return _kept(
        request,
        "api:objectives",
        ObjectiveList,
        lambda: _page(request, Objective.objects.order_by("number"), page, objective_out),
    )


@router.get("/objectives/{id:number}", response={200: ObjectiveOut, 404: Error}, summary="One GCM objective")
def get_objective(request: HttpRequest, number: int):
    return objective_out(request, get_object_or_404(Objective, number=number))


@router.get("/principles", response=PrincipleList, summary="List the guiding principles")
def list_principles(request: HttpRequest, page: Query[Pagination]):
    return _kept(
        request,
        "api:principles",
        PrincipleList,
        lambda: _page(request, GuidingPrinciple.objects.order_by("order", "code"), page, principle_out),
    )


@router.get("/principles/{code}", response={200: PrincipleOut, 404: Error}, summary="One guiding principle")
def get_principle(request: HttpRequest, code: str):
    return principle_out(request, get_object_or_404(GuidingPrinciple, code__iexact=code))


@router.get("/thematic-areas", response=ThematicAreaList, summary="List the thematic areas")
def list_thematic_areas(request: HttpRequest, page: Query[Pagination]):
    qs = ThematicArea.objects.order_by("number").prefetch_related(
        Prefetch("objectives", Objective.objects.only("number"))
    )
    return _kept(request, "api:thematic-areas", ThematicAreaList, lambda: _page(request, qs, page, thematic_area_out))


@router.get("/thematic-areas/{id:number}", response={200: ThematicAreaOut, 404: Error}, summary="One thematic area")
def get_thematic_area(request: HttpRequest, number: int):
    qs = ThematicArea.objects.prefetch_related("objectives")
    return thematic_area_out(request, get_object_or_404(qs, number=number))


class CountryFilters(Pagination):
    region: str | None = Field(None, description="UN M49 code of a region or sub-region, such as 002 (Africa).")
    q: str | None = Field(
        None,
        max_length=100,
        description="Part of the name in any language (official or another name: Vietnam finds Viet Nam), or an ISO code.",
    )


@router.get("/countries", response=CountryList, summary="List countries")
def list_countries(request: HttpRequest, filters: Query[CountryFilters]):
    qs = Country.objects.listed().select_related("region", "subregion").order_by("name_en", "iso3")
    if filters.region:
        qs = qs.filter(Q(region__m49=filters.region) | Q(subregion__m49=filters.region))
    if filters.q:
        q = filters.q.strip()
        qs = qs.filter(
            Q(name_en__icontains=q)
            | Q(name_fr__icontains=q)
            | Q(name_es__icontains=q)
            | Q(other_names__icontains=q)
            | Q(iso2__iexact=q)
            | Q(iso3__iexact=q)
        )
    return _kept(request, "api:countries", CountryList, lambda: _page(request, qs, filters, country_out))


@router.get("/countries/{iso3}", response={200: CountryOut, 404: Error}, summary="One country by ISO alpha-3 code")
def get_country(request: HttpRequest, iso3: str):
    qs = Country.objects.select_related("region", "subregion")
    return country_out(request, get_object_or_404(qs, iso3__iexact=iso3))


class OrganisationFilters(Pagination):
    kind: Annotated[Organisation.Kind, enum_schema(Organisation.Kind, "OrganisationKind")] | None = Field(
        None, description="Kind of organisation."
    )
    q: str | None = Field(
        None, max_length=100, description="Part of a name, acronym or alias in any language (OIM finds IOM)."
    )


@router.get("/organisations", response=OrganisationList, summary="List organisations")
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilters]):
    qs = Organisation.objects.prefetch_related("aliases").order_by("name_en", "slug")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.q:
        q = filters.q.strip()
        match = (
            Q(name_en__icontains=q)
            | Q(name_fr__icontains=q)
            | Q(name_es__icontains=q)
            | Q(acronym_en__icontains=q)
            | Q(acronym_fr__icontains=q)
            | Q(acronym_es__icontains=q)
            | Q(aliases__alias__icontains=q)
        )
        if normalize_name(q):
            # Accents and punctuation folded: "onu femmes" finds "ONU-Femmes".
            match |= Q(aliases__normalized__contains=normalize_name(q))
        matching = Organisation.objects.filter(match)
        qs = qs.filter(pk__in=matching.values("pk"))
    return _kept(request, "api:organisations", OrganisationList, lambda: _page(request, qs, filters, organisation_out))


@router.get("/organisations/{slug}", response={200: OrganisationOut, 404: Error}, summary="One organisation")
def get_organisation(request: HttpRequest, slug: str):
    qs = Organisation.objects.prefetch_related("aliases")
    return organisation_out(request, get_object_or_404(qs, slug=slug))

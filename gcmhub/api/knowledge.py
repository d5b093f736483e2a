"""The Hub: resources, practices and calls for practices.

Reads are public (published items; with a token, also what its user may see: their own proposals
and drafts). Writes take a token: the schema validates the body, references (codes, slugs, names)
are resolved to objects, and the same actions and permission predicates as the pages do the rest,
with the same cleaned values: proposing a resource, saving a draft practice, editing it (with
`If-Match`, see `preconditions`), submitting it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Query, Router
from ninja import Status as HttpStatus
from ninja.errors import AuthenticationError

from gcmhub.api.auth import token_auth, token_user
from gcmhub.api.errors import ApiValidationError
from gcmhub.api.preconditions import (
    IF_MATCH_DOC,
    PreconditionMissing,
    PreconditionRequiredOut,
    expected_version,
    missing_body,
    set_etag,
    stale_detail,
)
from gcmhub.api.responses import json_answer, kept_json_answer
from gcmhub.api.schemas.common import Error, Pagination, ValidationErrorOut, organisation_ref, paginate, translations
from gcmhub.api.schemas.knowledge import (
    CallList,
    CallOut,
    LanguageChoice,
    PracticeConflictOut,
    PracticeIn,
    PracticeList,
    PracticeOut,
    ResourceIn,
    ResourceKindChoice,
    ResourceLanguageChoice,
    ResourceList,
    ResourceOut,
)
from gcmhub.knowledge.actions.resources import TEXT_FIELDS, ResourceValues, do_propose_resource
from gcmhub.knowledge.actions.submissions import (
    PracticeStateError,
    PracticeValues,
    SubmissionIncomplete,
    do_save_practice,
    do_submit_practice,
)
from gcmhub.knowledge.models import CallForPractices, Practice, Resource
from gcmhub.knowledge.permissions import (
    can_edit_practice,
    can_propose_resource,
    can_submit_practice,
    get_practice_for_user,
    get_resource_for_user,
)
from gcmhub.lib.concurrency import StaleObject
from gcmhub.lib.params import MAX_ID
from gcmhub.lib.urls import url_maker
from gcmhub.taxonomy.models import Country, GuidingPrinciple, Objective, Organisation, Region, ThematicArea
from gcmhub.workplan.models import Activity, Priority

router = Router(tags=["Hub"])
# What the Hub's lists show: kept pages are keyed by these apps' generations.
KNOWLEDGE_SCOPES = ("knowledge", "taxonomy", "workplan")

WRITE_ERRORS = {400: ValidationErrorOut, 401: Error, 403: Error, 404: Error}


# Output -----------------------------------------------------------------------------------------


def _country(c) -> dict:
    return {"iso2": c.iso2, "iso3": c.iso3, "name": c.name}


def _region(r) -> dict:
    return {"m49": r.m49, "name": r.name}


def _file(request: HttpRequest, f, language: str = "") -> dict:
    return {
        "language": language,
        "title": f.title,
        "filename": f.filename,
        "url": request.build_absolute_uri(f.get_absolute_url()),
        "size": f.size,
    }


class _Output:
    """What every item of one answer shares, worked out once: the site's address, URL makers and
    translated labels (one `reverse()` and one `gettext` per kind, not per item)."""

    def __init__(self, request: HttpRequest):
        self.request = request
        self.site = request.build_absolute_uri("/")[:-1]
        self._makers: dict = {}
        self._labels: dict = {}

    def url(self, viewname: str, slug: str) -> str:
        maker = self._makers.get(viewname)
        if maker is None:
            maker = self._makers[viewname] = url_maker(viewname, str)
        return self.site + maker(slug)

    def label(self, choices, value) -> str:
        labels = self._labels.get(choices)
        if labels is None:
            labels = self._labels[choices] = {v: str(label) for v, label in choices.choices}
        return labels.get(value, value)


# Prefetched into plain lists (`to_attr`): reading `obj.countries.all()` builds a manager and
# clones a queryset per item and relation, most of an answer's time.
def _resources():
    return Resource.objects.select_related("thematic_area").prefetch_related(
        Prefetch("publishers", to_attr="out_publishers"),
        Prefetch("countries", to_attr="out_countries"),
        Prefetch("regions", to_attr="out_regions"),
        Prefetch("objectives", Objective.objects.only("number"), to_attr="out_objectives"),
        Prefetch("principles", to_attr="out_principles"),
        Prefetch("files", to_attr="out_files"),
    )


def resource_out(request: HttpRequest, resource: Resource, out: _Output | None = None) -> dict:
    """Reads what `_resources()` fetches; `out`: shared by the items of one answer."""
    out = out or _Output(request)
    lists = vars(resource)  # the `to_attr` lists, which the model does not declare
    return {
        "slug": resource.slug,
        "kind": resource.kind,
        "kind_label": out.label(Resource.Kind, resource.kind),
        "status": resource.status,
        "title": resource.title,
        "titles": translations(resource, "title"),
        "summary": resource.summary,
        "summaries": translations(resource, "summary"),
        "source_language": resource.source_language,
        "languages": list(resource.languages or []),
        "publication_date": resource.publication_date,
        "published_at": resource.published_at,
        "publishers": [organisation_ref(o) for o in lists["out_publishers"]],
        "geographic_scope": resource.geographic_scope,
        "countries": [_country(c) for c in lists["out_countries"]],
        "regions": [_region(r) for r in lists["out_regions"]],
        "objectives": sorted(o.number for o in lists["out_objectives"]),
        "is_general": resource.is_general,
        "principles": sorted(p.code for p in lists["out_principles"]),
        "thematic_area": resource.thematic_area.number if resource.thematic_area else None,
        "audiences": list(resource.audiences or []),
        "external_url": resource.external_url,
        "files": [_file(request, f, f.language) for f in lists["out_files"]],
        "is_network_tool": resource.is_network_tool,
        "url": out.url("knowledge:resource", resource.slug),
    }


def _practices():
    return (
        Practice.objects.select_related("implementing_organisation", "thematic_area", "call")
        .prefetch_related(
            Prefetch("countries", to_attr="out_countries"),
            Prefetch("regions", to_attr="out_regions"),
            Prefetch("partner_organisations", to_attr="out_partners"),
            Prefetch("objectives", Objective.objects.only("number"), to_attr="out_objectives"),
            Prefetch("principles", to_attr="out_principles"),
            Prefetch("attachments", to_attr="out_attachments"),
        )
        .with_review_route()
    )


def practice_out(request: HttpRequest, practice: Practice, out: _Output | None = None) -> dict:
    """Reads what `_practices()` fetches; `out`: shared by the items of one answer."""
    out = out or _Output(request)
    lists = vars(practice)  # the `to_attr` lists, which the model does not declare
    org = practice.implementing_organisation
    route = practice.review_route
    return {
        "slug": practice.slug,
        "status": practice.status,
        "status_label": out.label(Practice.Status, practice.status),
        "review": route or None,
        "review_label": out.label(Practice.ReviewRoute, route) if route else "",
        "language": practice.language,
        "title": practice.title,
        "summary": practice.summary,
        "geographic_scope": practice.geographic_scope,
        "countries": [_country(c) for c in lists["out_countries"]],
        "regions": [_region(r) for r in lists["out_regions"]],
        "implementing_organisation": organisation_ref(org) if org else None,
        "implementing_organisation_name": practice.implementing_organisation_name,
        "partner_organisations": [organisation_ref(o) for o in lists["out_partners"]],
        "partners_other": practice.partners_other,
        "start_date": practice.start_date,
        "end_date": practice.end_date,
        "completion": practice.completion,
        "objectives": sorted(o.number for o in lists["out_objectives"]),
        "principles": sorted(p.code for p in lists["out_principles"]),
        "thematic_area": practice.thematic_area.number if practice.thematic_area else None,
        "description": practice.description,
        "results": practice.results,
        "challenges": practice.challenges,
        "lessons": practice.lessons,
        "innovation": practice.innovation,
        "sustainability": practice.sustainability,
        "links": practice.link_list,
        "criteria_met": list(practice.criteria_met or []),
        "call": practice.call.slug if practice.call else None,
        "published_at": practice.published_at,
        "submitted_at": practice.submitted_at,
        "attachments": [_file(request, a) for a in lists["out_attachments"]],
        "url": out.url("knowledge:practice", practice.slug),
    }


def call_out(request: HttpRequest, call: CallForPractices, now=None) -> dict:
    """Reads `call.objectives`: prefetch it."""
    return {
        "slug": call.slug,
        "title": call.title,
        "titles": translations(call, "title"),
        "rationale": call.rationale,
        "eligibility": call.eligibility,
        "criteria": call.criteria,
        "source_language": call.source_language,
        "objectives": sorted(o.number for o in call.objectives.all()),
        "opens_at": call.opens_at,
        "deadline": call.deadline,
        "is_open": call.is_open(now),
        "contact_name": call.contact_name,
        "contact_email": call.contact_email,
        "url": request.build_absolute_uri(call.get_absolute_url()),
    }


# Filters ----------------------------------------------------------------------------------------


def _organisation(value: str, field: str) -> Organisation:
    org = Organisation.objects.filter(slug=value).first() or Organisation.objects.resolving(value).first()
    if org is None:
        raise ApiValidationError({field: [gettext("No organisation is known by this name.")]})
    return org


def _country_filter(value: str) -> Q:
    code = value.strip().upper()
    return Q(countries__iso2=code) if len(code) == 2 else Q(countries__iso3=code)


class ResourceFilters(Pagination):
    objective: int | None = Field(
        None, ge=1, le=MAX_ID, description="Number of a GCM objective (general resources included)."
    )
    country: str | None = Field(None, max_length=3, description="ISO 3166 alpha-2 or alpha-3 code.")
    type: ResourceKindChoice | None = Field(None, description="Type of resource.")
    publisher: str | None = Field(None, description="Publisher: slug, name or acronym in any language.")
    language: ResourceLanguageChoice | None = Field(None, description="A language the resource is available in.")


class PracticeFilters(Pagination):
    objective: int | None = Field(None, ge=1, le=MAX_ID, description="Number of a GCM objective.")
    country: str | None = Field(None, max_length=3, description="ISO 3166 alpha-2 or alpha-3 code.")
    language: LanguageChoice | None = Field(None, description="Language the practice is written in.")
    mine: bool = Field(False, description="Your own practices in any status instead of the published ones (token).")


class CallFilters(Pagination):
    open: bool | None = Field(None, description="Only calls open now (true) or only the others (false).")


# Reads ------------------------------------------------------------------------------------------


@router.get("/resources", response={200: ResourceList, 400: ValidationErrorOut}, summary="List published resources")
def list_resources(request: HttpRequest, filters: Query[ResourceFilters]):
    # Published resources are the same for every client: serialised once and kept until the Hub,
    # the reference data or the work plan change (gcmhub/api/responses.py).
    return kept_json_answer(
        request, "api:resources", KNOWLEDGE_SCOPES, lambda: resources_page(request, filters), ResourceList
    )


def resources_page(request: HttpRequest, filters: ResourceFilters) -> dict:
    qs = Resource.objects.published()
    if filters.objective:
        qs = qs.filter(Q(objectives__number=filters.objective) | Q(is_general=True))
    if filters.country:
        qs = qs.filter(_country_filter(filters.country))
    if filters.type:
        qs = qs.filter(kind=filters.type)
    if filters.publisher:
        qs = qs.filter(publishers=_organisation(filters.publisher, "publisher"))
    if filters.language:
        # `languages` is a JSON list of codes; a quoted code matches one element on every database.
        qs = qs.filter(languages__icontains=f'"{filters.language.value}"')
    ids = qs.values("pk")
    result = paginate(_resources().filter(pk__in=ids).order_by("-publication_date", "-pk"), filters)
    out = _Output(request)
    result["items"] = [resource_out(request, r, out) for r in result["items"]]
    return result


@router.get("/resources/{slug}", response={200: ResourceOut, 404: Error}, summary="One resource")
def get_resource(request: HttpRequest, slug: str):
    resource = get_resource_for_user(request.user, slug)
    return resource_out(request, _resources().get(pk=resource.pk))


@router.get(
    "/practices",
    response={200: PracticeList, 400: ValidationErrorOut, 401: Error},
    summary="List published practices (or your own with `mine`)",
)
def list_practices(request: HttpRequest, filters: Query[PracticeFilters]):
    # Published practices are kept like resources; a client's own (`mine`) are answered each time.
    if filters.mine:
        if not request.user.is_authenticated:
            raise AuthenticationError
        return json_answer(practices_page(request, filters), PracticeList)
    return kept_json_answer(
        request, "api:practices", KNOWLEDGE_SCOPES, lambda: practices_page(request, filters), PracticeList
    )


def practices_page(request: HttpRequest, filters: PracticeFilters) -> dict:
    if filters.mine:
        if not request.user.is_authenticated:
            raise AuthenticationError
        qs = Practice.objects.filter(submitter=request.user)
    else:
        qs = Practice.objects.published()
    if filters.objective:
        qs = qs.filter(objectives__number=filters.objective)
    if filters.country:
        qs = qs.filter(_country_filter(filters.country))
    if filters.language:
        qs = qs.filter(language=filters.language.value)
    order = ("-updated_at", "-pk") if filters.mine else ("-published_at", "-pk")
    result = paginate(_practices().filter(pk__in=qs.values("pk")).order_by(*order), filters)
    out = _Output(request)
    result["items"] = [practice_out(request, p, out) for p in result["items"]]
    return result


@router.get(
    "/practices/{slug}",
    response={200: PracticeOut, 404: Error},
    summary="One practice",
    description="The `ETag` header names the version: send it in `If-Match` to edit the practice.",
)
def get_practice(request: HttpRequest, slug: str, response: HttpResponse):
    practice = get_practice_for_user(request.user, slug)
    set_etag(response, practice.etag)
    return practice_out(request, _practices().get(pk=practice.pk))


@router.get("/calls", response=CallList, summary="List calls for practices")
def list_calls(request: HttpRequest, filters: Query[CallFilters]):
    # Kept like the other lists; a kept page expires when a call opens or closes (PAGE_CACHE_CLOCKS).
    return kept_json_answer(request, "api:calls", KNOWLEDGE_SCOPES, lambda: calls_page(request, filters), CallList)


def calls_page(request: HttpRequest, filters: CallFilters) -> dict:
    now = timezone.now()
    qs = CallForPractices.objects.prefetch_related(Prefetch("objectives", Objective.objects.only("number")))
    if filters.open is True:
        qs = qs.open(now)
    elif filters.open is False:
        qs = qs.exclude(pk__in=CallForPractices.objects.open(now).values("pk"))
    result = paginate(qs.order_by("-deadline", "pk"), filters)
    result["items"] = [call_out(request, c, now) for c in result["items"]]
    return result


@router.get("/calls/{slug}", response={200: CallOut, 404: Error}, summary="One call for practices")
def get_call(request: HttpRequest, slug: str):
    return call_out(request, get_object_or_404(CallForPractices.objects.prefetch_related("objectives"), slug=slug))


# Writes -----------------------------------------------------------------------------------------


class _References:
    """Codes sent by clients -> the objects they name; unknown codes collect per-field errors."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def _fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def _many(self, field: str, values: list, table: dict, message: str) -> list:
        found = []
        for value in values:
            obj = table.get(value if isinstance(value, int) else str(value).strip().lower())
            if obj is None:
                self._fail(field, message % {"value": value})
            else:
                found.append(obj)
        return found

    def countries(self, field: str, values: list[str]) -> list[Country]:
        codes = {v.strip().upper() for v in values}
        table = {}
        for country in Country.objects.filter(Q(iso2__in=codes) | Q(iso3__in=codes)):
            table[country.iso2.lower()] = table[country.iso3.lower()] = country
        return self._many(field, values, table, gettext("No country has the code “%(value)s”."))

    def regions(self, field: str, values: list[str]) -> list[Region]:
        table = {r.m49: r for r in Region.objects.filter(m49__in=[v.strip() for v in values])}
        return self._many(field, values, table, gettext("No region has the M49 code “%(value)s”."))

    def objectives(self, field: str, values: list[int]) -> list[Objective]:
        table = {o.number: o for o in Objective.objects.filter(number__in=values)}
        return self._many(field, values, table, gettext("“%(value)s” is not a GCM objective."))

    def principles(self, field: str, values: list[str]) -> list[GuidingPrinciple]:
        table = {p.code.lower(): p for p in GuidingPrinciple.objects.all()}
        return self._many(field, values, table, gettext("“%(value)s” is not a guiding principle."))

    def organisations(self, field: str, values: list[str]) -> list[Organisation]:
        found = []
        for value in values:
            org = Organisation.objects.filter(slug=value).first() or Organisation.objects.resolving(value).first()
            if org is None:
                self._fail(field, gettext("No organisation is known as “%(value)s”.") % {"value": value})
            else:
                found.append(org)
        return found

    def organisation(self, field: str, value: str | None) -> Organisation | None:
        if not value:
            return None
        found = self.organisations(field, [value])
        return found[0] if found else None

    def thematic_area(self, field: str, number: int | None) -> ThematicArea | None:
        if number is None:
            return None
        area = ThematicArea.objects.filter(number=number).first()
        if area is None:
            self._fail(field, gettext("“%(value)s” is not a thematic area.") % {"value": number})
        return area

    def by_slug(self, field: str, model, slug: str | None, message: str):
        if not slug:
            return None
        obj = model.objects.filter(slug=slug).first()
        if obj is None:
            self._fail(field, message)
        return obj

    def by_pk(self, field: str, model, pk: int | None, message: str):
        if pk is None:
            return None
        obj = model.objects.filter(pk=pk).first()
        if obj is None:
            self._fail(field, message)
        return obj

    def check(self) -> None:
        if self.errors:
            raise ApiValidationError(self.errors)


def _action_errors(error: ValidationError) -> ApiValidationError:
    return ApiValidationError(
        {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
        if hasattr(error, "error_dict")
        else {"__all__": error.messages}
    )


@router.post(
    "/resources",
    auth=token_auth,
    response={201: ResourceOut, **WRITE_ERRORS},
    summary="Propose a resource (Network members' focal points and the Hub team)",
)
def propose_resource(request: HttpRequest, payload: ResourceIn):
    user = token_user(request)
    if not can_propose_resource(user):
        raise PermissionDenied
    refs = _References()
    values = ResourceValues(
        kind=payload.kind.value,
        source_language=payload.source_language.value,
        **{name: getattr(payload, name) for name in TEXT_FIELDS},
        external_url=payload.external_url.strip(),
        publication_date=payload.publication_date,
        languages=[v.value for v in payload.languages],
        geographic_scope=payload.geographic_scope.value,
        is_general=payload.is_general,
        audiences=[v.value for v in payload.audiences],
        publishers=refs.organisations("publishers", payload.publishers),
        countries=refs.countries("countries", payload.countries),
        regions=refs.regions("regions", payload.regions),
        objectives=refs.objectives("objectives", payload.objectives),
        principles=refs.principles("principles", payload.principles),
        thematic_area=refs.thematic_area("thematic_area", payload.thematic_area),
        output_of_priority=refs.by_slug(
            "output_of_priority",
            Priority,
            payload.output_of_priority,
            gettext("No work-plan priority has this identifier."),
        ),
        output_of_activity=refs.by_pk(
            "output_of_activity",
            Activity,
            payload.output_of_activity,
            gettext("No work-plan activity has this identifier."),
        ),
    )
    refs.check()
    try:
        resource = do_propose_resource(user, values)
    except ValidationError as error:
        raise _action_errors(error) from error
    return HttpStatus(201, resource_out(request, _resources().get(pk=resource.pk)))


def _practice_values(payload: PracticeIn, practice: Practice | None) -> PracticeValues:
    """The saved practice's values (defaults for a new one) with the fields sent replacing theirs,
    references resolved; unknown references are a 400 listing them."""
    values = PracticeValues.of(practice) if practice is not None else PracticeValues()
    sent = payload.model_dump(exclude_unset=True)
    refs = _References()
    for name, value in sent.items():
        if hasattr(value, "value"):
            value = value.value
        if name == "countries":
            value = refs.countries(name, value or [])
        elif name == "regions":
            value = refs.regions(name, value or [])
        elif name == "objectives":
            value = refs.objectives(name, value or [])
        elif name == "principles":
            value = refs.principles(name, value or [])
        elif name == "partner_organisations":
            value = refs.organisations(name, value or [])
        elif name == "implementing_organisation":
            value = refs.organisation(name, value)
        elif name == "thematic_area":
            value = refs.thematic_area(name, value)
        elif name == "call":
            value = refs.by_slug(name, CallForPractices, value, gettext("No call for practices has this identifier."))
        elif name == "links":
            value = "\n".join(value or [])
        elif name == "criteria_met":
            value = [v.value if hasattr(v, "value") else v for v in value or []]
        elif name == "submitted_for_other_entity":
            value = bool(value)
        elif value is None and name not in ("start_date", "end_date"):
            value = ""
        setattr(values, name, value)
    refs.check()
    if not values.language:
        values.language = "en"
    if not values.geographic_scope:
        values.geographic_scope = Practice._meta.get_field("geographic_scope").default
    return values


def _get_rw_practice(user, slug: str) -> Practice:
    practice = get_practice_for_user(user, slug)
    if not can_edit_practice(user, practice):
        raise PermissionDenied
    return practice


def _practice_response(request: HttpRequest, response: HttpResponse, practice: Practice) -> dict:
    practice = _practices().get(pk=practice.pk)
    set_etag(response, practice.etag)
    return practice_out(request, practice)


def _practice_conflict(request: HttpRequest, current: Practice | None):
    if current is None:
        return HttpStatus(404, {"detail": gettext("Not found.")})
    current = _practices().get(pk=current.pk)
    return HttpStatus(412, {"detail": stale_detail(), "etag": current.etag, "current": practice_out(request, current)})


@router.post(
    "/practices",
    auth=token_auth,
    response={201: PracticeOut, **WRITE_ERRORS},
    summary="Start a practice (a draft; submit it when complete)",
    description="The `ETag` header names the new draft's version.",
)
def create_practice(request: HttpRequest, payload: PracticeIn, response: HttpResponse):
    if not can_submit_practice(token_user(request)):
        raise PermissionDenied
    try:
        practice = do_save_practice(token_user(request), None, _practice_values(payload, None))
    except ValidationError as error:
        raise _action_errors(error) from error
    return HttpStatus(201, _practice_response(request, response, practice))


@router.patch(
    "/practices/{slug}",
    auth=token_auth,
    response={200: PracticeOut, **WRITE_ERRORS, 412: PracticeConflictOut, 428: PreconditionRequiredOut},
    summary="Edit your practice while it is a draft, returned or sent back for revision",
    description=f"Send only the fields to change. {IF_MATCH_DOC}",
)
def edit_practice(request: HttpRequest, slug: str, payload: PracticeIn, response: HttpResponse):
    user = token_user(request)
    practice = _get_rw_practice(user, slug)
    try:
        expected = expected_version(request, required=True)
    except PreconditionMissing:
        return HttpStatus(428, missing_body())
    if expected is not None and expected != practice.version:
        return _practice_conflict(request, practice)  # the base of the merge below would be wrong
    try:
        practice = do_save_practice(user, practice, _practice_values(payload, practice), expected_version=expected)
    except StaleObject as stale:
        return _practice_conflict(request, stale.current)
    except PracticeStateError as exc:
        raise PermissionDenied from exc
    except ValidationError as error:
        raise _action_errors(error) from error
    return _practice_response(request, response, practice)


@router.post(
    "/practices/{slug}/submit",
    auth=token_auth,
    response={200: PracticeOut, **WRITE_ERRORS, 412: PracticeConflictOut},
    summary="Submit your practice for screening (400 lists the fields still needed)",
    description=(
        "`If-Match` is optional here: with it, the practice is submitted only if it is still the "
        "version you read (412 otherwise)."
    ),
)
def submit_practice(request: HttpRequest, slug: str, response: HttpResponse):
    user = token_user(request)
    practice = _get_rw_practice(user, slug)
    expected = expected_version(request, required=False)
    try:
        do_submit_practice(user, practice, expected_version=expected)
    except StaleObject as stale:
        return _practice_conflict(request, stale.current)
    except SubmissionIncomplete as exc:
        raise ApiValidationError(exc.errors) from exc
    except PracticeStateError as exc:
        raise PermissionDenied from exc
    return _practice_response(request, response, practice)

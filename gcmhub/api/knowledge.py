"""The Hub: resources, practices and calls for practices.

Reads are public (published items; with a token, also what its user may see: their own proposals
and drafts). Writes take a token and go through the same forms, actions and permission
predicates as the pages: proposing a resource, saving a draft practice, editing it, submitting it.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Query, Router
from ninja import Status as HttpStatus
from ninja.errors import AuthenticationError

from gcmhub.api.auth import token_auth
from gcmhub.api.errors import ApiValidationError
from gcmhub.api.schemas.common import Error, Pagination, ValidationErrorOut, organisation_ref, paginate, translations
from gcmhub.api.schemas.knowledge import (
    CallList,
    CallOut,
    LanguageChoice,
    PracticeIn,
    PracticeList,
    PracticeOut,
    ResourceIn,
    ResourceKindChoice,
    ResourceLanguageChoice,
    ResourceList,
    ResourceOut,
)
from gcmhub.knowledge.actions import PracticeStateError, SubmissionIncomplete, do_save_practice, do_submit_practice
from gcmhub.knowledge.actions_resources import do_propose_resource
from gcmhub.knowledge.forms_practices import PracticeForm
from gcmhub.knowledge.forms_resources import ResourceProposalForm
from gcmhub.knowledge.models import CallForPractices, Practice, Resource
from gcmhub.knowledge.permissions import (
    can_edit_practice,
    can_propose_resource,
    can_submit_practice,
    get_practice_for_user,
    get_resource_for_user,
)
from gcmhub.lib.params import MAX_ID
from gcmhub.taxonomy.models import Country, GuidingPrinciple, Objective, Organisation, Region, ThematicArea
from gcmhub.workplan.models import Priority

router = Router(tags=["Hub"])

WRITE_ERRORS = {400: ValidationErrorOut, 401: Error, 403: Error, 404: Error}


# Output -----------------------------------------------------------------------------------------


def _country(c) -> dict:
    return {"iso2": c.iso2, "iso3": c.iso3, "name": c.name}


def _region(r) -> dict:
    return {"m49": r.m49, "name": r.name}


def _file(request: HttpRequest, f, language: str = "") -> dict:
    return {"language": language, "title": f.title, "url": request.build_absolute_uri(f.file.url), "size": f.size}


def _resources():
    return Resource.objects.select_related("thematic_area").prefetch_related(
        "publishers",
        "countries",
        "regions",
        Prefetch("objectives", Objective.objects.only("number")),
        "principles",
        "files",
    )


def resource_out(request: HttpRequest, resource: Resource) -> dict:
    """Reads what `_resources()` fetches."""
    return {
        "slug": resource.slug,
        "kind": resource.kind,
        "kind_label": str(resource.get_kind_display()),
        "status": resource.status,
        "title": resource.title,
        "titles": translations(resource, "title"),
        "summary": resource.summary,
        "summaries": translations(resource, "summary"),
        "source_language": resource.source_language,
        "languages": list(resource.languages or []),
        "publication_date": resource.publication_date,
        "published_at": resource.published_at,
        "publishers": [organisation_ref(o) for o in resource.publishers.all()],
        "geographic_scope": resource.geographic_scope,
        "countries": [_country(c) for c in resource.countries.all()],
        "regions": [_region(r) for r in resource.regions.all()],
        "objectives": sorted(o.number for o in resource.objectives.all()),
        "is_general": resource.is_general,
        "principles": sorted(p.code for p in resource.principles.all()),
        "thematic_area": resource.thematic_area.number if resource.thematic_area else None,
        "audiences": list(resource.audiences or []),
        "external_url": resource.external_url,
        "files": [_file(request, f, f.language) for f in resource.files.all()],
        "is_network_tool": resource.is_network_tool,
        "url": request.build_absolute_uri(resource.get_absolute_url()),
    }


def _practices():
    return Practice.objects.select_related("implementing_organisation", "thematic_area", "call").prefetch_related(
        "countries",
        "regions",
        "partner_organisations",
        Prefetch("objectives", Objective.objects.only("number")),
        "principles",
        "attachments",
    )


def practice_out(request: HttpRequest, practice: Practice) -> dict:
    """Reads what `_practices()` fetches."""
    org = practice.implementing_organisation
    return {
        "slug": practice.slug,
        "status": practice.status,
        "status_label": str(practice.get_status_display()),
        "language": practice.language,
        "title": practice.title,
        "summary": practice.summary,
        "geographic_scope": practice.geographic_scope,
        "countries": [_country(c) for c in practice.countries.all()],
        "regions": [_region(r) for r in practice.regions.all()],
        "implementing_organisation": organisation_ref(org) if org else None,
        "implementing_organisation_name": practice.implementing_organisation_name,
        "partner_organisations": [organisation_ref(o) for o in practice.partner_organisations.all()],
        "partners_other": practice.partners_other,
        "start_date": practice.start_date,
        "end_date": practice.end_date,
        "completion": practice.completion,
        "objectives": sorted(o.number for o in practice.objectives.all()),
        "principles": sorted(p.code for p in practice.principles.all()),
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
        "attachments": [_file(request, a) for a in practice.attachments.all()],
        "url": request.build_absolute_uri(practice.get_absolute_url()),
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
    result["items"] = [resource_out(request, r) for r in result["items"]]
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
    result["items"] = [practice_out(request, p) for p in result["items"]]
    return result


@router.get("/practices/{slug}", response={200: PracticeOut, 404: Error}, summary="One practice")
def get_practice(request: HttpRequest, slug: str):
    practice = get_practice_for_user(request.user, slug)
    return practice_out(request, _practices().get(pk=practice.pk))


@router.get("/calls", response=CallList, summary="List calls for practices")
def list_calls(request: HttpRequest, filters: Query[CallFilters]):
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
    """Codes sent by clients -> primary keys the forms take; unknown codes collect per-field errors."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def _fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def _many(self, field: str, values: list, table: dict, message: str) -> list[int]:
        pks = []
        for value in values:
            pk = table.get(value if isinstance(value, int) else str(value).strip().lower())
            if pk is None:
                self._fail(field, message % {"value": value})
            else:
                pks.append(pk)
        return pks

    def countries(self, field: str, values: list[str]) -> list[int]:
        codes = {v.strip().upper() for v in values}
        table = {}
        for pk, iso2, iso3 in Country.objects.filter(Q(iso2__in=codes) | Q(iso3__in=codes)).values_list(
            "pk", "iso2", "iso3"
        ):
            table[iso2.lower()] = table[iso3.lower()] = pk
        return self._many(field, values, table, gettext("No country has the code “%(value)s”."))

    def regions(self, field: str, values: list[str]) -> list[int]:
        table = dict(Region.objects.filter(m49__in=[v.strip() for v in values]).values_list("m49", "pk"))
        return self._many(field, values, table, gettext("No region has the M49 code “%(value)s”."))

    def objectives(self, field: str, values: list[int]) -> list[int]:
        table = dict(Objective.objects.filter(number__in=values).values_list("number", "pk"))
        return self._many(field, values, table, gettext("“%(value)s” is not a GCM objective."))

    def principles(self, field: str, values: list[str]) -> list[int]:
        table = {c.lower(): pk for c, pk in GuidingPrinciple.objects.values_list("code", "pk")}
        return self._many(field, values, table, gettext("“%(value)s” is not a guiding principle."))

    def organisations(self, field: str, values: list[str]) -> list[int]:
        pks = []
        for value in values:
            org = Organisation.objects.filter(slug=value).first() or Organisation.objects.resolving(value).first()
            if org is None:
                self._fail(field, gettext("No organisation is known as “%(value)s”.") % {"value": value})
            else:
                pks.append(org.pk)
        return pks

    def thematic_area(self, field: str, number: int | None) -> int | None:
        if number is None:
            return None
        pk = ThematicArea.objects.filter(number=number).values_list("pk", flat=True).first()
        if pk is None:
            self._fail(field, gettext("“%(value)s” is not a thematic area.") % {"value": number})
        return pk

    def by_slug(self, field: str, model, slug: str | None, message: str) -> int | None:
        if not slug:
            return None
        pk = model.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if pk is None:
            self._fail(field, message)
        return pk

    def check(self) -> None:
        if self.errors:
            raise ApiValidationError(self.errors)


def _form_errors(form) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}


@router.post(
    "/resources",
    auth=token_auth,
    response={201: ResourceOut, **WRITE_ERRORS},
    summary="Propose a resource (Network members' focal points and the Hub team)",
)
def propose_resource(request: HttpRequest, payload: ResourceIn):
    user = request.auth.user
    if not can_propose_resource(user):
        raise PermissionDenied
    refs = _References()
    data = payload.model_dump(
        exclude={
            "publishers",
            "countries",
            "regions",
            "objectives",
            "principles",
            "thematic_area",
            "output_of_priority",
            "kind",
            "source_language",
            "languages",
            "geographic_scope",
            "audiences",
            "publication_date",
        }
    )
    data.update(
        {
            "kind": payload.kind.value,
            "source_language": payload.source_language.value,
            "geographic_scope": payload.geographic_scope.value,
            "languages": [v.value for v in payload.languages],
            "audiences": [v.value for v in payload.audiences],
            "publication_date": payload.publication_date.isoformat() if payload.publication_date else "",
            "publishers": refs.organisations("publishers", payload.publishers),
            "countries": refs.countries("countries", payload.countries),
            "regions": refs.regions("regions", payload.regions),
            "objectives": refs.objectives("objectives", payload.objectives),
            "principles": refs.principles("principles", payload.principles),
            "thematic_area": refs.thematic_area("thematic_area", payload.thematic_area),
            "output_of_priority": refs.by_slug(
                "output_of_priority",
                Priority,
                payload.output_of_priority,
                gettext("No work-plan priority has this identifier."),
            ),
            "output_of_activity": payload.output_of_activity,
        }
    )
    refs.check()
    form = ResourceProposalForm({k: v for k, v in data.items() if v is not None}, {})
    if not form.is_valid():
        raise ApiValidationError(_form_errors(form))
    resource = do_propose_resource(user, form)
    return HttpStatus(201, resource_out(request, _resources().get(pk=resource.pk)))


PRACTICE_REFERENCE_FIELDS = {
    "countries",
    "regions",
    "objectives",
    "principles",
    "thematic_area",
    "implementing_organisation",
    "partner_organisations",
    "call",
}


def _practice_form_data(payload: PracticeIn, practice: Practice) -> dict:
    """The saved practice's values (as form data) with the fields sent replacing theirs."""
    data = {}
    if practice.pk:
        data = model_to_dict(practice, fields=PracticeForm.Meta.fields)
        for name, value in data.items():
            if isinstance(value, list) and value and hasattr(value[0], "pk"):
                data[name] = [obj.pk for obj in value]
    sent = payload.model_dump(exclude_unset=True)
    refs = _References()
    for name, value in sent.items():
        if name in PRACTICE_REFERENCE_FIELDS:
            continue
        if hasattr(value, "value"):
            value = value.value
        elif name == "links":
            value = "\n".join(value or [])
        elif name == "criteria_met":
            value = [v.value if hasattr(v, "value") else v for v in value or []]
        data[name] = "" if value is None else value
    if "countries" in sent:
        data["countries"] = refs.countries("countries", sent["countries"] or [])
    if "regions" in sent:
        data["regions"] = refs.regions("regions", sent["regions"] or [])
    if "objectives" in sent:
        data["objectives"] = refs.objectives("objectives", sent["objectives"] or [])
    if "principles" in sent:
        data["principles"] = refs.principles("principles", sent["principles"] or [])
    if "partner_organisations" in sent:
        data["partner_organisations"] = refs.organisations("partner_organisations", sent["partner_organisations"] or [])
    if "implementing_organisation" in sent:
        value = sent["implementing_organisation"]
        data["implementing_organisation"] = (
            (refs.organisations("implementing_organisation", [value]) or [None])[0] if value else None
        )
    if "thematic_area" in sent:
        data["thematic_area"] = refs.thematic_area("thematic_area", sent["thematic_area"])
    if "call" in sent:
        data["call"] = refs.by_slug(
            "call", CallForPractices, sent["call"], gettext("No call for practices has this identifier.")
        )
    refs.check()
    data.setdefault("language", practice.language or "en")
    data.setdefault("geographic_scope", practice.geographic_scope)
    return {k: v for k, v in data.items() if v is not None}


def _save_practice(request: HttpRequest, payload: PracticeIn, practice: Practice) -> Practice:
    form = PracticeForm(_practice_form_data(payload, practice), {}, instance=practice)
    if not form.is_valid():
        raise ApiValidationError(_form_errors(form))
    return do_save_practice(request.auth.user, form)


def _get_rw_practice(user, slug: str) -> Practice:
    practice = get_practice_for_user(user, slug)
    if not can_edit_practice(user, practice):
        raise PermissionDenied
    return practice


@router.post(
    "/practices",
    auth=token_auth,
    response={201: PracticeOut, **WRITE_ERRORS},
    summary="Start a practice (a draft; submit it when complete)",
)
def create_practice(request: HttpRequest, payload: PracticeIn):
    if not can_submit_practice(request.auth.user):
        raise PermissionDenied
    practice = _save_practice(request, payload, Practice())
    return HttpStatus(201, practice_out(request, _practices().get(pk=practice.pk)))


@router.patch(
    "/practices/{slug}",
    auth=token_auth,
    response={200: PracticeOut, **WRITE_ERRORS},
    summary="Edit your practice while it is a draft, returned or sent back for revision",
)
def edit_practice(request: HttpRequest, slug: str, payload: PracticeIn):
    practice = _get_rw_practice(request.auth.user, slug)
    practice = _save_practice(request, payload, practice)
    return practice_out(request, _practices().get(pk=practice.pk))


@router.post(
    "/practices/{slug}/submit",
    auth=token_auth,
    response={200: PracticeOut, **WRITE_ERRORS},
    summary="Submit your practice for screening (400 lists the fields still needed)",
)
def submit_practice(request: HttpRequest, slug: str):
    user = request.auth.user
    practice = _get_rw_practice(user, slug)
    try:
        do_submit_practice(user, practice)
    except SubmissionIncomplete as exc:
        raise ApiValidationError(exc.errors) from exc
    except PracticeStateError as exc:
        raise PermissionDenied from exc
    return practice_out(request, _practices().get(pk=practice.pk))

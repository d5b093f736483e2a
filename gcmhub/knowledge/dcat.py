"""The Hub's catalogue as DCAT in JSON-LD, for other catalogues to harvest.

A `dcat:Catalog` whose `dcat:dataset`s are the published resources, then the published practices,
each with its public page as `dcat:landingPage` (language-prefixed, `?lang=`, English by default),
titles and descriptions tagged with their language, publishers, countries as EU authority URIs,
GCM objectives as themes (our objective pages) and a `dcat:Distribution` per file or link.
Large catalogues come in pages (`?page=`), linked with `hydra:next` / `hydra:previous`.
"""

import json
import mimetypes

from django.core.paginator import InvalidPage
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from gcmhub.knowledge.models import Practice, Resource
from gcmhub.lib.i18n import LANGUAGE_CODES
from gcmhub.lib.params import parse_int

PAGE_SIZE = 500
CONTENT_TYPE = "application/ld+json; charset=utf-8"
COUNTRY_AUTHORITY = "http://publications.europa.eu/resource/authority/country/"
LANGUAGE_AUTHORITY = "http://publications.europa.eu/resource/authority/language/"
LANGUAGE_URIS = {"en": "ENG", "fr": "FRA", "es": "SPA", "ar": "ARA", "ru": "RUS", "zh": "ZHO", "pt": "POR"}
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

CATALOG_TITLES = {
    "en": "Migration Network Hub: resources and practices",
    "fr": "Centre de connaissances du Réseau sur les migrations : ressources et pratiques",
    "es": "Centro de conocimientos de la Red sobre la Migración: recursos y prácticas",
}


def _texts(obj, name: str) -> list[dict]:
    return [
        {"@value": value, "@language": code} for code in LANGUAGE_CODES if (value := getattr(obj, f"{name}_{code}"))
    ]


def _date(value) -> dict | None:
    return {"@value": value.isoformat(), "@type": "xsd:date"} if value else None


def _datetime(value) -> dict | None:
    return {"@value": value.isoformat(), "@type": "xsd:dateTime"} if value else None


def _language(code: str) -> dict | None:
    return {"@id": LANGUAGE_AUTHORITY + LANGUAGE_URIS[code]} if code in LANGUAGE_URIS else None


def _organisation(request: HttpRequest, org) -> dict:
    names = [{"@value": v, "@language": c} for c in LANGUAGE_CODES if (v := getattr(org, f"name_{c}"))]
    return {"@id": request.build_absolute_uri(org.get_absolute_url()), "@type": "foaf:Organization", "foaf:name": names}


def _file_distribution(request: HttpRequest, item, language: str = "") -> dict:
    media_type, _encoding = mimetypes.guess_type(item.file.name)
    url = request.build_absolute_uri(item.get_absolute_url())  # the download view, which checks permission
    data = {
        "@type": "dcat:Distribution",
        "dcat:downloadURL": {"@id": url},
        "dcat:accessURL": {"@id": url},
        "dcat:byteSize": {"@value": item.size, "@type": "xsd:nonNegativeInteger"},
    }
    if item.title:
        data["dct:title"] = item.title
    if media_type:
        data["dcat:mediaType"] = {"@id": MEDIA_TYPES + media_type}
    if language and (lang := _language(language)):
        data["dct:language"] = lang
    return data


def _link_distribution(url: str) -> dict:
    return {"@type": "dcat:Distribution", "dcat:accessURL": {"@id": url}}


def _common(request: HttpRequest, item, objective_urls: dict[int, str]) -> dict:
    return {
        "dcat:landingPage": {"@id": request.build_absolute_uri(item.get_absolute_url())},
        "dct:spatial": [{"@id": COUNTRY_AUTHORITY + c.iso3} for c in item.countries.all()],
        "dcat:theme": [{"@id": objective_urls[o.number]} for o in item.objectives.all()],
        "dct:modified": _datetime(item.updated_at),
    }


def resource_dataset(request: HttpRequest, resource: Resource, objective_urls: dict[int, str]) -> dict:
    """Reads what `resources()` prefetches."""
    url = request.build_absolute_uri(resource.get_absolute_url())
    distributions = [_file_distribution(request, f, f.language) for f in resource.files.all()]
    if resource.external_url:
        distributions.append(_link_distribution(resource.external_url))
    data = {
        "@id": url,
        "@type": "dcat:Dataset",
        "dct:identifier": resource.slug,
        "dct:type": resource.kind,
        "dct:title": _texts(resource, "title"),
        "dct:description": _texts(resource, "summary"),
        "dct:publisher": [_organisation(request, org) for org in resource.publishers.all()],
        "dct:issued": _date(resource.publication_date) or _datetime(resource.published_at),
        "dct:language": [lang for code in resource.languages if (lang := _language(code))],
        **_common(request, resource, objective_urls),
        "dcat:distribution": distributions,
    }
    return {k: v for k, v in data.items() if v not in (None, [], "")}


def practice_dataset(request: HttpRequest, practice: Practice, objective_urls: dict[int, str]) -> dict:
    """Reads what `practices()` prefetches."""
    url = request.build_absolute_uri(practice.get_absolute_url())
    distributions = [_file_distribution(request, a) for a in practice.attachments.all()]
    distributions += [_link_distribution(link) for link in practice.link_list]
    if practice.implementing_organisation:
        publisher = [_organisation(request, practice.implementing_organisation)]
    elif practice.implementing_organisation_name:
        publisher = [{"@type": "foaf:Organization", "foaf:name": practice.implementing_organisation_name}]
    else:
        publisher = []
    data = {
        "@id": url,
        "@type": "dcat:Dataset",
        "dct:identifier": practice.slug,
        "dct:type": "practice",
        "dct:title": [{"@value": practice.title, "@language": practice.language}],
        "dct:description": [{"@value": practice.summary, "@language": practice.language}] if practice.summary else [],
        "dct:publisher": publisher,
        "dct:issued": _datetime(practice.published_at),
        "dct:language": [_language(practice.language)],
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            **({"dcat:startDate": _date(practice.start_date)} if practice.start_date else {}),
            **({"dcat:endDate": _date(practice.end_date)} if practice.end_date else {}),
        }
        if practice.start_date or practice.end_date
        else None,
        **_common(request, practice, objective_urls),
        "dcat:distribution": distributions,
    }
    return {k: v for k, v in data.items() if v not in (None, [], "")}


def resources():
    return (
        Resource.objects.published().prefetch_related("publishers", "countries", "objectives", "files").order_by("pk")
    )


def practices():
    return (
        Practice.objects.published()
        .select_related("implementing_organisation")
        .prefetch_related("countries", "objectives", "attachments")
        .order_by("pk")
    )


def catalog_page(request: HttpRequest, page: int, page_size: int = PAGE_SIZE) -> dict:
    """One page of the catalogue: resources by id, then practices by id. Raises InvalidPage."""
    if page < 1:
        raise InvalidPage
    n_resources = Resource.objects.published().count()
    n_practices = Practice.objects.published().count()
    total = n_resources + n_practices
    last = max(1, -(-total // page_size))
    if page > last:
        raise InvalidPage
    start, end = (page - 1) * page_size, page * page_size
    datasets = []
    objective_urls: dict[int, str] = _ObjectiveUrls(request)
    if start < n_resources:
        datasets += [resource_dataset(request, r, objective_urls) for r in resources()[start : min(end, n_resources)]]
    if end > n_resources:
        p_start, p_end = max(0, start - n_resources), end - n_resources
        datasets += [practice_dataset(request, p, objective_urls) for p in practices()[p_start:p_end]]
    base = request.build_absolute_uri(request.path)
    catalog = {
        "@context": CONTEXT,
        "@id": base,
        "@type": "dcat:Catalog",
        "dct:title": [{"@value": text, "@language": code} for code, text in CATALOG_TITLES.items()],
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": "United Nations Network on Migration"},
        "foaf:homepage": {"@id": request.build_absolute_uri(reverse("knowledge:home"))},
        "dct:language": [_language(code) for code in LANGUAGE_CODES],
        "dcat:dataset": datasets,
    }
    if last > 1:
        lang = translation.get_language()

        def page_url(n: int) -> str:
            return f"{base}?page={n}" + (f"&lang={lang}" if lang != "en" else "")

        view = {
            "@id": page_url(page),
            "@type": "hydra:PartialCollectionView",
            "hydra:first": page_url(1),
            "hydra:last": page_url(last),
            "hydra:totalItems": total,
        }
        if page > 1:
            view["hydra:previous"] = page_url(page - 1)
        if page < last:
            view["hydra:next"] = page_url(page + 1)
        catalog["hydra:view"] = view
    return catalog


class _ObjectiveUrls(dict):
    """Objective number -> absolute address of its page, built on first use (no query)."""

    def __init__(self, request: HttpRequest):
        super().__init__()
        self.request = request

    def __missing__(self, number: int) -> str:
        url = self.request.build_absolute_uri(reverse("taxonomy:objective", args=[number]))
        self[number] = url
        return url


@require_GET
def catalog_dcat(request: HttpRequest) -> HttpResponse:
    lang = request.GET.get("lang", "en")
    if lang not in LANGUAGE_CODES:
        lang = "en"
    page = parse_int(request.GET.get("page", "1"))
    if page is None:
        raise Http404
    with translation.override(lang):
        try:
            catalog = catalog_page(request, page)
        except InvalidPage:
            raise Http404 from None
    return HttpResponse(json.dumps(catalog, ensure_ascii=False), content_type=CONTENT_TYPE)

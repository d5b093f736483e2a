"""Schemas shared by every context: translated labels, organisation references, pages, errors."""

from typing import TYPE_CHECKING, Annotated

from django.db.models import TextChoices
from ninja import Field, Schema
from pydantic import StrictInt, WithJsonSchema, create_model

from gcmhub.lib.i18n import LANGUAGE_CODES
from gcmhub.lib.params import MAX_ID, MAX_OFFSET

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

# An id or reference number in a request body: positive, and small enough for every database integer
# (an unbounded one overflowed SQLite in an `IN (...)` lookup). Query parameters take `le=MAX_ID`.
BodyId = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]


if TYPE_CHECKING:  # the checker sees a schema; the fields are made from the settings below

    class Translations(Schema):
        pass

else:
    Translations = create_model(
        "Translations",
        __base__=Schema,
        __doc__="One text in each language of the platform, exactly as stored (empty when untranslated).",
        **dict.fromkeys(LANGUAGE_CODES, (str, ...)),
    )


def translations(obj, name: str) -> dict[str, str]:
    return {code: getattr(obj, f"{name}_{code}", "") or "" for code in LANGUAGE_CODES}


class Pagination(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page (at most 500).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip (at most 1,000,000).")


def paginate(qs, page: Pagination) -> dict:
    """`{count, items}` for one page of a queryset; two queries plus the queryset's prefetches.
    The schema bounds limit and offset; they are clamped again here, whoever built `page`."""
    return {"count": qs.count(), "items": paginate_rows(qs, page)}


def paginate_rows(qs, page: Pagination) -> list:
    """The items of one page of a queryset (one query), for a count taken otherwise."""
    limit = max(1, min(page.limit, MAX_LIMIT))
    offset = max(0, min(page.offset, MAX_OFFSET))
    return list(qs[offset : offset + limit])


class OrganisationRef(Schema):
    slug: str
    acronym: str
    name: str


def organisation_ref(org) -> dict:
    return {"slug": org.slug, "acronym": org.acronym, "name": org.name}


class Error(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


class IndexLink(Schema):
    name: str
    summary: str
    url: str


class ApiIndex(Schema):
    title: str
    version: str
    openapi: str = Field(description="The OpenAPI 3 document of the API.")
    docs: str = Field(description="The API's reference page.")
    resources: list[IndexLink] = Field(description="Every list the API serves.")


def enum_schema(choices: type[TextChoices], title: str) -> WithJsonSchema:
    """Document a TextChoices inline: Django's enums share class names (two `Kind`s), which would
    collide as OpenAPI components."""
    return WithJsonSchema({"type": "string", "enum": list(choices.values), "title": title})

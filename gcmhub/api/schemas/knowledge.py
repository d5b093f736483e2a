import datetime
from typing import TYPE_CHECKING, Annotated, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool, StrictStr, create_model

from gcmhub.api.schemas.common import BodyId, OrganisationRef, Translations, enum_schema
from gcmhub.knowledge.criteria import Audience, Criterion, ResourceLanguage
from gcmhub.knowledge.models import GeographicScope, Practice, Resource
from gcmhub.lib.i18n import Language, translated_names

ResourceKindChoice = Annotated[Resource.Kind, enum_schema(Resource.Kind, "ResourceKind")]
ResourceLanguageChoice = Annotated[ResourceLanguage, enum_schema(ResourceLanguage, "ResourceLanguage")]
LanguageChoice = Annotated[Language, enum_schema(Language, "Language")]
ScopeChoice = Annotated[GeographicScope, enum_schema(GeographicScope, "GeographicScope")]
AudienceChoice = Annotated[Audience, enum_schema(Audience, "Audience")]
CompletionChoice = Annotated[Practice.Completion, enum_schema(Practice.Completion, "Completion")]
CriterionChoice = Annotated[Criterion, enum_schema(Criterion, "Criterion")]

MAX_TEXT = 20_000
MAX_ITEMS = 300


class CountryRef(Schema):
    iso2: str
    iso3: str
    name: str


class RegionRef(Schema):
    m49: str
    name: str


class FileOut(Schema):
    language: str
    title: str
    filename: str = Field(description="The name the file was uploaded with.")
    url: str = Field(
        description="Download address. It answers after the same permission check as the resource or practice "
        "(404 for a draft you may not see), with the file's type as read from its content."
    )
    size: int


class ResourceOut(Schema):
    slug: str
    kind: str
    kind_label: str
    status: str
    title: str
    titles: Translations
    summary: str
    summaries: Translations
    source_language: str
    languages: list[str]
    publication_date: datetime.date | None
    published_at: datetime.datetime | None
    publishers: list[OrganisationRef]
    geographic_scope: str
    countries: list[CountryRef]
    regions: list[RegionRef]
    objectives: list[int]
    is_general: bool
    principles: list[str]
    thematic_area: int | None
    audiences: list[str]
    external_url: str
    files: list[FileOut]
    is_network_tool: bool
    url: str


class ResourceList(Schema):
    count: int
    items: list[ResourceOut]


class PracticeOut(Schema):
    slug: str
    status: str
    status_label: str
    review: Literal["peer_review", "previous_platform"] | None = Field(
        description="How a published practice was reviewed: through gcmhub's peer review, or on the platform "
        "it was imported from. Null when it is not published."
    )
    review_label: str = Field(description="“Peer reviewed” or “Reviewed on the previous platform”, translated.")
    language: str
    title: str
    summary: str
    geographic_scope: str
    countries: list[CountryRef]
    regions: list[RegionRef]
    implementing_organisation: OrganisationRef | None
    implementing_organisation_name: str = Field(description="Name of the implementer when it is not listed.")
    partner_organisations: list[OrganisationRef]
    partners_other: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    completion: str
    objectives: list[int]
    principles: list[str]
    thematic_area: int | None
    description: str
    results: str
    challenges: str
    lessons: str
    innovation: str
    sustainability: str
    links: list[str]
    criteria_met: list[str]
    call: str | None = Field(description="Slug of the call for practices it answers.")
    published_at: datetime.datetime | None
    submitted_at: datetime.datetime | None
    attachments: list[FileOut]
    url: str


class PracticeList(Schema):
    count: int
    items: list[PracticeOut]


class CallOut(Schema):
    slug: str
    title: str
    titles: Translations
    rationale: str
    eligibility: str
    criteria: str
    source_language: str
    objectives: list[int]
    opens_at: datetime.datetime
    deadline: datetime.datetime
    is_open: bool
    contact_name: str
    contact_email: str
    url: str


class CallList(Schema):
    count: int
    items: list[CallOut]


class ResourceIn(Schema):
    """A resource proposed to the Hub team; references by code (objective numbers, principle letters,
    ISO country codes, M49 region codes, organisation slugs or names)."""

    model_config = ConfigDict(extra="forbid")

    kind: ResourceKindChoice
    source_language: LanguageChoice
    external_url: StrictStr = Field("", max_length=500, description="Needed: files cannot be sent through the API.")
    publishers: list[StrictStr] = Field(default_factory=list, max_length=MAX_ITEMS)
    publication_date: datetime.date | None = None
    languages: list[ResourceLanguageChoice] = Field(default_factory=list)
    geographic_scope: ScopeChoice = GeographicScope.GLOBAL
    countries: list[StrictStr] = Field(default_factory=list, max_length=MAX_ITEMS)
    regions: list[StrictStr] = Field(default_factory=list, max_length=MAX_ITEMS)
    objectives: list[BodyId] = Field(default_factory=list, max_length=MAX_ITEMS)
    is_general: StrictBool = False
    principles: list[StrictStr] = Field(default_factory=list, max_length=MAX_ITEMS)
    thematic_area: BodyId | None = None
    audiences: list[AudienceChoice] = Field(default_factory=list)
    output_of_priority: StrictStr | None = Field(None, description="Slug of a work-plan priority.")
    output_of_activity: BodyId | None = Field(None, description="Id of a work-plan activity.")


# The title and summary in each language of the settings (`title_en`, `summary_fr` …), added to
# `ResourceIn` as fields of their own, after its others.
if not TYPE_CHECKING:
    ResourceIn = create_model(
        "ResourceIn",
        __base__=ResourceIn,
        __doc__=ResourceIn.__doc__,
        **{name: (StrictStr, Field("", max_length=300)) for name in translated_names("title")},
        **{name: (StrictStr, Field("", max_length=MAX_TEXT)) for name in translated_names("summary")},
    )


class PracticeIn(Schema):
    """A practice as the submission form takes it; every field optional in a draft (PATCH sends
    only the fields to change). References as in `ResourceIn`; `call` is a call's slug."""

    model_config = ConfigDict(extra="forbid")

    language: LanguageChoice | None = None
    call: StrictStr | None = None
    title: StrictStr | None = Field(None, max_length=300)
    summary: StrictStr | None = Field(None, max_length=MAX_TEXT)
    geographic_scope: ScopeChoice | None = None
    countries: list[StrictStr] | None = Field(None, max_length=MAX_ITEMS)
    regions: list[StrictStr] | None = Field(None, max_length=MAX_ITEMS)
    implementing_organisation: StrictStr | None = None
    implementing_organisation_name: StrictStr | None = Field(None, max_length=300)
    partner_organisations: list[StrictStr] | None = Field(None, max_length=MAX_ITEMS)
    partners_other: StrictStr | None = Field(None, max_length=500)
    submitted_for_other_entity: StrictBool | None = None
    focal_point_name: StrictStr | None = Field(None, max_length=200)
    focal_point_email: StrictStr | None = Field(None, max_length=254)
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    completion: CompletionChoice | None = None
    objectives: list[BodyId] | None = Field(None, max_length=MAX_ITEMS)
    principles: list[StrictStr] | None = Field(None, max_length=MAX_ITEMS)
    thematic_area: BodyId | None = None
    description: StrictStr | None = Field(None, max_length=MAX_TEXT)
    results: StrictStr | None = Field(None, max_length=MAX_TEXT)
    challenges: StrictStr | None = Field(None, max_length=MAX_TEXT)
    lessons: StrictStr | None = Field(None, max_length=MAX_TEXT)
    innovation: StrictStr | None = Field(None, max_length=MAX_TEXT)
    sustainability: StrictStr | None = Field(None, max_length=MAX_TEXT)
    links: list[StrictStr] | None = Field(None, max_length=50)
    criteria_met: list[CriterionChoice] | None = None


class PracticeConflictOut(Schema):
    """412: the practice changed since the version sent in `If-Match`."""

    detail: str
    etag: str
    current: PracticeOut

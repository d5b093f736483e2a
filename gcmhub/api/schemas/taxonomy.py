from ninja import Field, Schema

from gcmhub.api.schemas.common import Translations


class ObjectiveOut(Schema):
    number: int
    name: str
    names: Translations
    title: str
    titles: Translations
    url: str


class ObjectiveList(Schema):
    count: int
    items: list[ObjectiveOut]


class PrincipleOut(Schema):
    code: str
    name: str
    names: Translations
    url: str


class PrincipleList(Schema):
    count: int
    items: list[PrincipleOut]


class ThematicAreaOut(Schema):
    number: int
    name: str
    names: Translations
    objectives: list[int]
    url: str


class ThematicAreaList(Schema):
    count: int
    items: list[ThematicAreaOut]


class RegionOut(Schema):
    m49: str
    name: str
    names: Translations


class CountryOut(Schema):
    iso2: str
    iso3: str
    m49: str
    name: str
    names: Translations
    notes: Translations = Field(
        description="A note to show wherever the name is listed, per language (Kosovo: Security Council "
        "resolution 1244); empty strings when there is none."
    )
    region: RegionOut | None
    subregion: RegionOut | None
    url: str


class CountryList(Schema):
    count: int
    items: list[CountryOut]


class OrganisationOut(Schema):
    slug: str
    kind: str
    kind_label: str
    name: str
    names: Translations
    acronym: str
    acronyms: Translations
    aliases: list[str]
    website: str
    is_network_member: bool
    url: str


class OrganisationList(Schema):
    count: int
    items: list[OrganisationOut]

"""Step 3 of a Hub import: rows → what each would create or update, or why it cannot.

Every value is checked against the reference data: objectives, principles, thematic areas,
countries and regions (codes and names in any language), organisations (through their aliases),
accounts, calls, work-plan outputs, and the resources and practices a row may update (by id, slug
or title). `Lookups` reads each table once per import (a handful of queries for 10,000 rows); every
rejected row is reported with its row number, column and why. Nothing is written.
"""

import datetime
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gcmhub.accounts.models import User
from gcmhub.knowledge.criteria import Audience, ResourceLanguage
from gcmhub.knowledge.importer.parse import (
    ALL_OBJECTIVES,
    CREATE,
    ITEM_SPLIT,
    LIST_SPLIT,
    MULTI_SPLIT,
    MULTILINE_COLUMNS,
    PRACTICE,
    PRACTICE_TEXT_FIELDS,
    RESOURCE,
    UPDATE,
    as_bool,
    as_list,
    as_text,
    norm,
    parse_date,
)
from gcmhub.knowledge.importer.read import InvalidCell
from gcmhub.knowledge.models import GeographicScope, Practice, Resource
from gcmhub.lib.cleantext import clean_text
from gcmhub.lib.i18n import LANGUAGE_CODES, translated_names
from gcmhub.taxonomy.models import (
    Country,
    GuidingPrinciple,
    Objective,
    OrganisationAlias,
    Region,
    ThematicArea,
    normalize_name,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_url = URLValidator(schemes=["http", "https"])

RESOURCE_STATUSES = (Resource.Status.PUBLISHED, Resource.Status.PROPOSED, Resource.Status.ARCHIVED)
# Imported practices are historical records the Hub has already reviewed: published by default.
# `submitted` puts a record in the screening queue instead.
PRACTICE_STATUSES = (Practice.Status.PUBLISHED, Practice.Status.SUBMITTED)
# Messages formatted only when a row has the error (gettext per row and per cell costs seconds).
NO_COUNTRY = gettext_lazy("No country is known as “%(value)s”.")
NO_REGION = gettext_lazy("No region is known as “%(value)s”.")
NO_PRINCIPLE = gettext_lazy("“%(value)s” is not a guiding principle (a to j).")
NO_ORGANISATION = gettext_lazy("No organisation is known as “%(value)s”.")


@dataclass
class RowError:
    row: int
    field: str
    message: str


@dataclass
class RowResult:
    row: int
    kind: str = ""
    title: str = ""
    action: str = CREATE
    target: int | None = None  # pk of the item updated
    values: dict = field(default_factory=dict)  # model field -> value
    relations: dict = field(default_factory=dict)  # m2m name -> list of pks
    errors: list[RowError] = field(default_factory=list)
    status_given: bool = False

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def target_pk(self) -> int:
        """The pk of the item an UPDATE row changes."""
        if self.target is None:
            raise ValueError(f"row {self.row} updates no item")
        return self.target


@dataclass
class ImportReport:
    rows: list[RowResult]
    ignored_columns: list[str] = field(default_factory=list)
    # (row, column) of the cells whose control characters were removed: said, not refused.
    cleaned_cells: list[tuple[int, str]] = field(default_factory=list)

    @property
    def valid_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.is_valid]

    @property
    def invalid_rows(self) -> list[RowResult]:
        return [r for r in self.rows if not r.is_valid]

    @property
    def errors(self) -> list[RowError]:
        return [e for r in self.rows for e in r.errors]

    def counts(self) -> dict[str, int]:
        counts = {"rows": len(self.rows), "valid": 0, "invalid": 0}
        for kind in (RESOURCE, PRACTICE):
            for action in (CREATE, UPDATE):
                counts[f"{kind}_{action}"] = 0
        for row in self.rows:
            if row.is_valid:
                counts["valid"] += 1
                counts[f"{row.kind}_{row.action}"] += 1
            else:
                counts["invalid"] += 1
        return counts


def _labels(choices, only=None) -> dict[str, str]:
    """normalized value or label in any language -> value."""
    result = {}
    for value, label in choices.choices:
        if only is not None and value not in only:
            continue
        result[normalize_name(value)] = value
        for code in LANGUAGE_CODES:
            with translation.override(code):
                result[normalize_name(str(label))] = value
    return result


class Lookups:
    """Every table a row may refer to, as dicts (a few queries, whatever the file's size)."""

    def __init__(self, emails: AbstractSet[str] = frozenset()):
        self.objectives = dict(Objective.objects.values_list("number", "pk"))
        self.principles = {code.lower(): pk for code, pk in GuidingPrinciple.objects.values_list("code", "pk")}
        self.areas = dict(ThematicArea.objects.values_list("number", "pk"))
        self.countries: dict[str, int] = {}
        for pk, iso2, iso3, m49, *names in Country.objects.values_list(
            "pk", "iso2", "iso3", "m49", *translated_names("name")
        ):
            for key in (iso2, iso3, m49, *names):
                if key:
                    self.countries.setdefault(normalize_name(key), pk)
        self.regions: dict[str, int] = {}
        for pk, m49, *names in Region.objects.values_list("pk", "m49", *translated_names("name")):
            for key in (m49, *names):
                if key:
                    self.regions.setdefault(normalize_name(key), pk)
        self.organisations = dict(OrganisationAlias.objects.order_by().values_list("normalized", "organisation_id"))
        self.users = dict(User.objects.filter(email__in=emails).values_list("email", "pk")) if emails else {}
        self.users = {email.lower(): pk for email, pk in self.users.items()}
        self.kinds = _labels(Resource.Kind)
        self.scopes = _labels(GeographicScope)
        self.audiences = _labels(Audience)
        self.completions = _labels(Practice.Completion)
        self.resource_languages = _labels(ResourceLanguage)
        self.resource_statuses = _labels(Resource.Status, RESOURCE_STATUSES)
        self.practice_statuses = _labels(Practice.Status, PRACTICE_STATUSES)
        self.resource_ids = set(Resource.objects.values_list("pk", flat=True))
        self.resource_slugs = dict(Resource.objects.values_list("slug", "pk"))
        self.resource_titles: dict[str, int] = {}
        for pk, *titles in Resource.objects.values_list("pk", *translated_names("title")):
            for title in titles:
                if title:
                    self.resource_titles.setdefault(normalize_name(title), pk)
        practices = Practice.objects.filter(update_of__isnull=True)
        self.practice_ids = set(practices.values_list("pk", flat=True))
        self.practice_slugs = dict(practices.values_list("slug", "pk"))
        self.practice_titles = {normalize_name(t): pk for pk, t in practices.values_list("pk", "title") if t}
        self.calls: dict[str, int] | None = None  # read on first use
        self.output_refs: dict[str, tuple[str, int] | None] = {}

    def call(self, slug: str) -> int | None:
        if self.calls is None:
            from gcmhub.knowledge.models import CallForPractices

            self.calls = dict(CallForPractices.objects.values_list("slug", "pk"))
        return self.calls.get(slug)

    def output_of(self, ref: str) -> tuple[str, int] | None:
        """`activity:<id>` (or a bare number) -> an activity; `priority:<slug>` -> a priority."""
        if ref not in self.output_refs:
            from gcmhub.workplan.models import Activity, Priority

            kind, _sep, value = ref.partition(":") if ":" in ref else ("activity", "", ref)
            kind, value = kind.strip().lower(), value.strip()
            found = None
            if kind == "activity" and value.isdigit():
                pk = Activity.objects.filter(pk=int(value)).values_list("pk", flat=True).first()
                found = ("output_of_activity_id", pk) if pk else None
            elif kind == "priority" and value:
                pk = Priority.objects.filter(slug=value).values_list("pk", flat=True).first()
                found = ("output_of_priority_id", pk) if pk else None
            self.output_refs[ref] = found
        return self.output_refs[ref]


class _RowChecker:
    def __init__(self, number: int, data: dict, lookups: Lookups):
        self.data = data
        self.lookups = lookups
        self.result = RowResult(row=number)

    def error(self, column: str, message: str) -> None:
        self.result.errors.append(RowError(self.result.row, column, message))

    def text(self, column: str, max_length: int | None = None) -> str:
        value = clean_text(as_text(self.data.get(column, "")), multiline=column in MULTILINE_COLUMNS).strip()
        if max_length and len(value) > max_length:
            self.error(
                column,
                _("Write at most %(max)s characters (this has %(count)s).")
                % {
                    "max": max_length,
                    "count": len(value),
                },
            )
        return value

    def choice(self, column: str, labels: dict[str, str], default: str = "") -> str:
        if column not in self.data:
            return default
        value = labels.get(norm(as_text(self.data[column])))
        if value is None:
            self.error(column, _("“%(value)s” is not one of the accepted values.") % {"value": self.data[column]})
            return default
        return value

    def date(self, column: str) -> datetime.date | None:
        if column not in self.data:
            return None
        value = parse_date(self.data[column])
        if value is None:
            self.error(column, _("Write the date as YYYY-MM-DD, e.g. 2021-06-30."))
        return value

    def many(self, column: str, table: dict, message: "StrOrPromise", splitter=MULTI_SPLIT, key=norm) -> list[int]:
        pks = []
        for item in as_list(self.data.get(column, ""), splitter):
            pk = table.get(key(item))
            if pk is None:
                self.error(column, str(message) % {"value": item})
            elif pk not in pks:
                pks.append(pk)
        return pks

    def check(self, seen: dict) -> RowResult:
        result, data = self.result, self.data
        for column, value in list(data.items()):
            if isinstance(value, InvalidCell):
                self.error(column, value.message)
                del data[column]
        kind = norm(as_text(data.get("kind", "")))
        if kind in ("resource", "ressource", "recurso"):
            result.kind = RESOURCE
        elif kind in ("practice", "pratique", "practica"):
            result.kind = PRACTICE
        else:
            self.error("kind", _("Write “resource” or “practice”.") if kind else _("This field is required."))
            return result
        language = norm(as_text(data.get("language", "")))
        if language not in LANGUAGE_CODES:
            self.error("language", _("Write en, fr or es.") if language else _("This field is required."))
            language = ""
        self.language = language
        if result.kind == RESOURCE:
            self.check_resource()
        else:
            self.check_practice()
        self.check_shared()
        self.match_existing(seen)
        return result

    def check_shared(self) -> None:
        values, relations, lookups = self.result.values, self.result.relations, self.lookups
        values["geographic_scope"] = self.choice(
            "scope",
            lookups.scopes,
            GeographicScope.GLOBAL if self.result.kind == RESOURCE else GeographicScope.NATIONAL,
        )
        relations["countries"] = self.many("countries", lookups.countries, NO_COUNTRY)
        relations["regions"] = self.many("regions", lookups.regions, NO_REGION)
        relations["principles"] = self.many(
            "principles",
            lookups.principles,
            NO_PRINCIPLE,
            splitter=LIST_SPLIT,
            key=lambda v: v.strip().lower().strip("()."),
        )
        objectives = []
        for item in as_list(self.data.get("objectives", ""), LIST_SPLIT):
            if norm(item) in ALL_OBJECTIVES:
                if self.result.kind == RESOURCE:
                    self.result.values["is_general"] = True
                else:
                    objectives = list(lookups.objectives.values())
                continue
            number = item.lstrip("#").rstrip(".")
            pk = lookups.objectives.get(int(number)) if number.isdigit() else None
            if pk is None:
                self.error("objectives", _("“%(value)s” is not a GCM objective (1 to 23).") % {"value": item})
            elif pk not in objectives:
                objectives.append(pk)
        relations["objectives"] = objectives
        if "thematic_area" in self.data:
            number = as_text(self.data["thematic_area"]).strip().rstrip(".")
            pk = lookups.areas.get(int(number)) if number.isdigit() else None
            if pk is None:
                self.error("thematic_area", _("“%(value)s” is not a thematic area number.") % {"value": number})
            values["thematic_area_id"] = pk
        else:
            values["thematic_area_id"] = None

    def check_resource(self) -> None:
        values, lookups = self.result.values, self.lookups
        values["source_language"] = self.language
        for code in LANGUAGE_CODES:
            values[f"title_{code}"] = self.text(f"title_{code}", 300)
            values[f"summary_{code}"] = self.text(f"summary_{code}")
        if self.language:
            # `title` and `summary` are in the row's language.
            if "title" in self.data:
                values[f"title_{self.language}"] = self.text("title", 300)
            if "summary" in self.data:
                values[f"summary_{self.language}"] = self.text("summary")
            if not values[f"title_{self.language}"]:
                self.error("title", _("Give the title in the row's language."))
        self.result.title = next(
            (values[f"title_{c}"] for c in (self.language or "en", *LANGUAGE_CODES) if values[f"title_{c}"]), ""
        )
        values["kind"] = self.choice("type", lookups.kinds, Resource.Kind.PUBLICATION)
        values["status"] = self.choice("status", lookups.resource_statuses, Resource.Status.PUBLISHED)
        self.result.status_given = "status" in self.data
        values["publication_date"] = self.date("publication_date")
        values["external_url"] = self.text("external_url", 500)
        if values["external_url"]:
            try:
                _url(values["external_url"])
            except ValidationError:
                self.error("external_url", _("Enter a full web address starting with https:// or http://."))
        values["audiences"] = []
        for item in as_list(self.data.get("audience", ""), ITEM_SPLIT):
            value = lookups.audiences.get(norm(item))
            if value is None:
                self.error("audience", _("“%(value)s” is not a known audience.") % {"value": item})
            elif value not in values["audiences"]:
                values["audiences"].append(value)
        languages = []
        for item in as_list(self.data.get("languages", ""), LIST_SPLIT):
            value = lookups.resource_languages.get(norm(item))
            if value is None:
                self.error(
                    "languages", _("“%(value)s” is not a language code (en, fr, es, ar, ru, zh, pt).") % {"value": item}
                )
            elif value not in languages:
                languages.append(value)
        values["languages"] = languages or ([self.language] if self.language else [])
        if "network_tool" in self.data:
            flag = as_bool(self.data["network_tool"])
            if flag is None:
                self.error("network_tool", _("Write yes or no."))
            values["is_network_tool"] = bool(flag)
        values.setdefault("is_general", False)
        self.result.relations["publishers"] = self.many(
            "publishers",
            lookups.organisations,
            NO_ORGANISATION,
        )
        values["output_of_activity_id"] = values["output_of_priority_id"] = None
        if "output_of" in self.data:
            ref = self.text("output_of")
            found = lookups.output_of(ref)
            if found is None:
                self.error("output_of", _("Write activity:<number> or priority:<slug> of an existing work-plan item."))
            else:
                values[found[0]] = found[1]
        for column in ("submitter", "implementing_organisation", "description"):
            if column in self.data:
                self.error(column, _("This column is for practices only."))

    def check_practice(self) -> None:
        values, lookups = self.result.values, self.lookups
        values["language"] = self.language
        values["title"] = self.result.title = self.text("title", 300)
        if not values["title"]:
            self.error("title", _("This field is required."))
        values["summary"] = self.text("summary")
        if not values["summary"]:
            self.error("summary", _("This field is required."))
        for name in PRACTICE_TEXT_FIELDS:
            values[name] = self.text(name, 200 if name == "focal_point_name" else None)
        email = self.text("submitter").lower()
        values["submitter_id"] = lookups.users.get(email)
        if not email:
            self.error("submitter", _("This field is required."))
        elif values["submitter_id"] is None:
            self.error("submitter", _("No account has the e-mail address %(email)s.") % {"email": email})
        values["status"] = self.choice("status", lookups.practice_statuses, Practice.Status.PUBLISHED)
        values["start_date"] = self.date("start_date")
        values["end_date"] = self.date("end_date")
        if values["start_date"] and values["end_date"] and values["end_date"] < values["start_date"]:
            self.error("end_date", _("The end date is before the start date."))
        values["published_at"] = self.date("publication_date")
        values["completion"] = self.choice("completion", lookups.completions)
        focal_email = self.text("focal_point_email")
        if focal_email:
            try:
                validate_email(focal_email)
            except ValidationError:
                self.error("focal_point_email", _("Enter a valid e-mail address."))
        values["focal_point_email"] = focal_email
        links = as_list(self.data.get("links", ""), re.compile(r"\s*[\n|;]\s*|\s+"))
        for link in links:
            try:
                _url(link)
            except ValidationError:
                self.error("links", _("“%(value)s” is not a full web address.") % {"value": link})
        values["links"] = "\n".join(links)
        name = self.text("implementing_organisation", 300)
        org = lookups.organisations.get(norm(name)) if name else None
        values["implementing_organisation_id"] = org
        values["implementing_organisation_name"] = "" if org else name
        partners, others = [], []
        for item in as_list(self.data.get("partners", "")):
            pk = lookups.organisations.get(norm(item))
            if pk is None:
                others.append(item)
            elif pk not in partners:
                partners.append(pk)
        self.result.relations["partner_organisations"] = partners
        values["partners_other"] = "; ".join(others)[:500]
        values["call_id"] = None
        if "call" in self.data:
            values["call_id"] = lookups.call(self.text("call"))
            if values["call_id"] is None:
                self.error("call", _("No call for practices has this identifier."))
        for column in ("publishers", *translated_names("title"), "external_url", "type"):
            if column in self.data:
                self.error(column, _("This column is for resources only."))

    def match_existing(self, seen: dict) -> None:
        """An explicit id or slug, else the same title and kind, makes the row an update."""
        result, lookups = self.result, self.lookups
        is_resource = result.kind == RESOURCE
        ids = lookups.resource_ids if is_resource else lookups.practice_ids
        slugs = lookups.resource_slugs if is_resource else lookups.practice_slugs
        titles = lookups.resource_titles if is_resource else lookups.practice_titles
        target = None
        if "id" in self.data:
            raw = self.text("id")
            target = int(raw) if raw.isdigit() and int(raw) in ids else None
            if target is None:
                self.error("id", _("No %(kind)s has the id %(id)s.") % {"kind": _kind_label(result.kind), "id": raw})
        elif "slug" in self.data:
            slug = self.text("slug")
            if slug != slugify(slug) or len(slug) > 120:
                self.error("slug", _("Use only lower-case letters, numbers and hyphens."))
            target = slugs.get(slug)
            if target is None:
                result.values["slug"] = slug
        elif result.title:
            target = titles.get(normalize_name(result.title))
        if target is not None:
            result.action, result.target = UPDATE, target
        key = (
            (result.kind, target)
            if target is not None
            else (result.kind, "slug", result.values.get("slug") or normalize_name(result.title))
        )
        if key in seen:
            column = "id" if "id" in self.data else "slug" if "slug" in self.data else "title"
            self.error(
                column,
                _("Row %(row)s already imports this %(kind)s.")
                % {
                    "row": seen[key],
                    "kind": _kind_label(result.kind),
                },
            )
        else:
            seen[key] = result.row


def _kind_label(kind: str) -> str:
    return _("resource") if kind == RESOURCE else _("practice")


def validate_rows(
    rows: list[tuple[int, dict]],
    ignored_columns: list[str] | None = None,
    lookups: Lookups | None = None,
    cleaned_cells: list[tuple[int, str]] | None = None,
) -> ImportReport:
    """Check every row against the reference data (a few queries whatever the number of rows)."""
    if lookups is None:
        emails = {as_text(r.get("submitter", "")).strip().lower() for _n, r in rows if r.get("submitter")}
        lookups = Lookups(emails)
    seen: dict = {}
    results = [_RowChecker(number, data, lookups).check(seen) for number, data in rows]
    return ImportReport(results, ignored_columns or [], cleaned_cells or [])

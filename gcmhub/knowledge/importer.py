"""Bulk import of resources and practices from CSV, XLSX or JSON (docs/knowledge-import.md).

`read_rows(data, filename)` turns a file into rows (dicts of column name -> value),
`validate_rows(rows)` checks every row against the reference data (objectives, countries,
organisations in any language...) and says what each valid row would create or update, and
`do_import_knowledge(report, user)` saves the valid rows in one transaction with bulk inserts.
Nothing is saved from a file with errors unless `valid_only=True`.

Lookups are read once per import (`Lookups`), so validating 10,000 rows costs a handful of
queries; saving them is a few bulk inserts per table.
"""

import csv
import datetime
import functools
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gcmhub.accounts.models import User
from gcmhub.knowledge.criteria import Audience, ResourceLanguage
from gcmhub.knowledge.models import GeographicScope, Practice, PracticeEvent, Resource, ResourceEvent
from gcmhub.lib.changes import announce_changes
from gcmhub.lib.i18n import LANGUAGE_CODES
from gcmhub.taxonomy.models import (
    Country,
    GuidingPrinciple,
    Objective,
    OrganisationAlias,
    Region,
    ThematicArea,
    normalize_name,
)

SUPPORTED_EXTENSIONS = (".csv", ".xlsx", ".json")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
BATCH_SIZE = 500

RESOURCE, PRACTICE = "resource", "practice"
CREATE, UPDATE = "create", "update"

# Words that mean "every objective" (the Global Compact as a whole), in the three languages.
ALL_OBJECTIVES = {"general", "all", "tous", "toutes", "todos", "todas", "global", "general gcm"}

COMMON_COLUMNS = (
    "kind",
    "id",
    "slug",
    "language",
    "title",
    "summary",
    "publication_date",
    "countries",
    "regions",
    "objectives",
    "principles",
    "thematic_area",
    "scope",
)
RESOURCE_COLUMNS = (
    "title_en",
    "title_fr",
    "title_es",
    "summary_en",
    "summary_fr",
    "summary_es",
    "type",
    "status",
    "publishers",
    "audience",
    "languages",
    "external_url",
    "output_of",
    "network_tool",
)
PRACTICE_COLUMNS = (
    "submitter",
    "status",
    "implementing_organisation",
    "partners",
    "start_date",
    "end_date",
    "completion",
    "description",
    "results",
    "challenges",
    "lessons",
    "innovation",
    "sustainability",
    "links",
    "focal_point_name",
    "focal_point_email",
    "call",
)
KNOWN_COLUMNS = frozenset(COMMON_COLUMNS + RESOURCE_COLUMNS + PRACTICE_COLUMNS)
COLUMN_ALIASES = {
    "source_language": "language",
    "type_of_resource": "type",
    "geographic_scope": "scope",
    "audiences": "audience",
    "publisher": "publishers",
    "country": "countries",
    "region": "regions",
    "objective": "objectives",
    "principle": "principles",
    "url": "external_url",
    "submitter_email": "submitter",
}

RESOURCE_STATUSES = (Resource.Status.PUBLISHED, Resource.Status.PROPOSED, Resource.Status.ARCHIVED)
# Imported practices are historical records the Hub has already reviewed: published by default.
# `submitted` puts a record in the screening queue instead.
PRACTICE_STATUSES = (Practice.Status.PUBLISHED, Practice.Status.SUBMITTED)

PRACTICE_TEXT_FIELDS = (
    "description",
    "results",
    "challenges",
    "lessons",
    "innovation",
    "sustainability",
    "focal_point_name",
)

_MULTI_SPLIT = re.compile(r"\s*[;|\n]\s*")
_LIST_SPLIT = re.compile(r"\s*[;|,\n]\s*|\s+")  # codes and numbers: "1, 2 3"
_ITEM_SPLIT = re.compile(r"\s*[;|,\n]\s*")  # words: "governments, civil society"
_url = URLValidator(schemes=["http", "https"])

# Row values repeat (the same countries, organisations, types...): normalize each spelling once.
_norm = functools.lru_cache(maxsize=100_000)(normalize_name)

# Messages formatted only when a row has the error (gettext per row and per cell costs seconds).
NO_COUNTRY = gettext_lazy("No country is known as “%(value)s”.")
NO_REGION = gettext_lazy("No region is known as “%(value)s”.")
NO_PRINCIPLE = gettext_lazy("“%(value)s” is not a guiding principle (a to j).")
NO_ORGANISATION = gettext_lazy("No organisation is known as “%(value)s”.")


class ImportFileError(Exception):
    """The file cannot be read at all (format, encoding, no rows)."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


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


@dataclass
class ImportReport:
    rows: list[RowResult]
    ignored_columns: list[str] = field(default_factory=list)

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


@dataclass
class ImportResult:
    created: dict[str, int]
    updated: dict[str, int]
    skipped: int


# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------


def _column_name(header) -> str:
    name = re.sub(r"[\s\-]+", "_", str(header or "").strip().lower())
    return COLUMN_ALIASES.get(name, name)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return [_cell(v) for v in value]
    return str(value).strip() if not isinstance(value, str) else value.strip()


def read_rows(data: bytes, filename: str) -> tuple[list[tuple[int, dict]], list[str]]:
    """(row number, {column: value}) for every non-empty row, and the unknown columns.
    Row numbers are the spreadsheet's (the header is row 1) or the item's position in JSON."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".csv":
        numbered = _read_csv(data)
    elif suffix == ".xlsx":
        numbered = _read_xlsx(data)
    elif suffix == ".json":
        numbered = _read_json(data)
    else:
        raise ImportFileError(_("Upload a .csv, .xlsx or .json file."))
    rows, columns = [], set()
    for number, raw in numbered:
        row = {}
        for key, value in raw.items():
            name = _column_name(key)
            if not name:
                continue
            value = _cell(value)
            if value in ("", []):
                continue
            row[name] = value
            columns.add(name)
        if row:
            rows.append((number, row))
    if not rows:
        raise ImportFileError(_("The file has no rows to import."))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            _("The file has %(count)s rows; import at most %(max)s at a time.") % {"count": len(rows), "max": MAX_ROWS}
        )
    return rows, sorted(columns - KNOWN_COLUMNS)


def _read_csv(data: bytes):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise ImportFileError(_("The file is not encoded in UTF-8."))
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    if not reader.fieldnames:
        raise ImportFileError(_("The file has no rows to import."))
    # The header is line 1; a row's number is the line it starts on (quoted cells may span lines).
    for record in reader:
        record.pop(None, None)  # cells beyond the header
        yield reader.line_num, record


def _read_xlsx(data: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a bad file
        raise ImportFileError(_("This is not a readable Excel (.xlsx) file.")) from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise ImportFileError(_("The file has no rows to import."))
    for number, values in enumerate(rows, start=2):
        yield number, dict(zip(header, values, strict=False))
    workbook.close()


def _read_json(data: bytes):
    try:
        content = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ImportFileError(_("This is not a readable JSON file.")) from exc
    if isinstance(content, dict):
        content = content.get("items", content.get("rows"))
    if not isinstance(content, list) or not all(isinstance(item, dict) for item in content):
        raise ImportFileError(_("A JSON file must hold a list of objects (or an object whose “items” is one)."))
    for number, item in enumerate(content, start=1):
        yield number, {k: v if isinstance(v, list) else ("" if v is None else v) for k, v in item.items()}


# --------------------------------------------------------------------------------------------
# Reference data, read once per import
# --------------------------------------------------------------------------------------------


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

    def __init__(self, emails: set[str] = frozenset()):
        self.objectives = dict(Objective.objects.values_list("number", "pk"))
        self.principles = {code.lower(): pk for code, pk in GuidingPrinciple.objects.values_list("code", "pk")}
        self.areas = dict(ThematicArea.objects.values_list("number", "pk"))
        self.countries: dict[str, int] = {}
        for pk, iso2, iso3, m49, *names in Country.objects.values_list(
            "pk", "iso2", "iso3", "m49", "name_en", "name_fr", "name_es"
        ):
            for key in (iso2, iso3, m49, *names):
                if key:
                    self.countries.setdefault(normalize_name(key), pk)
        self.regions: dict[str, int] = {}
        for pk, m49, *names in Region.objects.values_list("pk", "m49", "name_en", "name_fr", "name_es"):
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
        for pk, *titles in Resource.objects.values_list("pk", "title_en", "title_fr", "title_es"):
            for title in titles:
                if title:
                    self.resource_titles.setdefault(normalize_name(title), pk)
        practices = Practice.objects.filter(update_of__isnull=True)
        self.practice_ids = set(practices.values_list("pk", flat=True))
        self.practice_slugs = dict(practices.values_list("slug", "pk"))
        self.practice_titles = {normalize_name(t): pk for pk, t in practices.values_list("pk", "title") if t}
        self.calls = None  # read on first use
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


# --------------------------------------------------------------------------------------------
# Validating rows
# --------------------------------------------------------------------------------------------


def _as_list(value, splitter=_MULTI_SPLIT) -> list[str]:
    if isinstance(value, list):
        items = [str(v).strip() for v in value]
    else:
        items = splitter.split(str(value).strip())
    return [item for item in items if item]


def _as_text(value) -> str:
    return "\n".join(str(v) for v in value) if isinstance(value, list) else str(value)


def _parse_date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(_as_text(value).strip()[:10])
    except ValueError:
        return None


def _as_bool(value) -> bool | None:
    text = normalize_name(_as_text(value))
    if text in ("yes", "true", "1", "oui", "si", "x"):
        return True
    if text in ("no", "false", "0", "non", ""):
        return False
    return None


class _RowChecker:
    def __init__(self, number: int, data: dict, lookups: Lookups):
        self.data = data
        self.lookups = lookups
        self.result = RowResult(row=number)

    def error(self, column: str, message: str) -> None:
        self.result.errors.append(RowError(self.result.row, column, message))

    def text(self, column: str, max_length: int | None = None) -> str:
        value = _as_text(self.data.get(column, "")).strip()
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
        value = labels.get(_norm(_as_text(self.data[column])))
        if value is None:
            self.error(column, _("“%(value)s” is not one of the accepted values.") % {"value": self.data[column]})
            return default
        return value

    def date(self, column: str) -> datetime.date | None:
        if column not in self.data:
            return None
        value = _parse_date(self.data[column])
        if value is None:
            self.error(column, _("Write the date as YYYY-MM-DD, e.g. 2021-06-30."))
        return value

    def many(self, column: str, table: dict, message: str, splitter=_MULTI_SPLIT, key=_norm) -> list[int]:
        pks = []
        for item in _as_list(self.data.get(column, ""), splitter):
            pk = table.get(key(item))
            if pk is None:
                self.error(column, str(message) % {"value": item})
            elif pk not in pks:
                pks.append(pk)
        return pks

    def check(self, seen: dict) -> RowResult:
        result, data = self.result, self.data
        kind = _norm(_as_text(data.get("kind", "")))
        if kind in ("resource", "ressource", "recurso"):
            result.kind = RESOURCE
        elif kind in ("practice", "pratique", "practica"):
            result.kind = PRACTICE
        else:
            self.error("kind", _("Write “resource” or “practice”.") if kind else _("This field is required."))
            return result
        language = _norm(_as_text(data.get("language", "")))
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
            splitter=_LIST_SPLIT,
            key=lambda v: v.strip().lower().strip("()."),
        )
        objectives = []
        for item in _as_list(self.data.get("objectives", ""), _LIST_SPLIT):
            if _norm(item) in ALL_OBJECTIVES:
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
            number = _as_text(self.data["thematic_area"]).strip().rstrip(".")
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
        for item in _as_list(self.data.get("audience", ""), _ITEM_SPLIT):
            value = lookups.audiences.get(_norm(item))
            if value is None:
                self.error("audience", _("“%(value)s” is not a known audience.") % {"value": item})
            elif value not in values["audiences"]:
                values["audiences"].append(value)
        languages = []
        for item in _as_list(self.data.get("languages", ""), _LIST_SPLIT):
            value = lookups.resource_languages.get(_norm(item))
            if value is None:
                self.error(
                    "languages", _("“%(value)s” is not a language code (en, fr, es, ar, ru, zh, pt).") % {"value": item}
                )
            elif value not in languages:
                languages.append(value)
        values["languages"] = languages or ([self.language] if self.language else [])
        if "network_tool" in self.data:
            flag = _as_bool(self.data["network_tool"])
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
        links = _as_list(self.data.get("links", ""), re.compile(r"\s*[\n|;]\s*|\s+"))
        for link in links:
            try:
                _url(link)
            except ValidationError:
                self.error("links", _("“%(value)s” is not a full web address.") % {"value": link})
        values["links"] = "\n".join(links)
        name = self.text("implementing_organisation", 300)
        org = lookups.organisations.get(_norm(name)) if name else None
        values["implementing_organisation_id"] = org
        values["implementing_organisation_name"] = "" if org else name
        partners, others = [], []
        for item in _as_list(self.data.get("partners", "")):
            pk = lookups.organisations.get(_norm(item))
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
        for column in ("publishers", "title_en", "title_fr", "title_es", "external_url", "type"):
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
    rows: list[tuple[int, dict]], ignored_columns: list[str] | None = None, lookups: Lookups | None = None
) -> ImportReport:
    if lookups is None:
        emails = {_as_text(r.get("submitter", "")).strip().lower() for _n, r in rows if r.get("submitter")}
        lookups = Lookups(emails)
    seen: dict = {}
    results = [_RowChecker(number, data, lookups).check(seen) for number, data in rows]
    return ImportReport(results, ignored_columns or [])


def check_import_file(data: bytes, filename: str) -> ImportReport:
    """Read and validate a file; raises ImportFileError when it cannot be read at all."""
    rows, ignored = read_rows(data, filename)
    return validate_rows(rows, ignored)


# --------------------------------------------------------------------------------------------
# Saving
# --------------------------------------------------------------------------------------------


def _moment(day: datetime.date | None, default: datetime.datetime) -> datetime.datetime:
    if day is None:
        return default
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def _unique_slugs(titles: list[str], taken: set[str], fallback: str) -> list[str]:
    slugs = []
    for title in titles:
        base = slugify(title)[:100].strip("-") or fallback
        slug, n = base, 2
        while slug in taken:
            slug = f"{base}-{n}"
            n += 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


def _set_relations(model, rows: list[tuple[int, RowResult]], names: list[str], replace_ids: list[int]) -> None:
    """Write the many-to-many rows of `rows` ((pk, row) pairs) with bulk inserts; rows of
    `replace_ids` lose their previous links first."""
    for name in names:
        through = getattr(model, name).through
        source = f"{model._meta.model_name}_id"
        target = next(f.attname for f in through._meta.concrete_fields if f.attname not in ("id", source))
        if replace_ids:
            through.objects.filter(**{f"{source}__in": replace_ids}).delete()
        links = [(pk, other) for pk, row in rows for other in row.relations.get(name, [])]
        if not links:
            continue
        # Plain INSERTs: the through rows have no behaviour, and building tens of thousands of model
        # instances (with their init signals) costs more than the database does.
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(through._meta.db_table)} ({quote(source)}, {quote(target)}) "  # noqa: S608
            "VALUES (%s, %s)"
        )
        with connection.cursor() as cursor:
            for start in range(0, len(links), BATCH_SIZE * 4):
                cursor.executemany(sql, links[start : start + BATCH_SIZE * 4])


RESOURCE_RELATIONS = ["publishers", "countries", "regions", "objectives", "principles"]
PRACTICE_RELATIONS = ["partner_organisations", "countries", "regions", "objectives", "principles"]


def _save_resources(rows: list[RowResult], user, note: str, now) -> tuple[int, int]:
    creates = [r for r in rows if r.action == CREATE]
    updates = [r for r in rows if r.action == UPDATE]
    taken = set(Resource.objects.values_list("slug", flat=True))
    taken |= {r.values["slug"] for r in creates if r.values.get("slug")}
    auto = [r for r in creates if not r.values.get("slug")]
    for row, slug in zip(auto, _unique_slugs([r.title for r in auto], taken, "resource"), strict=True):
        row.values["slug"] = slug
    objects = []
    for row in creates:
        published = row.values["status"] == Resource.Status.PUBLISHED
        objects.append(
            Resource(
                **row.values,
                proposed_by=None,
                created_at=now,
                published_at=_moment(row.values["publication_date"], now) if published else None,
            )
        )
    Resource.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    events = [
        ResourceEvent(resource_id=obj.pk, actor=user, to_status=obj.status, note=note, created_at=now)
        for obj in objects
    ]
    before = {
        pk: (status, published_at)
        for pk, status, published_at in Resource.objects.filter(pk__in=[r.target for r in updates]).values_list(
            "pk", "status", "published_at"
        )
    }
    for row in updates:
        # One UPDATE per row: bulk_update's CASE expressions grow with rows × fields and cost far more.
        values = {name: value for name, value in row.values.items() if name != "slug"}
        old_status, published_at = before[row.target]
        if not row.status_given:  # a row without a status keeps the resource's (e.g. a proposal stays one)
            values["status"] = old_status
        if values["status"] == Resource.Status.PUBLISHED and not published_at:
            values["published_at"] = _moment(values["publication_date"], now)
        Resource.objects.filter(pk=row.target).update(**values, updated_at=now)
        if old_status != values["status"]:
            events.append(
                ResourceEvent(
                    resource_id=row.target,
                    actor=user,
                    from_status=old_status,
                    to_status=values["status"],
                    note=note,
                    created_at=now,
                )
            )
    ResourceEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
    pairs = [(o.pk, r) for o, r in zip(objects, creates, strict=True)] + [(r.target, r) for r in updates]
    _set_relations(Resource, pairs, RESOURCE_RELATIONS, [r.target for r in updates])
    announce_changes(Resource, [pk for pk, _row in pairs])  # bulk writes send no signals
    return len(creates), len(updates)


def _save_practices(rows: list[RowResult], user, note: str, now) -> tuple[int, int]:
    creates = [r for r in rows if r.action == CREATE]
    updates = [r for r in rows if r.action == UPDATE]
    taken = set(Practice.objects.values_list("slug", flat=True))
    taken |= {r.values["slug"] for r in creates if r.values.get("slug")}
    auto = [r for r in creates if not r.values.get("slug")]
    for row, slug in zip(auto, _unique_slugs([r.title for r in auto], taken, "practice"), strict=True):
        row.values["slug"] = slug
    objects = []
    for row in creates:
        values = dict(row.values)
        published = values["status"] == Practice.Status.PUBLISHED
        values["published_at"] = _moment(values["published_at"], now) if published else None
        objects.append(Practice(**values, submitted_at=now, created_at=now))
    Practice.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    events = []
    for obj in objects:
        events.append(
            PracticeEvent(
                practice_id=obj.pk,
                action=PracticeEvent.Action.SUBMITTED,
                actor=user,
                to_status=Practice.Status.SUBMITTED,
                note=note,
                created_at=now,
            )
        )
        if obj.status == Practice.Status.PUBLISHED:
            events.append(
                PracticeEvent(
                    practice_id=obj.pk,
                    action=PracticeEvent.Action.PUBLISHED,
                    actor=user,
                    from_status=Practice.Status.SUBMITTED,
                    to_status=obj.status,
                    note=note,
                    created_at=now,
                )
            )
    published = set(
        Practice.objects.filter(pk__in=[r.target for r in updates], status=Practice.Status.PUBLISHED).values_list(
            "pk", flat=True
        )
    )
    for row in updates:
        values = dict(row.values)
        values.pop("slug", None)
        # An update keeps the record's place in the workflow; only its content changes.
        values.pop("status")
        published_on = values.pop("published_at")
        if published_on and row.target in published:
            values["published_at"] = _moment(published_on, now)
        Practice.objects.filter(pk=row.target).update(**values, updated_at=now)
    PracticeEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
    pairs = [(o.pk, r) for o, r in zip(objects, creates, strict=True)] + [(r.target, r) for r in updates]
    _set_relations(Practice, pairs, PRACTICE_RELATIONS, [r.target for r in updates])
    announce_changes(Practice, [pk for pk, _row in pairs])  # bulk writes send no signals
    return len(creates), len(updates)


class ImportHasErrors(Exception):
    pass


def do_import_knowledge(
    report: ImportReport, *, user=None, filename: str = "", valid_only: bool = False
) -> ImportResult:
    """Save the valid rows of `report` in one transaction. Refuses (ImportHasErrors) when some
    rows have errors, unless `valid_only`."""
    if report.invalid_rows and not valid_only:
        raise ImportHasErrors
    rows = report.valid_rows
    now = timezone.now()
    note = _("Imported from %(file)s") % {"file": filename} if filename else _("Imported")
    with transaction.atomic():
        resources = _save_resources([r for r in rows if r.kind == RESOURCE], user, note, now)
        practices = _save_practices([r for r in rows if r.kind == PRACTICE], user, note, now)
    return ImportResult(
        created={RESOURCE: resources[0], PRACTICE: practices[0]},
        updated={RESOURCE: resources[1], PRACTICE: practices[1]},
        skipped=len(report.invalid_rows),
    )

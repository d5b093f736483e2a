"""Step 2 of a Hub import: the values of one row as written → plain Python values (no Django).

The column tables (what a row may hold, and the other spellings of a column's name), the words
that mean "every objective", and the small parsers every column uses: lists in one cell, dates,
yes/no. Which object a value names is decided in `resolve.py`.
"""

import datetime
import functools
import re

from gcmhub.lib.i18n import translated_names
from gcmhub.lib.names import normalize_name

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
    *translated_names("title"),
    *translated_names("summary"),
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
# Columns whose text may hold line breaks and tabs; in the others they become spaces.
MULTILINE_COLUMNS = frozenset(
    {
        "summary",
        *translated_names("summary"),
        "description",
        "results",
        "challenges",
        "lessons",
        "innovation",
        "sustainability",
        "links",
    }
)

PRACTICE_TEXT_FIELDS = (
    "description",
    "results",
    "challenges",
    "lessons",
    "innovation",
    "sustainability",
    "focal_point_name",
)

MULTI_SPLIT = re.compile(r"\s*[;|\n]\s*")
LIST_SPLIT = re.compile(r"\s*[;|,\n]\s*|\s+")  # codes and numbers: "1, 2 3"
ITEM_SPLIT = re.compile(r"\s*[;|,\n]\s*")  # words: "governments, civil society"

# Row values repeat (the same countries, organisations, types...): normalize each spelling once.
norm = functools.lru_cache(maxsize=100_000)(normalize_name)


def as_list(value, splitter=MULTI_SPLIT) -> list[str]:
    if isinstance(value, list):
        items = [str(v).strip() for v in value]
    else:
        items = splitter.split(str(value).strip())
    return [item for item in items if item]


def as_text(value) -> str:
    return "\n".join(str(v) for v in value) if isinstance(value, list) else str(value)


def parse_date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(as_text(value).strip()[:10])
    except ValueError:
        return None


def as_bool(value) -> bool | None:
    text = normalize_name(as_text(value))
    if text in ("yes", "true", "1", "oui", "si", "x"):
        return True
    if text in ("no", "false", "0", "non", ""):
        return False
    return None


def column_name(header) -> str:
    name = re.sub(r"[\s\-]+", "_", str(header or "").strip().lower())
    return COLUMN_ALIASES.get(name, name)

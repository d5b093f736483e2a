"""The search interface shared by every backend.

Backends receive `SearchDocument`s and answer `SearchQuery`s with a `SearchResult`. Text analysis
(case and accent folding, per-language stemming) lives in `analysis.py` so that both backends match
exactly the same documents for the same query.
"""

import datetime
from dataclasses import dataclass, field
from typing import Literal, Protocol

from gcmhub.lib.i18n import LANGUAGE_CODES


@dataclass(frozen=True)
class SearchDocument:
    id: str  # "<kind>:<pk>", e.g. "activity:12"
    kind: str
    language: str  # en, fr or es: the language the title and body are written in
    title: str
    body: str
    date: datetime.date | None = None
    facets: dict[str, list[str]] = field(default_factory=dict)
    # Other language versions of the same item: {language: (title, body)}. Each version is analysed
    # with its own language's stemmer; a hit shows the version of the query's `language` if any.
    translations: dict[str, tuple[str, str]] = field(default_factory=dict)
    # The names of what the item is tagged with, in every language (countries with their M49 and
    # common names, organisations with acronyms and aliases, "objective 7" and its titles…):
    # matched like the body, shown nowhere.
    tags: str = ""


# Short pages found by their names (issue 10 §3): an organisation, a country, an objective, a
# principle. A query with words finds them only when they hold every word (their names, acronyms,
# "objective 7"), so "Morocco" or "OIM" brings the page and "detention" does not bring objective 13
# among the publications.
NAMED_KINDS = ("organisation", "country", "objective", "principle")
# Their scores count half an item's (the same words in an item's title rank the item first), and
# browsing without words lists them only when the kind or type filter asks for them.
NAMED_WEIGHT = 0.5


def asks_for_named_kinds(filters: dict[str, list[str]]) -> bool:
    return any(value in NAMED_KINDS for name in ("kind", "type") for value in filters.get(name, ()))


# The deepest hit any query reaches (offset + limit), whoever builds the query: the engines collect
# offset + limit hits before they skip, so an unbounded page number allocated tens of gigabytes
# and killed the worker. Like Elasticsearch's `max_result_window`.
MAX_DEPTH = 10_000


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # AND across facets, OR within one
    facets: list[str] = field(default_factory=list)  # facet names to count over the matches
    sort: Literal["relevance", "date"] = "relevance"
    limit: int = 20
    offset: int = 0
    language: str = ""  # the reader's language: hits show that version of the text when there is one
    exact: bool = False  # True: no typo correction (the page's "search instead for" link)

    def __post_init__(self):
        # At least one hit asked for (tantivy panics on a limit of 0), none past MAX_DEPTH: a deeper
        # offset reads the last hits of the window. Callers bound their page numbers first.
        limit = max(1, min(self.limit, MAX_DEPTH))
        object.__setattr__(self, "limit", limit)
        object.__setattr__(self, "offset", max(0, min(self.offset, MAX_DEPTH - limit)))


@dataclass(frozen=True)
class Hit:
    id: str
    score: float
    title_highlight: str  # HTML-safe, matches wrapped in <mark>
    excerpt_highlight: str  # HTML-safe, matches wrapped in <mark>
    language: str = ""  # the language of the highlighted title and excerpt


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[Hit]
    # value, count; most frequent first, then by value. A facet's counts ignore that facet's own
    # filter (values of one facet combine with OR), so every value shows what choosing it would add.
    facets: dict[str, list[tuple[str, int]]]
    took_ms: float
    # The query as searched when words the index does not know were replaced by near words
    # ("chldren" → "children"); "" when nothing was corrected.
    corrected: str = ""
    # When a backend counts facets over its best matches only (PostgreSQL on broad queries), how
    # many it counted over; 0 when the counts cover every match. The page says so.
    facets_over: int = 0


@dataclass(frozen=True)
class Suggestion:
    id: str  # a document id ("resource:12", "organisation:5")
    kind: str
    label: str  # in the reader's language when the document has that version
    language: str


class Backend(Protocol):
    def index(self, docs: list[SearchDocument]) -> None: ...

    def delete(self, ids: list[str]) -> None: ...

    def clear(self) -> None: ...

    def commit(self) -> None: ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def suggest(self, text: str, language: str, limit: int) -> list[Suggestion]: ...


def sort_facet_counts(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def facet_count_filters(query: SearchQuery) -> dict[str, dict[str, list[str]]]:
    """For each counted facet, the filters its counts are computed under: all but its own."""
    return {
        name: {other: values for other, values in query.filters.items() if other != name and values}
        for name in query.facets
    }


def facet_count_groups(query: SearchQuery) -> list[tuple[list[str], dict[str, list[str]]]]:
    """The counted facets grouped by the filters they are counted under (`facet_count_filters`):
    one aggregation for the facets counted under every filter, one more per filtered facet."""
    groups: dict[tuple, tuple[list[str], dict[str, list[str]]]] = {}
    for name, filters in facet_count_filters(query).items():
        key = tuple(sorted((other, tuple(values)) for other, values in filters.items()))
        groups.setdefault(key, ([], filters))[0].append(name)
    return list(groups.values())


def pick_version(doc_language: str, versions: dict[str, tuple[str, str]], wanted: str) -> tuple[str, str, str]:
    """(language, title, body) of the version to show: the wanted language's, else the document's."""
    if wanted in versions and versions[wanted][0]:
        return (wanted, *versions[wanted])
    return (doc_language, *versions.get(doc_language, ("", "")))


def document_versions(doc: SearchDocument, language: str) -> dict[str, tuple[str, str]]:
    """{language: (title, body)}: the document's own text first, then its other language versions."""
    versions = {language: (doc.title, doc.body)}
    for other, (title, body) in doc.translations.items():
        if other in LANGUAGE_CODES and other not in versions and (title or body):
            versions[other] = (title, body)
    return versions

"""The search interface shared by every backend.

Backends receive `SearchDocument`s and answer `SearchQuery`s with a `SearchResult`. Text analysis
(case and accent folding, per-language stemming) lives in `analysis.py` so that both backends match
exactly the same documents for the same query.
"""

import datetime
from dataclasses import dataclass, field
from typing import Literal, Protocol


@dataclass(frozen=True)
class SearchDocument:
    id: str  # "<kind>:<pk>", e.g. "activity:12"
    kind: str
    language: str  # en, fr or es: the language the title and body are written in
    title: str
    body: str
    date: datetime.date | None = None
    facets: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # AND across facets, OR within one
    facets: list[str] = field(default_factory=list)  # facet names to count over the matches
    sort: Literal["relevance", "date"] = "relevance"
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class Hit:
    id: str
    score: float
    title_highlight: str  # HTML-safe, matches wrapped in <mark>
    excerpt_highlight: str  # HTML-safe, matches wrapped in <mark>


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]  # value, count; most frequent first, then by value
    took_ms: float


class Backend(Protocol):
    def index(self, docs: list[SearchDocument]) -> None: ...

    def delete(self, ids: list[str]) -> None: ...

    def clear(self) -> None: ...

    def commit(self) -> None: ...

    def search(self, query: SearchQuery) -> SearchResult: ...


def sort_facet_counts(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

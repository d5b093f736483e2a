"""The trilingual search glossary (issue 10 §2): migration and GCM terms in every language of the
site, so that a query in one language also finds what was written in the others.

The glossary is data: `data/glossary.csv` (see `data/GLOSSARY.md`), loaded into the database
(`GlossaryConcept`, edited by the Secretariat in the CMS) by `gcmhub load_glossary` and by the
migration that creates the table. `find(text)` names the glossary terms a query holds; the engine
adds every other term of their concepts to the query, ranked below the words as typed.

Matching is on the tokens of `analysis.folded_terms` (lowercase, accents folded, split on
non-alphanumerics): a query token matches a term's token when they are equal or when their stems
agree in the term's language (`analysis.stemmed_terms`), so "remittance", "remesa" and "enfant"
match "remittances", "remesas" and "enfants". Where several concepts match the same words, the
one matched by more identical tokens wins, then the one whose words share longer beginnings with
the query's ("employer" is nearer "employers" than "employment", though their English stems
agree), then the one whose words are nearer the query's in length ("minor": "minors", not
"minorities"), then the one whose term comes first in its list.

The glossary is read from the database once per process (one query) and kept in memory: a dict
from each term's first token and first stem to the terms that start with it. It is read again
after a concept is saved or deleted in this process (signal) and, for changes made by other
processes, when a check at most every `RELOAD_SECONDS` (one query) finds the table changed. A table that is empty or
missing (a bare test database) gives the shipped file instead, so search works the same.
"""

import csv
import functools
import re
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext

from gcmhub.lib.formats import language_name
from gcmhub.lib.i18n import LANGUAGE_CODES

DATA_FILE = Path(__file__).parent / "data" / "glossary.csv"
CONCEPT_COLUMN = "concept"
TERM_SEPARATOR = "|"  # between the terms of a cell, written " | "
# A concept's slug: lowercase ASCII words joined by hyphens ("smuggling-of-migrants").
CONCEPT_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CONCEPT_MAX_LENGTH = 80
RELOAD_SECONDS = 300  # how long another process's change may go unseen


class GlossaryFileError(ValueError):
    """The file cannot be read as a glossary at all (its header is wrong)."""


# The file -----------------------------------------------------------------------------------------


def split_terms(cell: str) -> list[str]:
    """The terms of a cell ("rétention | détention"), spaces tidied, empty ones dropped."""
    terms = (" ".join(part.split()) for part in (cell or "").split(TERM_SEPARATOR))
    return [term for term in terms if term]


def fold_term(term: str) -> tuple[str, ...]:
    """The term's tokens as `analysis.folded_terms` gives them: ("envois", "de", "fonds")."""
    from gcmhub.search.analysis import folded_terms

    return tuple(folded_terms(term))


@dataclass(frozen=True)
class GlossaryRow:
    line: int  # in the file (the header is line 1)
    concept: str
    terms: dict[str, tuple[str, ...]]  # {language: (term, ...)}, the preferred term first


@dataclass(frozen=True)
class RejectedRow:
    line: int
    concept: str
    reason: str

    def __str__(self) -> str:
        return gettext("line %(line)s (%(concept)s): %(reason)s") % {
            "line": self.line,
            "concept": self.concept or "-",
            "reason": self.reason,
        }


def file_languages(path: Path = DATA_FILE) -> tuple[str, ...]:
    """The languages of the file's columns: every concept has terms in each of them."""
    if path == DATA_FILE:
        return _shipped_languages()
    with path.open(encoding="utf-8-sig", newline="") as f:
        return _header_languages(next(csv.reader(f), []))


@functools.cache
def _shipped_languages() -> tuple[str, ...]:
    with DATA_FILE.open(encoding="utf-8-sig", newline="") as f:
        return _header_languages(next(csv.reader(f), []))


def _header_languages(header: list[str]) -> tuple[str, ...]:
    header = [name.strip() for name in header]
    if not header or header[0] != CONCEPT_COLUMN or len(header) < 2:
        raise GlossaryFileError(gettext("The first line must be the header: concept, then one column per language."))
    languages = tuple(header[1:])
    unknown = [code for code in languages if code not in LANGUAGE_CODES]
    if unknown:
        raise GlossaryFileError(
            gettext("Columns %(columns)s are not languages of the site.") % {"columns": ", ".join(unknown)}
        )
    if len(set(languages)) != len(languages):
        raise GlossaryFileError(gettext("A language has two columns."))
    return languages


def term_problems(
    concept: str, terms: Mapping[str, Iterable[str]], required: Iterable[str], taken: Mapping[tuple, str]
) -> list[str]:
    """Why these terms cannot be a concept's: a required language without a term, a term with no
    word, a term twice, or a term that is already another concept's in the same language. `taken`
    maps (language, folded term) to the concept that has it."""
    problems = []
    for language in required:
        if not list(terms.get(language, ())):
            problems.append(
                gettext("no term in %(language)s") % {"language": language_name(language, in_sentence=True)}
            )
    for language, written in terms.items():
        seen = set()
        for term in written:
            folded = fold_term(term)
            if not folded:
                problems.append(gettext("“%(term)s” has no word") % {"term": term})
            elif folded in seen:
                problems.append(gettext("“%(term)s” is listed twice") % {"term": term})
            elif taken.get((language, folded), concept) != concept:
                problems.append(
                    gettext("“%(term)s” (%(language)s) is already a term of %(other)s")
                    % {
                        "term": term,
                        "language": language_name(language, in_sentence=True),
                        "other": taken[(language, folded)],
                    }
                )
            seen.add(folded)
    return problems


def terms_taken(exclude=None) -> dict[tuple, str]:
    """{(language, folded term): concept} of the concepts in the database (but the one `exclude`)."""
    from gcmhub.search.models import GlossaryConcept

    taken = {}
    for slug, terms in GlossaryConcept.objects.exclude(pk=exclude).values_list("concept", "terms"):
        for language, written in (terms or {}).items():
            for term in written:
                taken[(language, fold_term(term))] = slug
    return taken


def read_glossary_file(path: Path = DATA_FILE) -> tuple[list[GlossaryRow], list[RejectedRow]]:
    """The file's valid rows, and the others with the reason each is rejected: a bad or repeated
    concept slug, a language without a term, a term listed twice or already an earlier concept's
    in the same language. Raises `GlossaryFileError` when the header is wrong."""
    rows: list[GlossaryRow] = []
    rejected: list[RejectedRow] = []
    seen: set[str] = set()
    taken: dict[tuple, str] = {}
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        languages = _header_languages(next(reader, []))
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            concept = cells[0].strip()
            if len(cells) != len(languages) + 1:
                reason = gettext("%(found)s cells instead of %(expected)s") % {
                    "found": len(cells),
                    "expected": len(languages) + 1,
                }
                rejected.append(RejectedRow(line, concept, reason))
                continue
            if not CONCEPT_SLUG.match(concept) or len(concept) > CONCEPT_MAX_LENGTH:
                reason = gettext("the concept must be lowercase ASCII words joined by hyphens")
                rejected.append(RejectedRow(line, concept, reason))
                continue
            if concept in seen:
                rejected.append(RejectedRow(line, concept, gettext("duplicate concept")))
                continue
            terms = {language: tuple(split_terms(cell)) for language, cell in zip(languages, cells[1:], strict=True)}
            problems = term_problems(concept, terms, languages, taken)
            if problems:
                rejected.append(RejectedRow(line, concept, "; ".join(problems)))
                continue
            seen.add(concept)
            for language, written in terms.items():
                for term in written:
                    taken[(language, fold_term(term))] = concept
            rows.append(GlossaryRow(line, concept, terms))
    return rows, rejected


# The lookup -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GlossaryMatch:
    start: int  # index of the first matched token in analysis.folded_terms(text)
    end: int  # one past the last matched token
    concept: str  # the concept slug
    language: str  # the language of the term that matched ("" if several)
    # {language: (term, ...)} every term of the concept, as written (for display); shared, do not change it
    terms: dict[str, tuple[str, ...]]
    # every term of the concept in every language as folded token tuples, for the engine's queries
    folded: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class _Term:
    concept: str
    language: str
    rank: int  # 0 for the preferred term of its language
    folded: tuple[str, ...]
    stems: tuple[str, ...]


@dataclass(frozen=True)
class _Concept:
    terms: dict[str, tuple[str, ...]]
    folded: tuple[tuple[str, ...], ...]


@dataclass
class _Index:
    concepts: dict[str, _Concept]
    # ("", first folded token) and (language, first stem) -> the terms that start with it
    starts: dict[tuple[str, str], list[_Term]]
    languages: tuple[str, ...]
    fingerprint: tuple
    checked_at: float = field(default_factory=time.monotonic)


@functools.lru_cache(maxsize=100_000)
def _stem(token: str, language: str) -> str:
    from gcmhub.search.analysis import stemmed_terms

    stems = stemmed_terms(token, language)
    return stems[0] if stems else token


def _build(concepts: Iterable[tuple[str, dict[str, tuple[str, ...]]]], fingerprint: tuple) -> _Index:
    index = _Index(concepts={}, starts={}, languages=(), fingerprint=fingerprint)
    languages: set[str] = set()
    for slug, terms in concepts:
        folded_all: list[tuple[str, ...]] = []
        for language, written in terms.items():
            languages.add(language)
            for rank, term in enumerate(written):
                folded = fold_term(term)
                if not folded:
                    continue
                if folded not in folded_all:
                    folded_all.append(folded)
                entry = _Term(slug, language, rank, folded, tuple(_stem(token, language) for token in folded))
                index.starts.setdefault(("", folded[0]), []).append(entry)
                index.starts.setdefault((language, entry.stems[0]), []).append(entry)
        index.concepts[slug] = _Concept(dict(terms), tuple(folded_all))
    index.languages = tuple(code for code in LANGUAGE_CODES if code in languages)
    return index


class _State:
    def __init__(self) -> None:
        self.index: _Index | None = None
        self.stale = True
        self.table_seen = False
        self.lock = threading.Lock()


_state = _State()


def invalidate() -> None:
    """Read the glossary again before the next lookup (a concept was saved or deleted)."""
    _state.stale = True


def _read_database(query):
    """`query()` on the glossary's table; None when the table is missing or may not be read here."""
    from django.db import DatabaseError, connection, transaction

    try:
        if connection.in_atomic_block and connection.vendor == "postgresql" and not _state.table_seen:
            # Until the table is known to exist: a missing one must not abort the caller's transaction.
            with transaction.atomic():
                result = query()
        else:
            result = query()
    except (DatabaseError, AssertionError):  # AssertionError: a test that may not use the database
        return None
    _state.table_seen = True
    return result


def _fingerprint(count: int, last, versions: int | None) -> tuple:
    # Every save moves `updated_at`, every delete the count, every CMS edit or load the versions.
    return ("db", count, last.isoformat() if last else "", versions or 0)


def _database_summary() -> tuple:
    from django.db.models import Count, Max, Sum

    from gcmhub.search.models import GlossaryConcept

    summary = GlossaryConcept.objects.aggregate(count=Count("pk"), last=Max("updated_at"), versions=Sum("version"))
    return _fingerprint(summary["count"], summary["last"], summary["versions"])


def _database_rows() -> list[tuple]:
    from gcmhub.search.models import GlossaryConcept

    return list(GlossaryConcept.objects.values_list("concept", "terms", "in_use", "updated_at", "version"))


def _file_fingerprint() -> tuple:
    stat = DATA_FILE.stat()
    return ("file", stat.st_mtime_ns, stat.st_size)


def _load() -> tuple[tuple, Iterable[tuple[str, dict[str, tuple[str, ...]]]]]:
    """(fingerprint, concepts) of the table, or of the file when the table is empty or missing."""
    rows = _read_database(_database_rows)
    if rows:
        fingerprint = _fingerprint(len(rows), max(row[3] for row in rows), sum(row[4] for row in rows))
        concepts = sorted(
            (slug, {language: tuple(written) for language, written in (terms or {}).items()})
            for slug, terms, in_use, _updated, _version in rows
            if in_use
        )
        return fingerprint, concepts
    return _file_fingerprint(), ((row.concept, row.terms) for row in read_glossary_file()[0])


def _current() -> _Index:
    """The glossary in memory: read once, again after `invalidate()`, and when a check at most
    every RELOAD_SECONDS (one query) finds the table changed. Reading it is one query."""
    index = _state.index
    now = time.monotonic()
    if index is not None and not _state.stale and now - index.checked_at < RELOAD_SECONDS:
        return index
    with _state.lock:
        index = _state.index
        if index is not None and not _state.stale and now - index.checked_at < RELOAD_SECONDS:
            return index
        if index is not None and not _state.stale:
            summary = _read_database(_database_summary)
            if (summary if summary and summary[1] else _file_fingerprint()) == index.fingerprint:
                index.checked_at = now
                return index
        _state.stale = False
        fingerprint, concepts = _load()
        if index is not None and index.fingerprint == fingerprint:
            index.checked_at = now
            return index
        index = _state.index = _build(concepts, fingerprint)
        return index


def generation() -> tuple:
    """The fingerprint of the glossary in use (the engine's kept answers depend on it)."""
    return _current().fingerprint


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def find(text: str) -> list[GlossaryMatch]:
    """Glossary terms found in a query: longest match first, non-overlapping, left to right."""
    from gcmhub.search.analysis import folded_terms

    tokens = folded_terms(text)
    if not tokens:
        return []
    index = _current()
    # (start, end, concept) -> [score, {languages of the best-scoring terms}]
    found: dict[tuple[int, int, str], list] = {}
    for start, token in enumerate(tokens):
        keys = [("", token)] + [(language, _stem(token, language)) for language in index.languages]
        seen: set[int] = set()
        for key in keys:
            for term in index.starts.get(key, ()):
                if id(term) in seen:
                    continue
                seen.add(id(term))
                end = start + len(term.folded)
                if end > len(tokens):
                    continue
                exact = near = gap = 0
                for query_token, term_token, term_stem in zip(tokens[start:end], term.folded, term.stems, strict=True):
                    if query_token == term_token:
                        exact += 1
                        near += len(query_token)
                    elif _stem(query_token, term.language) == term_stem:
                        near += _common_prefix(query_token, term_token)
                        gap += abs(len(query_token) - len(term_token))
                    else:
                        break
                else:
                    score = (exact, near, -gap, -term.rank)
                    best = found.get((start, end, term.concept))
                    if best is None or score[:3] > best[0][:3]:
                        found[(start, end, term.concept)] = [score, {term.language}]
                    elif score[:3] == best[0][:3]:
                        best[1].add(term.language)
                        best[0] = max(best[0], score)
    if not found:
        return []
    # The best concept of each span (equal scores: the first in alphabetical order, a stable choice),
    # then the spans: longest first, then the one with more identical words, then the leftmost.
    spans: dict[tuple[int, int], tuple] = {}
    for (start, end, concept), (score, languages) in found.items():
        rank = (tuple(-n for n in score), concept)
        current = spans.get((start, end))
        if current is None or rank < current[0]:
            spans[(start, end)] = (rank, concept, languages)
    ordered = sorted(spans.items(), key=lambda item: (item[0][0] - item[0][1], item[1][0], item[0][0]))
    taken = [False] * len(tokens)
    matches = []
    for (start, end), (_rank, concept, languages) in ordered:
        if any(taken[start:end]):
            continue
        taken[start:end] = [True] * (end - start)
        entry = index.concepts[concept]
        language = next(iter(languages)) if len(languages) == 1 else ""
        matches.append(GlossaryMatch(start, end, concept, language, entry.terms, entry.folded))
    matches.sort(key=lambda match: match.start)
    return matches


def concept_terms(concept: str) -> dict[str, tuple[str, ...]] | None:
    """Every term of a concept, {language: (term, ...)}, or None if the glossary has no such concept."""
    entry = _current().concepts.get(concept)
    return entry.terms if entry is not None else None

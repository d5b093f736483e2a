"""Search backend on an embedded tantivy index (one directory, one writer per process)."""

import dataclasses
import json
import logging
import os
import re
import shutil
import threading
import time
import zlib
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import tantivy

from gcmhub.search import analysis
from gcmhub.search import query as parsing
from gcmhub.search.engine import (
    NAMED_KINDS,
    Hit,
    SearchDocument,
    SearchQuery,
    SearchResult,
    Suggestion,
    asks_for_named_kinds,
    document_versions,
    facet_count_groups,
    pick_version,
    sort_facet_counts,
)
from gcmhub.search.spelling import SpellerCache
from gcmhub.search.stopwords import is_stop_word

logger = logging.getLogger(__name__)

# Ranking (BM25 underneath): a word scores by the best of its fields, plus TIE_BREAKER of the others;
# the words' scores add up, so documents holding more of the words rank higher.
TITLE_BOOST = 2.0
TAGS_BOOST = 2.0
TIE_BREAKER = 0.2
PROXIMITY_BOOST = 2.0  # the words close together (within PROXIMITY_SLOP other words), in order
PROXIMITY_SLOP = 3
EXPANSION_BOOST = 0.7  # a glossary equivalent counts less than the word typed
OBJECTIVE_BOOST = 4.0  # "objective 7": the items tagged with objective 7
SCHEMA_VERSION = "4"  # bump when _build_schema changes: an older index is emptied (then rebuild it)
FACET_BUCKETS = 10_000
FACET_SEPARATOR = "="
COMBINED_FACETS_FROM = 4  # facets counted together in one pass over `facet_terms` from this many
WRITER_HEAP_BYTES = 50_000_000
RESULT_CACHE_SIZE = 256  # answers kept per process, per index generation
WORD_QUERIES = 4096  # word queries kept (_word_query)
# Facet counts are computed on these threads while the calling thread finds and reads the hits:
# tantivy lets go of the GIL while it searches, so a broad query's page takes the longer of the two
# rather than their sum (47,000 matches: 8 ms instead of 12). Shared by the process, so concurrent
# searches queue for them rather than multiplying threads.
FACET_THREADS = 2
_facet_pool: ThreadPoolExecutor | None = None
_facet_pool_lock = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _facet_pool
    with _facet_pool_lock:
        if _facet_pool is None:
            _facet_pool = ThreadPoolExecutor(max_workers=FACET_THREADS, thread_name_prefix="search-facets")
        return _facet_pool


def _build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("kind", stored=True, tokenizer_name="raw")
    builder.add_text_field("language", stored=True, tokenizer_name="raw")
    builder.add_text_field("title_fold", tokenizer_name=analysis.FOLD_TOKENIZER)
    builder.add_text_field("body_fold", tokenizer_name=analysis.FOLD_TOKENIZER)
    builder.add_text_field("tags_fold", tokenizer_name=analysis.FOLD_TOKENIZER)
    for language in analysis.LANGUAGES:
        # Each language version fills the fields of its language; they also store the text.
        builder.add_text_field(f"title_{language}", stored=True, tokenizer_name=analysis.tokenizer_name(language))
        builder.add_text_field(f"body_{language}", stored=True, tokenizer_name=analysis.tokenizer_name(language))
    builder.add_json_field("facets", fast=True, tokenizer_name="raw")
    # Every facet value as "<facet>=<value>" in one field: the counts of all facets in one pass.
    builder.add_text_field("facet_terms", fast=True, tokenizer_name="raw")
    builder.add_integer_field("sort_date", indexed=True, fast=True)  # proleptic ordinal, 0 without a date
    # Scores are multiplied by log2(2 + weight): items ×2, named pages ×1 (NAMED_WEIGHT).
    builder.add_integer_field("rank_weight", fast=True)
    return builder.build()


def _stored_text(stored: tantivy.Document, name: str) -> str:
    """A text field that `index()` stores on every document."""
    value = stored.get_first(name)
    if not isinstance(value, str):
        raise ValueError(f"The search index holds a document without {name!r}: rebuild it (gcmhub search_rebuild).")
    return value


class TantivyBackend:
    """Readers reload when the index's `meta.json` changes (checked at each search: one small read), and
    answers are kept in a small LRU cache keyed by that generation, so a repeated query (the
    search page without words, a facet link from an objective page, the next page of hits) costs
    nothing until the next commit. `result_cache_size=0` turns the cache off."""

    def __init__(self, path: str | Path, result_cache_size: int = RESULT_CACHE_SIZE):
        Path(path).mkdir(parents=True, exist_ok=True)
        _check_schema_version(Path(path))
        self.schema = _build_schema()
        self._index = tantivy.Index(self.schema, path=str(path), reuse=True)
        self._index.register_tokenizer(analysis.FOLD_TOKENIZER, analysis.fold_analyzer())
        for language in analysis.LANGUAGES:
            self._index.register_tokenizer(analysis.tokenizer_name(language), analysis.stem_analyzer(language))
        self._index.config_reader(reload_policy="Manual")
        self._writer: tantivy.IndexWriter | None = None
        self._meta = Path(path) / "meta.json"
        self._everything_file = Path(path).with_name(Path(path).name + ".facet-counts.json")
        self._everything: tuple[int | None, dict] = (None, {})
        self._generation = self._read_generation()
        self._cache: OrderedDict = OrderedDict()
        self._cache_size = result_cache_size
        self._cache_lock = threading.Lock()
        self._speller = SpellerCache(self._vocabulary)
        self._word_queries: dict[tuple, tantivy.Query] = {}

    def _read_generation(self) -> int:
        """A fingerprint of `meta.json`, which tantivy rewrites at every commit (its opstamp
        changes). The content, not the modification time: two commits can share a clock tick."""
        try:
            data = self._meta.read_bytes()
        except OSError:
            return 0
        return zlib.crc32(data) | (len(data) << 32)

    def generation(self) -> int:
        """Changes at every commit of the index, by any process (the page cache keys the search
        page by it)."""
        return self._read_generation()

    def _current_generation(self) -> int:
        """Reload the readers when another process (or this one) committed since the last look."""
        generation = self._read_generation()
        if generation != self._generation:
            self._index.reload()
            with self._cache_lock:
                self._cache.clear()
            self._generation = generation
        return generation

    @property
    def writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._writer = self._index.writer(heap_size=WRITER_HEAP_BYTES, num_threads=1)
        return self._writer

    def index(self, docs: list[SearchDocument]) -> None:
        writer = self.writer
        for doc in docs:
            language = analysis.language_or_default(doc.language)
            versions = document_versions(doc, language)
            fields = {
                "id": doc.id,
                "kind": doc.kind,
                "language": language,
                "title_fold": [title for title, _body in versions.values()],
                "body_fold": [body for _title, body in versions.values()],
                "tags_fold": doc.tags,
                "facets": {name: list(values) for name, values in doc.facets.items()},
                "facet_terms": [
                    f"{name}{FACET_SEPARATOR}{value}" for name, values in doc.facets.items() for value in values
                ],
                "sort_date": doc.date.toordinal() if doc.date else 0,
                "rank_weight": 0 if doc.kind in NAMED_KINDS else 2,
            }
            for version_language, (title, body) in versions.items():
                fields[f"title_{version_language}"] = title
                fields[f"body_{version_language}"] = body
            writer.delete_documents_by_term("id", doc.id)
            writer.add_document(tantivy.Document.from_dict(fields, self.schema))

    def delete(self, ids: list[str]) -> None:
        for doc_id in ids:
            self.writer.delete_documents_by_term("id", doc_id)

    def clear(self) -> None:
        self.writer.delete_all_documents()

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
        self._index.reload()
        self._forget()

    def _forget(self) -> None:
        with self._cache_lock:
            self._cache.clear()
        self._generation = self._read_generation()

    def release(self) -> None:
        """Commit and give the writer's lock back, so another process may write the index."""
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
        self._index.reload()
        self._forget()

    def _term(self, field: str, term: str, boost: float = 1.0) -> tantivy.Query:
        query = tantivy.Query.term_query(self.schema, field, term)
        return tantivy.Query.boost_query(query, boost) if boost != 1.0 else query

    def _word_query(self, word: analysis.QueryWord) -> tantivy.Query:
        """One word: the best of its fields (folded forms, stems of each language), with a tie.
        Kept (WORD_QUERIES of them): a query's words come back in its glossary terms, in its
        facet counts' query and in the next reader's query."""
        key = (tuple(word["fold"]), *(tuple(word[language]) for language in analysis.LANGUAGES))
        query = self._word_queries.get(key)
        if query is None:
            if len(self._word_queries) >= WORD_QUERIES:
                self._word_queries.clear()
            query = self._word_queries[key] = self._new_word_query(word)
        return query

    def _new_word_query(self, word: analysis.QueryWord) -> tantivy.Query:
        alternatives = []
        for form in word["fold"]:
            alternatives += [
                self._term("title_fold", form, TITLE_BOOST),
                self._term("body_fold", form),
                self._term("tags_fold", form, TAGS_BOOST),
            ]
        for language in analysis.LANGUAGES:
            for stem in word[language]:
                alternatives += [
                    self._term(f"title_{language}", stem, TITLE_BOOST),
                    self._term(f"body_{language}", stem),
                ]
        return tantivy.Query.disjunction_max_query(alternatives, tie_breaker=TIE_BREAKER)

    def _phrase_query(self, tokens: list[str], slop: int = 0, boost: float = 1.0) -> tantivy.Query:
        words: list[str | tuple[int, str]] = list(tokens)
        title = tantivy.Query.phrase_query(self.schema, "title_fold", words, slop=slop)
        body = tantivy.Query.phrase_query(self.schema, "body_fold", words, slop=slop)
        query = tantivy.Query.disjunction_max_query([tantivy.Query.boost_query(title, TITLE_BOOST), body])
        return tantivy.Query.boost_query(query, boost) if boost != 1.0 else query

    def _text_query(self, parsed: parsing.ParsedQuery, scoring: bool = True) -> tantivy.Query:
        """The words as a query. Without `scoring` it matches the same documents at less cost —
        what facet counts need: the clauses that only add to the score of documents other clauses
        match are left out (the words close together; a glossary term holding a typed word)."""
        Should, Must, MustNot = tantivy.Occur.Should, tantivy.Occur.Must, tantivy.Occur.MustNot
        clauses = [(Should, self._word_query(word)) for word in parsed.words]
        content = [word["fold"][0] for word in parsed.words]
        if scoring and len(content) > 1:
            clauses.append((Should, self._phrase_query(content, PROXIMITY_SLOP, PROXIMITY_BOOST)))
        for expansion in parsed.expansions:
            terms = []
            for term in expansion.terms:
                words = parsing.term_words(term)
                if not scoring and any(parsing.subsumed(word, parsed.words) for word in words):
                    continue
                if len(words) == 1:
                    terms.append(self._word_query(words[0]))
                elif words:  # its words' scores add up: scaled to count as one word
                    query = tantivy.Query.boolean_query([(Must, self._word_query(word)) for word in words])
                    terms.append(tantivy.Query.boost_query(query, 1 / len(words)))
            if terms:
                clauses.append(
                    (Should, tantivy.Query.boost_query(tantivy.Query.disjunction_max_query(terms), EXPANSION_BOOST))
                )
        for number in parsed.objectives:
            tagged = tantivy.Query.term_query(self.schema, "facets.objective", number)
            clauses.append((Should, tantivy.Query.const_score_query(tagged, OBJECTIVE_BOOST)))
        for phrase, equivalents in zip(parsed.phrases, parsed.phrase_equivalents, strict=False):
            alternatives = [self._phrase_query(phrase)]
            for term in equivalents:
                words = parsing.term_words(term)
                if words:
                    alternatives.append(tantivy.Query.boolean_query([(Must, self._word_query(word)) for word in words]))
            clauses.append((Must, tantivy.Query.disjunction_max_query(alternatives)))
        if not parsed.words and not parsed.phrases:
            clauses.append((Must, tantivy.Query.all_query()))
        if parsed.words:  # a named page only when it holds every word (NAMED_KINDS)
            named = tantivy.Query.term_set_query(self.schema, "kind", list(NAMED_KINDS))
            every_word = tantivy.Query.boolean_query([(Must, self._word_query(word)) for word in parsed.words])
            clauses.append((MustNot, tantivy.Query.boolean_query([(Must, named), (MustNot, every_word)])))
        for word in parsed.excluded:
            clauses.append((MustNot, self._word_query(word)))
        for phrase in parsed.excluded_phrases:
            clauses.append((MustNot, self._phrase_query(phrase)))
        return tantivy.Query.boolean_query(clauses)

    # --- Typos ----------------------------------------------------------------------------------

    def _vocabulary(self) -> dict[str, int]:
        searcher = self._index.searcher()
        vocabulary: dict[str, int] = {}
        for field in ("title_fold", "tags_fold", "body_fold"):
            for term, count in searcher.terms_with_prefix(field, "", limit=100_000):
                if field == "body_fold" and count < 2:
                    continue  # a word found once in a body is as likely a typo as the query's
                vocabulary[term] = max(vocabulary.get(term, 0), count)
        return vocabulary

    def _known(self, searcher, term: str, language: str = "") -> bool:
        fields = (f"title_{language}", f"body_{language}") if language else ("title_fold", "body_fold", "tags_fold")
        return any(searcher.doc_freq(field, term) for field in fields)

    def _parse(self, query: SearchQuery, searcher) -> parsing.ParsedQuery:
        parsed = parsing.parse(query.text)
        if not query.exact and parsed.words:
            parsing.correct_words(
                parsed,
                lambda term, language="": self._known(searcher, term, language),
                lambda word: self._speller.get(self._generation).suggest(word),
            )
        return parsed

    def _filter_query(self, filters: dict[str, list[str]]) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        clauses = []
        for name, values in filters.items():
            if not values:
                continue
            terms = [tantivy.Query.term_query(self.schema, f"facets.{name}", str(value)) for value in values]
            clauses.append(
                (tantivy.Occur.Must, tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in terms]))
            )
        return clauses

    def _items_only(self) -> tantivy.Query:
        """Everything but the named pages: browsing without words (NAMED_KINDS)."""
        named = tantivy.Query.term_set_query(self.schema, "kind", list(NAMED_KINDS))
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, tantivy.Query.all_query()), (tantivy.Occur.MustNot, named)]
        )

    def _query(
        self, text_query: tantivy.Query | None, filters: dict[str, list[str]], items_only: bool = False
    ) -> tantivy.Query:
        clauses = self._filter_query(filters)
        if text_query is not None:
            clauses.insert(0, (tantivy.Occur.Must, text_query))
        elif items_only:
            clauses.insert(0, (tantivy.Occur.Must, self._items_only()))
        return tantivy.Query.boolean_query(clauses) if clauses else tantivy.Query.all_query()

    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        generation = self._current_generation()
        if not self._cache_size:
            return self._search(query, started)
        key = (
            generation,
            query.text,
            tuple(sorted((name, tuple(values)) for name, values in query.filters.items())),
            tuple(query.facets),
            query.sort,
            query.limit,
            query.offset,
            query.language,
            query.exact,
            parsing.glossary_generation(),
        )
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
        if cached is not None:
            return dataclasses.replace(cached, took_ms=(time.perf_counter() - started) * 1000)
        result = self._search(query, started)
        with self._cache_lock:
            self._cache[key] = result
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return result

    def warm(self, facets: list[str]) -> None:
        """Compute (and share) the whole-index facet counts of the current generation now."""
        self._current_generation()
        self._counts_of_everything(self._index.searcher(), facets)

    def _aggregate(self, searcher, tantivy_query, names) -> dict[str, list[tuple[str, int]]]:
        """The counts of these facets over the query's matches: one terms aggregation over the
        combined `facet_terms` field (ten facets in one pass: 8 ms instead of 13 over 47,000
        matches), or one per facet when there are few (one facet alone: 2.6 ms instead of 8)."""
        if len(names) < COMBINED_FACETS_FROM:
            aggregations = searcher.aggregate(
                tantivy_query, {name: {"terms": {"field": f"facets.{name}", "size": FACET_BUCKETS}} for name in names}
            )
            return {
                name: sort_facet_counts(
                    {str(b["key"]): int(b["doc_count"]) for b in aggregations.get(name, {}).get("buckets", [])}
                )
                for name in names
            }
        aggregations = searcher.aggregate(
            tantivy_query, {"all": {"terms": {"field": "facet_terms", "size": FACET_BUCKETS * len(names)}}}
        )
        counts: dict[str, dict[str, int]] = {name: {} for name in names}
        for bucket in aggregations.get("all", {}).get("buckets", []):
            name, _separator, value = str(bucket["key"]).partition(FACET_SEPARATOR)
            if name in counts:
                counts[name][value] = int(bucket["doc_count"])
        return {name: sort_facet_counts(values) for name, values in counts.items()}

    def _counts_of_everything(self, searcher, names) -> dict[str, list[tuple[str, int]]]:
        """Facet counts over the whole index — the search page without words, and any facet whose
        only filter is its own — the most expensive aggregation (every document). Computed once per
        index generation by whichever process asks first and shared with the others through a small
        file beside the index."""
        generation = self._generation
        if self._everything[0] != generation:
            stored = {}
            try:
                data = json.loads(self._everything_file.read_text())
                if data.get("generation") == generation:
                    stored = {name: [tuple(pair) for pair in pairs] for name, pairs in data["facets"].items()}
            except (OSError, ValueError, KeyError, TypeError):
                pass
            self._everything = (generation, stored)
        counts = self._everything[1]
        missing = [name for name in names if name not in counts]
        if missing:
            counts.update(self._aggregate(searcher, self._items_only(), missing))
            temporary = self._everything_file.with_suffix(f".{os.getpid()}.tmp")
            try:
                temporary.write_text(json.dumps({"generation": generation, "facets": counts}))
                os.replace(temporary, self._everything_file)
            except OSError:
                pass  # a read-only directory: every process keeps its own copy in memory
        return {name: counts[name] for name in names}

    def _search(self, query: SearchQuery, started: float) -> SearchResult:
        searcher = self._index.searcher()
        parsed = self._parse(query, searcher)
        has_text = not parsed.empty or bool(parsed.excluded or parsed.excluded_phrases)
        if query.text.strip() and not has_text:  # punctuation or operators alone
            return SearchResult(total=0, hits=[], facets={name: [] for name in query.facets}, took_ms=0.0)
        items_only = not has_text and not asks_for_named_kinds(query.filters)
        # The facet counts start first, on other threads, over a query that matches the same
        # documents at less cost; the words are scored meanwhile.
        match_query = self._text_query(parsed, scoring=False) if has_text else None
        facets: dict[str, list[tuple[str, int]]] = {}
        pending = []
        for names, filters in facet_count_groups(query):
            if items_only and not any(filters.values()):
                facets.update(self._counts_of_everything(searcher, names))
            else:
                group_query = self._query(match_query, filters, items_only)
                pending.append(_pool().submit(self._aggregate, searcher, group_query, names))
        text_query = self._text_query(parsed) if has_text else None
        tantivy_query = self._query(text_query, query.filters, items_only)
        words = parsing.highlight_words(parsed)
        if query.sort == "date":
            found = searcher.search(
                tantivy_query,
                limit=query.limit,
                offset=query.offset,
                order_by_field="sort_date",
                order=tantivy.Order.Desc,
            )
        else:
            found = searcher.search(
                tantivy_query, limit=query.limit, offset=query.offset, weight_by_field="rank_weight"
            )
        hits = []
        for score, address in found.hits:
            stored = searcher.doc(address)
            doc_language = _stored_text(stored, "language")
            versions = {
                language: (stored.get_first(f"title_{language}") or "", stored.get_first(f"body_{language}") or "")
                for language in analysis.LANGUAGES
                if stored.get_first(f"title_{language}") is not None
            }
            language, title, body = pick_version(doc_language, versions, query.language)
            hits.append(
                Hit(
                    id=_stored_text(stored, "id"),
                    score=float(score),
                    title_highlight=analysis.highlight(title, words, language),
                    excerpt_highlight=analysis.excerpt(body, words, language),
                    language=language,
                )
            )
        for future in pending:
            facets.update(future.result())
        facets = {name: facets[name] for name in query.facets}
        return SearchResult(
            # tantivy's stub leaves out `count`, which search(count=True), the default, fills in.
            total=found.count or 0,  # type: ignore[attr-defined]
            hits=hits,
            facets=facets,
            took_ms=(time.perf_counter() - started) * 1000,
            corrected=parsing.corrected_text(query.text, parsed.corrections),
        )

    # --- Suggestions while typing ----------------------------------------------------------------

    def suggest(self, text: str, language: str, limit: int) -> list[Suggestion]:
        """Titles holding the typed words, the last one as the start of a word."""
        tokens = parsing.suggest_tokens(text)
        if not tokens:
            return []
        self._current_generation()
        searcher = self._index.searcher()
        Must = tantivy.Occur.Must
        clauses = [
            (Must, tantivy.Query.disjunction_max_query([self._term("title_fold", t), self._term("tags_fold", t)]))
            for t in tokens[:-1]
            if not is_stop_word(t)
        ]
        prefix = tantivy.Query.regex_query(self.schema, "title_fold", re.escape(tokens[-1]) + ".*")
        clauses.append((Must, prefix))
        found = searcher.search(tantivy.Query.boolean_query(clauses), limit=max(1, min(limit, 50)), count=False)
        suggestions = []
        for _score, address in found.hits:
            stored = searcher.doc(address)
            doc_language = _stored_text(stored, "language")
            wanted = f"title_{language}"
            title = stored.get_first(wanted) if language in analysis.LANGUAGES else None
            shown = language if title else doc_language
            doc_id = _stored_text(stored, "id")
            suggestions.append(
                Suggestion(
                    id=doc_id,
                    kind=_stored_text(stored, "kind"),
                    label=title or _stored_text(stored, f"title_{doc_language}"),
                    language=shown,
                )
            )
        return suggestions


def _check_schema_version(path: Path) -> None:
    """Empty an index written with an older schema (the fields differ): `gcmhub search-rebuild`
    fills it again. A new index gets the marker."""
    marker = path / "gcmhub-schema-version"
    current = marker.read_text().strip() if marker.exists() else None
    if current == SCHEMA_VERSION:
        return
    if (path / "meta.json").exists():
        logger.warning(
            "The search index in %s was written with schema %s, this version needs %s: it is emptied; "
            "run `gcmhub search-rebuild` to fill it.",
            path,
            current or "1",
            SCHEMA_VERSION,
        )
        for child in path.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
    marker.write_text(SCHEMA_VERSION)

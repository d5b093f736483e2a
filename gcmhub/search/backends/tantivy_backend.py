"""Search backend on an embedded tantivy index (one directory, one writer per process)."""

import time
from pathlib import Path

import tantivy

from gcmhub.search import analysis
from gcmhub.search.engine import Hit, SearchDocument, SearchQuery, SearchResult, sort_facet_counts

TITLE_BOOST = 5.0
FACET_BUCKETS = 10_000
WRITER_HEAP_BYTES = 50_000_000


def _build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("kind", stored=True, tokenizer_name="raw")
    builder.add_text_field("language", stored=True, tokenizer_name="raw")
    builder.add_text_field("title_fold", tokenizer_name=analysis.FOLD_TOKENIZER)
    builder.add_text_field("body_fold", tokenizer_name=analysis.FOLD_TOKENIZER)
    for language in analysis.LANGUAGES:
        # Only the fields of the document's own language are filled; they also store the text.
        builder.add_text_field(f"title_{language}", stored=True, tokenizer_name=analysis.tokenizer_name(language))
        builder.add_text_field(f"body_{language}", stored=True, tokenizer_name=analysis.tokenizer_name(language))
    builder.add_json_field("facets", fast=True, tokenizer_name="raw")
    builder.add_integer_field("sort_date", indexed=True, fast=True)  # proleptic ordinal, 0 without a date
    return builder.build()


class TantivyBackend:
    def __init__(self, path: str | Path):
        Path(path).mkdir(parents=True, exist_ok=True)
        self.schema = _build_schema()
        self._index = tantivy.Index(self.schema, path=str(path), reuse=True)
        self._index.register_tokenizer(analysis.FOLD_TOKENIZER, analysis.fold_analyzer())
        for language in analysis.LANGUAGES:
            self._index.register_tokenizer(analysis.tokenizer_name(language), analysis.stem_analyzer(language))
        self._writer = None

    @property
    def writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._writer = self._index.writer(heap_size=WRITER_HEAP_BYTES, num_threads=1)
        return self._writer

    def index(self, docs: list[SearchDocument]) -> None:
        for doc in docs:
            language = analysis.language_or_default(doc.language)
            self.writer.delete_documents_by_term("id", doc.id)
            self.writer.add_document(
                tantivy.Document.from_dict(
                    {
                        "id": doc.id,
                        "kind": doc.kind,
                        "language": language,
                        "title_fold": doc.title,
                        "body_fold": doc.body,
                        f"title_{language}": doc.title,
                        f"body_{language}": doc.body,
                        "facets": {name: list(values) for name, values in doc.facets.items()},
                        "sort_date": doc.date.toordinal() if doc.date else 0,
                    },
                    self.schema,
                )
            )

    def delete(self, ids: list[str]) -> None:
        for doc_id in ids:
            self.writer.delete_documents_by_term("id", doc_id)

    def clear(self) -> None:
        self.writer.delete_all_documents()

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
        self._index.reload()

    def _text_query(self, words: list[dict[str, str]]) -> tantivy.Query:
        musts = []
        for word in words:
            alternatives = [
                tantivy.Query.boost_query(
                    tantivy.Query.term_query(self.schema, "title_fold", word["fold"]), TITLE_BOOST
                ),
                tantivy.Query.term_query(self.schema, "body_fold", word["fold"]),
            ]
            for language in analysis.LANGUAGES:
                alternatives.append(
                    tantivy.Query.boost_query(
                        tantivy.Query.term_query(self.schema, f"title_{language}", word[language]), TITLE_BOOST
                    )
                )
                alternatives.append(tantivy.Query.term_query(self.schema, f"body_{language}", word[language]))
            musts.append(
                (tantivy.Occur.Must, tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in alternatives]))
            )
        return tantivy.Query.boolean_query(musts)

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

    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        words = analysis.query_words(query.text)
        if query.text.strip() and not words:
            return SearchResult(total=0, hits=[], facets={name: [] for name in query.facets}, took_ms=0.0)
        clauses = self._filter_query(query.filters)
        if words:
            clauses.insert(0, (tantivy.Occur.Must, self._text_query(words)))
        tantivy_query = tantivy.Query.boolean_query(clauses) if clauses else tantivy.Query.all_query()

        searcher = self._index.searcher()
        if query.sort == "date":
            found = searcher.search(
                tantivy_query,
                limit=query.limit,
                offset=query.offset,
                order_by_field="sort_date",
                order=tantivy.Order.Desc,
            )
        else:
            found = searcher.search(tantivy_query, limit=query.limit, offset=query.offset)
        hits = []
        for score, address in found.hits:
            stored = searcher.doc(address)
            language = stored.get_first("language")
            title = stored.get_first(f"title_{language}") or ""
            body = stored.get_first(f"body_{language}") or ""
            hits.append(
                Hit(
                    id=stored.get_first("id"),
                    score=float(score),
                    title_highlight=analysis.highlight(title, words, language),
                    excerpt_highlight=analysis.excerpt(body, words, language),
                )
            )
        facets = {}
        if query.facets:
            aggregations = searcher.aggregate(
                tantivy_query,
                {name: {"terms": {"field": f"facets.{name}", "size": FACET_BUCKETS}} for name in query.facets},
            )
            for name in query.facets:
                buckets = aggregations.get(name, {}).get("buckets", [])
                facets[name] = sort_facet_counts({str(b["key"]): int(b["doc_count"]) for b in buckets})
        return SearchResult(
            total=found.count or 0,
            hits=hits,
            facets=facets,
            took_ms=(time.perf_counter() - started) * 1000,
        )

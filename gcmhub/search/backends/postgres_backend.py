"""Search backend on PostgreSQL full text, in a table it creates itself.

Text is analysed in Python (`gcmhub.search.analysis`, the same analyzers as the tantivy index) and
stored as lexemes: "f_<folded word>" and "<language>_<stem>". The tsvector is generated from those
arrays, so PostgreSQL applies no further parsing and both backends match the same documents. No
`unaccent` extension is needed: accents are folded before storing and before querying.
"""

import json
import time

from django.db import connections

from gcmhub.search import analysis
from gcmhub.search.engine import (
    Hit,
    SearchDocument,
    SearchQuery,
    SearchResult,
    document_versions,
    facet_count_filters,
    pick_version,
    sort_facet_counts,
)

# SQL below is built with f-strings only from this constant and fixed fragments; every value is a
# query parameter (hence the `noqa: S608`).
TABLE = "gcmhub_search_doc"

CREATE_SQL = [
    f"""
    CREATE TABLE IF NOT EXISTS {TABLE} (
        id text PRIMARY KEY,
        kind text NOT NULL,
        language text NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        date date NULL,
        facets jsonb NOT NULL DEFAULT '{{}}'::jsonb,
        translations jsonb NOT NULL DEFAULT '{{}}'::jsonb,
        facet_terms text[] NOT NULL DEFAULT '{{}}',
        title_terms text[] NOT NULL DEFAULT '{{}}',
        body_terms text[] NOT NULL DEFAULT '{{}}',
        tsv tsvector GENERATED ALWAYS AS (
            setweight(array_to_tsvector(title_terms), 'A') || setweight(array_to_tsvector(body_terms), 'B')
        ) STORED
    )
    """,
    f"CREATE INDEX IF NOT EXISTS {TABLE}_tsv_idx ON {TABLE} USING gin (tsv)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_facet_terms_idx ON {TABLE} USING gin (facet_terms)",
]
# Tables created before documents had language versions.
UPGRADE_SQL = [f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS translations jsonb NOT NULL DEFAULT '{{}}'::jsonb"]

# ts_rank weights for {D, C, B, A}: title (A) counts five times the body (B), as in the tantivy backend.
RANK_WEIGHTS = "{0, 0, 0.2, 1.0}"
FACET_SEPARATOR = "="


def _lexemes(texts: dict[str, str]) -> list[str]:
    """Lexemes of {language: text}: folded words of every text, and each text's stems in its language."""
    lexemes: set[str] = set()
    for language, text in texts.items():
        lexemes.update(f"f_{term}" for term in analysis.folded_terms(text))
        lexemes.update(f"{language}_{term}" for term in analysis.stemmed_terms(text, language))
    return sorted(lexemes)


def _tsquery(words: list[analysis.QueryWord]) -> str:
    """A tsquery literal: every word must match, in any language's stem. Lexemes are alphanumeric."""
    groups = []
    for word in words:
        lexemes = [f"f_{form}" for form in word["fold"]] + [
            f"{language}_{stem}" for language in analysis.LANGUAGES for stem in word[language]
        ]
        groups.append("(" + " | ".join("'" + lexeme.replace("'", "''") + "'" for lexeme in lexemes) + ")")
    return " & ".join(groups)


def _facet_term(name: str, value: str) -> str:
    return f"{name}{FACET_SEPARATOR}{value}"


def _where(tsquery: str | None, filters: dict[str, list[str]]) -> tuple[str, list]:
    conditions: list[str] = []
    params: list[str | list[str]] = []
    if tsquery:
        conditions.append("tsv @@ %s::tsquery")
        params.append(tsquery)
    for name, values in filters.items():
        if values:
            conditions.append("facet_terms && %s::text[]")
            params.append([_facet_term(name, str(value)) for value in values])
    return " AND ".join(conditions) or "TRUE", params


class PostgresBackend:
    """`target` is a Django database alias ("default") or a libpq DSN ("postgres://…").

    With an alias, writes happen on Django's connection, inside the caller's transaction if any, and
    `commit()` does nothing; with a DSN the backend has its own connection and `commit()` commits it.
    """

    def __init__(self, target: str = "default"):
        self._dsn_connection = None
        if "://" in target or "=" in target:
            import psycopg

            self._dsn_connection = psycopg.connect(target)
        elif connections[target].vendor != "postgresql":
            raise ValueError(f"Database {target!r} is not PostgreSQL.")
        self._alias = target
        self._ensure_table()

    def _cursor(self):
        if self._dsn_connection is not None:
            return self._dsn_connection.cursor()
        return connections[self._alias].cursor()

    def _ensure_table(self) -> None:
        # Check first: CREATE INDEX IF NOT EXISTS would still wait for any open write transaction.
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT to_regclass(%s), EXISTS (SELECT 1 FROM information_schema.columns "
                "WHERE table_name = %s AND column_name = 'translations')",
                [TABLE, TABLE],
            )
            exists, upgraded = cursor.fetchone()
            if exists is not None and upgraded:
                return
            for statement in UPGRADE_SQL if exists is not None else CREATE_SQL:
                cursor.execute(statement)
        if self._dsn_connection is not None:
            self._dsn_connection.commit()

    def index(self, docs: list[SearchDocument]) -> None:
        rows = []
        for doc in docs:
            language = analysis.language_or_default(doc.language)
            versions = document_versions(doc, language)
            facet_terms = sorted(
                {_facet_term(name, str(value)) for name, values in doc.facets.items() for value in values}
            )
            rows.append(
                (
                    doc.id,
                    doc.kind,
                    language,
                    doc.title,
                    doc.body,
                    doc.date,
                    json.dumps(doc.facets),
                    json.dumps({other: list(version) for other, version in versions.items() if other != language}),
                    facet_terms,
                    _lexemes({other: title for other, (title, _body) in versions.items()}),
                    _lexemes({other: body for other, (_title, body) in versions.items()}),
                )
            )
        if not rows:
            return
        with self._cursor() as cursor:
            cursor.executemany(
                f"""
                INSERT INTO {TABLE} (
                    id, kind, language, title, body, date, facets, translations, facet_terms, title_terms, body_terms
                )
                VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s, %s, %s)
                ON CONFLICT (id) DO UPDATE SET
                    kind = EXCLUDED.kind, language = EXCLUDED.language, title = EXCLUDED.title,
                    body = EXCLUDED.body, date = EXCLUDED.date, facets = EXCLUDED.facets,
                    translations = EXCLUDED.translations,
                    facet_terms = EXCLUDED.facet_terms, title_terms = EXCLUDED.title_terms,
                    body_terms = EXCLUDED.body_terms
                """,  # noqa: S608
                rows,
            )

    def delete(self, ids: list[str]) -> None:
        if ids:
            with self._cursor() as cursor:
                cursor.execute(f"DELETE FROM {TABLE} WHERE id = ANY(%s)", [list(ids)])  # noqa: S608

    def clear(self) -> None:
        with self._cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608

    def commit(self) -> None:
        if self._dsn_connection is not None:
            self._dsn_connection.commit()

    def close(self) -> None:
        """Close the backend's own connection (DSN mode); Django manages its connections itself."""
        if self._dsn_connection is not None:
            self._dsn_connection.close()

    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        words = analysis.query_words(query.text)
        if query.text.strip() and not words:
            return SearchResult(total=0, hits=[], facets={name: [] for name in query.facets}, took_ms=0.0)
        tsquery = _tsquery(words) if words else None
        where, params = _where(tsquery, query.filters)

        if query.sort == "date":
            order, score, score_params = "date DESC NULLS LAST, id", "0", []
        elif tsquery:
            score = f"ts_rank('{RANK_WEIGHTS}', tsv, %s::tsquery)"
            order, score_params = "score DESC, id", [tsquery]
        else:
            order, score, score_params = "id", "0", []

        with self._cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE {where}", params)  # noqa: S608
            total = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT id, language, title, body, translations, {score} AS score FROM {TABLE} "  # noqa: S608
                f"WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s",
                score_params + params + [query.limit, query.offset],
            )
            rows = cursor.fetchall()
            # One aggregation for the facets counted under every filter, one more per filtered facet.
            counts: dict[str, dict[str, int]] = {name: {} for name in query.facets}
            groups: dict[tuple, list[str]] = {}
            filters_by_facet = facet_count_filters(query)
            for name, filters in filters_by_facet.items():
                groups.setdefault(tuple(sorted((k, tuple(v)) for k, v in filters.items())), []).append(name)
            for names in groups.values():
                facet_where, facet_params = _where(tsquery, filters_by_facet[names[0]])
                cursor.execute(
                    f"""
                    SELECT split_part(term, %s, 1) AS name, substr(term, strpos(term, %s) + 1) AS value, count(*)
                    FROM {TABLE}, unnest(facet_terms) AS term
                    WHERE {facet_where} AND split_part(term, %s, 1) = ANY(%s)
                    GROUP BY 1, 2
                    """,  # noqa: S608
                    [FACET_SEPARATOR, FACET_SEPARATOR] + facet_params + [FACET_SEPARATOR, names],
                )
                for name, value, count in cursor.fetchall():
                    counts[name][value] = count
            facets = {name: sort_facet_counts(values) for name, values in counts.items()}

        hits = []
        for doc_id, doc_language, title, body, translations, score_value in rows:
            if isinstance(translations, str):  # Django's connection loads jsonb as text
                translations = json.loads(translations)
            versions = {doc_language: (title, body), **{k: tuple(v) for k, v in (translations or {}).items()}}
            language, shown_title, shown_body = pick_version(doc_language, versions, query.language)
            hits.append(
                Hit(
                    id=doc_id,
                    score=float(score_value),
                    title_highlight=analysis.highlight(shown_title, words, language),
                    excerpt_highlight=analysis.excerpt(shown_body, words, language),
                    language=language,
                )
            )
        return SearchResult(total=total, hits=hits, facets=facets, took_ms=(time.perf_counter() - started) * 1000)

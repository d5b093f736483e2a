"""Search backend on PostgreSQL full text, in a table it creates itself.

Text is analysed in Python (`gcmhub.search.analysis`, the same analyzers as the tantivy index) and
stored as lexemes: "f_<folded word>" and "<language>_<stem>". The tsvector is generated from those
arrays, so PostgreSQL applies no further parsing and both backends match the same documents. No
`unaccent` extension is needed: accents are folded before storing and before querying.
"""

import contextlib
import json
import math
import time

from django.db import connections, transaction

from gcmhub.search import analysis
from gcmhub.search import query as parsing
from gcmhub.search.engine import (
    NAMED_KINDS,
    NAMED_WEIGHT,
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
from gcmhub.search.spelling import REBUILD_SECONDS, SpellerCache
from gcmhub.search.stopwords import is_stop_word

# SQL below is built with f-strings only from this constant and fixed fragments; every value is a
# query parameter (hence the `noqa: S608`).
TABLE = "gcmhub_search_doc"
META_TABLE = "gcmhub_search_meta"

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
        tags_terms text[] NOT NULL DEFAULT '{{}}',
        folded text NOT NULL DEFAULT '',
        tsv tsvector NOT NULL DEFAULT ''::tsvector,
        head tsvector NOT NULL DEFAULT ''::tsvector,
        size integer NOT NULL DEFAULT 0
    ) WITH (toast_tuple_target = 128)
    """,
    # The columns a query reads for every match (vectors, filters, phrases) stay in the row,
    # compressed; the texts, read for a page's rows only, are stored apart (toast_tuple_target).
    # Vectors stored apart made every seq scan or ranked match fetch them from TOAST (20 µs each).
    f"""
    ALTER TABLE {TABLE}
        ALTER COLUMN tsv SET STORAGE MAIN, ALTER COLUMN head SET STORAGE MAIN,
        ALTER COLUMN facet_terms SET STORAGE MAIN, ALTER COLUMN folded SET STORAGE MAIN
    """,
    f"CREATE INDEX IF NOT EXISTS {TABLE}_tsv_idx ON {TABLE} USING gin (tsv)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_head_idx ON {TABLE} USING gin (head)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_facet_terms_idx ON {TABLE} USING gin (facet_terms)",
    # One row: a counter bumped by every write, in the writing transaction (`generation()`).
    f"CREATE TABLE IF NOT EXISTS {META_TABLE} (id integer PRIMARY KEY, generation bigint NOT NULL)",
    f"INSERT INTO {META_TABLE} (id, generation) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",  # noqa: S608
]
# Tables created by earlier versions (without this column: wide rows and no title vector; earlier
# still, a generated tsvector whose lexemes had no positions, so every rank was 0): dropped and
# created again (`gcmhub search-rebuild`).
SCHEMA_COLUMN = "head"

# ts_rank weights for {D, C, B, A}: title (A) and tags (C) twice the body (B), as in the tantivy backend.
RANK_WEIGHTS = "{0, 1.0, 0.5, 1.0}"
EXPANSION_WEIGHT = 0.7  # a glossary equivalent counts less than the word typed
OBJECTIVE_SCORE = 1.0  # "objective 7": the items tagged with objective 7
RANK_NORMALIZATION = 1  # ts_rank divided by 1 + log(document length): long bodies do not win by length
FACET_SEPARATOR = "="
# Words of bodies join the typo dictionary while the table is this small (counting them takes a
# scan of every body); above it, titles and tags only.
BODY_VOCABULARY_MAX_ROWS = 20_000
MAX_KEPT_FREQUENCIES = 50_000
# A query matching more documents than this ranks candidates rather than every match: the shortest
# documents holding the words in their titles or tags, the shortest holding every word, the
# shortest matches (ts_rank divides by the length), at most this many of each, ranked exactly; the
# facets are counted over the best this many (`SearchResult.facets_over`). At 100,000 documents,
# ranking and counting the facets of 47,000 matches took 0.7 s; the number of matches stays exact.
CANDIDATES = 1000


def _lexemes(texts: dict[str, str]) -> list[str]:
    """Lexemes of {language: text}: folded words of every text, and each text's stems in its language."""
    lexemes: set[str] = set()
    for language, text in texts.items():
        lexemes.update(f"f_{term}" for term in analysis.folded_terms(text))
        lexemes.update(f"{language}_{term}" for term in analysis.stemmed_terms(text, language))
    return sorted(lexemes)


MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
MAX_POSITIONS = 256  # positions kept per lexeme


def _tsvector(versions: dict[str, tuple[str, str]], tags: str) -> str:
    """A tsvector literal with positions and weights: titles A, bodies B, tags C. Each word is
    filed as "f_<folded>" and "<language>_<stem>" at the same position, so ts_rank weighs titles
    and counts occurrences as the tantivy backend's BM25 does (lexemes without positions, as
    array_to_tsvector makes them, rank 0)."""
    positions: dict[str, list[str]] = {}
    position = 1

    def add(text: str, language: str, weight: str) -> None:
        nonlocal position
        folded = analysis.folded_terms(text)
        stems = analysis.stemmed_terms(text, language) if language else []
        aligned = len(stems) == len(folded)
        for index, word in enumerate(folded):
            at = f"{min(position, MAX_POSITION)}{weight}"
            positions.setdefault(f"f_{word}", []).append(at)
            if aligned:
                positions.setdefault(f"{language}_{stems[index]}", []).append(at)
            position += 1
        if stems and not aligned:  # never seen: the same tokenizer on both sides
            for stem in stems:
                positions.setdefault(f"{language}_{stem}", []).append(f"{min(position, MAX_POSITION)}{weight}")
        position += 2  # texts apart

    for language, (title, body) in versions.items():
        add(title, language, "A")
        add(body, language, "B")
    add(tags, "", "C")
    return " ".join(f"'{lexeme}':{','.join(at[:MAX_POSITIONS])}" for lexeme, at in sorted(positions.items()))


def _vectors(versions: dict[str, tuple[str, str]], tags: str) -> tuple[str, str, int]:
    """The document's tsvector literal (`_tsvector`), its titles' and tags' lexemes without
    positions (where the best candidates of a broad query are looked for first) and its number of
    lexemes (ts_rank's length)."""
    tsv = _tsvector(versions, tags)
    head = set(_lexemes({language: title for language, (title, _body) in versions.items()}))
    head.update(f"f_{term}" for term in analysis.folded_terms(tags))
    return tsv, " ".join(f"'{lexeme}'" for lexeme in sorted(head)), len(tsv.split())


def _word_tsquery(word: analysis.QueryWord) -> str:
    """A tsquery literal for one word: any folded form or any language's stem (alphanumeric lexemes)."""
    lexemes = [f"f_{form}" for form in word["fold"]] + [
        f"{language}_{stem}" for language in analysis.LANGUAGES for stem in word[language]
    ]
    return "(" + " | ".join("'" + lexeme.replace("'", "''") + "'" for lexeme in lexemes) + ")"


def _tsquery(words: list[analysis.QueryWord]) -> str:
    """Every word must match (a glossary term's words)."""
    return " & ".join(_word_tsquery(word) for word in words)


def _folded(texts) -> str:
    """The folded words of each text, between spaces, texts apart: where phrases are looked for."""
    return " | ".join(" " + " ".join(analysis.folded_terms(text)) + " " for text in texts if text)


def _phrase_pattern(tokens: list[str]) -> str:
    return "% " + " ".join(tokens) + " %"  # folded tokens are alphanumeric: nothing to escape


class _Plan:
    """The SQL of a parsed query: the matching condition and the score, with their parameters."""

    def __init__(self, parsed: parsing.ParsedQuery):
        self.words = parsed.words
        self.match_parts: list[str] = []  # any of them matches
        self.scores: list[tuple[str, float]] = []  # (tsquery, weight)
        for word in parsed.words:
            self.match_parts.append(_word_tsquery(word))
            self.scores.append((_word_tsquery(word), 1.0))
        for word in parsed.positive_words[len(parsed.words) :]:  # a phrase's words rank its matches
            self.scores.append((_word_tsquery(word), 1.0))
        for expansion in parsed.expansions:
            terms = [_tsquery(words) for words in map(parsing.term_words, expansion.terms) if words]
            if terms:
                tsquery = " | ".join(f"({term})" for term in terms)
                self.match_parts.append(f"({tsquery})")
                self.scores.append((tsquery, EXPANSION_WEIGHT))
        self.conditions: list[str] = []
        self.params: list = []
        self.objective_terms = [_facet_term("objective", number) for number in parsed.objectives]
        if self.match_parts and not parsed.phrases:
            if self.objective_terms:  # "objective 7" also finds what is tagged with it
                self.conditions.append("(tsv @@ %s::tsquery OR facet_terms && %s::text[])")
                self.params += [" | ".join(self.match_parts), self.objective_terms]
            else:
                self.conditions.append("tsv @@ %s::tsquery")
                self.params.append(" | ".join(self.match_parts))
        for phrase, equivalents in zip(parsed.phrases, parsed.phrase_equivalents, strict=False):
            alternatives = [_tsquery(words) for words in map(parsing.term_words, equivalents) if words]
            if alternatives:
                self.conditions.append("(folded LIKE %s OR tsv @@ %s::tsquery)")
                self.params += [_phrase_pattern(phrase), " | ".join(f"({a})" for a in alternatives)]
            else:
                self.conditions.append("folded LIKE %s")
                self.params.append(_phrase_pattern(phrase))
        if parsed.words:  # a named page only when it holds every word (NAMED_KINDS)
            self.conditions.append("(kind <> ALL(%s) OR tsv @@ %s::tsquery)")
            self.params += [list(NAMED_KINDS), _tsquery(parsed.words)]
        for word in parsed.excluded:
            self.conditions.append("NOT tsv @@ %s::tsquery")
            self.params.append(_word_tsquery(word))
        for phrase in parsed.excluded_phrases:
            self.conditions.append("folded NOT LIKE %s")
            self.params.append(_phrase_pattern(phrase))

    def pools(self) -> list[tuple[str, str]]:
        """Where a broad query's best matches are looked for besides its shortest matches:
        (column, tsquery) of the titles and tags holding every word, of the documents holding every
        word, of the titles and tags holding any word."""
        if not self.match_parts:
            return []
        any_word = " | ".join(self.match_parts)
        pools = []
        if len(self.words) > 1:
            every_word = _tsquery(self.words)
            pools += [("head", every_word), ("tsv", every_word)]
        pools.append(("head", any_word))
        return pools

    @property
    def active(self) -> bool:
        return bool(self.conditions)

    def score(self, idf: list[float]) -> tuple[str, list]:
        """The score of a match: each word's ts_rank times its weight and its idf, summed."""
        if not self.scores:
            return "0", []
        parts = [
            f"ts_rank('{RANK_WEIGHTS}', tsv, %s::tsquery, {RANK_NORMALIZATION}) * {weight * word_idf:.6f}"
            for (_q, weight), word_idf in zip(self.scores, idf, strict=True)
        ]
        params: list = [tsquery for tsquery, _weight in self.scores]
        if self.objective_terms:
            parts.append(f"(facet_terms && %s::text[])::int * {OBJECTIVE_SCORE}")
            params.append(self.objective_terms)
        # Named pages count half an item, as in the tantivy backend (NAMED_WEIGHT).
        weight = f"(CASE WHEN kind = ANY(%s) THEN {NAMED_WEIGHT} ELSE 1 END)"
        return f"({' + '.join(parts)}) * {weight}", [*params, list(NAMED_KINDS)]


def _facet_term(name: str, value: str) -> str:
    return f"{name}{FACET_SEPARATOR}{value}"


def _where(plan: "_Plan | None", filters: dict[str, list[str]]) -> tuple[str, list]:
    conditions: list[str] = []
    params: list = []
    if plan is not None:
        conditions += plan.conditions
        params += plan.params
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
        self._speller = SpellerCache(self._vocabulary)
        # Kept per generation of the table: how many documents hold each word's tsquery, and the
        # facet counts over every item (the page without words).
        self._frequencies: tuple[int, dict[str, int]] = (-1, {})
        self._everything: tuple[int, dict[str, dict[str, int]]] = (-1, {})

    def _cursor(self):
        if self._dsn_connection is not None:
            return self._dsn_connection.cursor()
        return connections[self._alias].cursor()

    def _ensure_table(self) -> None:
        # Check first: CREATE INDEX IF NOT EXISTS would still wait for any open write transaction.
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT to_regclass(%s), EXISTS (SELECT 1 FROM information_schema.columns "
                "WHERE table_name = %s AND column_name = %s), to_regclass(%s)",
                [TABLE, TABLE, SCHEMA_COLUMN, META_TABLE],
            )
            exists, upgraded, meta = cursor.fetchone()
            if exists is not None and upgraded and meta is not None:
                return
            if exists is not None and not upgraded:  # an older table: created again, empty (then search-rebuild)
                cursor.execute(f"DROP TABLE {TABLE}")
            for statement in CREATE_SQL:
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
                    [f"f_{term}" for term in analysis.folded_terms(doc.tags)],
                    _folded([text for version in versions.values() for text in version]),
                    *_vectors(versions, doc.tags),
                )
            )
        if not rows:
            return
        with self._cursor() as cursor:
            self._bump(cursor)
            cursor.executemany(
                f"""
                INSERT INTO {TABLE} (
                    id, kind, language, title, body, date, facets, translations, facet_terms, title_terms, body_terms,
                    tags_terms, folded, tsv, head, size
                )
                VALUES (
                    %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s, %s, %s, %s, %s, %s::tsvector, %s::tsvector, %s
                )
                ON CONFLICT (id) DO UPDATE SET
                    kind = EXCLUDED.kind, language = EXCLUDED.language, title = EXCLUDED.title,
                    body = EXCLUDED.body, date = EXCLUDED.date, facets = EXCLUDED.facets,
                    translations = EXCLUDED.translations,
                    facet_terms = EXCLUDED.facet_terms, title_terms = EXCLUDED.title_terms,
                    body_terms = EXCLUDED.body_terms, tags_terms = EXCLUDED.tags_terms, folded = EXCLUDED.folded,
                    tsv = EXCLUDED.tsv, head = EXCLUDED.head, size = EXCLUDED.size
                """,  # noqa: S608
                rows,
            )

    def delete(self, ids: list[str]) -> None:
        if ids:
            with self._cursor() as cursor:
                self._bump(cursor)
                cursor.execute(f"DELETE FROM {TABLE} WHERE id = ANY(%s)", [list(ids)])  # noqa: S608

    def clear(self) -> None:
        with self._cursor() as cursor:
            self._bump(cursor)
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608

    def _bump(self, cursor) -> None:
        cursor.execute(f"UPDATE {META_TABLE} SET generation = generation + 1 WHERE id = 1")  # noqa: S608

    def generation(self) -> int:
        """Changes with every committed write (the page cache keys the search page by it)."""
        with self._cursor() as cursor:
            return self._generation_of(cursor)

    def commit(self) -> None:
        if self._dsn_connection is not None:
            self._dsn_connection.commit()

    def close(self) -> None:
        """Close the backend's own connection (DSN mode); Django manages its connections itself."""
        if self._dsn_connection is not None:
            self._dsn_connection.close()

    def _idf(self, cursor, tsqueries: list[str], generation: int) -> list[float]:
        """BM25's idf of each word (or glossary group) from how many documents hold it, counted
        in one query for the words not counted yet in this generation of the table."""
        if self._frequencies[0] != generation:
            self._frequencies = (generation, {})
        known = self._frequencies[1]
        missing = list(dict.fromkeys(q for q in tsqueries if q not in known))
        if missing:
            # One count per word, each from the index alone (a FILTER per word would read every
            # match's vector, kept apart from the row).
            count_sql = f"(SELECT count(*) FROM {TABLE} WHERE tsv @@ %s::tsquery)"  # noqa: S608
            cursor.execute("SELECT " + ", ".join(count_sql for _ in missing), missing)
            if len(known) > MAX_KEPT_FREQUENCIES:
                known.clear()
            known.update(zip(missing, cursor.fetchone(), strict=True))
        documents = self._document_count(cursor)
        return [math.log(1 + (max(documents, known[q]) - known[q] + 0.5) / (known[q] + 0.5)) for q in tsqueries]

    def _generation_of(self, cursor) -> int:
        cursor.execute(f"SELECT generation FROM {META_TABLE} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
        return row[0] if row else 0

    def _document_count(self, cursor) -> int:
        """The number of documents: the planner's estimate, counted while the table is small or
        has not been analysed yet."""
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
        estimate = int(row[0]) if row and row[0] is not None else -1
        if estimate >= BODY_VOCABULARY_MAX_ROWS:
            return estimate
        cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
        return cursor.fetchone()[0]

    # --- Typos ----------------------------------------------------------------------------------

    def _vocabulary(self) -> dict[str, int]:
        columns = ["title_terms", "tags_terms"]
        with self._cursor() as cursor:
            if self._document_count(cursor) <= BODY_VOCABULARY_MAX_ROWS:
                columns.append("body_terms")
            vocabulary: dict[str, int] = {}
            for column in columns:
                cursor.execute(
                    f"SELECT substr(term, 3), count(*) FROM {TABLE}, unnest({column}) AS term "  # noqa: S608
                    "WHERE left(term, 2) = %s GROUP BY 1",
                    ["f_"],
                )
                for term, count in cursor.fetchall():
                    if column == "body_terms" and count < 2:
                        continue
                    vocabulary[term] = max(vocabulary.get(term, 0), count)
        return vocabulary

    def _known(self, cursor, term: str, language: str = "") -> bool:
        lexeme = f"{language or 'f'}_{term}"
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {TABLE} WHERE tsv @@ %s::tsquery)", [f"'{lexeme}'"])  # noqa: S608
        return bool(cursor.fetchone()[0])

    def _parse(self, query: SearchQuery) -> parsing.ParsedQuery:
        parsed = parsing.parse(query.text)
        if not query.exact and parsed.words:
            with self._cursor() as cursor:
                parsing.correct_words(
                    parsed,
                    lambda term, language="": self._known(cursor, term, language),
                    lambda word: self._speller.get(int(time.monotonic() // REBUILD_SECONDS)).suggest(word),
                )
        return parsed

    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        parsed = self._parse(query)
        plan = _Plan(parsed)
        if query.text.strip() and not plan.active:  # punctuation or operators alone
            return SearchResult(total=0, hits=[], facets={name: [] for name in query.facets}, took_ms=0.0)
        browsing = not plan.active and not asks_for_named_kinds(query.filters)

        def where_of(filters):
            where, params = _where(plan if plan.active else None, filters)
            if browsing:  # without words: the items only (named pages when the filter asks)
                return f"({where}) AND kind <> ALL(%s)", [*params, list(NAMED_KINDS)]
            return where, params

        where, params = where_of(query.filters)
        words = parsing.highlight_words(parsed)

        ranked = query.sort != "date" and bool(plan.scores)
        # Matches are ranked among candidates (`CANDIDATES`) unless the page lies deeper.
        capped = plan.active and query.offset + query.limit <= CANDIDATES
        facets_over = 0
        with self._planned_by_index() as cursor:
            generation = self._generation_of(cursor)
            if ranked:
                score, score_params = plan.score(self._idf(cursor, [q for q, _weight in plan.scores], generation))
                order = "score DESC, id"
            else:
                order, score, score_params = "date DESC NULLS LAST, id", "0", []
            if capped:
                total, best = self._candidates(cursor, plan, where, params, score if ranked else None, score_params)
                page = best[query.offset : query.offset + query.limit]
                rows = self._page_rows(cursor, page)
                if total > len(best):
                    facets_over = len(best)
            else:
                # The page and, in the same pass, the number of matches: ranked on ids and scores
                # only, the texts read for the page's rows.
                cursor.execute(
                    f"""
                    WITH page AS (
                        SELECT id, date, {score} AS score, count(*) OVER () AS total FROM {TABLE}
                        WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s
                    )
                    SELECT doc.id, doc.language, doc.title, doc.body, doc.translations, page.score, page.total
                    FROM page JOIN {TABLE} AS doc ON doc.id = page.id
                    ORDER BY {", ".join("page." + part.strip() for part in order.split(","))}
                    """,  # noqa: S608
                    score_params + params + [query.limit, query.offset],
                )
                fetched = cursor.fetchall()
                rows = [row[:-1] for row in fetched]
                if rows:
                    total = fetched[0][-1]
                else:  # a page past the end: counted on its own
                    cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE {where}", params)  # noqa: S608
                    total = cursor.fetchone()[0]
            counts: dict[str, dict[str, int]] = {name: {} for name in query.facets}
            for names, group_filters in facet_count_groups(query):
                everything = browsing and not any(group_filters.values())
                if everything and self._everything[0] == generation and set(names) <= set(self._everything[1]):
                    for name in names:  # the whole index's counts, kept for this generation
                        counts[name] = dict(self._everything[1][name])
                    continue
                facet_where, facet_params = where_of(group_filters)
                if capped:  # over the group's best candidates (every match while they are few)
                    if group_filters == query.filters:
                        ids = [doc_id for doc_id, _score in best]
                    else:  # the newest of a wider set (its own filter left out): no ranking needed
                        group_total, group_best = self._candidates(cursor, plan, facet_where, facet_params, None, [])
                        ids = [doc_id for doc_id, _score in group_best]
                        if group_total > len(group_best):
                            facets_over = max(facets_over, len(group_best))
                    facet_where, facet_params = "id = ANY(%s)", [ids]
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
                if everything:
                    kept = self._everything[1] if self._everything[0] == generation else {}
                    self._everything = (generation, {**kept, **{name: dict(counts[name]) for name in names}})
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
        return SearchResult(
            total=total,
            hits=hits,
            facets=facets,
            took_ms=(time.perf_counter() - started) * 1000,
            corrected=parsing.corrected_text(query.text, parsed.corrections),
            facets_over=facets_over,
        )

    @contextlib.contextmanager
    def _planned_by_index(self):
        """A cursor whose queries find matches through the indexes: the planner, misled by how
        little a row weighs once its texts are stored apart, scanned the table for broad words
        and evaluated every row's vector (0.5 s at 100,000 documents, against 0.15 s through the
        index). `enable_seqscan` is set for the transaction (a savepoint of the caller's if any)
        and set back before it ends."""
        atomic = contextlib.nullcontext() if self._dsn_connection is not None else transaction.atomic(using=self._alias)
        with atomic, self._cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
            previous = cursor.fetchone()[0]
            try:
                yield cursor
            finally:
                cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])

    def _candidates(
        self, cursor, plan: _Plan, where: str, params: list, score: str | None, score_params: list
    ) -> tuple[int, list[tuple[str, float]]]:
        """The number of matches of `where` and its best `CANDIDATES` (id, score), best first.

        Ranked (`score` given): every match while there are at most `CANDIDATES`; beyond, the
        candidates of `_Plan.pools` ranked exactly. By date: the newest `CANDIDATES`."""
        if score is None:
            cursor.execute(
                f"SELECT id, 0, count(*) OVER () FROM {TABLE} WHERE {where} "  # noqa: S608
                "ORDER BY date DESC NULLS LAST, id LIMIT %s",
                [*params, CANDIDATES],
            )
            rows = cursor.fetchall()
            total = rows[0][2] if rows else 0
            return total, [(doc_id, float(value)) for doc_id, value, _total in rows]
        # Each pool: the shortest documents of a subset of the matches (an index scan each).
        pools = [f"(SELECT id, count(*) OVER () AS total FROM {TABLE} WHERE {where} ORDER BY size, id LIMIT %s)"]  # noqa: S608
        pool_params: list = [*params, CANDIDATES]
        for column, tsquery in plan.pools():
            pools.append(
                f"(SELECT id, NULL FROM {TABLE} WHERE {where} AND {column} @@ %s::tsquery "  # noqa: S608
                "ORDER BY size, id LIMIT %s)"
            )
            pool_params += [*params, tsquery, CANDIDATES]
        cursor.execute(
            f"""
            WITH pool AS MATERIALIZED ({" UNION ALL ".join(pools)})
            SELECT id, {score} AS score, (SELECT max(total) FROM pool) FROM {TABLE}
            WHERE id IN (SELECT id FROM pool)
            ORDER BY score DESC, id LIMIT %s
            """,  # noqa: S608
            [*pool_params, *score_params, CANDIDATES],
        )
        rows = cursor.fetchall()
        total = rows[0][2] if rows else 0
        return total, [(doc_id, float(value)) for doc_id, value, _total in rows]

    def _page_rows(self, cursor, page: list[tuple[str, float]]) -> list[tuple]:
        """(id, language, title, body, translations, score) of the page's documents, in its order."""
        if not page:
            return []
        cursor.execute(
            f"SELECT id, language, title, body, translations FROM {TABLE} WHERE id = ANY(%s)",  # noqa: S608
            [[doc_id for doc_id, _score in page]],
        )
        texts = {row[0]: row for row in cursor.fetchall()}
        return [(*texts[doc_id], value) for doc_id, value in page if doc_id in texts]

    # --- Suggestions while typing ----------------------------------------------------------------

    def suggest(self, text: str, language: str, limit: int) -> list[Suggestion]:
        """Titles holding the typed words, the last one as the start of a word."""
        tokens = parsing.suggest_tokens(text)
        if not tokens:
            return []
        parts = [f"('f_{t}':A | 'f_{t}':C)" for t in tokens[:-1] if not is_stop_word(t)]
        parts.append(f"'f_{tokens[-1]}':*A")
        # One word typed: any titles starting so (the first found: "mi" matches half the index, and
        # ordering them all took 180 ms at 100,000 documents); more words: the newest, which the
        # planner then finds through the index (without an order it scanned the table: 300 ms).
        order = "ORDER BY date DESC NULLS LAST, id" if len(tokens) > 1 else ""
        with self._cursor() as cursor:
            cursor.execute(
                f"SELECT id, kind, language, title, translations FROM {TABLE} "  # noqa: S608
                f"WHERE tsv @@ %s::tsquery {order} LIMIT %s",
                [" & ".join(parts), max(1, min(limit, 50))],
            )
            rows = cursor.fetchall()
        suggestions = []
        for doc_id, kind, doc_language, title, translations in rows:
            if isinstance(translations, str):
                translations = json.loads(translations)
            own = (translations or {}).get(language)
            shown = own[0] if own and own[0] else title
            suggestions.append(
                Suggestion(id=doc_id, kind=kind, label=shown, language=language if own and own[0] else doc_language)
            )
        return suggestions

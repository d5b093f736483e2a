import tempfile
import unittest
from unittest import mock

import psycopg
import psycopg.conninfo
from django.db import connection
from django.test import SimpleTestCase, TestCase

from gcmhub.search.backends.tantivy_backend import TantivyBackend
from gcmhub.search.engine import SearchQuery
from gcmhub.search.tests.backend_cases import ALL, BackendCases
from gcmhub.search.tests.corpus import QUERIES, corpus

on_postgresql = unittest.skipIf(connection.vendor != "postgresql", "PostgreSQL full text needs PostgreSQL")

FACETS = ["objective", "type", "country", "language", "year"]


def _make_postgres_backend():
    from gcmhub.search.backends.postgres_backend import PostgresBackend

    return PostgresBackend("default")


@on_postgresql
class PostgresBackendTests(BackendCases, TestCase):
    def make_backend(self):
        return _make_postgres_backend()


@on_postgresql
class BackendParityTests(TestCase):
    """The same corpus and queries give the same matches and facet counts on both backends."""

    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.backends = {"tantivy": TantivyBackend(directory.name), "postgres": _make_postgres_backend()}
        for backend in self.backends.values():
            backend.index(corpus())
            backend.commit()

    def test_it_returns_the_same_hits_and_facet_counts_on_both_backends(self):
        queries = [(text, filters) for text, filters, _expected in QUERIES] + [
            ("migrants", {}),
            ("detention", {"objective": ["13"], "language": ["en", "fr"]}),
            ("", {}),
        ]
        for text, filters in queries:
            with self.subTest(text=text, filters=filters):
                results = {
                    name: backend.search(SearchQuery(text=text, filters=filters, facets=FACETS, limit=ALL))
                    for name, backend in self.backends.items()
                }
                tantivy_result, postgres_result = results["tantivy"], results["postgres"]
                self.assertEqual({hit.id for hit in tantivy_result.hits}, {hit.id for hit in postgres_result.hits})
                self.assertEqual(tantivy_result.total, postgres_result.total)
                self.assertEqual(tantivy_result.facets, postgres_result.facets)
                highlights = {name: {h.id: h.title_highlight for h in r.hits} for name, r in results.items()}
                self.assertEqual(highlights["tantivy"], highlights["postgres"])

    def test_it_sorts_by_date_the_same_way_on_both_backends(self):
        dates = {doc.id: doc.date for doc in corpus()}
        orders = {
            name: [dates[hit.id] for hit in backend.search(SearchQuery(text="migrante", sort="date", limit=ALL)).hits]
            for name, backend in self.backends.items()
        }
        self.assertEqual(orders["tantivy"], orders["postgres"])


@on_postgresql
class PostgresBackendOwnConnectionTests(SimpleTestCase):
    """With a DSN the backend uses its own connection, and only `commit()` makes writes visible."""

    def test_it_writes_through_its_own_connection_on_commit(self):
        from gcmhub.search.backends.postgres_backend import TABLE, PostgresBackend

        settings = connection.settings_dict
        dsn = psycopg.conninfo.make_conninfo(
            dbname=settings["NAME"],
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
        )
        backend = PostgresBackend(dsn)
        self.addCleanup(self._drop_table, dsn, TABLE)
        self.addCleanup(backend.close)
        backend.index(corpus()[:3])
        other = PostgresBackend(dsn)  # the table exists: no DDL waits for the open write transaction
        self.addCleanup(other.close)
        self.assertEqual(other.search(SearchQuery()).total, 0)
        backend.commit()
        self.assertEqual(other.search(SearchQuery(text="remittances")).total, 1)

    @staticmethod
    def _drop_table(dsn, table):
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f"DELETE FROM {table}")  # noqa: S608 - the table comes from a migration


@on_postgresql
class PostgresCandidatesTests(TestCase):
    """Beyond `CANDIDATES` matches a query ranks candidates and counts facets over the best of them,
    and says so (`facets_over`); the number of matches stays exact."""

    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.tantivy = TantivyBackend(directory.name)
        self.tantivy.index(corpus())
        self.tantivy.commit()
        self.postgres = _make_postgres_backend()
        self.postgres.index(corpus())

    def test_counts_stay_exact_below_the_cap(self):
        query = SearchQuery(text="migrants", facets=FACETS, limit=ALL)
        result = self.postgres.search(query)
        self.assertGreater(result.total, 3)
        self.assertEqual(result.facets_over, 0)
        self.assertEqual(result.facets, self.tantivy.search(query).facets)

    def test_beyond_the_cap_facets_cover_the_best_candidates_and_the_total_stays_exact(self):
        from gcmhub.search.backends import postgres_backend

        query = SearchQuery(text="migrants", facets=FACETS, limit=2)
        exact = self.postgres.search(query)
        with mock.patch.object(postgres_backend, "CANDIDATES", 3):
            capped = self.postgres.search(query)
        self.assertEqual(capped.total, exact.total)
        self.assertEqual(capped.total, self.tantivy.search(query).total)
        self.assertEqual(capped.facets_over, 3)
        self.assertEqual(len(capped.hits), 2)
        for name, values in capped.facets.items():
            with self.subTest(facet=name):
                self.assertLessEqual(sum(count for _value, count in values), 3 * 10)
                exact_counts = dict(exact.facets[name])
                for value, count in values:
                    self.assertLessEqual(count, min(3, exact_counts[value]))

    def test_a_page_deeper_than_the_candidates_ranks_every_match(self):
        from gcmhub.search.backends import postgres_backend

        every = [hit.id for hit in self.postgres.search(SearchQuery(text="migrants", limit=ALL)).hits]
        with mock.patch.object(postgres_backend, "CANDIDATES", 3):
            page = self.postgres.search(SearchQuery(text="migrants", limit=2, offset=2))
        self.assertEqual([hit.id for hit in page.hits], every[2:4])
        self.assertEqual(page.facets_over, 0)

    def test_the_index_keeps_the_title_vector_and_size_of_each_document(self):
        from gcmhub.search.backends.postgres_backend import TABLE

        doc = corpus()[0]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT head::text, size, length(tsv) FROM {TABLE} WHERE id = %s", [doc.id])  # noqa: S608
            head, size, length = cursor.fetchone()
        self.assertEqual(size, length)
        self.assertIn("'f_", head)
        self.postgres.delete([doc.id])
        found = self.postgres.search(SearchQuery(text=doc.title, exact=True, limit=ALL))
        self.assertNotIn(doc.id, [hit.id for hit in found.hits])


@on_postgresql
class PostgresPostingsTests(TestCase):
    """The impact-ordered postings follow the documents and hold each lexeme's own ts_rank."""

    def setUp(self):
        self.postgres = _make_postgres_backend()
        self.docs = corpus()[:3]
        self.postgres.index(self.docs)

    def _postings(self, doc_id=None):
        from gcmhub.search.backends.postgres_backend import POSTINGS_TABLE, RANK_WEIGHTS, TABLE

        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT doc.id, posting.lexeme, posting.impact, "  # noqa: S608
                f"ts_rank('{RANK_WEIGHTS}', doc.tsv, quote_literal(posting.lexeme)::tsquery, 1), doc.size "
                f"FROM {POSTINGS_TABLE} AS posting JOIN {TABLE} AS doc ON doc.key = posting.doc "
                "WHERE %s::text IS NULL OR doc.id = %s",
                [doc_id, doc_id],
            )
            rows = cursor.fetchall()
            cursor.execute(f"SELECT count(*) FROM {POSTINGS_TABLE}")  # noqa: S608
            return rows, cursor.fetchone()[0]

    def test_each_lexeme_of_each_document_has_its_ts_rank_as_impact(self):
        rows, count = self._postings()
        self.assertEqual(count, len(rows))  # no posting without its document
        for doc in self.docs:
            mine = [row for row in rows if row[0] == doc.id]
            self.assertEqual(len(mine), mine[0][4])  # one per lexeme of the vector
        for doc_id, lexeme, impact, rank, _size in rows:
            with self.subTest(doc=doc_id, lexeme=lexeme):
                self.assertAlmostEqual(impact, rank, places=5)

    def test_postings_follow_reindexing_deleting_and_clearing(self):
        import dataclasses

        first = self.docs[0]
        self.postgres.index([dataclasses.replace(first, title="Zanzibar quokka", body="", tags="")])
        rows, _count = self._postings(first.id)
        self.assertEqual(
            {lexeme for _id, lexeme, *_rest in rows if lexeme.startswith("f_")}, {"f_zanzibar", "f_quokka"}
        )
        found = self.postgres.search(SearchQuery(text="quokka"))
        self.assertEqual([hit.id for hit in found.hits], [first.id])
        self.postgres.delete([first.id])
        self.assertEqual(self._postings(first.id)[0], [])
        self.assertGreater(self._postings()[1], 0)
        self.postgres.clear()
        self.assertEqual(self._postings()[1], 0)


@on_postgresql
class PostgresSchemaTests(TestCase):
    def test_a_table_of_an_earlier_version_is_created_again(self):
        from gcmhub.search.backends.postgres_backend import SCHEMA_COLUMN, TABLE, PostgresBackend

        backend = PostgresBackend("default")
        backend.index(corpus()[:3])
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} DROP COLUMN {SCHEMA_COLUMN}")
        backend = PostgresBackend("default")  # dropped and created again, empty (then search-rebuild)
        self.assertEqual(backend.search(SearchQuery()).total, 0)
        backend.index(corpus()[:3])
        self.assertEqual(backend.search(SearchQuery()).total, 3)
        with connection.cursor() as cursor:
            cursor.execute("SELECT reloptions FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
            self.assertIn("toast_tuple_target=128", cursor.fetchone()[0])

    def test_a_table_without_its_postings_is_created_again_with_them(self):
        from gcmhub.search.backends.postgres_backend import POSTINGS_TABLE, PostgresBackend

        backend = PostgresBackend("default")
        backend.index(corpus()[:3])
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {POSTINGS_TABLE}")
        backend = PostgresBackend("default")
        self.assertEqual(backend.search(SearchQuery()).total, 0)
        backend.index(corpus()[:3])
        self.assertEqual(backend.search(SearchQuery()).total, 3)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(DISTINCT doc) FROM {POSTINGS_TABLE}")  # noqa: S608
            self.assertEqual(cursor.fetchone()[0], 3)

import tempfile
import unittest

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

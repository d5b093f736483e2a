import tempfile
import time
from unittest import mock

from django.test import SimpleTestCase

from gcmhub.search.backends.tantivy_backend import TantivyBackend
from gcmhub.search.engine import SearchQuery
from gcmhub.search.tests.backend_cases import BackendCases
from gcmhub.search.tests.corpus import corpus


class TantivyBackendTests(BackendCases, SimpleTestCase):
    def make_backend(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.path = directory.name
        return TantivyBackend(self.path)

    def test_it_reopens_an_index_from_its_directory(self):
        reopened = TantivyBackend(self.path)
        self.assertEqual(reopened.search(SearchQuery(text="remesas")).total, 2)

    def test_it_shows_another_instances_commit_to_a_reader(self):
        reader = TantivyBackend(self.path)
        self.assertEqual(reader.search(SearchQuery(text="remesas")).total, 2)
        self.backend.delete([doc.id for doc in corpus() if doc.language == "es"])
        self.backend.commit()
        deadline = time.monotonic() + 5
        while reader.search(SearchQuery(text="remesas")).total and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(reader.search(SearchQuery(text="remesas")).total, 0)

    def test_it_answers_a_repeated_query_from_its_cache_until_the_next_commit(self):
        reader = TantivyBackend(self.path)
        first = reader.search(SearchQuery(text="remesas", facets=["objective"]))
        again = reader.search(SearchQuery(text="remesas", facets=["objective"]))
        self.assertIs(first.hits, again.hits)  # the same answer, not recomputed
        self.backend.delete([doc.id for doc in corpus() if doc.language == "es"])
        self.backend.commit()
        # The next search sees the new generation at once (meta.json changed): no stale answer.
        self.assertEqual(reader.search(SearchQuery(text="remesas", facets=["objective"])).total, 0)

    def test_it_can_run_without_a_result_cache(self):
        reader = TantivyBackend(self.path, result_cache_size=0)
        first = reader.search(SearchQuery(text="remesas"))
        self.assertIsNot(first.hits, reader.search(SearchQuery(text="remesas")).hits)

    def test_it_shares_the_counts_of_everything_between_processes_until_the_next_commit(self):
        everything = SearchQuery(facets=["objective", "language"])
        first = TantivyBackend(self.path, result_cache_size=0).search(everything)
        self.assertIn("es", dict(first.facets["language"]))
        other = TantivyBackend(self.path, result_cache_size=0)  # another process: reads the shared file
        with mock.patch.object(TantivyBackend, "_aggregate", side_effect=AssertionError("recomputed")):
            self.assertEqual(other.search(everything).facets, first.facets)
        self.backend.delete([doc.id for doc in corpus() if doc.language == "es"])
        self.backend.commit()
        after = other.search(everything).facets["language"]
        self.assertNotIn("es", dict(after))

    def test_it_warms_the_counts_of_everything_for_other_processes(self):
        self.backend.warm(["language"])
        other = TantivyBackend(self.path, result_cache_size=0)
        with mock.patch.object(TantivyBackend, "_aggregate", side_effect=AssertionError("recomputed")):
            self.assertIn("es", dict(other.search(SearchQuery(facets=["language"])).facets["language"]))

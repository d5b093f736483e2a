import tempfile
import time

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

"""Imported items are searchable: the importer writes in bulk (no signals) and logs index changes itself."""

from gcmhub.knowledge.importer import check_import_file, do_import_knowledge
from gcmhub.knowledge.tests.test_import import ImportDataMixin, to_csv
from gcmhub.search import get_backend
from gcmhub.search.engine import SearchQuery
from gcmhub.search.tests.helpers import SearchTestCase


class ImportIndexingTestCase(ImportDataMixin, SearchTestCase):
    def test_it_makes_imported_resources_and_practices_searchable(self):
        report = check_import_file(to_csv([self.resource_row(), self.practice_row()]), "hub.csv")
        self.assertFalse(report.invalid_rows, report.errors)
        with self.captureOnCommitCallbacks(execute=True):
            do_import_knowledge(report, user=self.sam, filename="hub.csv")
        result = get_backend().search(SearchQuery(text="guide retours"))
        self.assertEqual([hit.id.split(":")[0] for hit in result.hits], ["resource"])
        result = get_backend().search(SearchQuery(text="ventanilla"))
        self.assertEqual([hit.id.split(":")[0] for hit in result.hits], ["practice"])

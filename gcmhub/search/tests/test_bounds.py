"""The search page and its exports never send the engine an unbounded page: `?page=30000000` made
tantivy allocate tens of gigabytes and killed the worker; `page=1e23` was a 500."""

from unittest import mock

from django.urls import reverse

from gcmhub.search import get_backend
from gcmhub.search.engine import MAX_DEPTH, SearchQuery
from gcmhub.search.indexing import rebuild
from gcmhub.search.tests.helpers import SearchTestCase
from gcmhub.search.views import MAX_PAGE, PAGE_SIZE
from gcmhub.test import make_resource


def test_a_query_never_reaches_past_the_deepest_hit():
    assert (SearchQuery(offset=600_000_000, limit=20).offset, SearchQuery(offset=600_000_000, limit=20).limit) == (
        MAX_DEPTH - 20,
        20,
    )
    assert SearchQuery(limit=10**9).limit == MAX_DEPTH
    assert SearchQuery(limit=0).limit == 1  # tantivy panics on a limit of 0
    assert SearchQuery(offset=-5).offset == 0
    assert SearchQuery(offset=40, limit=20).offset == 40


class SearchBoundsTests(SearchTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for n in range(25):
            make_resource(title_en=f"Labour migration guide {n}")

    def setUp(self):
        super().setUp()
        rebuild()

    def search(self, query: str):
        backend = get_backend()
        with mock.patch.object(backend, "search", wraps=backend.search) as spy:
            response = self.client.get(reverse("search:search") + "?" + query)
        return response, [call.args[0] for call in spy.call_args_list]

    def test_it_bounds_the_page_before_the_engine_sees_it(self):
        for page, shown in (("30000000", 2), ("1e23", 1), ("-4", 1), ("99999999999999999999999", 1), ("", 1)):
            with self.subTest(page=page):
                response, queries = self.search(f"q=labour&page={page}")
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["page"].number, shown)
                for query in queries:
                    self.assertLessEqual(query.offset + query.limit, MAX_DEPTH)

    def test_it_pages_no_deeper_than_the_deepest_hit(self):
        self.assertEqual(MAX_PAGE * PAGE_SIZE, MAX_DEPTH)
        _response, queries = self.search(f"page={MAX_PAGE + 1000}")
        self.assertEqual(queries[0].offset, (MAX_PAGE - 1) * PAGE_SIZE)

    def test_it_says_when_there_are_more_matches_than_pages(self):
        with mock.patch("gcmhub.search.views.MAX_DEPTH", 20):
            response = self.client.get(reverse("search:search") + "?q=labour")
        self.assertContains(response, "The pages show the first 20 matches")
        self.assertEqual(response.context["page"].paginator.num_pages, 1)

    def test_it_exports_at_most_the_deepest_hit(self):
        backend = get_backend()
        with mock.patch.object(backend, "search", wraps=backend.search) as spy:
            response = self.client.get(reverse("search:export", args=["csv"]) + "?q=labour&page=30000000&limit=1e9")
            response.getvalue()
        self.assertEqual(response.status_code, 200)
        query = spy.call_args.args[0]
        self.assertEqual((query.offset, query.limit), (0, MAX_DEPTH))

"""The search page and its exports with whatever is typed or put in the address (issue 10 §8):
long queries, operators alone, quotes, emoji, control characters, SQL and HTML, unknown filters;
the engine's typo correction; a search that finds nothing; each result's language."""

import csv
import io
import sys
from dataclasses import dataclass, field
from unittest import mock

from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

import gcmhub.search as search_package
from gcmhub.search import get_backend, suggest, views
from gcmhub.search.engine import SearchResult
from gcmhub.search.tests.helpers import HubTestCase
from gcmhub.search.views import MAX_QUERY_CHARS, read_search, typed_words

# (what is typed, whether it has a letter or digit to look for)
ODD_QUERIES = [
    ("-", False),
    ('""', False),
    ('"', False),
    ("'", False),
    ("*", False),
    ("+", False),
    ("-detention", True),
    ('"child detention', True),
    ('detention"', True),
    ("AND", True),
    ("OR NOT", True),
    ("detention AND", True),
    ("(", False),
    (":", False),
    ("\\", False),
    ("😀", False),
    ("🇲🇽 migrantes", True),
    ("détention 😀", True),
    ("'; DROP TABLE search_document; --", True),
    ("1 OR 1=1", True),
    ("<script>alert(1)</script>", True),
    ("%", False),
    ("_", False),
    ("‮", False),  # right-to-left override
    ("مهاجرين", True),
    ("移民", True),
]


def page_url(lang="en"):
    with translation.override(lang):
        return reverse("search:search")


def export_url(fmt="csv"):
    with translation.override("en"):
        return reverse("search:export", args=[fmt])


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


class PageTestCase(HubTestCase):
    def setUp(self):
        super().setUp()
        suggest.forget_names()
        self.addCleanup(suggest.forget_names)

    def get(self, data=None, lang="en"):
        return self.client.get(page_url(lang), data or {})

    def ids(self, response) -> list[str]:
        return [item.id for item in response.context["items"]]

    def spy(self):
        """The engine queries of the requests made inside `with self.spy() as spy:`."""
        backend = get_backend()
        return mock.patch.object(backend, "search", wraps=backend.search)


# --- Long queries ---------------------------------------------------------------------------------


class LongQueryTests(PageTestCase):
    def test_it_cuts_a_long_query_at_a_word_boundary_and_says_so(self):
        text = " ".join(["detention"] * 600)  # 5,999 characters
        with self.spy() as spy:
            response = self.get({"q": text})
        self.assertEqual(response.status_code, 200)
        searched = spy.call_args.args[0].text
        self.assertLessEqual(len(searched), MAX_QUERY_CHARS)
        self.assertEqual(set(searched.split(" ")), {"detention"})  # whole words only
        self.assertEqual(len(searched), 199)  # 20 words of 9 letters and 19 spaces
        self.assertContains(response, "Your search was too long: it was shortened to its first 200 characters")
        self.assertContains(response, f'value="{searched}"', html=False)  # the box shows what was searched
        self.assertIn(f"resource:{self.detention_fr.pk}", self.ids(response))

    def test_it_cuts_at_the_limit_when_there_is_no_space(self):
        self.assertEqual(typed_words("a" * 5000), ("a" * MAX_QUERY_CHARS, True))
        self.assertEqual(typed_words("x" * 150 + " " + "y" * 100), ("x" * 150, True))
        self.assertEqual(typed_words("x" * 199 + " y"), ("x" * 199, True))
        self.assertEqual(typed_words("x" * 200 + " y"), ("x" * 200, True))  # the space right after the limit
        self.assertEqual(typed_words("x" * 200), ("x" * 200, False))
        self.assertEqual(typed_words("  a \t b\n\nc  "), ("a b c", False))  # spaces collapsed
        self.assertEqual(typed_words(None), ("", False))

    def test_it_says_nothing_of_a_query_within_the_limit(self):
        response = self.get({"q": "detention " * 20})  # 200 characters with the last space
        self.assertNotContains(response, "Your search was too long")
        self.assertFalse(response.context["search"].shortened)

    def test_the_box_and_the_headers_box_allow_the_limit(self):
        response = self.get()
        self.assertContains(response, f'id="search-q" name="q" value="" maxlength="{MAX_QUERY_CHARS}"', html=False)
        self.assertContains(response, 'id="site-search-q" name="q" maxlength="200"', html=False)


# --- Any characters -------------------------------------------------------------------------------


class OddQueryTests(PageTestCase):
    def test_it_answers_any_query_on_the_page(self):
        for text, has_words in ODD_QUERIES:
            with self.subTest(text=text):
                response = self.get({"q": text})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'role="status"', html=False)
                self.assertEqual(response.context["search"].wordless, not has_words)
                if not has_words:
                    self.assertContains(response, "has no letter or digit to look for, so everything is listed.")
                    self.assertGreaterEqual(response.context["result"].total, 5)

    def test_it_answers_any_query_in_the_export(self):
        for text, _has_words in ODD_QUERIES:
            for fmt in ("csv", "xlsx"):
                with self.subTest(text=text, fmt=fmt):
                    response = self.client.get(export_url(fmt), {"q": text})
                    self.assertEqual(response.status_code, 200)
                    response.getvalue()
        response = self.client.get(export_url("csv"), {"q": "detention " * 600})
        self.assertEqual(response.status_code, 200)
        self.assertGreaterEqual(len(csv_rows(response)), 4)

    def test_it_escapes_html_in_what_it_shows_back(self):
        response = self.get({"q": "<script>alert(1)</script>", "country": "<b>x</b>"})
        page = response.content.decode()
        self.assertNotIn("<script>alert(1)</script>", page)
        self.assertNotIn("<b>x</b>", page)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page)
        self.assertIn("Unknown filter ignored: Country “&lt;b&gt;x&lt;/b&gt;”.", page)

    def test_it_finds_words_next_to_operators_and_symbols(self):
        for text in ("detention 😀", "(detention)", "detention!!!", "¿detención?"):
            with self.subTest(text=text):
                self.assertIn(f"practice:{self.practice.pk}", self.ids(self.get({"q": text})))

    def test_it_removes_control_characters_and_refuses_nul(self):
        response = self.get({"q": "deten\x07tion\x1b"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["search"].typed, "detention")
        self.assertIn(f"practice:{self.practice.pk}", self.ids(response))
        # Read without the middleware (another caller): the same.
        self.assertEqual(read_search(QueryDict("q=deten%07tion%0B"), limit=20).typed, "detention")
        self.assertEqual(read_search(QueryDict("country=M%01X"), limit=20).query.filters, {"country": ["MX"]})
        # NUL is refused with a 400 that says why, on every page of the site (gcmhub.lib.textinput).
        for url in (page_url(), export_url()):
            with self.subTest(url=url):
                response = self.client.get(url, {"q": "a\x00b"})
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "Null characters are not allowed.", status_code=400)

    def test_it_reads_odd_values_of_the_other_parameters(self):
        for query in ("sort=relevance%00", "sort=<x>", "sort=", "exact=yes", "page=-1", "page=1e9", "q&q&q", "q=a&q=b"):
            with self.subTest(query=query):
                response = self.client.get(page_url() + "?" + query)
                self.assertIn(response.status_code, (200, 400))
                if "%00" not in query:
                    self.assertEqual(response.status_code, 200)


# --- Unknown filters ------------------------------------------------------------------------------


class UnknownFilterTests(PageTestCase):
    def test_it_ignores_filter_values_that_name_nothing_and_says_so(self):
        everything = self.get().context["result"].total
        response = self.get(
            {
                "country": "ZZ",
                "objective": "99",
                "principle": "zz",
                "thematic_area": "0",
                "region": "999",
                "publisher": "nobody",
                "type": "poem",
                "kind": "planet",
                "scope": "galactic",
                "language": "xx",
                "year": "20x9",
            }
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["query"].filters, {})
        self.assertEqual(response.context["result"].total, everything)
        for message in (
            "Unknown filter ignored: Country “ZZ”.",
            "Unknown filter ignored: GCM objective “99”.",
            "Unknown filter ignored: Guiding principle “zz”.",
            "Unknown filter ignored: Thematic area “0”.",
            "Unknown filter ignored: Region “999”.",
            "Unknown filter ignored: Organisation “nobody”.",
            "Unknown filter ignored: Type “poem”.",
            "Unknown filter ignored: Kind “planet”.",
            "Unknown filter ignored: Geographic scope “galactic”.",
            "Unknown filter ignored: Language “xx”.",
            "Unknown filter ignored: Year “20x9”.",
        ):
            self.assertContains(response, message)
        self.assertEqual(response.context["chips"], [])

    def test_it_keeps_the_known_values_beside_unknown_ones(self):
        response = self.get(QueryDict("q=detention&country=ZZ&country=MX&objective=13&objective=99"))
        self.assertEqual(response.context["query"].filters, {"country": ["MX"], "objective": ["13"]})
        self.assertEqual(self.ids(response), [f"practice:{self.practice.pk}"])
        self.assertContains(response, "Unknown filter ignored: Country “ZZ”.")
        # The page's links leave the unknown values out.
        chips = {chip.label: chip.remove_query for chip in response.context["chips"]}
        self.assertEqual(chips["Mexico"], "q=detention&objective=13")
        self.assertNotIn("ZZ", response.context["export_query"])

    def test_it_knows_every_value_the_facets_offer(self):
        response = self.get()
        for group in response.context["facet_groups"]:
            for value in group.values + group.more:
                with self.subTest(facet=group.name, value=value.value):
                    self.assertTrue(views.is_known(group.name, value.value))

    def test_the_export_ignores_them_too(self):
        response = self.client.get(export_url(), {"q": "detention", "country": ["ZZ", "MX"]})
        self.assertEqual(response.status_code, 200)
        self.assertEqual([row[0] for row in csv_rows(response)[1:]], ["Ending immigration detention of children"])


# --- Typo correction ------------------------------------------------------------------------------


def corrected(result: SearchResult, text: str) -> SearchResult:
    return SearchResult(total=result.total, hits=result.hits, facets=result.facets, took_ms=0, corrected=text)


class CorrectionTests(PageTestCase):
    def test_it_shows_what_was_searched_and_a_way_back_to_the_words_typed(self):
        backend = get_backend()
        real = backend.search

        def search(query):
            result = real(query)
            return result if query.exact else corrected(result, "detention")

        with mock.patch.object(backend, "search", side_effect=search) as spy:
            response = self.get(QueryDict("q=detenshun&country=MX&sort=date&page=1"))
        self.assertFalse(spy.call_args.args[0].exact)
        self.assertContains(response, "Showing results for <strong>detention</strong>.", html=False)
        self.assertContains(response, '<a href="?q=detenshun&amp;country=MX&amp;sort=date&amp;exact=1">', html=False)
        self.assertContains(response, "Search instead for “detenshun”")

        with mock.patch.object(backend, "search", side_effect=search) as spy:
            response = self.get(QueryDict("q=detenshun&country=MX&sort=date&exact=1"))
        self.assertTrue(spy.call_args.args[0].exact)
        self.assertNotContains(response, "Showing results for")
        # The page's other links keep the words exact.
        self.assertIn("exact=1", response.context["export_query"])

    def test_it_says_nothing_when_nothing_was_corrected(self):
        self.assertNotContains(self.get({"q": "detention"}), "Showing results for")

    def test_it_corrects_an_unknown_word_with_the_real_engine(self):
        response = self.get({"q": "detentoin"})
        self.assertContains(response, "Showing results for <strong>detention</strong>.", html=False)
        self.assertIn(f"practice:{self.practice.pk}", self.ids(response))
        self.assertNotContains(self.get({"q": "detentoin", "exact": "1"}), "Showing results for")


# --- Nothing found --------------------------------------------------------------------------------


@dataclass
class FakeMatch:
    terms: dict[str, tuple[str, ...]]
    language: str = ""
    concept: str = "concept"
    start: int = 0
    end: int = 1
    folded: tuple = field(default_factory=tuple)


class NothingFoundTests(PageTestCase):
    def test_it_says_what_was_searched(self):
        response = self.get(QueryDict("q=zzzznothing&country=MX&objective=13"))
        self.assertEqual(response.context["result"].total, 0)
        self.assertContains(response, "Nothing matches this search.")
        self.assertContains(response, "You searched for “zzzznothing”.")
        self.assertContains(response, "With these filters:")
        self.assertContains(response, "<li>Country: Mexico</li>", html=True)
        self.assertContains(response, "<li>GCM objective: 13. Detention</li>", html=True)

    def test_it_counts_the_matches_without_the_filters(self):
        response = self.get(QueryDict("q=detention&year=2019&sort=date"))
        self.assertEqual(response.context["result"].total, 0)
        without = response.context["without_filters"]
        self.assertGreaterEqual(without["count"], 3)
        self.assertEqual(without["query"], "q=detention&sort=date")
        self.assertContains(
            response,
            f'<a href="?q=detention&amp;sort=date">{without["count"]} matches without the filters</a>',
            html=False,
        )
        # None offered when the filters are not what emptied it.
        response = self.get({"q": "zzzznothing", "country": "MX"})
        self.assertIsNone(response.context["without_filters"])

    def test_it_offers_the_nearest_names_and_titles(self):
        engine = [
            mock.Mock(
                id=f"resource:{self.general_en.pk}",
                kind="resource",
                label="The Global Compact explained",
                language="en",
            )
        ]
        with mock.patch.object(type(get_backend()), "suggest", return_value=engine, create=True):
            response = self.get({"q": "mexic", "year": "1990"})
        self.assertEqual(response.context["result"].total, 0)
        nearest = [(option.label, option.url) for option in response.context["nearest"]]
        self.assertEqual(
            nearest,
            [
                ("Mexico", page_url() + "?country=MX"),
                ("The Global Compact explained", self.general_en.get_absolute_url()),
            ],
        )
        self.assertContains(response, "Nearest matches")
        self.assertContains(response, '<a href="/en/search/?country=MX">Mexico</a>', html=False)

    def test_it_offers_the_glossarys_words_in_the_other_languages(self):
        match = FakeMatch(
            terms={
                "en": ("detention", "immigration detention"),
                "fr": ("rétention",),
                "es": ("detención", "internamiento"),
            },
            language="en",
        )
        with mock.patch("gcmhub.search.views.glossary_matches", return_value=[match]) as find:
            response = self.get({"q": "immigration detention", "year": "1990", "exact": "1"})
        find.assert_called_once_with("immigration detention")
        self.assertEqual(
            [(name, [(e.term, e.query) for e in terms]) for name, terms in response.context["equivalents"]],
            [
                ("French", [("rétention", "q=r%C3%A9tention&year=1990")]),
                (
                    "Spanish",
                    [("detención", "q=detenci%C3%B3n&year=1990"), ("internamiento", "q=internamiento&year=1990")],
                ),
            ],
        )
        self.assertContains(
            response, '<a href="?q=r%C3%A9tention&amp;year=1990" lang="fr" dir="ltr">rétention</a>', html=False
        )

    def test_it_leaves_out_words_already_typed_and_works_without_a_glossary(self):
        match = FakeMatch(terms={"en": ("detention",), "fr": ("détention", "rétention")})
        with mock.patch("gcmhub.search.views.glossary_matches", return_value=[match]):
            response = self.get({"q": "detention", "year": "1990"})
        terms = [e.term for _name, group in response.context["equivalents"] for e in group]
        self.assertEqual(terms, ["rétention"])  # "détention" folds to what was typed
        # Without the glossary module (another change brings it), nothing.
        saved = vars(search_package).pop("glossary", None)
        try:
            with mock.patch.dict(sys.modules, {"gcmhub.search.glossary": None}):
                self.assertEqual(views.glossary_matches("detention"), [])
        finally:
            if saved is not None:
                search_package.glossary = saved

    def test_it_runs_a_fixed_number_of_queries(self):
        if settings.SEARCH_BACKEND == "postgres":
            self.skipTest("the PostgreSQL backend's own queries (search, count, suggestions) vary with the query")
        engine = [
            mock.Mock(id=f"resource:{r.pk}", kind="resource", label="A title", language="en") for r in self.resources()
        ]
        with (
            mock.patch("gcmhub.search.views.glossary_matches", return_value=[]),
            mock.patch.object(type(get_backend()), "suggest", return_value=engine, create=True),
        ):
            self.get({"q": "detention"})  # the facets' labels and the engine's own tables, once per process
            with self.assertNumQueries(4 + 1):  # the names (once per process and language); the titles' items
                self.get({"q": "mexic", "year": "1990"})
            with self.assertNumQueries(1):
                self.get({"q": "mexic", "year": "1990"})

    def resources(self):
        return [self.detention_fr, self.migrantes_es, self.general_en]


# --- Each result's language ----------------------------------------------------------------------


class LanguageTests(PageTestCase):
    def test_it_names_the_language_of_a_result_in_another_language(self):
        response = self.get({"q": "detention", "kind": "practice"}, lang="fr")
        self.assertEqual(self.ids(response), [f"practice:{self.practice.pk}"])
        self.assertContains(response, '<span class="badge search-hit__language">', html=False)
        self.assertContains(response, "Anglais</span>", html=False)
        # Not when it is the reader's.
        response = self.get({"q": "detention", "kind": "practice"}, lang="en")
        self.assertNotContains(response, "search-hit__language")

    def test_it_offers_the_readers_language_only(self):
        response = self.get({"q": "detention"}, lang="fr")
        switch = response.context["my_language"]
        self.assertFalse(switch["active"])
        self.assertEqual(switch["query"], "q=detention&language=fr")
        self.assertContains(response, '<a href="?q=detention&amp;language=fr">', html=False)
        only = self.get(QueryDict(switch["query"]), lang="fr")
        self.assertEqual(only.context["query"].filters, {"language": ["fr"]})
        self.assertTrue(only.context["my_language"]["active"])
        self.assertEqual(only.context["my_language"]["query"], "q=detention")
        self.assertTrue(only.context["items"])
        for item in only.context["items"]:
            self.assertEqual(item.language, "fr")
        # Nothing to offer when every result is in the reader's language already.
        self.assertIsNone(self.get({"q": "detention", "kind": "activity"}).context["my_language"])

    def test_it_announces_the_count_and_the_filters_in_use(self):
        response = self.get(QueryDict("q=detention&country=MX&objective=13"))
        self.assertContains(
            response,
            '<span class="visually-hidden">Filters in use: GCM objective: 13. Detention; Country: Mexico.</span>',
            html=False,
        )


# --- The export's limit ---------------------------------------------------------------------------


class ExportLimitTests(PageTestCase):
    def test_it_refuses_more_matches_than_a_download_holds(self):
        with mock.patch("gcmhub.search.views.EXPORT_LIMIT", 2):
            response = self.client.get(export_url("xlsx"), {"q": "detention", "country": "ZZ"})
            self.assertEqual(response.status_code, 400)
            self.assertContains(response, "Too many matches to download", status_code=400)
            total = response.context["total"]
            self.assertGreater(total, 2)
            self.assertContains(
                response,
                f"This search has {total} matches; a download holds at most 2. Add words or filters",
                status_code=400,
            )
            self.assertContains(response, '<a href="/en/search/?q=detention">', status_code=400, html=False)
            # The page says so instead of offering the links.
            page = self.get({"q": "detention"})
            self.assertContains(page, "A download holds at most 2 matches")
            self.assertNotContains(page, "Spreadsheet (CSV)")
            # Within the limit, the file.
            response = self.client.get(export_url("csv"), {"q": "detention", "kind": "practice"})
            self.assertEqual(response.status_code, 200)
        self.assertContains(self.get({"q": "detention"}), "Spreadsheet (CSV)")

"""Behaviour every search backend must show; mixed into one TestCase per backend."""

import abc
from unittest import mock

from gcmhub.search.engine import SearchDocument, SearchQuery
from gcmhub.search.tests.corpus import DETENTION, QUERIES, corpus

ALL = 100

_real_expansions = __import__("gcmhub.search.query", fromlist=["expansions"]).expansions


class BackendCases(abc.ABC):
    @abc.abstractmethod
    def make_backend(self):
        """The backend under test, empty."""

    def setUp(self):
        super().setUp()
        # The word forms below are the engine's own; the glossary's equivalents have their test.
        without_glossary = mock.patch("gcmhub.search.query.expansions", return_value=[])
        without_glossary.start()
        self.addCleanup(without_glossary.stop)
        self.backend = self.make_backend()
        self.backend.index(corpus())
        self.backend.commit()

    def ids(self, text="", **kwargs):
        result = self.backend.search(SearchQuery(text=text, limit=ALL, **kwargs))
        return {hit.id for hit in result.hits}

    def test_it_finds_word_forms_ignoring_case_and_accents(self):
        for text, filters, expected in QUERIES:
            with self.subTest(text=text, filters=filters):
                self.assertEqual(self.ids(text, filters=filters), expected)

    def test_it_counts_all_matches_and_pages_through_them(self):
        first = self.backend.search(SearchQuery(text="migrante", limit=5))
        second = self.backend.search(SearchQuery(text="migrante", limit=5, offset=5))
        self.assertEqual(first.total, 18)
        self.assertEqual(second.total, 18)
        self.assertEqual(len(first.hits), 5)
        self.assertFalse({hit.id for hit in first.hits} & {hit.id for hit in second.hits})

    def test_it_counts_facets_over_the_filtered_matches(self):
        result = self.backend.search(
            SearchQuery(text="detention", filters={"country": ["MX"]}, facets=["objective", "type", "year"])
        )
        self.assertEqual({hit.id for hit in result.hits}, {"activity:4", "practice:2", "activity:10", "resource:8"})
        self.assertEqual(result.facets["objective"], [("13", 4), ("11", 1), ("7", 1)])
        self.assertEqual(result.facets["type"], [("activity", 2), ("practice", 1), ("resource", 1)])
        self.assertEqual(result.facets["year"], [("2021", 2), ("2023", 2)])

    def test_it_counts_a_facet_without_its_own_filter(self):
        result = self.backend.search(
            SearchQuery(
                text="detention",
                filters={"country": ["MX"], "type": ["activity"]},
                facets=["country", "type", "objective"],
            )
        )
        self.assertEqual({hit.id for hit in result.hits}, {"activity:4", "activity:10"})
        # Countries counted over the activities about detention, whatever their country.
        self.assertEqual(result.facets["country"], [("MA", 2), ("MX", 2), ("US", 1)])
        # Types counted over the detention matches in Mexico, whatever their type.
        self.assertEqual(result.facets["type"], [("activity", 2), ("practice", 1), ("resource", 1)])
        # A facet without a filter of its own is counted under every filter.
        self.assertEqual(result.facets["objective"], [("13", 2), ("11", 1)])

    def test_it_counts_facets_without_text(self):
        result = self.backend.search(SearchQuery(facets=["language", "type"]))
        self.assertEqual(result.total, 30)
        self.assertEqual(result.facets["language"], [("en", 10), ("es", 10), ("fr", 10)])
        self.assertEqual(result.facets["type"], [("activity", 13), ("resource", 9), ("practice", 8)])

    def test_it_sorts_by_date_newest_first_and_undated_last(self):
        result = self.backend.search(SearchQuery(text="remesas", sort="date"))
        self.assertEqual([hit.id for hit in result.hits], ["activity:11", "practice:8"])
        dates = {doc.id: doc.date for doc in corpus()}
        result = self.backend.search(SearchQuery(text="migrante", sort="date", limit=ALL))
        ordered = [dates[hit.id] for hit in result.hits]
        self.assertEqual(ordered, sorted(ordered, reverse=True))
        self.assertEqual(result.hits[0].id, "activity:13")  # the only 2023 match

    def test_it_ranks_title_matches_first(self):
        result = self.backend.search(SearchQuery(text="detention"))
        self.assertIn(result.hits[0].id, {"activity:1", "practice:2", "activity:6", "activity:10"})
        self.assertNotEqual(result.hits[0].id, "resource:5")

    def test_it_highlights_matches_in_escaped_html(self):
        self.backend.index(
            [
                SearchDocument(
                    id="resource:99",
                    kind="resource",
                    language="fr",
                    title="<script>Détentions</script> & co",
                    body="Une longue introduction. " * 20 + "Enfin la détention administrative.",
                    facets={"type": ["resource"]},
                )
            ]
        )
        self.backend.commit()
        hit = next(hit for hit in self.backend.search(SearchQuery(text="detention")).hits if hit.id == "resource:99")
        self.assertEqual(hit.title_highlight, "&lt;script&gt;<mark>Détentions</mark>&lt;/script&gt; &amp; co")
        self.assertIn("<mark>détention</mark> administrative.", hit.excerpt_highlight)
        self.assertTrue(hit.excerpt_highlight.startswith("… "))

    def test_it_replaces_and_deletes_documents(self):
        self.backend.index(
            [SearchDocument(id="activity:1", kind="activity", language="en", title="Renamed", body="Nothing here.")]
        )
        self.backend.delete(["activity:6"])
        self.backend.commit()
        self.assertEqual(self.ids("detention"), {"activity:4", "practice:2", "resource:5", "activity:10", "resource:8"})
        self.assertEqual(self.ids("renamed"), {"activity:1"})
        self.backend.clear()
        self.backend.commit()
        self.assertEqual(self.backend.search(SearchQuery()).total, 0)

    def test_it_matches_every_language_version_and_shows_the_readers(self):
        self.backend.index(
            [
                SearchDocument(
                    id="resource:50",
                    kind="resource",
                    language="en",
                    title="Labour mobility",
                    body="Skills partnerships.",
                    facets={"type": ["resource"]},
                    translations={"fr": ("Mobilité de la main-d'œuvre", "Des partenariats pour les compétences.")},
                )
            ]
        )
        self.backend.commit()
        hits = self.backend.search(SearchQuery(text="competences", language="en")).hits
        self.assertEqual([(hit.id, hit.language) for hit in hits], [("resource:50", "en")])
        self.assertEqual(hits[0].title_highlight, "Labour mobility")
        hit = self.backend.search(SearchQuery(text="competences", language="fr")).hits[0]
        self.assertEqual((hit.id, hit.language), ("resource:50", "fr"))
        self.assertEqual(hit.excerpt_highlight, "Des partenariats pour les <mark>compétences</mark>.")
        hit = self.backend.search(SearchQuery(text="partnership", language="es")).hits[0]
        self.assertEqual(hit.language, "en")  # no Spanish version: the source text

    def test_it_finds_nothing_for_punctuation(self):
        result = self.backend.search(SearchQuery(text=" ?! -- ", facets=["type"]))
        self.assertEqual((result.total, result.hits, result.facets), (0, [], {"type": []}))

    def test_it_ranks_documents_with_more_of_the_words_first(self):
        hits = self.backend.search(SearchQuery(text="migrant detention", limit=3)).hits
        both = {"activity:1", "activity:6", "resource:5", "activity:10", "resource:8"}
        self.assertLessEqual({hit.id for hit in hits}, both)

    def test_the_glossary_adds_the_other_languages_below_the_words_typed(self):
        with mock.patch("gcmhub.search.query.expansions", wraps=_real_expansions):
            hits = self.backend.search(SearchQuery(text="remittances", limit=ALL)).hits
        ids = [hit.id for hit in hits]
        # The word typed first; "transferts de fonds" and "remesas" found too.
        self.assertEqual(ids[0], "activity:2")
        self.assertEqual(set(ids), {"activity:2", "practice:1", "activity:7", "activity:11", "practice:8"})
        spanish = next(hit for hit in hits if hit.id == "activity:11")
        self.assertIn("<mark>remesas</mark>", spanish.title_highlight)

    def test_facet_counts_cover_every_match_of_words_and_glossary_terms(self):
        """The counts are taken over a cheaper query than the ranking's (no proximity clause, no
        glossary term holding a typed word): it must match the same documents."""
        with mock.patch("gcmhub.search.query.expansions", wraps=_real_expansions):
            for text in ("migrant children detention", "remittances migrants", "envois de fonds"):
                with self.subTest(text):
                    facets = ["type", "objective", "country", "language"]  # four: counted in one pass
                    result = self.backend.search(SearchQuery(text=text, limit=ALL, facets=facets))
                    self.assertGreater(result.total, 0)
                    self.assertEqual(sum(count for _value, count in result.facets["type"]), result.total)
                    for name in facets:
                        expected: dict[str, int] = {}
                        for hit in result.hits:
                            for value in next(doc for doc in corpus() if doc.id == hit.id).facets.get(name, []):
                                expected[value] = expected.get(value, 0) + 1
                        self.assertEqual(dict(result.facets[name]), expected, name)

    def test_it_requires_a_quoted_phrase_or_its_glossary_equivalent(self):
        self.assertEqual(self.ids('"transferts de fonds"'), {"activity:7"})
        self.assertEqual(self.ids('"de fonds transferts"'), set())
        with mock.patch("gcmhub.search.query.expansions", wraps=_real_expansions):
            # Another limit: not the answer kept for the same query without the glossary.
            hits = self.backend.search(SearchQuery(text='"transferts de fonds"', limit=ALL - 1)).hits
        self.assertLessEqual({"activity:7", "activity:2", "activity:11"}, {hit.id for hit in hits})

    def test_it_excludes_words_after_a_minus(self):
        self.assertEqual(self.ids("detention -children"), DETENTION - {"practice:2"})
        self.assertEqual(self.ids('detention -"human rights"'), DETENTION - {"activity:4"})

    def test_it_ranks_the_items_of_a_named_objective_first(self):
        hits = self.backend.search(SearchQuery(text="objective 20", limit=5)).hits
        tagged = {"activity:2", "practice:1", "activity:7", "activity:11", "practice:8"}
        self.assertEqual({hit.id for hit in hits}, tagged)

    def test_it_corrects_a_word_the_index_does_not_know(self):
        result = self.backend.search(SearchQuery(text="remitances"))
        self.assertEqual(result.corrected, "remittances")
        self.assertEqual({hit.id for hit in result.hits}, {"activity:2", "practice:1"})
        exact = self.backend.search(SearchQuery(text="remitances", exact=True))
        self.assertEqual((exact.corrected, exact.total), ("", 0))

    def test_it_suggests_titles_as_words_are_typed(self):
        suggestions = self.backend.suggest("remitt", "en", 5)
        self.assertEqual({s.id for s in suggestions}, {"activity:2", "practice:1"})
        suggestions = self.backend.suggest("alternatives det", "fr", 5)
        self.assertEqual({s.id for s in suggestions}, {"activity:1", "activity:6"})
        self.assertEqual(self.backend.suggest("", "en", 5), [])

    def test_it_treats_query_syntax_as_words(self):
        hits = self.backend.search(SearchQuery(text='remesas AND "OR" (title:x)', limit=ALL)).hits
        self.assertEqual({hit.id for hit in hits[:2]}, {"activity:11", "practice:8"})
        self.assertEqual(self.ids("remesas'"), {"activity:11", "practice:8"})

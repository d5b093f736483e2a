import csv
import io

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from gcmhub.search.tests.helpers import HubTestCase
from gcmhub.test import make_resource


def search_url(lang="en", **params):
    with translation.override(lang):
        return reverse("search:search")


class SearchPageTests(HubTestCase):
    def get(self, query="", lang="en"):
        return self.client.get(search_url(lang) + ("?" + query if query else ""))

    def titles(self, response):
        return [item.id for item in response.context["items"]]

    def test_it_lists_everything_searchable_newest_first_without_a_query(self):
        response = self.get()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            self.titles(response),
            [
                f"activity:{self.activity.pk}",
                f"practice:{self.practice.pk}",
                f"resource:{self.detention_fr.pk}",
                f"resource:{self.migrantes_es.pk}",
                f"resource:{self.general_en.pk}",
            ],
        )
        self.assertContains(response, '<option value="date" selected>', html=False)

    def test_it_finds_word_forms_across_languages_ignoring_accents(self):
        detention = {f"resource:{self.detention_fr.pk}", f"practice:{self.practice.pk}", f"activity:{self.activity.pk}"}
        detention.add(f"objective:{self.o13.pk}")  # its short label: "Detention"
        for text in ("detencion", "détention", "DETENTION", "detenciones"):
            with self.subTest(text=text):
                self.assertEqual(set(self.titles(self.get(f"q={text}"))), detention)
        self.assertEqual(self.titles(self.get("q=migrante")).count(f"resource:{self.migrantes_es.pk}"), 1)
        self.assertIn(f"resource:{self.migrantes_es.pk}", self.titles(self.get("q=migrantes")))

    def test_it_highlights_matches_in_the_title_and_excerpt(self):
        response = self.get("q=detencion")
        self.assertContains(response, "Alternatives to child <mark>detention</mark>", html=False)
        self.assertContains(response, "alternatives to the <mark>detention</mark> of migrant children", html=False)
        self.assertContains(response, 'lang="en"', html=False)

    def test_it_shows_the_title_in_the_page_language(self):
        response = self.get("q=detencion", lang="fr")
        self.assertContains(response, "Alternatives à la <mark>détention</mark> des enfants", html=False)
        self.assertContains(
            # "rétention", the glossary's French for detention, is marked too.
            response,
            "Promouvoir des alternatives à la <mark>rétention</mark> et à la <mark>détention</mark>",
            html=False,
        )
        response = self.get("q=migrantes", lang="fr")  # no French version: the Spanish one, marked as such
        self.assertContains(
            response, f'<a href="{self.migrantes_es.get_absolute_url()}" lang="es" dir="ltr">', html=False
        )

    def test_it_combines_facets_kept_in_the_url(self):
        response = self.get("objective=13&country=MX&country=MA")
        self.assertEqual(
            set(self.titles(response)), {f"resource:{self.detention_fr.pk}", f"practice:{self.practice.pk}"}
        )
        response = self.get("objective=13&objective=7&type=guidance&type=practice&sort=date")
        self.assertEqual(self.titles(response), [f"practice:{self.practice.pk}", f"resource:{self.detention_fr.pk}"])
        self.assertEqual(self.titles(self.get("q=detention&kind=activity")), [f"activity:{self.activity.pk}"])
        self.assertEqual(self.titles(self.get("region=015")), [f"resource:{self.detention_fr.pk}"])
        self.assertEqual(
            self.titles(self.get("region=002&principle=f&thematic_area=2&scope=national&language=en")),
            [f"resource:{self.detention_fr.pk}"],
        )
        self.assertEqual(self.titles(self.get("publisher=ohchr")), [f"activity:{self.activity.pk}"])
        self.assertEqual(self.titles(self.get("objective=general&year=2019")), [f"resource:{self.general_en.pk}"])

    def test_it_counts_each_facet_without_its_own_filter(self):
        response = self.get("q=detention&country=MX")
        groups = {group.name: group for group in response.context["facet_groups"]}
        countries = {v.value: (v.label, v.count, v.selected) for v in groups["country"].values}
        self.assertEqual(countries, {"MX": ("Mexico", 1, True), "MA": ("Morocco", 1, False)})
        types = {v.value: v.count for v in groups["type"].values}
        self.assertEqual(types, {"practice": 1})
        self.assertContains(response, 'name="country" value="MA"', html=False)

    def test_it_labels_facet_values_in_the_page_language(self):
        response = self.get("q=detention", lang="es")
        groups = {group.name: group for group in response.context["facet_groups"]}
        self.assertEqual({v.label for v in groups["objective"].values}, {"13. Detención"})
        self.assertEqual({v.label for v in groups["country"].values}, {"Marruecos", "México"})
        self.assertContains(response, "<legend>", html=False)

    def test_it_shows_selected_filters_as_removable_chips(self):
        response = self.get("q=detention&country=MX&objective=13&page=1")
        chips = {chip.label: chip.remove_query for chip in response.context["chips"]}
        self.assertEqual(chips["Mexico"], "q=detention&objective=13")
        self.assertEqual(chips["13. Detention"], "q=detention&country=MX")
        self.assertContains(response, "Remove filter “Mexico”")

    def test_it_sorts_by_relevance_or_date(self):
        by_date = self.titles(self.get("q=detention&sort=date"))
        self.assertEqual(by_date[0], f"activity:{self.activity.pk}")
        self.assertEqual(by_date[-2:], [f"resource:{self.detention_fr.pk}", f"objective:{self.o13.pk}"])  # undated last
        by_relevance = self.get("q=detention")
        self.assertEqual(by_relevance.context["query"].sort, "relevance")

    def test_it_marks_practices_peer_reviewed(self):
        response = self.get("kind=practice")
        self.assertContains(response, "Peer reviewed")
        self.assertNotContains(self.get("kind=resource"), "Peer reviewed")

    def test_it_leaves_out_unpublished_items(self):
        ids = self.titles(self.get("q=detention"))
        self.assertNotIn(f"resource:{self.proposed.pk}", ids)
        self.assertNotIn(f"practice:{self.draft.pk}", ids)

    def test_it_pages_through_results(self):
        for n in range(25):
            make_resource(title_en=f"Labour migration guide {n}")
        from gcmhub.search.indexing import rebuild

        rebuild()
        first = self.get("q=labour")
        self.assertEqual(first.context["result"].total, 25)
        self.assertEqual(len(first.context["items"]), 20)
        second = self.get("q=labour&page=2")
        self.assertEqual(len(second.context["items"]), 5)
        self.assertContains(second, 'aria-current="page"', html=False)
        self.assertEqual(self.get("q=labour&page=99").context["page"].number, 2)
        self.assertEqual(self.get("q=labour&page=x").context["page"].number, 1)

    def test_it_runs_the_same_number_of_queries_whatever_the_number_of_hits(self):
        # Items of the page: one query per kind (4: the objective 13 page among them); with the
        # PostgreSQL backend, the search itself: count, page of hits, facet counts (3). The
        # reference labels (six small queries) are loaded once per process and language, then
        # cached; so is the glossary.
        from gcmhub.search import glossary

        glossary.generation()
        expected = 4 + (3 if settings.SEARCH_BACKEND == "postgres" else 0)
        with self.assertNumQueries(expected + 6):
            self.get("q=detention")
        with self.assertNumQueries(expected):
            self.get("q=detention")
        for n in range(30):
            make_resource(title_en=f"Detention report {n}", objectives=[self.o13], countries=[self.mexico])
        from gcmhub.search.indexing import rebuild

        rebuild()
        with self.assertNumQueries(expected):
            self.get("q=detention")

    def test_it_finds_nothing_gracefully(self):
        response = self.get("q=zzzznothing&country=MX")
        self.assertContains(response, "Nothing matches this search.")
        self.assertEqual(response.context["result"].total, 0)

    def test_it_rejects_other_methods(self):
        self.assertEqual(self.client.post(search_url()).status_code, 405)


class SearchExportTests(HubTestCase):
    def export(self, fmt, query=""):
        with translation.override("en"):
            url = reverse("search:export", args=[fmt])
        return self.client.get(url + "?" + query)

    def test_it_exports_all_matches_as_csv(self):
        response = self.export("csv", "q=detention&sort=date")
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment;", response["Content-Disposition"])
        rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
        self.assertEqual(rows[0][:5], ["Title", "Kind", "Type", "Date", "Address"])
        self.assertEqual(len(rows), 5)
        activity, practice, resource, objective = rows[1:]
        self.assertEqual(objective[1], "GCM objective")
        self.assertEqual(activity[0], "Promote alternatives to immigration detention")
        self.assertEqual(activity[3], "2024-06-30")
        self.assertEqual(activity[7], "OHCHR")
        self.assertEqual(practice[1], "Practice")
        self.assertEqual(practice[6], "Mexico")
        self.assertEqual(resource[2], "Guidance or tool")
        self.assertEqual(resource[5], "13. Detention")
        self.assertEqual(resource[7], "IOM")
        self.assertTrue(resource[4].startswith("http://testserver/en/hub/resources/"))

    def test_it_exports_the_same_matches_as_xlsx(self):
        response = self.export("xlsx", "country=MX")
        self.assertEqual(response.status_code, 200)
        workbook = load_workbook(io.BytesIO(response.getvalue()))
        sheet = workbook.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "Title")
        self.assertEqual(
            {row[0] for row in rows[1:]}, {"Ending immigration detention of children", "Mujeres migrantes en tránsito"}
        )
        about = {row[0]: row[1] for row in workbook.worksheets[1].iter_rows(values_only=True)}
        self.assertEqual(about["Matches"], 2)

    def test_it_neutralises_formulas_in_csv(self):
        make_resource(title_en="=HYPERLINK(evil)")
        from gcmhub.search.indexing import rebuild

        rebuild()
        rows = list(csv.reader(io.StringIO(self.export("csv", "q=hyperlink").getvalue().decode("utf-8-sig"))))
        self.assertEqual(rows[1][0], "'=HYPERLINK(evil)")

    def test_it_knows_only_csv_and_xlsx(self):
        self.assertEqual(self.export("pdf").status_code, 404)


class HeaderTests(HubTestCase):
    def test_it_has_a_labelled_search_box_on_every_page(self):
        with translation.override("fr"):
            home = reverse("knowledge:home")
        for url in (search_url(), "/en/", home):
            response = self.client.get(url, follow=True)
            with self.subTest(url=url):
                self.assertContains(response, 'role="search"', html=False)
                self.assertContains(response, '<label for="site-search-q"', html=False)

    def test_it_links_the_hub_and_the_users_own_pages_by_role(self):
        anonymous = self.client.get(search_url()).content.decode()
        self.assertIn(reverse("knowledge:home"), anonymous)
        self.assertNotIn(reverse("knowledge:my_submissions"), anonymous)
        self.login(self.alice)
        page = self.client.get(search_url()).content.decode()
        self.assertIn(reverse("knowledge:my_submissions"), page)
        self.assertNotIn(reverse("knowledge:my_reviews"), page)
        self.assertNotIn(reverse("knowledge:review_queue"), page)
        self.login(self.rita)
        page = self.client.get(search_url()).content.decode()
        self.assertIn(reverse("knowledge:my_reviews"), page)
        self.assertNotIn(reverse("knowledge:review_queue"), page)
        self.login(self.sam)
        page = self.client.get(search_url()).content.decode()
        self.assertIn(reverse("knowledge:review_queue"), page)

from django.urls import reverse

from gcmhub.knowledge.charts import THIN_BELOW
from gcmhub.knowledge.models import Practice, Resource
from gcmhub.test import BaseTestCase, make_country, make_objective, make_practice, make_region, make_resource


class FiguresTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.africa = make_region(m49="002", name_en="Africa", name_fr="Afrique", name_es="África")
        cls.north_africa = make_region(m49="015", name_en="Northern Africa", parent=cls.africa)
        cls.americas = make_region(m49="019", name_en="Americas", name_fr="Amériques", name_es="América")
        cls.morocco.region = cls.africa
        cls.morocco.save(update_fields=["region"])
        cls.mexico = make_country(
            "MX", "MEX", name_en="Mexico", name_fr="Mexique", name_es="México", region=cls.americas
        )
        cls.objectives = [make_objective(n) for n in range(1, 24)]
        o1, o2 = cls.objectives[0], cls.objectives[1]
        # Objective 1: 4 resources + 2 practices = 6, well covered; objective 2: 1 resource, thin.
        for _ in range(3):
            make_resource(objectives=[o1], countries=[cls.morocco])
        both = make_resource(objectives=[o1, o2], countries=[cls.morocco, cls.mexico])
        make_resource(is_general=True)
        regional = make_resource(objectives=[o2])
        regional.regions.set([cls.north_africa])
        make_resource(objectives=[o1], countries=[cls.mexico], status=Resource.Status.PROPOSED)  # not counted
        cls.both = both
        make_practice(cls.alice, objectives=[o1], countries=[cls.mexico], status=Practice.Status.PUBLISHED)
        published = make_practice(cls.alice, objectives=[o1], countries=[cls.morocco], status=Practice.Status.PUBLISHED)
        # An update in screening and a draft are not counted.
        make_practice(
            cls.alice, objectives=[o1], countries=[cls.morocco], status=Practice.Status.PUBLISHED, update_of=published
        )
        make_practice(cls.alice, objectives=cls.objectives[2:3], countries=[cls.mexico])
        cls.url = reverse("knowledge:figures")

    def test_it_shows_charts_and_tables_to_anonymous_visitors(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'role="img"', count=3)
        self.assertContains(response, "<caption>", count=3)
        self.assertContains(response, '<th scope="row">', html=False)
        self.assertContains(response, '<desc id="chart-objectives-desc">')

    def test_it_counts_by_region(self):
        chart = self.client.get(self.url).context["figures"].regions
        rows = {row.full_label: row.counts for row in chart.rows}
        # Africa: 4 by Morocco + 1 through a sub-region; practices: 1 (the update is not counted).
        self.assertEqual(rows["Africa"], {"resources": 5, "practices": 1})
        self.assertEqual(rows["Americas"], {"resources": 1, "practices": 1})
        self.assertEqual(chart.rows[0].full_label, "Africa")

    def test_it_counts_by_country(self):
        chart = self.client.get(self.url).context["figures"].countries
        rows = {row.full_label: row.counts for row in chart.rows}
        self.assertEqual(
            rows, {"Morocco": {"resources": 4, "practices": 1}, "Mexico": {"resources": 1, "practices": 1}}
        )

    def test_it_counts_objectives_and_flags_thin_ones(self):
        figures = self.client.get(self.url).context["figures"]
        rows = figures.objectives.rows
        self.assertEqual(len(rows), 23)
        self.assertEqual(rows[0].counts, {"resources": 4, "practices": 2})
        self.assertFalse(rows[0].thin)
        self.assertEqual(rows[1].counts, {"resources": 2, "practices": 0})
        self.assertTrue(rows[1].thin)
        self.assertEqual(len(figures.thin), 22)
        self.assertGreater(THIN_BELOW, 2)
        self.assertEqual(figures.total_resources, 6)
        self.assertEqual(figures.total_practices, 2)
        self.assertEqual(figures.general_resources, 1)
        self.assertEqual(figures.global_resources, 1)

    def test_it_says_thin_in_words(self):
        response = self.client.get(self.url)
        self.assertContains(response, "2. Objective 2 (thin)")
        self.assertContains(response, "<strong>Thin</strong>", count=22)

    def test_it_links_counts_to_the_search_page(self):
        response = self.client.get(self.url)
        search = reverse("search:search")
        self.assertContains(response, f'href="{search}?region=002"')
        self.assertContains(response, f'href="{search}?country=MA"')
        self.assertContains(response, f'href="{search}?objective=1"')

    def test_it_renders_in_french(self):
        response = self.client.get(reverse("knowledge:figures").replace("/en/", "/fr/"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Afrique")

    def test_it_uses_a_fixed_number_of_queries(self):
        with self.assertNumQueries(5):
            self.client.get(self.url)
        for n in range(3):
            make_resource(objectives=self.objectives[n : n + 2], countries=[self.mexico])
        with self.assertNumQueries(5):
            self.client.get(self.url)

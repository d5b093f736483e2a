"""Reference pages (objective, principle, country, organisation) and work-plan pages list the
published resources and practices linked to them."""

from django.urls import reverse

from gcmhub.knowledge.models import Practice, Resource
from gcmhub.taxonomy.models import GuidingPrinciple
from gcmhub.test import BaseTestCase, make_activity, make_objective, make_practice, make_resource


class ReferencePageLinksTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.objective = make_objective(4)
        cls.principle = GuidingPrinciple.objects.create(
            code="d",
            order=4,
            name_en="Sustainable development",
            name_fr="Développement durable",
            name_es="Desarrollo sostenible",
        )
        cls.resource = make_resource(
            title_en="Tagged resource", objectives=[cls.objective], countries=[cls.morocco], publishers=[cls.iom]
        )
        cls.resource.principles.set([cls.principle])
        make_resource(
            title_en="Proposed resource",
            status=Resource.Status.PROPOSED,
            objectives=[cls.objective],
            countries=[cls.morocco],
            publishers=[cls.iom],
        )
        cls.practice = make_practice(
            cls.alice,
            title="Tagged practice",
            status=Practice.Status.PUBLISHED,
            objectives=[cls.objective],
            countries=[cls.morocco],
            implementing_organisation=cls.iom,
        )
        cls.practice.principles.set([cls.principle])
        partner = make_practice(cls.alice, title="Partner practice", status=Practice.Status.PUBLISHED)
        partner.partner_organisations.set([cls.iom])
        make_practice(
            cls.alice,
            title="Draft practice",
            objectives=[cls.objective],
            countries=[cls.morocco],
            implementing_organisation=cls.iom,
        )

    def assert_lists_published(self, url, extra=()):
        response = self.client.get(url)
        self.assertContains(response, '<h2 id="resources-heading">Resources</h2>', html=False)
        self.assertContains(response, '<h2 id="practices-heading">Practices</h2>', html=False)
        for title in ("Tagged resource", "Tagged practice", *extra):
            self.assertContains(response, title)
        for title in ("Proposed resource", "Draft practice"):
            self.assertNotContains(response, title)
        return response

    def test_it_lists_them_on_the_objective_page(self):
        self.assert_lists_published(self.objective.get_absolute_url())

    def test_it_lists_them_on_the_principle_page(self):
        self.assert_lists_published(self.principle.get_absolute_url())

    def test_it_lists_them_on_the_country_page(self):
        self.assert_lists_published(self.morocco.get_absolute_url())

    def test_it_lists_published_and_implemented_or_partnered_on_the_organisation_page(self):
        self.assert_lists_published(self.iom.get_absolute_url(), extra=["Partner practice"])

    def test_it_links_to_the_search_when_there_are_more(self):
        for n in range(10):
            make_resource(title_en=f"More {n}", objectives=[self.objective])
        response = self.client.get(self.objective.get_absolute_url())
        self.assertEqual(len(response.context["linked_resources"]), 10)
        self.assertContains(response, reverse("search:search") + "?objective=4&amp;kind=resource")
        self.assertNotContains(response, "kind=practice")

    def test_it_pins_the_query_count_whatever_the_number_linked(self):
        for _ in range(5):
            make_resource(objectives=[self.objective])
            make_practice(self.alice, status=Practice.Status.PUBLISHED, objectives=[self.objective])
        for url, expected in (
            # No priority: no activity query; + the discussions tagged with the objective or country.
            (self.objective.get_absolute_url(), 6),
            (self.morocco.get_absolute_url(), 4),
            (self.iom.get_absolute_url(), 6),
        ):
            with self.subTest(url=url), self.assertNumQueries(expected):
                self.client.get(url)


class WorkPlanOutputsTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.activity = make_activity()
        cls.priority = cls.activity.priority
        make_resource(title_en="Activity output", output_of_activity=cls.activity)
        make_resource(title_en="Priority output", output_of_priority=cls.priority)
        make_resource(title_en="Unpublished output", output_of_activity=cls.activity, status=Resource.Status.PROPOSED)

    def test_it_lists_outputs_on_the_activity_page(self):
        response = self.client.get(self.activity.get_absolute_url())
        self.assertContains(response, '<h2 id="outputs-heading">Outputs</h2>', html=False)
        self.assertContains(response, "Activity output")
        self.assertNotContains(response, "Priority output")
        self.assertNotContains(response, "Unpublished output")

    def test_it_lists_outputs_of_the_priority_and_its_activities_on_the_priority_page(self):
        response = self.client.get(self.priority.get_absolute_url())
        self.assertContains(response, "Activity output")
        self.assertContains(response, "Priority output")
        self.assertNotContains(response, "Unpublished output")

    def test_it_links_back_from_the_resource(self):
        resource = Resource.objects.get(title_en="Priority output")
        self.assertContains(self.client.get(resource.get_absolute_url()), self.priority.get_absolute_url())

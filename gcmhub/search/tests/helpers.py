"""Test helpers: an empty index for every test, and a small trilingual Hub to search."""

import datetime

from gcmhub.knowledge.models import GeographicScope, Practice, Resource
from gcmhub.search import get_backend
from gcmhub.search.indexing import rebuild
from gcmhub.search.results import clear_label_cache
from gcmhub.taxonomy.models import GuidingPrinciple
from gcmhub.test import (
    BaseTestCase,
    make_activity,
    make_country,
    make_objective,
    make_organisation,
    make_practice,
    make_priority,
    make_region,
    make_resource,
    make_thematic_area,
)


def clear_index() -> None:
    backend = get_backend()
    backend.clear()
    if hasattr(backend, "release"):
        backend.release()
    else:
        backend.commit()


class SearchTestCase(BaseTestCase):
    """BaseTestCase whose index starts empty: the tantivy index lives outside the test transaction."""

    def setUp(self):
        super().setUp()
        clear_index()
        clear_label_cache()
        self.addCleanup(clear_index)


class HubTestCase(SearchTestCase):
    """A few resources, practices and activities in English, French and Spanish, indexed."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.africa = make_region(m49="002", name_en="Africa", name_fr="Afrique", name_es="África")
        cls.north_africa = make_region(
            m49="015",
            name_en="Northern Africa",
            name_fr="Afrique du Nord",
            name_es="África septentrional",
            parent=cls.africa,
        )
        cls.morocco.region, cls.morocco.subregion = cls.africa, cls.north_africa
        cls.morocco.save(update_fields=["region", "subregion"])
        cls.mexico = make_country("MX", "MEX", name_en="Mexico", name_fr="Mexique", name_es="México")
        cls.o13 = make_objective(13, short_en="Detention", short_fr="Détention", short_es="Detención")
        cls.o7 = make_objective(7, short_en="Vulnerabilities", short_fr="Vulnérabilités", short_es="Vulnerabilidades")
        cls.area = make_thematic_area(2)
        cls.principle = GuidingPrinciple.objects.create(
            code="f", order=6, name_en="Human rights", name_fr="Droits de l'homme", name_es="Derechos humanos"
        )
        cls.unicef = make_organisation("UNICEF")
        cls.detention_fr = make_resource(
            title_fr="Alternatives à la détention des enfants",
            summary_fr="Un guide sur les alternatives à la détention des enfants migrants.",
            title_en="Alternatives to child detention",
            summary_en="A guide to alternatives to the detention of migrant children.",
            source_language="fr",
            languages=["fr", "en"],
            kind=Resource.Kind.GUIDANCE,
            publication_date=datetime.date(2022, 3, 1),
            objectives=[cls.o13],
            countries=[cls.morocco],
            publishers=[cls.iom],
        )
        cls.detention_fr.principles.add(cls.principle)
        cls.detention_fr.thematic_area = cls.area
        cls.detention_fr.geographic_scope = GeographicScope.NATIONAL
        cls.detention_fr.save(update_fields=["thematic_area", "geographic_scope"])
        cls.migrantes_es = make_resource(
            title_es="Mujeres migrantes en tránsito",
            summary_es="Protección de las mujeres migrantes en las fronteras.",
            title_en="",
            summary_en="",
            source_language="es",
            languages=["es"],
            publication_date=datetime.date(2020, 5, 1),
            objectives=[cls.o7],
            countries=[cls.mexico],
            publishers=[cls.unicef],
        )
        cls.general_en = make_resource(
            title_en="The Global Compact explained",
            summary_en="An introduction for parliamentarians.",
            is_general=True,
            publication_date=datetime.date(2019, 1, 15),
        )
        cls.proposed = make_resource(title_en="A proposed detention study", status=Resource.Status.PROPOSED)
        cls.practice = make_practice(
            cls.alice,
            title="Ending immigration detention of children",
            summary="A national plan ended the detention of migrant children.",
            status=Practice.Status.PUBLISHED,
            objectives=[cls.o13],
            countries=[cls.mexico],
            published_at=datetime.datetime(2023, 2, 1, 12, tzinfo=datetime.UTC),
        )
        cls.draft = make_practice(cls.alice, title="Draft about detention")
        priority = make_priority(leads=[cls.ohchr], objectives=[cls.o13], code="2.1")
        cls.activity = make_activity(
            priority=priority,
            text_fr="Promouvoir des alternatives à la rétention et à la détention",
            text_en="Promote alternatives to immigration detention",
            due_date=datetime.date(2024, 6, 30),
        )

    def setUp(self):
        super().setUp()
        rebuild()

import datetime

from gcmhub.knowledge.models import Practice
from gcmhub.search.documents import build_documents, iter_all_documents
from gcmhub.search.tests.helpers import HubTestCase
from gcmhub.test import make_activity, make_organisation, make_resource


class DocumentTests(HubTestCase):
    def doc(self, value):
        docs, _gone = build_documents([value])
        return docs[0]

    def test_it_builds_a_resource_with_its_versions_and_facets(self):
        doc = self.doc(f"resource:{self.detention_fr.pk}")
        self.assertEqual(
            (doc.kind, doc.language, doc.title), ("resource", "fr", "Alternatives à la détention des enfants")
        )
        self.assertEqual(doc.translations, {"en": ("Alternatives to child detention", self.detention_fr.summary_en)})
        self.assertEqual(doc.date, datetime.date(2022, 3, 1))
        self.assertEqual(
            doc.facets,
            {
                "kind": ["resource"],
                "type": ["guidance"],
                "objective": ["13"],
                "principle": ["f"],
                "country": ["MA"],
                "region": ["002", "015"],
                "language": ["en", "fr"],
                "publisher": ["iom"],
                "thematic_area": ["2"],
                "scope": ["national"],
                "year": ["2022"],
            },
        )
        self.assertEqual(self.doc(f"resource:{self.general_en.pk}").facets["objective"], ["general"])

    def test_it_builds_a_practice_from_its_texts(self):
        partner = make_organisation("UNHCR")
        self.practice.partner_organisations.add(partner)
        doc = self.doc(f"practice:{self.practice.pk}")
        self.assertEqual((doc.kind, doc.language, doc.translations), ("practice", "en", {}))
        self.assertIn("A national plan ended the detention", doc.body)
        self.assertIn("What was done.", doc.body)
        self.assertEqual(doc.facets["publisher"], ["unhcr"])
        self.assertEqual(doc.facets["type"], ["practice"])
        self.assertEqual(doc.facets["year"], ["2023"])

    def test_it_builds_an_activity_with_its_priority_facets(self):
        doc = self.doc(f"activity:{self.activity.pk}")
        self.assertEqual((doc.kind, doc.language), ("activity", "fr"))
        self.assertEqual(doc.title, "Promouvoir des alternatives à la rétention et à la détention")
        self.assertEqual(doc.translations["en"][0], "Promote alternatives to immigration detention")
        self.assertEqual(doc.facets["objective"], ["13"])
        self.assertEqual(doc.facets["publisher"], ["ohchr"])  # the priority's lead
        self.assertEqual(doc.facets["language"], ["en", "fr"])
        self.assertEqual(doc.facets["year"], ["2024"])
        own = make_activity(priority=self.activity.priority, leads=[self.iom])
        self.assertEqual(self.doc(f"activity:{own.pk}").facets["publisher"], ["iom"])

    def test_it_leaves_out_what_is_not_searchable(self):
        docs, gone = build_documents(
            [f"resource:{self.proposed.pk}", f"practice:{self.draft.pk}", "activity:999999", "bogus:1", "resource:x"]
        )
        self.assertEqual(docs, [])
        self.assertEqual(gone, sorted([f"resource:{self.proposed.pk}", f"practice:{self.draft.pk}", "activity:999999"]))

    def test_it_builds_every_document_in_a_fixed_number_of_queries(self):
        ids = [f"resource:{self.detention_fr.pk}", f"practice:{self.practice.pk}", f"activity:{self.activity.pk}"]
        # Reference tables (7), resources (6), practices (6), activities (5).
        with self.assertNumQueries(24):
            build_documents(ids)
        more = [make_resource(objectives=[self.o7], countries=[self.mexico], publishers=[self.iom]) for _ in range(5)]
        more += [make_activity(priority=self.activity.priority) for _ in range(5)]
        ids += [f"{'resource' if hasattr(obj, 'slug') else 'activity'}:{obj.pk}" for obj in more]
        with self.assertNumQueries(24):
            docs, _gone = build_documents(ids)
        self.assertEqual(len(docs), 13)

    def test_it_carries_the_names_of_its_tags_in_every_language(self):
        tags = self.doc(f"resource:{self.detention_fr.pk}").tags
        self.iom.aliases.create(alias="OIM ONU Migración")
        tags = self.doc(f"resource:{self.detention_fr.pk}").tags
        names = [self.iom.acronym_en, self.iom.name_en, "OIM ONU Migración"]
        names += [self.morocco.name_en, self.morocco.name_fr, self.morocco.name_es, self.morocco.iso3]
        for name in names:
            self.assertIn(name, tags)
        self.assertIn("objective 13", tags)
        self.assertIn("objetivo 13", tags)
        self.assertIn(str(self.o13.title_en), tags)

    def test_it_builds_reference_pages_named_in_every_language(self):
        country = self.doc(f"country:{self.morocco.pk}")
        self.assertEqual((country.kind, country.title, country.date), ("country", "Morocco", None))
        self.assertEqual(country.translations["fr"][0], "Maroc")
        self.assertEqual(country.facets["country"], ["MA"])
        organisation = self.doc(f"organisation:{self.iom.pk}")
        self.assertEqual(
            organisation.facets, {"kind": ["organisation"], "type": ["organisation"], "publisher": ["iom"]}
        )
        objective = self.doc(f"objective:{self.o13.pk}")
        self.assertTrue(objective.title.startswith("13. "))
        self.assertIn("objetivo 13", objective.tags)

    def test_it_iterates_over_everything_searchable(self):
        chunks = [chunk for chunk in iter_all_documents() if chunk]
        self.assertLessEqual({"country", "organisation", "objective", "principle"}, {chunk[0].kind for chunk in chunks})
        docs = [doc for chunk in chunks if chunk[0].kind in ("resource", "practice", "activity") for doc in chunk]
        self.assertEqual(
            sorted(doc.id for doc in docs),
            sorted(
                [
                    f"resource:{self.detention_fr.pk}",
                    f"resource:{self.migrantes_es.pk}",
                    f"resource:{self.general_en.pk}",
                    f"practice:{self.practice.pk}",
                    f"activity:{self.activity.pk}",
                ]
            ),
        )
        self.assertFalse(Practice.objects.filter(pk=self.draft.pk, status=Practice.Status.PUBLISHED).exists())

import datetime
import json

from django.core.files.base import ContentFile

from gcmhub.knowledge import dcat
from gcmhub.knowledge.models import ResourceFile
from gcmhub.test import BaseTestCase, make_objective, make_practice, make_resource


def add_file(resource, name="guide.pdf", language="fr") -> ResourceFile:
    f = ResourceFile(resource=resource, language=language, title="Guide (PDF)")
    f.file.save(name, ContentFile(b"%PDF-1.4 test"), save=True)
    return f


class DcatTestCase(BaseTestCase):
    url = "/catalog/dcat.jsonld"

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.obj = make_objective(7)
        cls.resource = make_resource(
            title_en="Return guide",
            title_fr="Guide des retours",
            summary_fr="Résumé",
            slug="return-guide",
            objectives=[cls.obj],
            publishers=[cls.iom],
            countries=[cls.morocco],
            languages=["en", "fr"],
            external_url="https://example.org/guide",
            publication_date=datetime.date(2021, 6, 1),
        )
        add_file(cls.resource)
        cls.practice = make_practice(
            cls.alice,
            title="Guichet unique",
            language="fr",
            status="published",
            slug="guichet-unique",
            countries=[cls.morocco],
            objectives=[cls.obj],
            links="https://example.org/p",
        )
        make_resource(title_en="Proposal", status="proposed")
        make_practice(cls.alice, title="Draft")

    def get(self, query=""):
        response = self.client.get(self.url + query)
        self.assertEqual(response["Content-Type"], "application/ld+json; charset=utf-8")
        return response

    def test_it_serves_a_catalog_of_published_items_in_pinned_queries(self):
        with self.assertNumQueries(11):
            response = self.get()
        catalog = json.loads(response.content)
        self.assertEqual(catalog["@type"], "dcat:Catalog")
        self.assertEqual(catalog["@context"]["dcat"], "http://www.w3.org/ns/dcat#")
        self.assertEqual(catalog["@id"], "http://testserver/catalog/dcat.jsonld")
        ids = [d["@id"] for d in catalog["dcat:dataset"]]
        self.assertEqual(
            ids,
            ["http://testserver/en/hub/resources/return-guide/", "http://testserver/en/hub/practices/guichet-unique/"],
        )
        self.assertNotIn("hydra:view", catalog)

    def test_it_describes_a_resource(self):
        dataset = json.loads(self.get().content)["dcat:dataset"][0]
        self.assertEqual(dataset["@type"], "dcat:Dataset")
        self.assertEqual(
            dataset["dct:title"],
            [{"@value": "Return guide", "@language": "en"}, {"@value": "Guide des retours", "@language": "fr"}],
        )
        self.assertIn({"@value": "Résumé", "@language": "fr"}, dataset["dct:description"])
        self.assertEqual(dataset["dct:issued"], {"@value": "2021-06-01", "@type": "xsd:date"})
        self.assertEqual(
            dataset["dct:spatial"], [{"@id": "http://publications.europa.eu/resource/authority/country/MAR"}]
        )
        self.assertEqual(dataset["dcat:theme"], [{"@id": "http://testserver/en/gcm/objectives/7/"}])
        self.assertEqual(dataset["dct:publisher"][0]["@id"], "http://testserver/en/gcm/organisations/iom/")
        self.assertEqual(
            dataset["dct:language"][1], {"@id": "http://publications.europa.eu/resource/authority/language/FRA"}
        )
        self.assertEqual(dataset["dcat:landingPage"], {"@id": "http://testserver/en/hub/resources/return-guide/"})
        file_dist, link_dist = dataset["dcat:distribution"]
        self.assertTrue(file_dist["dcat:downloadURL"]["@id"].endswith(".pdf"))
        self.assertEqual(file_dist["dcat:byteSize"]["@value"], len(b"%PDF-1.4 test"))
        self.assertEqual(
            file_dist["dcat:mediaType"], {"@id": "https://www.iana.org/assignments/media-types/application/pdf"}
        )
        self.assertEqual(link_dist["dcat:accessURL"], {"@id": "https://example.org/guide"})

    def test_it_describes_a_practice(self):
        dataset = json.loads(self.get().content)["dcat:dataset"][1]
        self.assertEqual(dataset["dct:title"], [{"@value": "Guichet unique", "@language": "fr"}])
        self.assertEqual(dataset["dct:publisher"], [{"@type": "foaf:Organization", "foaf:name": "City of Example"}])
        self.assertEqual(
            dataset["dcat:distribution"],
            [{"@type": "dcat:Distribution", "dcat:accessURL": {"@id": "https://example.org/p"}}],
        )
        self.assertEqual(dataset["dct:temporal"]["dcat:startDate"]["@value"], "2019-03-01")

    def test_it_links_landing_pages_in_the_requested_language(self):
        dataset = json.loads(self.get("?lang=es").content)["dcat:dataset"][0]
        self.assertEqual(dataset["dcat:landingPage"], {"@id": "http://testserver/es/hub/resources/return-guide/"})

    def test_it_pages_a_large_catalog(self):
        for n in range(3):
            make_resource(title_en=f"More {n}")
        request = self.client.get(self.url).wsgi_request
        first = dcat.catalog_page(request, 1, page_size=2)
        self.assertEqual(len(first["dcat:dataset"]), 2)
        self.assertEqual(first["hydra:view"]["hydra:next"], "http://testserver/catalog/dcat.jsonld?page=2")
        self.assertEqual(first["hydra:view"]["hydra:totalItems"], 5)
        last = dcat.catalog_page(request, 3, page_size=2)
        self.assertEqual([d["dct:type"] for d in last["dcat:dataset"]], ["practice"])
        self.assertNotIn("hydra:next", last["hydra:view"])
        self.assertEqual(last["hydra:view"]["hydra:previous"], "http://testserver/catalog/dcat.jsonld?page=2")
        self.assertEqual(self.client.get(self.url + "?page=9").status_code, 404)
        self.assertEqual(self.client.get(self.url + "?page=x").status_code, 404)

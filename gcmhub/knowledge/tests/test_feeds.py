import datetime
from xml.etree import ElementTree

from django.utils import timezone

from gcmhub.test import BaseTestCase, make_objective, make_practice, make_resource

ATOM = "{http://www.w3.org/2005/Atom}"


class HubAtomTestCase(BaseTestCase):
    url = "/feeds/hub.atom"

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        now = timezone.now()
        cls.obj = make_objective(5, short_en="Legal pathways", short_fr="Voies légales")
        cls.old = make_resource(
            title_en="Old guide",
            title_fr="Ancien guide",
            objectives=[cls.obj],
            publishers=[cls.iom],
            published_at=now - datetime.timedelta(days=3),
            slug="old-guide",
        )
        cls.english_only = make_resource(
            title_en="English only", published_at=now - datetime.timedelta(days=1), slug="english-only"
        )
        cls.practice = make_practice(
            cls.alice,
            title="Guichet unique",
            language="fr",
            status="published",
            published_at=now - datetime.timedelta(days=2),
            slug="guichet-unique",
        )
        make_resource(title_en="Proposal", status="proposed")
        make_practice(cls.alice, title="Draft")

    def entries(self, response):
        root = ElementTree.fromstring(response.content)  # noqa: S314 (our own feed)
        return root, root.findall(f"{ATOM}entry")

    def test_it_lists_published_items_newest_first_in_pinned_queries(self):
        with self.assertNumQueries(5):
            response = self.client.get(self.url)
        self.assertEqual(response["Content-Type"], "application/atom+xml; charset=utf-8")
        _root, entries = self.entries(response)
        self.assertEqual(
            [e.find(f"{ATOM}title").text for e in entries], ["English only", "Guichet unique", "Old guide"]
        )
        old = entries[2]
        self.assertEqual(old.find(f"{ATOM}link").get("href"), "http://testserver/en/hub/resources/old-guide/")
        self.assertEqual({c.get("term") for c in old.findall(f"{ATOM}category")}, {"Resource", "5. Legal pathways"})
        self.assertEqual(old.find(f"{ATOM}author/{ATOM}name").text, "IOM")
        self.assertEqual(old.find(f"{ATOM}summary").text, self.old.summary_en)

    def test_it_speaks_the_requested_language_with_fallback(self):
        root, entries = self.entries(self.client.get(f"{self.url}?lang=fr"))
        self.assertEqual(root.get("{http://www.w3.org/XML/1998/namespace}lang"), "fr")
        titles = [e.find(f"{ATOM}title").text for e in entries]
        self.assertEqual(titles, ["English only", "Guichet unique", "Ancien guide"])
        self.assertEqual(entries[2].find(f"{ATOM}link").get("href"), "http://testserver/fr/hub/resources/old-guide/")
        self.assertIn("5. Voies légales", {c.get("term") for c in entries[2].findall(f"{ATOM}category")})
        self.assertEqual(
            entries[1].find(f"{ATOM}link").get("href"), "http://testserver/fr/hub/practices/guichet-unique/"
        )

    def test_it_keeps_entry_ids_across_languages(self):
        _root, en = self.entries(self.client.get(self.url))
        _root, es = self.entries(self.client.get(f"{self.url}?lang=es"))
        self.assertEqual([e.find(f"{ATOM}id").text for e in en], [e.find(f"{ATOM}id").text for e in es])
        self.assertTrue(en[0].find(f"{ATOM}id").text.startswith("tag:testserver,2018:resource:"))

    def test_it_ignores_an_unknown_language_and_refuses_post(self):
        self.assertEqual(self.client.get(f"{self.url}?lang=de")["Content-Language"], "en")
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_it_keeps_the_newest_fifty(self):
        now = timezone.now()
        for n in range(50):
            make_resource(title_en=f"Bulk {n}", published_at=now - datetime.timedelta(minutes=n))
        _root, entries = self.entries(self.client.get(self.url))
        self.assertEqual(len(entries), 50)
        self.assertEqual(entries[0].find(f"{ATOM}title").text, "Bulk 0")

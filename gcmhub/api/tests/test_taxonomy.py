from gcmhub.api.tests.base import ApiTestCase
from gcmhub.lib.i18n import LANGUAGE_CODES
from gcmhub.taxonomy.models import GuidingPrinciple, Organisation, ThematicArea
from gcmhub.test import make_organisation, make_region


def in_every_language(**texts: str) -> dict[str, str]:
    """A `Translations` answer: every language of the settings, empty where not given."""
    return {code: texts.get(code, "") for code in LANGUAGE_CODES}


class ObjectivesTestCase(ApiTestCase):
    def test_it_lists_objectives_with_labels_in_three_languages(self):
        data = self.get_json("/objectives").json()
        self.assertEqual(data["count"], 2)
        first = data["items"][0]
        self.assertEqual(first["number"], 1)
        self.assertEqual(first["name"], "Objective 1")
        self.assertEqual(first["names"], in_every_language(en="Objective 1", fr="Objectif 1", es="Objetivo 1"))
        self.assertEqual(first["url"], "http://testserver/en/gcm/objectives/1/")

    def test_it_shows_one_objective(self):
        response = self.get_json("/objectives/2")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["title"], "Objective 2 title")

    def test_it_answers_404_for_an_unknown_objective(self):
        response = self.get_json("/objectives/99")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"detail": "Not found."})

    def test_it_names_in_the_language_of_lang(self):
        item = self.get_json("/objectives/1?lang=fr").json()
        self.assertEqual(item["name"], "Objectif 1")
        self.assertEqual(item["url"], "http://testserver/fr/gcm/objectives/1/")

    def test_it_names_in_the_language_of_accept_language(self):
        item = self.get_json("/objectives/1", headers={"Accept-Language": "es"}).json()
        self.assertEqual(item["name"], "Objetivo 1")

    def test_it_paginates(self):
        data = self.get_json("/objectives?limit=1&offset=1").json()
        self.assertEqual(data["count"], 2)
        self.assertEqual([o["number"] for o in data["items"]], [2])

    def test_it_rejects_a_limit_above_500(self):
        response = self.get_json("/objectives?limit=501")
        self.assertEqual(response.status_code, 400)
        self.assertIn("limit", response.json()["errors"])


class PrinciplesTestCase(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        GuidingPrinciple.objects.create(
            code="a", order=1, name_en="People-centred", name_fr="Axé sur l'humain", name_es="Centrado en las personas"
        )

    def test_it_lists_principles(self):
        data = self.get_json("/principles").json()
        self.assertEqual(data["count"], 1)
        self.assertEqual(data["items"][0]["code"], "a")

    def test_it_shows_one_principle(self):
        item = self.get_json("/principles/a?lang=fr").json()
        self.assertEqual(item["name"], "Axé sur l'humain")
        self.assertEqual(item["names"]["es"], "Centrado en las personas")

    def test_it_answers_404_for_an_unknown_principle(self):
        self.assertEqual(self.get_json("/principles/z").status_code, 404)


class ThematicAreasTestCase(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        area = ThematicArea.objects.create(
            number=1, name_en="Migrant rights", name_fr="Droits des migrants", name_es="Derechos de los migrantes"
        )
        area.objectives.set([cls.obj1, cls.obj2])

    def test_it_lists_thematic_areas_with_their_objectives(self):
        data = self.get_json("/thematic-areas").json()
        self.assertEqual(data["items"][0]["objectives"], [1, 2])

    def test_it_shows_one_thematic_area(self):
        item = self.get_json("/thematic-areas/1?lang=es").json()
        self.assertEqual(item["name"], "Derechos de los migrantes")

    def test_it_answers_404_for_an_unknown_thematic_area(self):
        self.assertEqual(self.get_json("/thematic-areas/9").status_code, 404)


class CountriesTestCase(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.africa = make_region(m49="002", name_en="Africa", name_fr="Afrique", name_es="África")
        cls.morocco.region = cls.africa
        cls.morocco.save(update_fields=["region"])
        from gcmhub.test import make_country

        make_country("FR", "FRA", name_en="France", name_fr="France", name_es="Francia", m49="250")

    def test_it_lists_countries(self):
        data = self.get_json("/countries").json()
        self.assertEqual([c["iso3"] for c in data["items"]], ["FRA", "MAR"])

    def test_it_filters_by_region(self):
        data = self.get_json("/countries?region=002").json()
        self.assertEqual([c["iso3"] for c in data["items"]], ["MAR"])
        self.assertEqual(data["items"][0]["region"]["name"], "Africa")

    def test_it_searches_names_in_any_language(self):
        data = self.get_json("/countries?q=marruecos").json()
        self.assertEqual([c["iso3"] for c in data["items"]], ["MAR"])

    def test_it_shows_one_country_by_iso3_in_any_case(self):
        item = self.get_json("/countries/mar?lang=fr").json()
        self.assertEqual(item["name"], "Maroc")
        self.assertEqual(item["iso2"], "MA")

    def test_it_answers_404_for_an_unknown_country(self):
        self.assertEqual(self.get_json("/countries/ZZZ").status_code, 404)

    def test_it_lists_only_listed_countries_with_their_notes_and_finds_other_names(self):
        from gcmhub.test import make_country, make_kosovo

        make_country("TW", "TWN", name_en="Taiwan", name_fr="Taïwan", name_es="Taiwán", listed=False)
        make_kosovo(note_fr="Toutes les références au Kosovo … résolution 1244 (1999).")
        make_country("VN", "VNM", name_en="Viet Nam", name_fr="Viet Nam", name_es="Viet Nam", other_names="Vietnam")
        data = self.get_json("/countries").json()
        self.assertEqual([c["iso3"] for c in data["items"]], ["FRA", "XKX", "MAR", "VNM"])
        kosovo = data["items"][1]
        self.assertEqual(kosovo["notes"]["fr"], "Toutes les références au Kosovo … résolution 1244 (1999).")
        self.assertEqual(kosovo["notes"]["es"], "")
        self.assertEqual(data["items"][0]["notes"], in_every_language())
        self.assertEqual([c["iso3"] for c in self.get_json("/countries?q=vietnam").json()["items"]], ["VNM"])
        # Content that names an unlisted area still links to it.
        self.assertEqual(self.get_json("/countries/twn").json()["name"], "Taiwan")


class OrganisationsTestCase(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_organisation("MFA", slug="mfa", name_en="Migrant Forum in Asia", kind=Organisation.Kind.CIVIL_SOCIETY)

    def test_it_lists_organisations(self):
        data = self.get_json("/organisations").json()
        self.assertEqual(data["count"], 4)

    def test_it_filters_by_kind(self):
        data = self.get_json("/organisations?kind=cso").json()
        self.assertEqual([o["slug"] for o in data["items"]], ["mfa"])

    def test_it_finds_an_organisation_by_its_french_acronym(self):
        data = self.get_json("/organisations?q=HCDH").json()
        self.assertEqual([o["slug"] for o in data["items"]], ["ohchr"])

    def test_it_finds_an_organisation_by_its_french_name(self):
        data = self.get_json("/organisations?q=internationale pour les").json()
        self.assertEqual([o["slug"] for o in data["items"]], ["iom"])

    def test_it_shows_one_organisation_with_acronyms_and_aliases(self):
        item = self.get_json("/organisations/iom?lang=fr").json()
        self.assertEqual(item["acronym"], "OIM")
        self.assertEqual(item["name"], "Organisation internationale pour les migrations")
        self.assertEqual(item["acronyms"], in_every_language(en="IOM", fr="OIM", es="OIM"))
        self.assertIn("OIM", item["aliases"])
        self.assertEqual(item["kind"], "un")

    def test_it_answers_404_for_an_unknown_organisation(self):
        self.assertEqual(self.get_json("/organisations/nobody").status_code, 404)

    def test_it_rejects_an_unknown_kind(self):
        response = self.get_json("/organisations?kind=martian")
        self.assertEqual(response.status_code, 400)
        self.assertIn("kind", response.json()["errors"])

    def test_it_lists_organisations_in_a_fixed_number_of_queries(self):
        with self.assertNumQueries(3):  # count, page, aliases
            self.get_json("/organisations")

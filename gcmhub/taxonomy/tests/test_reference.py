import builtins
import io
from unittest import mock

from django.core.management import call_command
from django.test import TestCase

from gcmhub.taxonomy.models import Country, GuidingPrinciple, Objective, Region, ThematicArea
from gcmhub.taxonomy.reference import load_reference_data


class LoadReferenceDataTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.counts = load_reference_data()

    def test_it_loads_the_23_objectives_in_three_languages(self):
        self.assertEqual(self.counts["objectives"], 23)
        objective = Objective.objects.get(number=13)
        self.assertEqual(objective.short_fr, "Alternatives à la rétention")
        self.assertEqual(objective.short_es, "Alternativas a la detención")
        self.assertEqual(
            objective.title_en, "Use migration detention only as a measure of last resort and work towards alternatives"
        )
        self.assertEqual(
            objective.title_fr,
            "Ne recourir au placement en rétention administrative des migrants qu’en dernier ressort et chercher "
            "des solutions de rechange",
        )
        self.assertEqual(
            objective.title_es,
            "Utilizar la detención de migrantes solo como último recurso y buscar otras alternativas",
        )
        self.assertTrue(Objective.objects.get(number=1).title_es.startswith("Recopilar y utilizar datos"))
        # Filled only where the official text was seen; the short label shows meanwhile.
        self.assertEqual(Objective.objects.filter(title_fr="").count(), 0)
        self.assertEqual(Objective.objects.filter(title_es="").count(), 5)
        self.assertFalse(Objective.objects.filter(title_en="").exists())

    def test_it_loads_the_10_guiding_principles(self):
        self.assertEqual(self.counts["principles"], 10)
        self.assertEqual(list(GuidingPrinciple.objects.values_list("code", flat=True)), list("abcdefghij"))
        self.assertEqual(GuidingPrinciple.objects.get(code="f").name_fr, "Droits de l'homme")

    def test_it_loads_the_5_thematic_areas_with_spanish_names(self):
        self.assertEqual(self.counts["thematic_areas"], 5)
        self.assertTrue(all(area.name_es for area in ThematicArea.objects.all()))
        self.assertEqual(
            ThematicArea.objects.get(number=5).name_en, "Improving the social inclusion and integration of migrants"
        )

    def test_it_loads_countries_with_regions_and_names(self):
        self.assertGreaterEqual(self.counts["countries"], 190)
        self.assertGreaterEqual(Country.objects.filter(region__isnull=False, subregion__isnull=False).count(), 190)
        self.assertFalse(Country.objects.filter(name_fr="").exists())
        self.assertFalse(Country.objects.filter(name_es="").exists())
        morocco = Country.objects.select_related("region", "subregion").get(iso3="MAR")
        self.assertEqual((morocco.iso2, morocco.m49), ("MA", "504"))
        self.assertEqual((morocco.name_en, morocco.name_fr, morocco.name_es), ("Morocco", "Maroc", "Marruecos"))
        self.assertEqual((morocco.region.m49, morocco.region.name_en), ("002", "Africa"))
        self.assertEqual((morocco.subregion.m49, morocco.subregion.name_en), ("015", "Northern Africa"))

    def test_it_skips_cldr_groupings_and_keeps_kosovo_with_its_note(self):
        self.assertFalse(Country.objects.filter(iso2__in=["EU", "UN", "ZZ", "QO", "EZ", "EA", "IC"]).exists())
        kosovo = Country.objects.get(iso2="XK")
        self.assertEqual(kosovo.name_en, "Kosovo")
        self.assertIn("Security Council resolution 1244 (1999)", kosovo.note_en)
        self.assertIn("résolution 1244 (1999) du Conseil de sécurité", kosovo.note_fr)
        self.assertIn("resolución 1244 (1999) del Consejo de Seguridad", kosovo.note_es)
        self.assertTrue(kosovo.listed)

    def test_it_names_countries_and_areas_as_the_un_m49_standard_does(self):
        expected = {
            "VNM": ("Viet Nam", "Viet Nam", "Viet Nam"),
            "RUS": ("Russian Federation", "Fédération de Russie", "Federación de Rusia"),
            "COD": (
                "Democratic Republic of the Congo",
                "République démocratique du Congo",
                "República Democrática del Congo",
            ),
            "PSE": ("State of Palestine", "État de Palestine", "Estado de Palestina"),
            "HKG": (
                "China, Hong Kong Special Administrative Region",
                "Chine, région administrative spéciale de Hong Kong",
                "China, región administrativa especial de Hong Kong",
            ),
            "BOL": (
                "Bolivia (Plurinational State of)",
                "Bolivie (État plurinational de)",
                "Bolivia (Estado Plurinacional de)",
            ),
            "TUR": ("Türkiye", "Türkiye", "Türkiye"),
        }
        for iso3, names in expected.items():
            with self.subTest(iso3=iso3):
                country = Country.objects.get(iso3=iso3)
                self.assertEqual((country.name_en, country.name_fr, country.name_es), names)
        self.assertEqual(self.counts["countries"], 249)  # the 248 of M49 and Kosovo
        # Other names stay for imports and searches.
        self.assertIn("Vietnam", Country.objects.get(iso3="VNM").other_names.splitlines())
        self.assertIn("Congo - Kinshasa", Country.objects.get(iso3="COD").other_names.splitlines())
        self.assertIn("Russia", Country.objects.get(iso3="RUS").other_names.splitlines())

    def test_it_does_not_list_taiwan(self):
        self.assertFalse(Country.objects.filter(iso2="TW").exists())
        Country.objects.create(
            iso2="TW", iso3="TWN", name_en="Taiwan", name_fr="Taïwan", name_es="Taiwán", listed=False
        )
        load_reference_data()
        self.assertFalse(Country.objects.get(iso2="TW").listed)
        self.assertFalse(Country.objects.listed().filter(iso2="TW").exists())

    def test_it_replaces_the_cldr_names_an_earlier_version_shipped_but_not_edits(self):
        Country.objects.filter(iso3="VNM").update(name_en="Vietnam", name_fr="Viêt Nam", other_names="")
        Country.objects.filter(iso3="RUS").update(name_en="Russia (edited in the CMS)")
        load_reference_data()
        vietnam = Country.objects.get(iso3="VNM")
        self.assertEqual((vietnam.name_en, vietnam.name_fr), ("Viet Nam", "Viet Nam"))
        self.assertIn("Vietnam", vietnam.other_names.splitlines())
        self.assertEqual(Country.objects.get(iso3="RUS").name_en, "Russia (edited in the CMS)")
        Country.objects.filter(iso3="MAR").update(other_names="Al-Maghrib")
        load_reference_data()
        self.assertEqual(Country.objects.get(iso3="MAR").other_names.splitlines()[0], "Al-Maghrib")  # added to, kept

    def test_it_loads_m49_regions_and_subregions(self):
        top = set(Region.objects.filter(parent__isnull=True).values_list("m49", flat=True))
        self.assertEqual(top, {"002", "019", "142", "150", "009"})
        latin_america = Region.objects.get(m49="419")
        self.assertEqual(latin_america.parent.m49, "019")
        self.assertEqual(latin_america.name_en, "Latin America and the Caribbean")
        self.assertEqual(latin_america.name_es, "América Latina y el Caribe")
        self.assertEqual(Country.objects.get(iso3="SLV").subregion, latin_america)
        self.assertEqual(Region.objects.get(m49="057").name_fr, "Région micronésienne")

    def test_it_is_idempotent(self):
        before = {
            model: list(model.objects.order_by("pk").values())
            for model in (Objective, GuidingPrinciple, ThematicArea, Region, Country)
        }
        self.assertEqual(load_reference_data(), self.counts)
        for model, rows in before.items():
            self.assertEqual(list(model.objects.order_by("pk").values()), rows, model.__name__)

    def test_it_keeps_cms_edits_unless_asked_to_overwrite(self):
        Country.objects.filter(iso3="PSE").update(name_en="Palestine (edited)")
        area = ThematicArea.objects.get(number=1)
        area.objectives.add(Objective.objects.get(number=1))
        load_reference_data()
        self.assertEqual(Country.objects.get(iso3="PSE").name_en, "Palestine (edited)")
        self.assertEqual(list(area.objectives.values_list("number", flat=True)), [1])
        load_reference_data(overwrite=True)
        self.assertEqual(Country.objects.get(iso3="PSE").name_en, "State of Palestine")
        self.assertEqual(list(area.objectives.values_list("number", flat=True)), [1])

    def test_it_fills_missing_rows_again(self):
        Objective.objects.filter(number=23).delete()
        Country.objects.filter(iso3="MAR").delete()
        load_reference_data()
        self.assertEqual(Objective.objects.count(), 23)
        self.assertEqual(Country.objects.get(iso3="MAR").subregion.m49, "015")


class LoadReferenceDataCommandTestCase(TestCase):
    def test_it_prints_counts(self):
        out = io.StringIO()
        with mock.patch("gcmhub.taxonomy.organisations_data.load_organisations", return_value=7):
            call_command("load_reference_data", stdout=out)
        output = out.getvalue()
        self.assertIn("objectives: 23", output)
        self.assertIn("principles: 10", output)
        self.assertIn("thematic_areas: 5", output)
        self.assertIn("organisations: 7", output)

    def test_it_warns_when_the_organisations_module_is_missing(self):
        real_import = builtins.__import__

        def fake_import(name, *args, **kwargs):
            if name == "gcmhub.taxonomy.organisations_data":
                raise ImportError(name)
            return real_import(name, *args, **kwargs)

        out = io.StringIO()
        with mock.patch("builtins.__import__", fake_import):
            counts = load_reference_data(stdout=out)
        self.assertNotIn("organisations", counts)
        self.assertIn("organisations were not loaded", out.getvalue())
        self.assertEqual(counts["objectives"], 23)

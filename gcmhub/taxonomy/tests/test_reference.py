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
        self.assertEqual(objective.title_fr, "")
        self.assertTrue(Objective.objects.get(number=1).title_es.startswith("Recopilar y utilizar datos"))

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

    def test_it_skips_cldr_groupings_and_keeps_kosovo(self):
        self.assertFalse(Country.objects.filter(iso2__in=["EU", "UN", "ZZ", "QO", "EZ", "EA", "IC"]).exists())
        self.assertEqual(Country.objects.get(iso2="XK").name_en, "Kosovo")

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
        Country.objects.filter(iso3="PSE").update(name_en="State of Palestine")
        area = ThematicArea.objects.get(number=1)
        area.objectives.add(Objective.objects.get(number=1))
        load_reference_data()
        self.assertEqual(Country.objects.get(iso3="PSE").name_en, "State of Palestine")
        self.assertEqual(list(area.objectives.values_list("number", flat=True)), [1])
        load_reference_data(overwrite=True)
        self.assertNotEqual(Country.objects.get(iso3="PSE").name_en, "State of Palestine")
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

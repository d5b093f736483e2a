import datetime

from django.urls import reverse
from django.utils import translation

from gcmhub.taxonomy.models import GuidingPrinciple
from gcmhub.test import (
    BaseTestCase,
    make_activity,
    make_country,
    make_kosovo,
    make_objective,
    make_priority,
    make_region,
    make_thematic_area,
    make_workplan,
)
from gcmhub.workplan.models import Priority

LANGUAGES = ("en", "fr", "es")


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(f"taxonomy:{name}", args=args)


class ObjectivePagesTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.obj13 = make_objective(
            13,
            short_en="Alternatives to detention",
            short_fr="Alternatives à la rétention",
            short_es="Alternativas a la detención",
            title_en="Use migration detention only as a measure of last resort and work towards alternatives",
        )
        cls.obj1 = make_objective(1, title_fr="Collecter et utiliser des données")
        cls.plan = make_workplan(title_en="Work plan 2021-2022", title_fr="Plan de travail 2021-2022")
        cls.atd = make_priority(
            cls.plan,
            kind=Priority.Kind.WORKING_GROUP,
            code="",
            slug="alternatives-to-detention",
            title_fr="Groupe de travail sur les alternatives à la détention",
            title_en="Working group on alternatives to detention",
            objectives=[cls.obj13],
            leads=[cls.iom],
        )
        cls.atd_activity = make_activity(cls.atd, text_en="Map alternatives to detention", text_fr="Cartographier")
        cls.everything = make_priority(cls.plan, code="1", title_en="Everything", all_objectives=True)
        cls.other = make_priority(cls.plan, code="2", title_en="Data only priority", objectives=[cls.obj1])

    def test_it_lists_objectives_in_each_language(self):
        for lang, label in (
            ("en", "Alternatives to detention"),
            ("fr", "Alternatives à la rétention"),
            ("es", "Alternativas a la detención"),
        ):
            with self.subTest(lang=lang):
                response = self.client.get(url("objectives", lang=lang))
                self.assertContains(response, label)
                self.assertContains(response, url("objective", 13, lang=lang))
                self.assertContains(response, 'lang="en" dir="ltr">Use migration detention')

    def test_it_shows_the_objective_with_its_work_plan_priorities(self):
        for lang in LANGUAGES:
            with self.subTest(lang=lang):
                response = self.client.get(url("objective", 13, lang=lang))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, self.atd.get_absolute_url())
                self.assertContains(response, self.atd_activity.get_absolute_url())
                self.assertContains(response, self.everything.get_absolute_url())
                self.assertNotContains(response, self.other.get_absolute_url())
        response = self.client.get(url("objective", 13, lang="fr"))
        self.assertContains(response, "Alternatives à la rétention")
        self.assertContains(response, "Groupe de travail sur les alternatives à la détention")
        self.assertTemplateUsed(response, "site/includes/objective_workplan.html")

    def test_it_uses_the_title_of_the_language_when_there_is_one(self):
        response = self.client.get(url("objective", 1, lang="fr"))
        self.assertContains(
            response, '<p class="lead" lang="fr" dir="ltr">Collecter et utiliser des données</p>', html=True
        )

    def test_it_says_when_nothing_is_linked(self):
        Priority.objects.all().delete()
        response = self.client.get(url("objective", 13))
        self.assertContains(response, "No work-plan priority is linked to this objective yet.")

    def test_it_404s_on_an_unknown_objective(self):
        self.assertEqual(self.client.get(url("objective", 24)).status_code, 404)

    def test_it_rejects_post(self):
        self.assertEqual(self.client.post(url("objectives")).status_code, 405)
        self.assertEqual(self.client.post(url("objective", 13)).status_code, 405)

    def test_it_pins_the_query_count_of_the_list(self):
        with self.assertNumQueries(1):
            self.client.get(url("objectives"))
        make_objective(2)
        make_objective(3)
        with self.assertNumQueries(1):
            self.client.get(url("objectives"))

    def test_it_pins_the_query_count_of_the_detail(self):
        # objective, plans with their counts, the shown plan's priorities, their activities,
        # linked resources, linked practices, linked discussions, thematic areas
        with self.assertNumQueries(8):
            self.client.get(url("objective", 13))
        plan = make_workplan()
        for _ in range(3):
            priority = make_priority(plan, objectives=[self.obj13])
            make_activity(priority)
        with self.assertNumQueries(8):
            response = self.client.get(url("objective", 13))
        self.assertContains(response, plan.get_absolute_url())

    def test_it_shows_one_plan_in_full_and_the_others_as_one_line(self):
        older = make_workplan(slug="plan-2019", title_en="Work plan 2019-2020", period_start=datetime.date(2019, 1, 1))
        older_priorities = [make_priority(older, objectives=[self.obj13]) for _ in range(2)]
        older_activities = [make_activity(priority) for priority in older_priorities for _ in range(3)]
        make_priority(older, all_objectives=True)
        for lang in LANGUAGES:
            with self.subTest(lang=lang):
                response = self.client.get(url("objective", 13, lang=lang))
                # The current plan in full ...
                self.assertContains(response, self.atd_activity.get_absolute_url().replace("/en/", f"/{lang}/"))
                # ... the older one as its counts and a link to its list, filtered by the objective.
                self.assertContains(response, older.get_absolute_url().replace("/en/", f"/{lang}/"))
                for activity in older_activities:
                    self.assertNotContains(response, activity.get_absolute_url().replace("/en/", f"/{lang}/"))
                with translation.override(lang):
                    list_url = reverse("workplan:activities", args=[older.slug])
                self.assertContains(response, f'href="{list_url}?objective=13"')
        response = self.client.get(url("objective", 13))
        self.assertContains(response, "3 priorities")
        self.assertContains(response, "its 6 activities in the plan")

    def test_it_shows_the_latest_plan_in_full_when_none_is_current(self):
        self.plan.is_current = False
        self.plan.save(update_fields=["is_current"])
        later = make_workplan(slug="plan-2023", period_start=datetime.date(2023, 1, 1), is_current=False)
        later_activity = make_activity(make_priority(later, objectives=[self.obj13]))
        response = self.client.get(url("objective", 13))
        self.assertContains(response, later_activity.get_absolute_url())
        self.assertNotContains(response, self.atd_activity.get_absolute_url())
        self.assertContains(response, self.plan.get_absolute_url())


class PrinciplePagesTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.principle = GuidingPrinciple.objects.create(
            code="h",
            order=8,
            name_en="Child-sensitive",
            name_fr="Adaptation aux besoins de l'enfant",
            name_es="Perspectiva infantil",
        )

    def test_it_lists_and_shows_principles_in_each_language(self):
        for lang, name in (
            ("en", "Child-sensitive"),
            ("fr", "Adaptation aux besoins de l&#x27;enfant"),
            ("es", "Perspectiva infantil"),
        ):
            with self.subTest(lang=lang):
                self.assertContains(self.client.get(url("principles", lang=lang)), name)
                response = self.client.get(url("principle", "h", lang=lang))
                self.assertContains(response, name)
        response = self.client.get(url("principle", "h"))
        self.assertContains(response, "No published resource is linked here yet.")

    def test_it_404s_on_an_unknown_principle(self):
        self.assertEqual(self.client.get(url("principle", "k")).status_code, 404)
        self.assertEqual(self.client.get(url("principle", "hh")).status_code, 404)

    def test_it_pins_the_query_count_of_the_list(self):
        with self.assertNumQueries(1):
            self.client.get(url("principles"))


class ThematicAreaPagesTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.area = make_thematic_area(
            3,
            name_en="Addressing irregular migration",
            name_fr="S'attaquer à la migration irrégulière",
            name_es="Abordar la migración irregular",
        )
        cls.objective = make_objective(11, short_en="Manage borders")
        cls.area.objectives.add(cls.objective)
        cls.priority = make_priority(thematic_area=cls.area, title_en="Borders priority")
        cls.activity = make_activity(cls.priority)

    def test_it_lists_areas_with_their_objectives(self):
        for lang, name in (
            ("en", "Addressing irregular migration"),
            ("fr", "attaquer à la migration irrégulière"),
            ("es", "Abordar la migración irregular"),
        ):
            with self.subTest(lang=lang):
                response = self.client.get(url("thematic_areas", lang=lang))
                self.assertContains(response, name)
                self.assertContains(response, url("objective", 11, lang=lang))

    def test_it_shows_the_area_with_objectives_and_priorities(self):
        for lang in LANGUAGES:
            with self.subTest(lang=lang):
                response = self.client.get(url("thematic_area", 3, lang=lang))
                self.assertContains(response, self.objective.get_absolute_url().replace("/en/", f"/{lang}/"))
                self.assertContains(response, self.priority.get_absolute_url().replace("/en/", f"/{lang}/"))
                self.assertContains(response, self.activity.get_absolute_url().replace("/en/", f"/{lang}/"))

    def test_it_keeps_other_plans_to_one_line_and_pins_the_query_count(self):
        # area, its objectives, plans with their counts, the shown plan's priorities, their activities
        with self.assertNumQueries(5):
            self.client.get(url("thematic_area", 3))
        older = make_workplan(slug="plan-2019", period_start=datetime.date(2019, 1, 1), is_current=False)
        older_activities = [make_activity(make_priority(older, thematic_area=self.area)) for _ in range(3)]
        with self.assertNumQueries(5):
            response = self.client.get(url("thematic_area", 3))
        self.assertContains(response, self.activity.get_absolute_url())
        for activity in older_activities:
            self.assertNotContains(response, activity.get_absolute_url())
        list_url = reverse("workplan:activities", args=[older.slug])
        self.assertContains(response, f'href="{list_url}?area=3"')

    def test_it_404s_on_an_unknown_area(self):
        self.assertEqual(self.client.get(url("thematic_area", 9)).status_code, 404)

    def test_it_pins_the_query_count_of_the_list(self):
        with self.assertNumQueries(2):
            self.client.get(url("thematic_areas"))
        other = make_thematic_area(4)
        other.objectives.add(make_objective(12), make_objective(13))
        with self.assertNumQueries(2):
            self.client.get(url("thematic_areas"))


class CountryPagesTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.africa = make_region(m49="002", name_en="Africa", name_fr="Afrique", name_es="África")
        cls.north_africa = make_region(
            m49="015",
            name_en="Northern Africa",
            name_fr="Afrique septentrionale",
            name_es="África septentrional",
            parent=cls.africa,
        )
        cls.americas = make_region(m49="019", name_en="Americas", name_fr="Amériques", name_es="América")
        cls.lac = make_region(
            m49="419",
            name_en="Latin America and the Caribbean",
            name_fr="Amérique latine et Caraïbes",
            name_es="América Latina y el Caribe",
            parent=cls.americas,
        )
        cls.morocco.region, cls.morocco.subregion = cls.africa, cls.north_africa
        cls.morocco.save()
        cls.salvador = make_country(
            "SV",
            "SLV",
            name_en="El Salvador",
            name_fr="Salvador",
            name_es="El Salvador",
            m49="222",
            region=cls.americas,
            subregion=cls.lac,
        )

    def test_it_groups_countries_by_region_in_each_language(self):
        for lang, names in (
            ("en", ("Africa", "Northern Africa", "Morocco")),
            ("fr", ("Afrique", "Afrique septentrionale", "Maroc")),
            ("es", ("África", "África septentrional", "Marruecos")),
        ):
            with self.subTest(lang=lang):
                response = self.client.get(url("countries", lang=lang))
                for name in names:
                    self.assertContains(response, name)
                self.assertContains(response, url("country", "mar", lang=lang))

    def test_it_filters_by_region(self):
        response = self.client.get(url("countries"), {"region": "002"})
        self.assertContains(response, "Morocco")
        self.assertNotContains(response, "El Salvador")
        self.assertContains(response, '<option value="002" selected>Africa</option>', html=True)

    def test_it_reports_an_unknown_region_and_lists_all(self):
        response = self.client.get(url("countries"), {"region": "999"})
        self.assertContains(response, "error-summary")
        self.assertContains(response, "Morocco")
        self.assertContains(response, "El Salvador")

    def test_it_shows_a_country_in_three_languages_without_people(self):
        for lang in LANGUAGES:
            with self.subTest(lang=lang):
                response = self.client.get(url("country", "mar", lang=lang))
                self.assertContains(response, '<td lang="fr" dir="ltr">Maroc</td>', html=True)
                self.assertContains(response, '<td lang="es" dir="ltr">Marruecos</td>', html=True)
                self.assertContains(
                    response,
                    self.north_africa.name_en
                    if lang == "en"
                    else self.north_africa.name_fr
                    if lang == "fr"
                    else self.north_africa.name_es,
                )
                self.assertNotContains(response, "Fatima")

    def test_it_lists_kosovo_with_its_note_and_not_taiwan(self):
        make_country("TW", "TWN", name_en="Taiwan", name_fr="Taïwan", name_es="Taiwán", listed=False)
        kosovo = make_kosovo()
        response = self.client.get(url("countries"))
        self.assertNotContains(response, "Taiwan")
        self.assertContains(response, 'aria-describedby="note-xkx"')
        self.assertContains(
            response,
            '<p class="muted" id="note-xkx" lang="en" dir="ltr">* References to Kosovo shall be understood to be in the '
            "context of resolution 1244 (1999).</p>",
            html=True,
        )
        french = self.client.get(url("country", "xkx", lang="fr"))
        self.assertContains(french, kosovo.note_fr)
        spanish = self.client.get(url("country", "xkx", lang="es"))
        self.assertContains(
            spanish, f'<p class="lead" lang="en" dir="ltr">{kosovo.note_en}</p>', html=True
        )  # said in English
        self.assertEqual(self.client.get(url("country", "twn")).status_code, 200)  # what names it still links

    def test_it_redirects_upper_case_codes_and_404s_unknown_ones(self):
        self.assertRedirects(self.client.get("/en/gcm/countries/MAR/"), url("country", "mar"), status_code=301)
        self.assertEqual(self.client.get(url("country", "xyz")).status_code, 404)

    def test_it_pins_the_query_count_of_the_list(self):
        with self.assertNumQueries(2):
            self.client.get(url("countries"))
        make_country("DZ", "DZA", name_en="Algeria", region=self.africa, subregion=self.north_africa)
        make_country("AQ", "ATA", name_en="Antarctica")
        with self.assertNumQueries(2):
            response = self.client.get(url("countries"))
        self.assertContains(response, "Not in an M49 region")


class KosovoNoteOnContentTests(BaseTestCase):
    def test_a_resource_and_a_practice_that_name_kosovo_show_the_note(self):
        from gcmhub.knowledge.models import Practice
        from gcmhub.test import make_practice, make_resource

        kosovo = make_kosovo()
        resource = make_resource()
        resource.countries.add(kosovo, self.morocco)
        practice = make_practice(self.alice, status=Practice.Status.PUBLISHED)
        practice.countries.add(kosovo)
        for page in (resource.get_absolute_url(), practice.get_absolute_url()):
            with self.subTest(page=page):
                response = self.client.get(page)
                self.assertContains(response, 'aria-describedby="note-xkx"')
                self.assertContains(
                    response, f'<p class="muted" id="note-xkx" lang="en" dir="ltr">* {kosovo.note_en}</p>', html=True
                )
                self.assertNotContains(response, 'aria-describedby="note-mar"')

import datetime

from django.urls import reverse
from django.utils import translation

from gcmhub.site.views_reference import ORGANISATIONS_PER_PAGE
from gcmhub.taxonomy.models import Organisation, OrganisationAlias
from gcmhub.test import BaseTestCase, make_activity, make_organisation, make_priority, make_workplan
from gcmhub.workplan.models import Involvement, PriorityOrganisation


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(f"taxonomy:{name}", args=args)


class OrganisationListTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.idc = make_organisation(
            "IDC", name_en="International Detention Coalition", kind=Organisation.Kind.CIVIL_SOCIETY
        )
        OrganisationAlias.objects.create(organisation=cls.ohchr, alias="Haut-Commissariat aux droits de l'homme")

    def test_it_lists_organisations_in_the_active_language(self):
        response = self.client.get(url("organisations", lang="fr"))
        self.assertContains(response, "Organisation internationale pour les migrations")
        self.assertContains(response, '<td lang="fr" dir="ltr">OIM</td>', html=True)
        self.assertContains(response, "HCDH")
        response = self.client.get(url("organisations", lang="es"))
        self.assertContains(response, '<td lang="es" dir="ltr">OIM</td>', html=True)
        # No Spanish name: the English one, marked as English.
        self.assertContains(response, 'lang="en" dir="ltr">International Detention Coalition</a>')

    def test_it_filters_by_name_acronym_or_alias_in_any_language(self):
        for query in ("OIM", "migrations", "haut commissariat", "hcdh"):
            with self.subTest(query=query):
                response = self.client.get(url("organisations"), {"q": query})
                self.assertEqual(response.status_code, 200)
                expected = self.iom if query in ("OIM", "migrations") else self.ohchr
                self.assertContains(response, expected.get_absolute_url())
                self.assertNotContains(response, self.idc.get_absolute_url())

    def test_it_filters_by_kind(self):
        response = self.client.get(url("organisations"), {"kind": "cso"})
        self.assertContains(response, self.idc.get_absolute_url())
        self.assertNotContains(response, self.iom.get_absolute_url())
        self.assertContains(response, "1 organisation")

    def test_it_reports_a_bad_kind(self):
        response = self.client.get(url("organisations"), {"kind": "nonsense"})
        self.assertContains(response, "error-summary")
        self.assertContains(response, self.iom.get_absolute_url())

    def test_it_paginates_and_keeps_the_filters(self):
        Organisation.objects.bulk_create(
            Organisation(slug=f"cso-{n:03d}", name_en=f"Civil society group {n:03d}", kind="cso")
            for n in range(ORGANISATIONS_PER_PAGE + 5)
        )
        response = self.client.get(url("organisations"), {"kind": "cso"})
        self.assertContains(response, '<nav class="pagination" aria-label="Pagination">')
        self.assertContains(response, "?kind=cso&amp;page=2")
        self.assertContains(response, "(current)")
        self.assertEqual(len(response.context["page"].object_list), ORGANISATIONS_PER_PAGE)
        response = self.client.get(url("organisations"), {"kind": "cso", "page": 2})
        self.assertEqual(len(response.context["page"].object_list), 6)
        self.assertContains(response, 'rel="prev"')

    def test_it_pins_the_query_count_of_the_list(self):
        with self.assertNumQueries(2):
            self.client.get(url("organisations"), {"q": "o"})
        for n in range(10):
            make_organisation(f"ORG{n}")
        with self.assertNumQueries(2):
            self.client.get(url("organisations"), {"q": "o"})

    def test_it_rejects_post(self):
        self.assertEqual(self.client.post(url("organisations")).status_code, 405)


class OrganisationDetailTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_workplan(title_en="Work plan 2021-2022")
        cls.led = make_priority(cls.plan, code="2.2", leads=[cls.iom], participants=[cls.ohchr], title_en="Led by IOM")
        cls.joined = make_priority(
            cls.plan, code="3", leads=[cls.ohchr], participants=[cls.iom], title_en="Joined by IOM"
        )
        cls.observed = make_priority(cls.plan, code="4", leads=[cls.ohchr], title_en="Observed by IOM")
        PriorityOrganisation.objects.create(priority=cls.observed, organisation=cls.iom, role=Involvement.OBSERVER)
        make_activity(cls.led)
        make_activity(cls.led)
        cls.own_activity = make_activity(cls.observed, leads=[cls.iom], text_en="IOM leads this one")

    def test_it_shows_names_aliases_and_roles(self):
        for lang in ("en", "fr", "es"):
            with self.subTest(lang=lang):
                response = self.client.get(url("organisation", "iom", lang=lang))
                self.assertContains(
                    response, '<td lang="fr" dir="ltr">Organisation internationale pour les migrations</td>', html=True
                )
                self.assertContains(response, '<li class="chip">OIM</li>', html=True)
                self.assertContains(response, self.led.get_absolute_url().replace("/en/", f"/{lang}/"))
                self.assertContains(response, self.own_activity.get_absolute_url().replace("/en/", f"/{lang}/"))
        response = self.client.get(url("organisation", "iom"))
        roles = [(role, [i.priority for i in items]) for role, _label, items in response.context["priority_roles"]]
        self.assertEqual(roles, [("lead", [self.led]), ("participant", [self.joined]), ("observer", [self.observed])])
        self.assertEqual(
            [(r, [i.activity for i in items]) for r, _l, items in response.context["activity_roles"]],
            [("lead", [self.own_activity])],
        )
        self.assertContains(response, "Lead: 1 priority")
        self.assertContains(response, "Participant: 1 priority")
        self.assertContains(response, "Observer: 1 priority")
        self.assertContains(response, "2 activities")
        self.assertEqual((response.context["priority_count"], response.context["activity_count"]), (3, 1))

    def test_it_says_when_nothing_is_linked(self):
        make_organisation("PICUM", kind=Organisation.Kind.CIVIL_SOCIETY)
        response = self.client.get(url("organisation", "picum"))
        self.assertContains(response, "This organisation is not named on any work-plan priority.")
        self.assertContains(response, "No activity names this organisation itself.")

    def test_it_404s_on_an_unknown_slug(self):
        self.assertEqual(self.client.get(url("organisation", "nobody")).status_code, 404)

    def test_it_pins_the_query_count(self):
        # organisation, aliases, plans naming it with their counts, activity counts per plan,
        # priority and activity involvements in the shown plan, linked resources and practices
        with self.assertNumQueries(8):
            self.client.get(url("organisation", "iom"))
        for _ in range(3):
            make_activity(make_priority(self.plan, participants=[self.iom]), participants=[self.iom])
            older = make_workplan(is_current=False, period_start=datetime.date(2019, 1, 1))
            make_activity(make_priority(older, leads=[self.iom]), leads=[self.iom])
        with self.assertNumQueries(8):
            self.client.get(url("organisation", "iom"))

    def test_it_shows_one_plan_in_full_and_the_others_as_one_line(self):
        older = make_workplan(slug="plan-2019", title_en="Work plan 2019-2020", period_start=datetime.date(2019, 1, 1))
        older_priority = make_priority(older, leads=[self.iom])
        older_activities = [make_activity(older_priority, participants=[self.iom]) for _ in range(3)]
        for lang in ("en", "fr", "es"):
            with self.subTest(lang=lang):
                response = self.client.get(url("organisation", "iom", lang=lang))
                self.assertContains(response, self.own_activity.get_absolute_url().replace("/en/", f"/{lang}/"))
                self.assertContains(response, older.get_absolute_url().replace("/en/", f"/{lang}/"))
                self.assertNotContains(response, older_priority.get_absolute_url().replace("/en/", f"/{lang}/"))
                for activity in older_activities:
                    self.assertNotContains(response, activity.get_absolute_url().replace("/en/", f"/{lang}/"))
                with translation.override(lang):
                    list_url = reverse("workplan:activities", args=[older.slug])
                self.assertContains(response, f'href="{list_url}?lead=iom"')
                self.assertContains(response, f'href="{list_url}?participant=iom"')
        response = self.client.get(url("organisation", "iom"))
        self.assertContains(response, "3 activities that name it")
        # The totals count every plan.
        self.assertEqual((response.context["priority_count"], response.context["activity_count"]), (4, 4))

    def test_it_shows_the_latest_plan_naming_it_when_the_current_one_does_not(self):
        current = make_workplan(slug="plan-2025", period_start=datetime.date(2025, 1, 1), is_current=False)
        self.plan.is_current = False
        self.plan.save(update_fields=["is_current"])
        current.is_current = True
        current.save(update_fields=["is_current"])
        response = self.client.get(url("organisation", "iom"))
        self.assertEqual(response.context["shown_plan"], self.plan)
        self.assertContains(response, self.led.get_absolute_url())

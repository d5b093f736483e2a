from django.test import Client
from django.urls import reverse

from gcmhub.taxonomy.models import (
    Country,
    GuidingPrinciple,
    Objective,
    Organisation,
    OrganisationAlias,
    Region,
    ThematicArea,
)
from gcmhub.test import BaseTestCase, make_objective, make_thematic_area, make_user

MODELS = (Organisation, OrganisationAlias, Objective, GuidingPrinciple, ThematicArea, Country, Region)


def admin_url(model, view, *args):
    return reverse(f"wagtailsnippets_taxonomy_{model._meta.model_name}:{view}", args=args)


class ReferenceDataCmsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.admin = make_user("admin@example.org", is_superuser=True, is_staff=True)
        cls.objective = make_objective(1)
        cls.area = make_thematic_area(1)
        GuidingPrinciple.objects.create(code="a", order=1, name_en="People-centred", name_fr="x", name_es="y")

    def test_it_renders_every_reference_data_screen_for_a_superuser(self):
        self.login(self.admin)
        objects = {
            Organisation: self.iom,
            OrganisationAlias: self.iom.aliases.first(),
            Objective: self.objective,
            GuidingPrinciple: GuidingPrinciple.objects.get(),
            ThematicArea: self.area,
            Country: self.morocco,
        }
        for model in MODELS:
            with self.subTest(model=model.__name__):
                self.assertEqual(self.client.get(admin_url(model, "list")).status_code, 200)
                self.assertEqual(self.client.get(admin_url(model, "add")).status_code, 200)
                if model in objects:
                    self.assertEqual(self.client.get(admin_url(model, "edit", objects[model].pk)).status_code, 200)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(response, "Reference data")

    def test_it_keeps_the_cms_closed_to_other_users(self):
        self.login(self.alice)
        response = self.client.get(admin_url(Organisation, "list"))
        self.assertEqual(response.status_code, 302)

    def test_it_maps_objectives_to_a_thematic_area(self):
        self.login(self.admin)
        response = self.client.post(
            admin_url(ThematicArea, "edit", self.area.pk),
            {
                "number": 1,
                "name_en": "Area",
                "name_fr": "Domaine",
                "name_es": "Área",
                "objectives": [self.objective.pk],
                "version": self.area.version,
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(list(self.area.objectives.all()), [self.objective])

    def test_it_adds_an_alias_and_refuses_a_duplicate_spelling(self):
        self.login(self.admin)
        response = self.client.post(admin_url(OrganisationAlias, "add"), {"organisation": self.iom.pk, "alias": "Oim"})
        self.assertEqual(response.status_code, 200)  # "oim" already names IOM
        self.assertContains(response, "This spelling already names")
        response = self.client.post(
            admin_url(OrganisationAlias, "add"),
            {"organisation": self.iom.pk, "alias": "Organización Internacional para las Migraciones"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            Organisation.objects.resolving("organizacion internacional para las migraciones").get(), self.iom
        )

    def test_it_syncs_aliases_when_an_organisation_is_saved(self):
        self.login(self.admin)
        response = self.client.post(
            admin_url(Organisation, "add"),
            {
                "name_en": "Platform for International Cooperation on Undocumented Migrants",
                "acronym_en": "PICUM",
                "slug": "picum",
                "kind": "cso",
                "name_fr": "",
                "name_es": "",
                "acronym_fr": "",
                "acronym_es": "",
                "website": "",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Organisation.objects.resolving("picum").get().slug, "picum")


class ReferenceDataConflictTestCase(BaseTestCase):
    """Two editors on the same thematic area: the second save is refused, their text kept."""

    def test_a_stale_cms_save_of_reference_data_is_refused(self):
        admin = make_user("admin@example.org", is_superuser=True, is_staff=True)
        area = make_thematic_area(1)
        url = admin_url(ThematicArea, "edit", area.pk)
        first, second = Client(), Client()
        first.force_login(admin)
        second.force_login(admin)
        self.assertContains(first.get(url), 'name="version" value="1"')
        self.assertContains(second.get(url), 'name="version" value="1"')
        data = {"number": 1, "name_en": "Area A", "name_fr": "Domaine", "name_es": "Área", "version": 1}
        self.assertEqual(first.post(url, data).status_code, 302)
        response = second.post(url, {**data, "name_en": "Area B"})
        self.assertContains(response, "Someone else saved this while you were editing it")
        self.assertContains(response, 'value="Area B"')
        self.assertContains(response, 'name="version" value="2"')  # saving again replaces theirs
        area.refresh_from_db()
        self.assertEqual((area.name_en, area.version), ("Area A", 2))
        response = second.post(url, {**data, "name_en": "Area B", "version": 2})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ThematicArea.objects.get(pk=area.pk).name_en, "Area B")

    def test_people_without_cms_access_cannot_edit(self):
        area = make_thematic_area(1)
        for user in (self.alice, self.fatima, self.ines, self.rita):
            with self.subTest(user=user.email):
                self.login(user)
                response = self.client.post(admin_url(ThematicArea, "edit", area.pk), {"version": 1})
                self.assertIn(response.status_code, (302, 403))
        self.assertEqual(ThematicArea.objects.get(pk=area.pk).version, 1)

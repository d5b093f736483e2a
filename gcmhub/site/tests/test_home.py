import datetime

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from gcmhub.test import BaseTestCase, make_event, make_practice, make_resource, make_workplan


class RootRedirectTestCase(BaseTestCase):
    def test_it_sends_the_root_to_the_browsers_language(self):
        response = self.client.get("/", headers={"accept-language": "es-ES,es;q=0.9,en;q=0.5"})
        self.assertRedirects(response, "/es/", fetch_redirect_response=False)

    def test_it_prefers_the_language_the_visitor_chose(self):
        self.client.cookies["django_language"] = "fr"
        response = self.client.get("/", headers={"accept-language": "es"})
        self.assertRedirects(response, "/fr/", fetch_redirect_response=False)

    def test_it_falls_back_to_english(self):
        response = self.client.get("/", headers={"accept-language": "de"})
        self.assertRedirects(response, "/en/", fetch_redirect_response=False)

    def test_it_rejects_post(self):
        self.assertEqual(self.client.post("/").status_code, 405)


class HomeTestCase(BaseTestCase):
    def test_it_shows_the_current_work_plan_to_every_role(self):
        plan = make_workplan(title_en="Work plan 2024-2026", is_current=True)
        for user in (None, self.alice, self.fatima, self.ines, self.rita, self.sam):
            with self.subTest(user=user and user.email):
                self.client.logout()
                if user:
                    self.login(user)
                response = self.client.get(reverse("home"))
                self.assertTemplateUsed(response, "site/home.html")
                self.assertContains(response, "Work plan 2024-2026")
                self.assertContains(response, plan.get_absolute_url())

    def test_it_says_when_no_plan_is_published(self):
        with translation.override("fr"):
            response = self.client.get(reverse("home"))
            self.assertContains(response, gettext("No work plan has been published yet."), html=False)
        self.assertContains(response, '<html lang="fr"')

    def test_it_pins_the_query_count(self):
        # The work plan, then one query per list: events, topics, calls, practices, resources, updates.
        make_workplan(is_current=True)
        with self.assertNumQueries(7):
            self.client.get(reverse("home"))
        for n in range(3):
            make_practice(self.alice, title=f"Practice {n}", status="published", published_at=timezone.now())
            make_resource(title_en=f"Resource {n}")
            make_event(title_en=f"Listening session before the IMRF {n}")
        make_event(title_en="A session that took place", starts_at=timezone.now() - datetime.timedelta(days=3))
        with self.assertNumQueries(7):
            response = self.client.get(reverse("home"))
        self.assertContains(response, "Practice 2")
        self.assertContains(response, "Resource 2")
        self.assertContains(response, "Listening session before the IMRF 2")
        self.assertNotContains(response, "A session that took place")

    def test_it_rejects_post(self):
        self.assertEqual(self.client.post(reverse("home")).status_code, 405)


class ErrorPagesTestCase(BaseTestCase):
    def test_it_answers_an_unknown_address_with_the_404_page_in_the_visitors_language(self):
        response = self.client.get("/fr/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assertTemplateUsed(response, "404.html")
        self.assertContains(response, '<html lang="fr"', status_code=404)
        with translation.override("fr"):
            self.assertContains(response, gettext("Page not found"), status_code=404)

    def test_it_answers_a_refused_page_with_the_403_page(self):
        self.login(self.alice)
        with translation.override("fr"):
            response = self.client.get(reverse("workplan:import"))
            self.assertContains(response, gettext("Access denied"), status_code=403)
        self.assertTemplateUsed(response, "403.html")
        self.assertContains(response, '<html lang="fr"', status_code=403)

    @override_settings(ALLOWED_HOSTS=["testserver"])
    def test_it_answers_a_bad_request_with_the_400_page(self):
        response = self.client.get("/en/", headers={"host": "attacker.example"})
        self.assertEqual(response.status_code, 400)
        self.assertTemplateUsed(response, "400.html")
        self.assertContains(response, "The request could not be understood.", status_code=400)

from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from wagtail.api.v3.auth import BearerTokenAuth
from wagtail.models import APIToken

from gcmhub.test import BaseTestCase


class ProfileTestCase(BaseTestCase):
    url = reverse("accounts:profile")

    def test_it_requires_login(self):
        r = self.client.get(self.url)
        self.assertRedirects(r, f"{reverse('accounts:login')}?next={self.url}", fetch_redirect_response=False)

    def test_it_shows_roles_and_links(self):
        self.login(self.ines)
        r = self.client.get(self.url)
        self.assertContains(r, "Network member focal point")
        self.assertContains(r, "IOM")
        self.assertContains(r, reverse("accounts:api_tokens"))
        self.assertNotContains(r, reverse("accounts:roles"))

    def test_it_links_the_secretariat_to_roles(self):
        self.login(self.sam)
        r = self.client.get(self.url)
        self.assertContains(r, f'href="{reverse("accounts:roles")}"')

    def test_it_updates_name_and_language(self):
        self.login(self.alice)
        r = self.client.post(self.url, {"full_name": "Alice Renamed", "preferred_language": "fr", "version": 1})
        self.assertRedirects(r, "/fr/accounts/profile/", fetch_redirect_response=False)
        self.assertEqual(r.cookies[settings.LANGUAGE_COOKIE_NAME].value, "fr")
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.full_name, "Alice Renamed")
        self.assertEqual(self.alice.preferred_language, "fr")

    def test_it_keeps_input_on_error(self):
        self.login(self.alice)
        r = self.client.post(self.url, {"full_name": "", "preferred_language": "de", "version": 1})
        self.assertContains(r, 'class="error-summary"', status_code=400)
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.full_name, "Alice Stakeholder")


class APITokensTestCase(BaseTestCase):
    url = reverse("accounts:api_tokens")

    def test_it_requires_login(self):
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 302)
        self.assertTrue(r["Location"].startswith(reverse("accounts:login")))

    def test_it_creates_a_token_shown_once_that_authenticates(self):
        self.login(self.alice)
        r = self.client.post(self.url, {"action": "create", "name": "My script"})
        self.assertEqual(r.status_code, 200)
        plaintext = r.context["created"][1]
        self.assertContains(r, plaintext)
        self.assertIn("no-store", r["Cache-Control"])
        token = APIToken.objects.get(user=self.alice)
        self.assertEqual(token.name, "My script")

        request = RequestFactory().get("/api/v1/", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
        self.assertEqual(BearerTokenAuth().authenticate(request, plaintext), token)
        self.assertEqual(request.user, self.alice)

        r = self.client.get(self.url)
        self.assertContains(r, "My script")
        self.assertNotContains(r, plaintext)

    def test_it_revokes_a_token(self):
        token, plaintext = APIToken.create_token(user=self.alice, name="Old")
        self.login(self.alice)
        r = self.client.post(self.url, {"action": "revoke", "token": token.pk})
        self.assertRedirects(r, self.url)
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        request = RequestFactory().get("/api/v1/")
        self.assertIsNone(BearerTokenAuth().authenticate(request, plaintext))

    def test_it_cannot_revoke_someone_elses_token(self):
        token, _plaintext = APIToken.create_token(user=self.sam, name="Sam's")
        self.login(self.alice)
        r = self.client.post(self.url, {"action": "revoke", "token": token.pk})
        self.assertEqual(r.status_code, 404)
        token.refresh_from_db()
        self.assertIsNone(token.revoked_at)

    def test_it_requires_a_name(self):
        self.login(self.alice)
        r = self.client.post(self.url, {"action": "create", "name": ""})
        self.assertContains(r, 'class="error-summary"', status_code=400)
        self.assertFalse(APIToken.objects.exists())

    def test_it_rejects_an_unknown_action(self):
        self.login(self.alice)
        self.assertEqual(self.client.post(self.url, {"action": "explode"}).status_code, 400)

    def test_it_lists_tokens_in_constant_queries(self):
        for i in range(3):
            APIToken.create_token(user=self.alice, name=f"t{i}")
        self.login(self.alice)
        # session, user, the user's roles (context processor), token list
        with self.assertNumQueries(4):
            r = self.client.get(self.url)
        self.assertContains(r, "t2")


class ProfileConflictTestCase(BaseTestCase):
    def test_a_save_from_an_older_tab_is_refused_and_keeps_the_input(self):
        url = reverse("accounts:profile")
        for user in (self.alice, self.fatima, self.ines, self.rita, self.sam):
            with self.subTest(user=user.email):
                version = user.version
                first, second = Client(), Client()
                first.force_login(user)
                second.force_login(user)
                data = {"full_name": "Name from tab A", "preferred_language": "en", "version": version}
                self.assertEqual(first.post(url, data).status_code, 302)
                response = second.post(url, {**data, "full_name": "Name from tab B"})
                self.assertContains(response, "Name from tab A", status_code=409)
                self.assertContains(response, 'value="Name from tab B"', status_code=409)
                user.refresh_from_db()
                self.assertEqual((user.full_name, user.version), ("Name from tab A", version + 1))

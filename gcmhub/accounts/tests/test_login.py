import re

from django.conf import settings
from django.core import mail
from django.urls import reverse

from gcmhub.test import PASSWORD, BaseTestCase

NEW_PASSWORD = "another fine passphrase 7"


class LoginTestCase(BaseTestCase):
    url = reverse("accounts:login")

    def test_it_shows_the_form(self):
        r = self.client.get(self.url + "?next=/en/workplan/")
        self.assertContains(r, 'type="email"')
        self.assertContains(r, 'name="next" value="/en/workplan/"')

    def test_it_signs_in_with_the_email_in_any_case(self):
        r = self.client.post(self.url, {"username": "Alice@Example.org", "password": PASSWORD})
        self.assertRedirects(r, "/en/me/", fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.alice.pk)

    def test_it_keeps_the_email_on_a_wrong_password(self):
        r = self.client.post(self.url, {"username": "alice@example.org", "password": "not it"})
        self.assertContains(r, 'value="alice@example.org"', status_code=400)
        self.assertContains(r, "do not match an account", status_code=400)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_goes_to_the_users_language_and_sets_the_cookie(self):
        self.alice.preferred_language = "es"
        self.alice.save(update_fields=["preferred_language"])
        r = self.client.post(self.url, {"username": "alice@example.org", "password": PASSWORD})
        self.assertRedirects(r, "/es/me/", fetch_redirect_response=False)
        self.assertEqual(r.cookies[settings.LANGUAGE_COOKIE_NAME].value, "es")

    def test_it_follows_a_safe_next(self):
        r = self.client.post(self.url, {"username": "alice@example.org", "password": PASSWORD, "next": "/en/workplan/"})
        self.assertRedirects(r, "/en/workplan/", fetch_redirect_response=False)

    def test_it_ignores_an_unsafe_next(self):
        r = self.client.post(
            self.url, {"username": "alice@example.org", "password": PASSWORD, "next": "https://evil.example/"}
        )
        self.assertRedirects(r, "/en/me/", fetch_redirect_response=False)


class LogoutTestCase(BaseTestCase):
    url = reverse("accounts:logout")

    def test_it_signs_out(self):
        self.login(self.alice)
        r = self.client.post(self.url)
        self.assertRedirects(r, reverse("home"), fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_asks_for_confirmation_on_get(self):
        self.login(self.alice)
        r = self.client.get(self.url)
        self.assertContains(r, f'<form method="post" action="{self.url}">')
        self.assertContains(r, 'name="csrfmiddlewaretoken"')
        self.assertContains(r, '<button type="submit" class="button">Sign out</button>', html=True)
        self.assertIn("_auth_user_id", self.client.session)  # GET alone signs nobody out

    def test_it_tells_an_anonymous_visitor_they_are_not_signed_in(self):
        r = self.client.get(self.url)
        self.assertContains(r, "You are not signed in.")
        self.assertNotContains(r, f'<form method="post" action="{self.url}">')

    def test_it_is_translated(self):
        self.login(self.alice)
        r = self.client.get("/fr/accounts/logout/")
        self.assertContains(r, '<html lang="fr"')

    def test_it_refuses_other_methods(self):
        self.assertEqual(self.client.put(self.url).status_code, 405)


class PasswordResetTestCase(BaseTestCase):
    def request_reset(self, email):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("accounts:password_reset"), {"email": email})

    def test_it_resets_the_password_through_the_emailed_link(self):
        self.alice.preferred_language = "fr"
        self.alice.save(update_fields=["preferred_language"])
        r = self.request_reset("alice@example.org")
        self.assertRedirects(r, reverse("accounts:password_reset_done"))
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["alice@example.org"])
        self.assertIn('<html lang="fr" dir="ltr">', message.alternatives[0][0])
        link = re.search(r"https?://\S+", message.body).group(0).removeprefix(settings.SITE_URL)
        self.assertTrue(link.startswith("/fr/accounts/password-reset/"))

        r = self.client.get(link)  # Django swaps the token for a session value and redirects
        self.assertEqual(r.status_code, 302)
        set_password_url = r["Location"]
        r = self.client.get(set_password_url)
        self.assertContains(r, 'name="new_password1"')
        r = self.client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        self.assertRedirects(r, reverse("accounts:password_reset_complete"), fetch_redirect_response=False)
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.check_password(NEW_PASSWORD))

        # The link works once (the page is in Alice's language, French).
        r = self.client.get(link, follow=True)
        self.assertContains(r, "Ce lien de réinitialisation du mot de passe ne fonctionne pas")

    def test_it_does_not_reveal_unknown_addresses(self):
        r = self.request_reset("nobody@example.org")
        self.assertRedirects(r, reverse("accounts:password_reset_done"))
        self.assertEqual(mail.outbox, [])

    def test_it_rejects_a_bad_link(self):
        r = self.client.get(reverse("accounts:password_reset_confirm", args=["MQ", "bad-token"]))
        self.assertContains(r, "This password reset link does not work")

    def test_it_shows_the_done_pages(self):
        self.assertContains(self.client.get(reverse("accounts:password_reset_done")), "Check your inbox")
        self.assertContains(self.client.get(reverse("accounts:password_reset_complete")), "Password changed")

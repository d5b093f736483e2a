"""Sessions end after an idle time and an absolute age; a new password revokes API tokens."""

import re
import time

from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from wagtail.models import APIToken

from gcmhub.accounts.actions import do_create_api_token
from gcmhub.accounts.middleware import LAST_SEEN, SIGNED_IN_AT
from gcmhub.test import PASSWORD, BaseTestCase

NEW_PASSWORD = "another fine passphrase 7"
PROFILE_URL = reverse("accounts:profile")


class SessionTimeoutTests(BaseTestCase):
    def sign_in(self):
        r = self.client.post(reverse("accounts:login"), {"username": "alice@example.org", "password": PASSWORD})
        self.assertEqual(r.status_code, 302)

    def age_session(self, *, signed_in_ago: int, last_seen_ago: int):
        session = self.client.session
        now = int(time.time())
        session[SIGNED_IN_AT] = now - signed_in_ago
        session[LAST_SEEN] = now - last_seen_ago
        session.save()

    def test_sign_in_starts_both_clocks(self):
        self.sign_in()
        session = self.client.session
        self.assertAlmostEqual(session[SIGNED_IN_AT], time.time(), delta=5)
        self.assertAlmostEqual(session[LAST_SEEN], time.time(), delta=5)

    def test_it_signs_out_after_the_idle_timeout_with_a_message(self):
        self.sign_in()
        self.age_session(signed_in_ago=3 * 3600, last_seen_ago=settings.SESSION_IDLE_TIMEOUT + 1)
        r = self.client.get(reverse("home"))
        self.assertContains(r, "You were signed out after 2 hours without activity. Please sign in again.")
        self.assertNotIn("_auth_user_id", self.client.session)
        r = self.client.get(PROFILE_URL)
        self.assertEqual(r.status_code, 302)
        self.assertIn(reverse("accounts:login"), r["Location"])

    def test_activity_keeps_the_session_and_moves_the_idle_clock(self):
        self.sign_in()
        self.age_session(signed_in_ago=3 * 3600, last_seen_ago=settings.SESSION_IDLE_TIMEOUT - 60)
        self.assertEqual(self.client.get(PROFILE_URL).status_code, 200)
        self.assertAlmostEqual(self.client.session[LAST_SEEN], time.time(), delta=5)

    def test_it_does_not_write_the_session_on_every_request(self):
        self.sign_in()
        self.age_session(signed_in_ago=10, last_seen_ago=10)
        r = self.client.get(PROFILE_URL)
        self.assertNotIn(settings.SESSION_COOKIE_NAME, r.cookies)  # unchanged session: not saved

    def test_it_signs_out_after_the_absolute_age_however_active(self):
        self.sign_in()
        self.age_session(signed_in_ago=settings.SESSION_MAX_AGE + 1, last_seen_ago=30)
        r = self.client.get(reverse("home"))
        self.assertContains(r, "For your security, you were signed out after 12 hours. Please sign in again.")
        self.assertNotIn("_auth_user_id", self.client.session)

    @override_settings(SESSION_IDLE_TIMEOUT=30 * 60)
    def test_the_message_is_translated_and_counts_minutes(self):
        self.sign_in()
        self.age_session(signed_in_ago=3600, last_seen_ago=31 * 60)
        r = self.client.get("/fr/")
        self.assertContains(r, '<html lang="fr"')
        self.assertContains(r, "30")

    def test_a_session_from_before_the_clocks_is_stamped_not_ended(self):
        self.login(self.alice)  # force_login sends user_logged_in too; remove the stamps
        session = self.client.session
        del session[SIGNED_IN_AT], session[LAST_SEEN]
        session.save()
        self.assertEqual(self.client.get(PROFILE_URL).status_code, 200)
        self.assertIn(SIGNED_IN_AT, self.client.session)

    def test_the_session_cookie_is_httponly_lax_and_ends_at_the_absolute_age(self):
        r = self.client.post(reverse("accounts:login"), {"username": "alice@example.org", "password": PASSWORD})
        cookie = r.cookies[settings.SESSION_COOKIE_NAME]
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")
        self.assertEqual(int(cookie["max-age"]), settings.SESSION_MAX_AGE)
        language = r.cookies[settings.LANGUAGE_COOKIE_NAME]
        self.assertTrue(language["httponly"])
        self.assertEqual(language["samesite"], "Lax")


class TokensRevokedOnPasswordChangeTests(BaseTestCase):
    def setUp(self):
        self.token, self.plaintext = do_create_api_token(user=self.alice, name="dashboard script")
        do_create_api_token(user=self.alice, name="second")
        self.other, self.other_plaintext = do_create_api_token(user=self.fatima, name="fatima's")

    def api_status(self, plaintext):
        """A write needs a valid token: 201 (an empty draft) with one, 401 without."""
        return self.client.post(
            "/api/v1/practices", {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {plaintext}"
        ).status_code

    def active_tokens(self, user):
        return APIToken.objects.filter(user=user, revoked_at__isnull=True).count()

    def test_a_password_reset_revokes_the_tokens_and_says_so(self):
        self.assertEqual(self.api_status(self.plaintext), 201)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
        reset_mail = mail.outbox[0]
        self.assertIn("also revokes your 2 API tokens", reset_mail.body)
        link = re.search(r"https?://\S+", reset_mail.body).group(0).removeprefix(settings.SITE_URL)
        set_password_url = self.client.get(link)["Location"]
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(
                set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
            )
        self.assertContains(r, "your 2 API tokens were revoked")
        self.assertEqual(self.active_tokens(self.alice), 0)
        self.assertEqual(self.active_tokens(self.fatima), 1)  # nobody else's
        self.assertEqual(self.api_status(self.plaintext), 401)
        self.assertEqual(self.api_status(self.other_plaintext), 201)
        changed = mail.outbox[-1]
        self.assertEqual(changed.to, ["alice@example.org"])
        self.assertIn("was just changed", changed.body)
        self.assertIn("your 2 API tokens were revoked", changed.body)

    def test_a_password_change_anywhere_revokes_the_tokens(self):
        """The CMS account page saves a PasswordChangeForm, the Django admin an AdminPasswordChangeForm
        (a SetPasswordForm): both end in set_password() and save()."""
        for form_class, data in (
            (PasswordChangeForm, {"old_password": PASSWORD}),
            (SetPasswordForm, {}),
        ):
            with self.subTest(form=form_class.__name__):
                mail.outbox.clear()
                do_create_api_token(user=self.alice, name="again")
                self.alice.refresh_from_db()
                form = form_class(self.alice, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, **data})
                self.assertTrue(form.is_valid(), form.errors)
                with self.captureOnCommitCallbacks(execute=True):
                    form.save()
                self.assertEqual(self.active_tokens(self.alice), 0)
                self.assertEqual(len(mail.outbox), 1)
                self.assertIn("API token", mail.outbox[0].body)
                self.alice.set_password(PASSWORD)
                self.alice.save()

    def test_the_changepassword_command_revokes_them(self):
        from unittest import mock

        with mock.patch("getpass.getpass", return_value=NEW_PASSWORD):
            call_command("changepassword", "alice@example.org", stdout=open("/dev/null", "w"))
        self.assertEqual(self.active_tokens(self.alice), 0)

    def test_other_saves_and_signing_in_keep_the_tokens(self):
        self.alice.full_name = "Alice B."
        self.alice.save()
        self.client.post(reverse("accounts:login"), {"username": "alice@example.org", "password": PASSWORD})
        self.assertEqual(self.active_tokens(self.alice), 2)
        self.assertEqual(len(mail.outbox), 0)

    def test_a_new_user_sends_no_password_changed_mail(self):
        from gcmhub.accounts.actions import do_create_user

        with self.captureOnCommitCallbacks(execute=True):
            do_create_user(email="new@example.org", password=NEW_PASSWORD, full_name="New")
        self.assertEqual(len(mail.outbox), 0)

import datetime
import re

import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from gcmhub.accounts.models import User
from gcmhub.accounts.tasks import make_verification_token
from gcmhub.test import PASSWORD, BaseTestCase, make_user

NEW_PASSWORD = "a brand new passphrase 42"


def signup_data(**overrides):
    data = {
        "full_name": "Nadia Newcomer",
        "email": "nadia@example.org",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "preferred_language": "fr",
        "consent": "on",
    }
    data.update(overrides)
    return data


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


class SignupTestCase(BaseTestCase):
    url = reverse("accounts:signup")

    def sign_up(self, **overrides):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, signup_data(**overrides))

    def test_it_shows_the_form(self):
        r = self.client.get(self.url)
        self.assertContains(r, 'name="consent"')
        self.assertContains(r, "<h1>Create an account</h1>", html=True)

    def test_it_creates_an_inactive_account_and_sends_a_link_that_verifies_it(self):
        r = self.sign_up()
        self.assertRedirects(r, reverse("accounts:signup_done"))
        user = User.objects.get(email="nadia@example.org")
        self.assertFalse(user.is_active)
        self.assertFalse(user.email_verified)
        self.assertEqual(user.preferred_language, "fr")

        # Not before verification.
        self.assertFalse(self.client.login(email="nadia@example.org", password=NEW_PASSWORD))

        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["nadia@example.org"])
        self.assertEqual(message.alternatives[0][1], "text/html")
        self.assertIn('<html lang="fr" dir="ltr">', message.alternatives[0][0])  # rendered in the user's language
        link = link_in(message)
        self.assertIn("/fr/accounts/verify/", link)

        r = self.client.get(link.removeprefix(settings.SITE_URL))
        self.assertRedirects(r, reverse("accounts:login"), fetch_redirect_response=False)
        user.refresh_from_db()
        self.assertTrue(user.is_active)
        self.assertTrue(user.email_verified)

        r = self.client.post(reverse("accounts:login"), {"username": "nadia@example.org", "password": NEW_PASSWORD})
        self.assertRedirects(r, "/fr/me/", fetch_redirect_response=False)

    def test_it_does_not_reveal_an_existing_address(self):
        r = self.sign_up(email="ALICE@example.org", full_name="Impostor")
        self.assertRedirects(r, reverse("accounts:signup_done"))
        self.assertEqual(User.objects.filter(email__iexact="alice@example.org").count(), 1)
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.check_password(PASSWORD))
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["alice@example.org"])
        self.assertIn("already have an account", mail.outbox[0].subject)

    def test_it_sends_a_new_link_to_an_unverified_address_signing_up_again(self):
        make_user("nadia@example.org", email_verified=False, is_active=False)
        self.sign_up()
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("/accounts/verify/", mail.outbox[0].body)

    def test_it_keeps_input_on_error(self):
        r = self.sign_up(password2="something else entirely", consent="")
        self.assertContains(r, 'value="nadia@example.org"', status_code=400)
        self.assertContains(r, 'value="Nadia Newcomer"', status_code=400)
        self.assertContains(r, "The two passwords do not match.", status_code=400)
        self.assertContains(r, 'class="error-summary"', status_code=400)
        self.assertFalse(User.objects.filter(email="nadia@example.org").exists())
        self.assertEqual(mail.outbox, [])

    def test_it_applies_the_password_validators(self):
        r = self.sign_up(password1="short", password2="short")
        self.assertContains(r, "too short", status_code=400)
        # ASVS 4.0 V2.1.1: at least 12 characters.
        r = self.sign_up(password1="kx7-quill-9z", password2="kx7-quill-9z")
        self.assertNotContains(r, "too short", status_code=302)
        User.objects.filter(email="nadia@example.org").delete()
        r = self.sign_up(password1="kx7-quill-9", password2="kx7-quill-9")
        self.assertContains(r, "at least 12 characters", status_code=400)

    def test_it_requires_consent(self):
        r = self.sign_up(consent="")
        self.assertEqual(r.status_code, 400)
        self.assertFalse(User.objects.filter(email="nadia@example.org").exists())


class VerifyEmailTestCase(BaseTestCase):
    def setUp(self):
        self.nadia = make_user("nadia@example.org", email_verified=False, is_active=False)

    def test_it_rejects_a_bad_token(self):
        r = self.client.get(reverse("accounts:verify_email", args=["not-a-token"]))
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "The link is not valid", status_code=400)
        self.assertContains(r, 'action="/en/accounts/verify/new-link/"', status_code=400)
        self.nadia.refresh_from_db()
        self.assertFalse(self.nadia.is_active)

    def test_it_rejects_an_expired_token(self):
        with time_machine.travel(datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC), tick=False):
            token = make_verification_token(self.nadia)
        r = self.client.get(reverse("accounts:verify_email", args=[token]))
        self.assertContains(r, "The link has expired", status_code=400)
        self.nadia.refresh_from_db()
        self.assertFalse(self.nadia.email_verified)

    def test_it_accepts_a_token_just_before_expiry(self):
        token = make_verification_token(self.nadia)
        later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(
            seconds=settings.ACCOUNT_VERIFICATION_MAX_AGE - 60
        )
        with time_machine.travel(later):
            r = self.client.get(reverse("accounts:verify_email", args=[token]))
        self.assertRedirects(r, reverse("accounts:login"), fetch_redirect_response=False)

    def test_it_rejects_a_token_for_a_changed_address(self):
        token = make_verification_token(self.nadia)
        User.objects.filter(pk=self.nadia.pk).update(email="other@example.org")
        r = self.client.get(reverse("accounts:verify_email", args=[token]))
        self.assertEqual(r.status_code, 400)

    def test_it_says_when_already_verified(self):
        token = make_verification_token(self.nadia)
        self.client.get(reverse("accounts:verify_email", args=[token]))
        r = self.client.get(reverse("accounts:verify_email", args=[token]), follow=True)
        self.assertContains(r, "already verified")

    def test_it_sends_a_new_link_on_request(self):
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(reverse("accounts:resend_verification"), {"email": "nadia@example.org"})
        self.assertRedirects(r, reverse("accounts:signup_done"))
        self.assertEqual(len(mail.outbox), 1)
        r = self.client.get(link_in(mail.outbox[0]).removeprefix(settings.SITE_URL))
        self.nadia.refresh_from_db()
        self.assertTrue(self.nadia.is_active)

    def test_it_sends_nothing_for_unknown_or_verified_addresses(self):
        with self.captureOnCommitCallbacks(execute=True):
            r1 = self.client.post(reverse("accounts:resend_verification"), {"email": "nobody@example.org"})
            r2 = self.client.post(reverse("accounts:resend_verification"), {"email": "alice@example.org"})
        self.assertRedirects(r1, reverse("accounts:signup_done"))
        self.assertRedirects(r2, reverse("accounts:signup_done"))
        self.assertEqual(mail.outbox, [])

    def test_it_tells_an_unverified_user_who_knows_the_password_at_login(self):
        r = self.client.post(reverse("accounts:login"), {"username": "nadia@example.org", "password": PASSWORD})
        self.assertContains(r, "not verified yet", status_code=400)
        self.assertContains(r, reverse("accounts:resend_verification"), status_code=400)

    def test_it_does_not_tell_others(self):
        r = self.client.post(reverse("accounts:login"), {"username": "nadia@example.org", "password": "wrong guess"})
        self.assertNotContains(r, "not verified yet", status_code=400)

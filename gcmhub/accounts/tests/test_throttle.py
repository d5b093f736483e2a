"""Sign-in, password reset, sign-up, new verification links and anonymous forms are throttled by
account and by client address (gcmhub.lib.throttle); unknown accounts cost a password hash."""

from unittest import mock

from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from gcmhub.test import PASSWORD, BaseTestCase, make_resource, make_user

LOGIN_URL = reverse("accounts:login")
WRONG = "wrong password"
FEW = {
    "login": {"account": "3/15m", "address": "6/15m"},
    "password_reset": {"account": "2/1h", "address": "4/1h"},
    "signup": {"account": "2/1h", "address": "4/1h"},
    "resend_verification": {"account": "2/1h", "address": "4/1h"},
    "anonymous_form": {"account": "2/1h", "address": "3/1h"},
}


@override_settings(THROTTLE_RATES=FEW)
class SiteLoginThrottleTests(BaseTestCase):
    def post(self, email="alice@example.org", password=WRONG, **extra):
        return self.client.post(LOGIN_URL, {"username": email, "password": password}, **extra)

    def test_it_refuses_even_the_right_password_after_the_limit(self):
        for _ in range(3):
            self.assertEqual(self.post().status_code, 400)
        with self.assertLogs("gcmhub.security", "WARNING") as logs:
            r = self.post(password=PASSWORD)
        self.assertContains(r, "Too many attempts", status_code=429)
        self.assertContains(r, "try again in 15 minutes", status_code=429)
        self.assertContains(r, 'value="alice@example.org"', status_code=429)  # input kept
        self.assertNotContains(r, "do not match an account", status_code=429)
        self.assertEqual(r["Retry-After"], "900")
        self.assertNotIn("_auth_user_id", self.client.session)
        # The log names the scope and the address; no password, no full e-mail address.
        line = " ".join(logs.output)
        self.assertIn("scope=login", line)
        self.assertIn("127.0.0.1", line)
        self.assertIn("a…@example.org", line)
        self.assertNotIn("alice@example.org", line)
        self.assertNotIn(PASSWORD, line)

    def test_it_accepts_the_right_password_again_when_the_window_has_passed(self):
        # time.time() drives both the window and the LocMem cache's expiry.
        start = 1_000_000.0
        with mock.patch("time.time", return_value=start):
            for _ in range(3):
                self.post()
            self.assertEqual(self.post(password=PASSWORD).status_code, 429)
        with mock.patch("time.time", return_value=start + 14 * 60):
            r = self.post(password=PASSWORD)
            self.assertContains(r, "try again in 1 minute.", status_code=429)
        with mock.patch("time.time", return_value=start + 15 * 60 + 1):
            self.assertEqual(self.post(password=PASSWORD).status_code, 302)

    def test_it_counts_failures_by_account_whatever_the_address(self):
        for n in range(3):
            self.post(REMOTE_ADDR=f"192.0.2.{n + 1}")
        self.assertEqual(self.post(password=PASSWORD, REMOTE_ADDR="192.0.2.99").status_code, 429)
        # Another account from the same addresses is not affected.
        self.assertEqual(self.post("fatima@example.org", PASSWORD, REMOTE_ADDR="192.0.2.1").status_code, 302)

    def test_it_counts_failures_by_address_whatever_the_account(self):
        for n in range(6):
            self.post(f"nobody{n}@example.org")
        r = self.post(password=PASSWORD)
        self.assertEqual(r.status_code, 429)
        self.assertEqual(self.post(password=PASSWORD, REMOTE_ADDR="192.0.2.7").status_code, 302)

    def test_it_ignores_x_forwarded_for_unless_told_how_many_proxies_to_trust(self):
        for n in range(6):
            self.post(f"nobody{n}@example.org", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        self.assertEqual(self.post(password=PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.200").status_code, 429)

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_it_uses_the_address_the_trusted_proxy_saw(self):
        for n in range(6):
            self.post(f"nobody{n}@example.org", HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.1")
        self.assertEqual(self.post(password=PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code, 429)
        self.assertEqual(self.post(password=PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code, 302)

    def test_a_successful_sign_in_resets_the_accounts_counter(self):
        for _ in range(2):
            self.post()
        self.assertEqual(self.post(password=PASSWORD).status_code, 302)
        self.client.logout()
        for _ in range(2):
            self.assertEqual(self.post().status_code, 400)
        self.assertEqual(self.post(password=PASSWORD).status_code, 302)

    def test_the_message_is_translated(self):
        for _ in range(3):
            self.post()
        r = self.client.post("/fr/accounts/login/", {"username": "alice@example.org", "password": PASSWORD})
        self.assertEqual(r.status_code, 429)
        self.assertContains(r, '<html lang="fr"', status_code=429)


@override_settings(THROTTLE_RATES=FEW)
class AdminLoginThrottleTests(BaseTestCase):
    """The CMS and the Django admin sign in through the same backend: same counters, and a 429
    page with the message once over the limit."""

    def test_the_cms_login_is_throttled(self):
        self.check_login("/cms/login/", self.sam)

    def test_the_django_admin_login_is_throttled(self):
        self.sam.is_superuser = True
        self.sam.save(update_fields=["is_superuser"])
        self.check_login("/django-admin/login/", self.sam)

    def check_login(self, url, user):
        for _ in range(3):
            r = self.client.post(url, {"username": user.email, "password": "wrong"})
            self.assertEqual(r.status_code, 200)  # the admin's own "wrong password" form
        r = self.client.post(url, {"username": user.email, "password": PASSWORD})
        self.assertContains(r, "Too many attempts", status_code=429)
        self.assertTrue(r["Retry-After"])
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_the_password_form_of_private_documents_is_throttled(self):
        url = "/documents/authenticate_with_password/1/"
        for _ in range(3):
            self.assertNotEqual(self.client.post(url, {"password": "guess"}).status_code, 429)
        self.assertEqual(self.client.post(url, {"password": "guess"}).status_code, 429)
        self.assertNotEqual(self.client.post("/documents/authenticate_with_password/2/", {}).status_code, 429)

    def test_site_failures_count_for_the_cms_too(self):
        for _ in range(3):
            self.client.post(LOGIN_URL, {"username": "sam@example.org", "password": "wrong"})
        r = self.client.post("/cms/login/", {"username": "sam@example.org", "password": PASSWORD})
        self.assertEqual(r.status_code, 429)

    def test_the_cms_password_reset_is_throttled(self):
        for _ in range(2):
            r = self.client.post("/cms/password_reset/", {"email": "sam@example.org"})
            self.assertEqual(r.status_code, 302)
        r = self.client.post("/cms/password_reset/", {"email": "sam@example.org"})
        self.assertContains(r, "Too many attempts", status_code=429)


@override_settings(THROTTLE_RATES=FEW)
class FormThrottleTests(BaseTestCase):
    def test_password_reset_requests_are_throttled_by_account(self):
        for _ in range(2):
            with self.captureOnCommitCallbacks(execute=True):
                r = self.client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
            self.assertEqual(r.status_code, 302)
        r = self.client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
        self.assertContains(r, "Too many attempts", status_code=429)
        self.assertContains(r, 'value="alice@example.org"', status_code=429)
        self.assertEqual(len(mail.outbox), 2)

    def test_password_reset_requests_are_throttled_by_address(self):
        for n in range(4):
            self.client.post(reverse("accounts:password_reset"), {"email": f"someone{n}@example.org"})
        r = self.client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
        self.assertEqual(r.status_code, 429)

    def signup_data(self, email):
        return {
            "full_name": "Nadia",
            "email": email,
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
            "preferred_language": "en",
            "consent": "on",
        }

    def test_sign_up_is_throttled_by_address_and_keeps_the_input(self):
        for n in range(4):
            self.assertEqual(
                self.client.post(reverse("accounts:signup"), self.signup_data(f"n{n}@example.org")).status_code, 302
            )
        r = self.client.post(reverse("accounts:signup"), self.signup_data("late@example.org"))
        self.assertContains(r, "Too many attempts", status_code=429)
        self.assertContains(r, 'value="late@example.org"', status_code=429)
        self.assertContains(r, 'value="Nadia"', status_code=429)

    def test_sign_up_is_throttled_by_account(self):
        for _ in range(2):
            self.client.post(reverse("accounts:signup"), self.signup_data("same@example.org"))
        r = self.client.post(reverse("accounts:signup"), self.signup_data("same@example.org"), REMOTE_ADDR="192.0.2.5")
        self.assertEqual(r.status_code, 429)

    def test_new_verification_links_are_throttled(self):
        url = reverse("accounts:resend_verification")
        for _ in range(2):
            self.assertEqual(self.client.post(url, {"email": "alice@example.org"}).status_code, 302)
        r = self.client.post(url, {"email": "alice@example.org"})
        self.assertContains(r, "Too many attempts", status_code=429)

    def test_the_anonymous_tool_feedback_form_is_throttled(self):
        tool = make_resource(is_network_tool=True)
        url = reverse("knowledge:resource_feedback", args=[tool.slug])
        for _ in range(3):
            self.assertEqual(self.client.post(url, {"rating": "4"}).status_code, 302)
        with self.assertLogs("gcmhub.security", "WARNING"):
            r = self.client.post(url, {"rating": "4"})
        self.assertContains(r, "Too many attempts", status_code=429)
        self.assertEqual(tool.feedback.count(), 3)

    def test_the_tool_feedback_form_is_throttled_by_signed_in_account(self):
        tool = make_resource(is_network_tool=True)
        url = reverse("knowledge:resource_feedback", args=[tool.slug])
        self.login(self.alice)
        for n in range(2):
            self.client.post(url, {"rating": "4"}, REMOTE_ADDR=f"192.0.2.{n}")
        self.assertEqual(self.client.post(url, {"rating": "4"}, REMOTE_ADDR="192.0.2.50").status_code, 429)

    def test_get_is_never_counted(self):
        for _ in range(10):
            self.assertEqual(self.client.get(reverse("accounts:signup")).status_code, 200)


class TimingTests(BaseTestCase):
    """An unknown address costs one password hash, like a known one, so the response time does
    not tell whether an account exists (measured before: 249 ms vs 7 ms)."""

    def hashes_for(self, email, password=WRONG):
        with (
            mock.patch.object(MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode) as enc,
        ):
            r = self.client.post(LOGIN_URL, {"username": email, "password": password})
        self.assertEqual(r.status_code, 400)
        return enc.call_count

    def test_an_unknown_account_costs_a_password_hash_like_a_known_one(self):
        self.assertEqual(self.hashes_for("nobody@example.org"), 1)
        self.assertEqual(self.hashes_for("alice@example.org"), 1)

    def test_an_unverified_account_with_the_right_password_costs_one_hash_too(self):
        make_user("new@example.org", email_verified=False, is_active=False)
        with mock.patch.object(MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode) as enc:
            r = self.client.post(LOGIN_URL, {"username": "new@example.org", "password": PASSWORD})
        self.assertContains(r, "not verified yet", status_code=400)
        self.assertEqual(enc.call_count, 1)

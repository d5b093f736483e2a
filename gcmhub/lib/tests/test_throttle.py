from django.core.cache import cache
from django.test import RequestFactory, SimpleTestCase, override_settings

from gcmhub.lib import throttle
from gcmhub.lib.throttle import Rate, Throttled


class RateTests(SimpleTestCase):
    def test_it_parses_count_and_period(self):
        self.assertEqual(Rate.parse("10/15m"), Rate(10, 900))
        self.assertEqual(Rate.parse("30/h"), Rate(30, 3600))
        self.assertEqual(Rate.parse(" 5 / 30s "), Rate(5, 30))
        self.assertEqual(Rate.parse("100/1d"), Rate(100, 86400))

    def test_it_refuses_anything_else(self):
        for text in ("", "10", "10/15", "ten/1m", "0/1m", "10/0m", "10/1w"):
            with self.subTest(text=text), self.assertRaises(ValueError):
                Rate.parse(text)

    @override_settings(THROTTLE_RATES={"login": {"account": "2/1m"}})
    def test_settings_override_the_defaults_key_by_key(self):
        rates = throttle.rates("login")
        self.assertEqual(rates["account"], Rate(2, 60))
        self.assertEqual(rates["address"], Rate.parse(throttle.DEFAULT_RATES["login"]["address"]))

    def test_base_settings_read_overrides_from_the_environment(self):
        from gcmhub.settings.base import _throttle_rates

        self.assertEqual(
            _throttle_rates("login.account=5/15m, signup.address=3/1h"),
            {"login": {"account": "5/15m"}, "signup": {"address": "3/1h"}},
        )
        self.assertEqual(_throttle_rates(None), {})


class ClientAddressTests(SimpleTestCase):
    def request(self, remote="203.0.113.9", forwarded=None):
        extra = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return RequestFactory().get("/", **extra)

    def test_it_is_remote_addr_and_ignores_the_header_by_default(self):
        self.assertEqual(throttle.client_address(self.request(forwarded="1.2.3.4")), "203.0.113.9")

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_one_proxy_the_rightmost_address(self):
        self.assertEqual(throttle.client_address(self.request(forwarded="6.6.6.6, 198.51.100.7")), "198.51.100.7")

    @override_settings(TRUSTED_PROXY_COUNT=2)
    def test_two_proxies_the_second_from_the_right(self):
        request = self.request(forwarded="6.6.6.6, 198.51.100.7, 10.0.0.2")
        self.assertEqual(throttle.client_address(request), "198.51.100.7")

    @override_settings(TRUSTED_PROXY_COUNT=2)
    def test_a_short_header_falls_back_to_its_first_address_or_remote_addr(self):
        self.assertEqual(throttle.client_address(self.request(forwarded="198.51.100.7")), "198.51.100.7")
        self.assertEqual(throttle.client_address(self.request(forwarded="")), "203.0.113.9")


@override_settings(THROTTLE_RATES={"test": {"account": "2/1m", "address": "3/1m"}})
class CounterTests(SimpleTestCase):
    def setUp(self):
        cache.clear()
        self.request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")

    def test_it_refuses_at_the_limit_and_says_when_to_retry(self):
        throttle.hit("test", self.request, "a@example.org")
        throttle.check("test", self.request, "a@example.org")
        throttle.hit("test", self.request, "A@Example.org ")  # the same account
        with self.assertRaises(Throttled) as caught, self.assertLogs("gcmhub.security", "WARNING"):
            throttle.check("test", self.request, "a@example.org")
        self.assertLessEqual(caught.exception.retry_after, 60)
        self.assertIn("try again in 1 minute", caught.exception.message())

    def test_it_stores_no_address_or_email_in_clear(self):
        throttle.hit("test", self.request, "a@example.org")
        keys = list(cache._cache.keys())  # LocMem internals, test only
        self.assertTrue(keys)
        self.assertFalse([k for k in keys if "example.org" in k or "203.0.113.9" in k])

    def test_reset_forgets_the_account_not_the_address(self):
        for _ in range(2):
            throttle.hit("test", self.request, "a@example.org")
        throttle.reset("test", account="a@example.org")
        throttle.check("test", self.request, "a@example.org")
        throttle.hit("test", self.request, "b@example.org")
        with self.assertRaises(Throttled), self.assertLogs("gcmhub.security"):
            throttle.check("test", self.request, "c@example.org")  # the address is full: 3 hits

    def test_the_message_counts_seconds_under_a_minute(self):
        self.assertIn("45 seconds", Throttled("x", 45).message())
        self.assertIn("1 second.", Throttled("x", 1).message())
        self.assertIn("2 minutes", Throttled("x", 61).message())

    def test_the_email_is_masked_for_logs(self):
        self.assertEqual(throttle.mask_email("alice@example.org"), "a…@example.org")
        self.assertEqual(throttle.mask_email(""), "")
        self.assertEqual(throttle.mask_email("user:12"), "u…")

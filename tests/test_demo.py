"""`gcmhub demo --port` / `make demo PORT=…`: the demo serves on the port given and the links in its
e-mails point at it."""

import re
from io import StringIO
from unittest import mock

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import SimpleTestCase, override_settings

from gcmhub.management.commands.demo import Command, served_address
from gcmhub.test import BaseTestCase

CONSOLE = "django.core.mail.backends.console.EmailBackend"


class ServedAddressTest(SimpleTestCase):
    def test_it_serves_on_8000_by_default(self):
        self.assertEqual(served_address(None, None), ("127.0.0.1:8000", "http://127.0.0.1:8000"))

    def test_it_serves_on_the_port_given(self):
        self.assertEqual(served_address(None, 8010), ("127.0.0.1:8010", "http://127.0.0.1:8010"))
        self.assertEqual(served_address("8020", None), ("127.0.0.1:8020", "http://127.0.0.1:8020"))

    def test_it_links_to_the_machine_itself_when_listening_everywhere(self):
        self.assertEqual(served_address("0.0.0.0:9000", None), ("0.0.0.0:9000", "http://127.0.0.1:9000"))


@mock.patch.object(Command, "load_knowledge")
@mock.patch.object(Command, "create_updates")
@mock.patch.object(Command, "create_accounts")
@mock.patch.object(Command, "import_seed")
@mock.patch("gcmhub.taxonomy.reference.load_reference_data", return_value={})
@mock.patch("gcmhub.management.commands.demo.call_command")
class DemoCommandTest(BaseTestCase):
    """The loading steps are mocked (each is tested where it lives); runserver is not started."""

    def _demo(self, *args) -> str:
        out = StringIO()
        call_command("demo", *args, stdout=out)
        return out.getvalue()

    def _reset_link(self) -> str:
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post("/en/accounts/password-reset/", {"email": self.alice.email})
        return re.search(r"https?://\S+", mail.outbox[-1].body).group(0)

    @override_settings(
        SITE_URL="http://127.0.0.1:8000", WAGTAILADMIN_BASE_URL="http://127.0.0.1:8000", EMAIL_BACKEND=CONSOLE
    )
    def test_it_serves_on_the_port_given_and_e_mails_link_to_it(self, runner, *mocks):
        out = self._demo("--port", "8010")

        runner.assert_any_call("runserver", "127.0.0.1:8010", use_reloader=False)
        self.assertIn("Serving on http://127.0.0.1:8010/", out)
        self.assertIn("printed here, in this terminal; their links start with http://127.0.0.1:8010.", out)
        self.assertEqual(settings.WAGTAILADMIN_BASE_URL, "http://127.0.0.1:8010")
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self.assertTrue(self._reset_link().startswith("http://127.0.0.1:8010/en/accounts/password-reset/"))

    @override_settings(SITE_URL="http://127.0.0.1:8000", EMAIL_BACKEND=CONSOLE)
    def test_it_serves_on_8000_without_a_port(self, runner, *mocks):
        self._demo()
        runner.assert_any_call("runserver", "127.0.0.1:8000", use_reloader=False)
        self.assertEqual(settings.SITE_URL, "http://127.0.0.1:8000")

    @override_settings(SITE_URL="https://demo.example.org", EMAIL_BACKEND=CONSOLE)
    def test_it_keeps_a_site_url_set_to_another_address(self, runner, *mocks):
        self._demo("--port", "8010")
        self.assertEqual(settings.SITE_URL, "https://demo.example.org")

    @override_settings(SITE_URL="http://127.0.0.1:8000", EMAIL_BACKEND=CONSOLE)
    def test_it_loads_without_serving(self, runner, *mocks):
        out = self._demo("--no-serve", "--port", "8010")
        self.assertNotIn(mock.call("runserver", mock.ANY, use_reloader=False), runner.mock_calls)
        self.assertNotIn("Serving on", out)

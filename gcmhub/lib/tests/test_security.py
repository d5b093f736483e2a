import io
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory, SimpleTestCase, TestCase, override_settings

from gcmhub.lib.security import DEV_SECRET_KEY, RequestSizeMiddleware, check_secret_key

ROOT = Path(__file__).resolve().parents[3]


class SecretKeyTests(SimpleTestCase):
    def test_it_accepts_a_random_key(self):
        check_secret_key(secrets.token_urlsafe(50))
        check_secret_key(secrets.token_hex(25))  # 50 hex digits: 16 distinct characters at most

    def test_it_refuses_weak_keys_with_a_clear_message(self):
        cases = {
            "": "must be set",
            None: "must be set",
            DEV_SECRET_KEY: "development key",
            "django-insecure-" + secrets.token_urlsafe(50): "development key",
            secrets.token_urlsafe(20): "too short",
            "ab" * 40: "too few distinct characters",
        }
        for key, message in cases.items():
            with self.subTest(key=key), self.assertRaisesMessage(ImproperlyConfigured, message):
                check_secret_key(key)


def run_with_production_settings(code: str, **env) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", tempfile.gettempdir()),
        "DJANGO_SETTINGS_MODULE": "gcmhub.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{Path(tempfile.gettempdir()) / 'gcmhub-deploy-check.sqlite3'}",
        "ALLOWED_HOSTS": "hub.example.org",
        **env,
    }
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


class ProductionSettingsTests(SimpleTestCase):
    def test_check_deploy_passes_with_no_warning(self):
        code = (
            "import django; django.setup(); from django.core.management import call_command; "
            "call_command('check', deploy=True, fail_level='WARNING')"
        )
        result = run_with_production_settings(code)
        self.assertEqual(result.returncode, 0, result.stderr + result.stdout)
        self.assertIn("no issues", result.stdout + result.stderr)

    def test_cookies_are_secure_httponly_and_lax(self):
        code = (
            "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps("
            "[s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SAMESITE,"
            " s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SECURE]))"
        )
        result = run_with_production_settings(code)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout), [True, True, "Lax", True, True, "Lax", True])

    def test_it_refuses_to_start_with_a_weak_secret_key(self):
        for key in (
            "",
            DEV_SECRET_KEY,
            "django-insecure-abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnop",
            "x" * 60,
        ):
            with self.subTest(key=key):
                result = run_with_production_settings("import django; django.setup()", SECRET_KEY=key)
                self.assertNotEqual(result.returncode, 0)
                self.assertIn("ImproperlyConfigured: SECRET_KEY", result.stderr)


class SecurityHeadersTests(TestCase):
    def test_the_site_has_a_strict_policy(self):
        r = self.client.get("/en/")
        csp = r["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
        self.assertEqual(directives["script-src"], "'self'")
        self.assertNotIn("unsafe", directives["script-src"])
        self.assertNotIn("unsafe", directives["style-src"])
        self.assertEqual(directives["object-src"], "'none'")
        self.assertEqual(directives["frame-ancestors"], "'none'")
        self.assertEqual(directives["base-uri"], "'none'")
        self.assertEqual(directives["form-action"], "'self'")
        self.assertIn("camera=()", r["Permissions-Policy"])
        self.assertIn("geolocation=()", r["Permissions-Policy"])
        self.assertEqual(r["Referrer-Policy"], "same-origin")
        self.assertEqual(r["Cross-Origin-Opener-Policy"], "same-origin")
        self.assertEqual(r["X-Content-Type-Options"], "nosniff")
        self.assertEqual(r["X-Frame-Options"], "DENY")

    def test_the_api_and_static_files_have_it_too(self):
        for url in ("/api/v1/objectives", "/api/v1/docs", "/static/css/gcmhub.css"):
            with self.subTest(url=url):
                self.assertIn("script-src 'self';", self.client.get(url)["Content-Security-Policy"])

    def test_the_cms_and_the_admin_have_their_own_policy(self):
        for url in ("/cms/login/", "/django-admin/login/"):
            with self.subTest(url=url):
                csp = self.client.get(url)["Content-Security-Policy"]
                self.assertIn("script-src 'self' 'unsafe-inline'", csp)
                self.assertIn("frame-ancestors 'self'", csp)
                self.assertIn("object-src 'none'", csp)

    @override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=True)
    def test_it_can_report_only(self):
        r = self.client.get("/en/")
        self.assertNotIn("Content-Security-Policy", r)
        self.assertIn("script-src 'self'", r["Content-Security-Policy-Report-Only"])

    def test_a_views_own_policy_is_kept(self):
        from gcmhub.lib.security import SecurityHeadersMiddleware

        def view(request):
            response = HttpResponse("file")
            response["Content-Security-Policy"] = "default-src 'none'; sandbox"
            return response

        response = SecurityHeadersMiddleware(view)(RequestFactory().get("/media/x.svg"))
        self.assertEqual(response["Content-Security-Policy"], "default-src 'none'; sandbox")


MB = 1024 * 1024


@override_settings(REQUEST_MAX_BODY_SIZE=2 * MB, DATA_UPLOAD_MAX_MEMORY_SIZE=1 * MB, FILE_UPLOAD_MAX_MEMORY_SIZE=MB)
class RequestSizeTests(TestCase):
    """A body over the limit answers 413 with a message, never a 500."""

    def test_a_form_over_the_memory_limit_is_413_with_a_page(self):
        r = self.client.post("/en/accounts/login/", {"username": "a@example.org", "password": "x" * (MB + 10)})
        self.assertContains(r, "What you sent is too large", status_code=413)
        self.assertContains(r, "1.0\xa0MB", status_code=413)

    def test_a_urlencoded_body_over_the_limit_is_refused_before_it_is_read(self):
        body = "password=" + "x" * (MB + 10)
        r = self.client.post("/en/accounts/login/", body, content_type="application/x-www-form-urlencoded")
        self.assertContains(r, "What you sent is too large", status_code=413)
        self.assertEqual(r["Connection"], "close")

    def test_the_page_is_translated(self):
        r = self.client.post("/fr/accounts/login/", {"password": "x" * (MB + 10)})
        self.assertContains(r, '<html lang="fr"', status_code=413)

    def test_too_many_fields_is_413_with_a_page(self):
        data = {f"field{n}": "1" for n in range(1100)}
        r = self.client.post("/en/accounts/login/", data)
        self.assertContains(r, "too many fields", status_code=413)

    def test_an_api_body_over_the_limit_is_413_json(self):
        body = json.dumps({"narrative": "x" * (MB + 10)})
        r = self.client.post("/api/v1/practices", body, content_type="application/json")
        self.assertEqual(r.status_code, 413)
        self.assertIn("too large", r.json()["detail"])

    def test_an_upload_over_the_limit_is_413_before_it_is_read(self):
        upload = io.BytesIO(b"%PDF-1.4" + b"x" * (2 * MB + 10))
        upload.name = "big.pdf"
        r = self.client.post("/en/hub/practices/new/", {"title": "Mine", "new_attachments": upload})
        self.assertContains(r, "What you sent is too large", status_code=413)
        self.assertContains(r, "2.0\xa0MB", status_code=413)

    def test_an_upload_under_the_limit_goes_through(self):
        upload = io.BytesIO(b"%PDF-1.4" + b"x" * (MB + 10))  # over the in-memory limit: files do not count
        upload.name = "fine.pdf"
        r = self.client.post("/en/accounts/login/", {"username": "a@example.org", "password": "x", "f": upload})
        self.assertEqual(r.status_code, 400)  # the login form's own answer

    def chunked_request(self, body: bytes, content_type="application/x-www-form-urlencoded"):
        request = RequestFactory().generic("POST", "/en/accounts/login/", b"", content_type=content_type)
        request.META.pop("CONTENT_LENGTH", None)
        request.META["CONTENT_TYPE"] = content_type
        request._set_content_type_params(request.META)
        request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
        request.META["wsgi.input_terminated"] = True
        request.META["wsgi.input"] = io.BytesIO(body)
        request._stream = io.BytesIO(b"")  # what Django makes of a body without Content-Length
        return request

    def test_a_chunked_body_that_grows_past_the_limit_is_413(self):
        request = self.chunked_request(b"password=" + b"x" * (MB + 10))
        seen = []
        response = RequestSizeMiddleware(lambda r: seen.append(r) or HttpResponse("ok"))(request)
        self.assertEqual(response.status_code, 413)
        self.assertFalse(seen)

    def test_a_chunked_body_under_the_limit_is_read(self):
        request = self.chunked_request(b"username=a%40example.org&password=secret")

        def view(r):
            return HttpResponse(r.POST["username"])

        response = RequestSizeMiddleware(view)(request)
        self.assertEqual(response.content, b"a@example.org")


class RedisSettingsTests(SimpleTestCase):
    def test_both_caches_live_in_redis_when_redis_url_is_set(self):
        code = (
            "import json, django; django.setup(); from django.core.cache import caches; "
            "print(json.dumps([type(caches[a]).__name__ for a in ('default', 'pages')]))"
        )
        result = run_with_production_settings(code, REDIS_URL="redis://127.0.0.1:6399/0")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout), ["RedisCache", "RedisCache"])

    def test_it_says_which_package_is_missing(self):
        # An interpreter where `import redis` fails: the start-up error names the extra to install.
        code = (
            "import sys; sys.modules['redis'] = None; import importlib.util; "
            "importlib.util.find_spec = (lambda f: lambda name, *a: None if name == 'redis' else f(name, *a))"
            "(importlib.util.find_spec); import django; django.setup()"
        )
        result = run_with_production_settings(code, REDIS_URL="redis://127.0.0.1:6399/0")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn('pip install "gcmhub[redis]"', result.stderr)

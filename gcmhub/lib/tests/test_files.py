import io
import re
import shutil
import tempfile
from types import SimpleNamespace
from unittest import mock
from urllib.parse import parse_qs, urlsplit

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage
from django.http import Http404
from django.test import RequestFactory, SimpleTestCase, override_settings

from gcmhub.lib import files
from gcmhub.lib.files import UnguessablePath, content_disposition, serve_file
from gcmhub.lib.tests.samples import GOOD


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


class UnguessablePathTests(SimpleTestCase):
    def test_it_puts_a_random_folder_before_the_original_name(self):
        upload_to = UnguessablePath("resources/%Y/%m/")
        first, second = upload_to(None, "Rapport annuel.pdf"), upload_to(None, "Rapport annuel.pdf")
        self.assertRegex(first, r"^resources/\d{4}/\d{2}/[A-Za-z0-9_-]{22}/Rapport annuel\.pdf$")
        self.assertNotEqual(first, second)

    def test_it_keeps_only_the_last_part_of_a_path_the_browser_sent(self):
        self.assertTrue(UnguessablePath("evidence/")(None, "C:\\Users\\me\\report.pdf").endswith("/report.pdf"))
        self.assertNotIn("..", UnguessablePath("evidence/")(None, "../../etc/passwd"))

    def test_it_is_serialisable_for_migrations(self):
        self.assertEqual(UnguessablePath("a/").deconstruct(), ("gcmhub.lib.files.UnguessablePath", ("a/",), {}))
        self.assertEqual(UnguessablePath("a/"), UnguessablePath("a/"))


class ContentDispositionTests(SimpleTestCase):
    def test_it_gives_an_ascii_name_and_the_utf8_name(self):
        self.assertEqual(
            content_disposition("Rapport d’activité 2024.pdf"),
            "attachment; filename=\"Rapport dactivite 2024.pdf\"; filename*=UTF-8''Rapport%20d%E2%80%99activit%C3%A9%202024.pdf",
        )

    def test_it_says_inline_only_when_asked(self):
        self.assertEqual(
            content_disposition("a.pdf", inline=True), "inline; filename=\"a.pdf\"; filename*=UTF-8''a.pdf"
        )
        self.assertEqual(content_disposition("a.pdf"), "attachment; filename=\"a.pdf\"; filename*=UTF-8''a.pdf")

    def test_it_cannot_be_broken_by_quotes_or_line_breaks(self):
        value = content_disposition('x"; filename="evil.html\r\n.pdf')
        self.assertNotIn("\r", value)
        self.assertNotIn("\n", value)
        self.assertEqual(value.count('"'), 2)
        self.assertIn("filename*=UTF-8''", value)

    def test_it_keeps_the_extension_of_a_name_without_latin_letters(self):
        self.assertTrue(content_disposition("报告.pdf").startswith('attachment; filename="download.pdf"'))


class ServeFileTestCase(SimpleTestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="gcmhub-files-test-")
        self.addCleanup(shutil.rmtree, self.root)
        self.storage = FileSystemStorage(location=self.root)
        self.factory = RequestFactory()
        cache.clear()

    def stored(self, name: str, data: bytes):
        saved = self.storage.save(name, ContentFile(data))
        return SimpleNamespace(name=saved, storage=self.storage)

    def get(self, file, method="get", public=False, **headers):
        request = getattr(self.factory, method)("/files/x", headers=headers)
        return serve_file(request, file, public=public)


class ServeFileHeadersTests(ServeFileTestCase):
    def test_it_serves_a_pdf_inline_with_its_sniffed_type(self):
        response = self.get(self.stored("a/tok/report.pdf", GOOD["pdf"]), public=True)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(body(response), GOOD["pdf"])
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(
            response["Content-Disposition"], "inline; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"
        )
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Content-Security-Policy"], "default-src 'none'")
        self.assertEqual(response["Cache-Control"], "public, max-age=600")
        self.assertEqual(response["Content-Length"], str(len(GOOD["pdf"])))
        self.assertEqual(response["Accept-Ranges"], "bytes")

    def test_it_sends_every_other_format_as_a_sandboxed_attachment(self):
        for extension, media_type in (
            ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("csv", "text/plain"),
            ("zip", "application/zip"),
        ):
            with self.subTest(extension=extension):
                response = self.get(self.stored(f"a/tok/file.{extension}", GOOD[extension]))
                self.assertEqual(response["Content-Type"], media_type)
                self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
                self.assertEqual(response["Content-Security-Policy"], "default-src 'none'; sandbox")

    def test_it_shows_raster_images_inline(self):
        for extension in ("png", "jpg", "gif", "webp"):
            with self.subTest(extension=extension):
                response = self.get(self.stored(f"a/tok/picture.{extension}", GOOD[extension]))
                self.assertTrue(response["Content-Type"].startswith("image/"))
                self.assertTrue(response["Content-Disposition"].startswith("inline;"))

    def test_it_never_trusts_the_name_of_an_old_unchecked_file(self):
        cases = {
            "photo.png": b"<html><script>alert(1)</script></html>",
            "logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "page.html": b"<html><body>hi</body></html>",
            "setup.pdf": b"MZ\x90\x00\x03",
        }
        for name, data in cases.items():
            with self.subTest(name=name):
                response = self.get(self.stored(f"legacy/{name}", data), public=True)
                self.assertEqual(response["Content-Type"], "application/octet-stream")
                self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
                self.assertEqual(response["Content-Security-Policy"], "default-src 'none'; sandbox")
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")

    def test_it_keeps_private_files_out_of_every_cache(self):
        response = self.get(self.stored("a/tok/draft.pdf", GOOD["pdf"]), public=False)
        self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_it_names_the_download_after_the_original_filename(self):
        response = self.get(self.stored("a/Xyz123/Plan d'action.docx", GOOD["docx"]))
        self.assertIn('filename="Plan d\'action.docx"', response["Content-Disposition"])

    def test_it_answers_404_for_a_file_missing_from_storage(self):
        with self.assertRaises(Http404):
            self.get(SimpleNamespace(name="a/tok/gone.pdf", storage=self.storage))
        with self.assertRaises(Http404):
            self.get(SimpleNamespace(name="", storage=self.storage))

    def test_it_refuses_other_methods(self):
        self.assertEqual(self.get(self.stored("a/tok/a.pdf", GOOD["pdf"]), method="post").status_code, 405)

    def test_it_sniffs_a_file_once(self):
        file = self.stored("a/tok/once.pdf", GOOD["pdf"])
        with mock.patch.object(files, "sniff", wraps=files.sniff) as sniff:
            self.get(file)
            self.get(file)
        self.assertEqual(sniff.call_count, 1)


class ServeFileConditionalTests(ServeFileTestCase):
    def test_it_answers_head_without_a_body(self):
        response = self.get(self.stored("a/tok/a.pdf", GOOD["pdf"]), method="head")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"")
        self.assertEqual(response["Content-Length"], str(len(GOOD["pdf"])))
        self.assertEqual(response["Content-Type"], "application/pdf")

    def test_it_answers_304_to_a_matching_etag(self):
        file = self.stored("a/tok/a.pdf", GOOD["pdf"])
        etag = self.get(file)["ETag"]
        response = self.get(file, If_None_Match=etag)
        self.assertEqual(response.status_code, 304)
        self.assertEqual(response["ETag"], etag)

    def test_it_serves_a_byte_range(self):
        data = bytes(range(256)) * 4
        file = self.stored("a/tok/data.zip", GOOD["zip"] + data)
        whole = GOOD["zip"] + data
        size = len(whole)
        for header, (start, end) in (
            ("bytes=0-9", (0, 9)),
            ("bytes=100-", (100, size - 1)),
            ("bytes=-10", (size - 10, size - 1)),
            (f"bytes=5-{size + 100}", (5, size - 1)),
        ):
            with self.subTest(range=header):
                response = self.get(file, Range=header)
                self.assertEqual(response.status_code, 206)
                self.assertEqual(body(response), whole[start : end + 1])
                self.assertEqual(response["Content-Range"], f"bytes {start}-{end}/{size}")
                self.assertEqual(response["Content-Length"], str(end - start + 1))
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")

    def test_it_answers_416_to_a_range_past_the_end(self):
        file = self.stored("a/tok/a.pdf", GOOD["pdf"])
        response = self.get(file, Range=f"bytes={len(GOOD['pdf'])}-")
        self.assertEqual(response.status_code, 416)
        self.assertEqual(response["Content-Range"], f"bytes */{len(GOOD['pdf'])}")

    def test_it_sends_the_whole_file_for_ranges_it_does_not_serve(self):
        file = self.stored("a/tok/a.pdf", GOOD["pdf"])
        for header, extra in (("bytes=0-1,4-5", {}), ("items=0-5", {}), ("bytes=0-5", {"If_Range": '"stale"'})):
            with self.subTest(range=header):
                response = self.get(file, Range=header, **extra)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(body(response), GOOD["pdf"])


class ServeMethodTests(ServeFileTestCase):
    @override_settings(FILE_SERVE_METHOD="x-sendfile")
    def test_it_hands_the_file_to_apache_with_x_sendfile(self):
        file = self.stored("a/tok/rapport été.pdf", GOOD["pdf"])
        response = self.get(file)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"")
        path = f"{self.root}/a/tok/rapport été.pdf"
        self.assertEqual(response["X-Sendfile"].encode("latin-1"), path.encode())  # UTF-8 bytes on the wire
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertIn("filename*=UTF-8''rapport%20%C3%A9t%C3%A9.pdf", response["Content-Disposition"])

    @override_settings(FILE_SERVE_METHOD="x-accel-redirect", FILE_ACCEL_REDIRECT_PREFIX="/internal/media/")
    def test_it_hands_the_file_to_nginx_with_x_accel_redirect(self):
        file = self.stored("a/tok/notes.txt", GOOD["txt"])
        response = self.get(file)
        self.assertEqual(response.content, b"")
        self.assertEqual(response["X-Accel-Redirect"], "/internal/media/a/tok/notes.txt")
        accented = self.get(self.stored("a/tok/compte rendu été.txt", GOOD["txt"]))
        self.assertEqual(accented["X-Accel-Redirect"], "/internal/media/a/tok/compte%20rendu%20%C3%A9t%C3%A9.txt")
        self.assertEqual(response["Content-Type"], "text/plain")
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertNotIn("X-Sendfile", response)

    @override_settings(FILE_SERVE_METHOD="x-accel-redirect")
    def test_it_checks_conditions_before_handing_over(self):
        file = self.stored("a/tok/a.pdf", GOOD["pdf"])
        etag = self.get(file)["ETag"]
        self.assertEqual(self.get(file, If_None_Match=etag).status_code, 304)


class RemoteStorage(Storage):
    """An object storage as the serving code sees it: no local path, signed URLs with parameters."""

    def __init__(self, data: dict[str, bytes]):
        self.data = data
        self.signed = []

    def _open(self, name, mode="rb"):
        return ContentFile(self.data[name], name=name)

    def exists(self, name):
        return name in self.data

    def size(self, name):
        return len(self.data[name])

    def url(self, name, parameters=None, expire=None):
        self.signed.append((name, parameters, expire))
        return f"https://objects.example.org/bucket/{name}?signature=abc"


class RemoteStorageTests(ServeFileTestCase):
    def remote(self, name, data):
        storage = RemoteStorage({name: data})
        return SimpleNamespace(name=name, storage=storage), storage

    @override_settings(FILE_SERVE_METHOD="redirect", FILE_URL_EXPIRY=120)
    def test_it_redirects_to_a_short_lived_signed_url_that_carries_the_headers(self):
        file, storage = self.remote("practices/2025/01/tok/annexe.pdf", GOOD["pdf"])
        response = self.get(file, public=False)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            response["Location"], "https://objects.example.org/bucket/practices/2025/01/tok/annexe.pdf?signature=abc"
        )
        self.assertEqual(response["Cache-Control"], "private, no-store")
        name, parameters, expire = storage.signed[0]
        self.assertEqual(expire, 120)
        self.assertEqual(
            parameters,
            {
                "ResponseContentType": "application/pdf",
                "ResponseContentDisposition": "inline; filename=\"annexe.pdf\"; filename*=UTF-8''annexe.pdf",
                "ResponseCacheControl": "private, no-store",
            },
        )

    @override_settings(FILE_SERVE_METHOD="redirect")
    def test_it_names_an_unrecognised_object_an_opaque_download(self):
        file, storage = self.remote("resources/2025/01/tok/page.png", b"<html><script>alert(1)</script></html>")
        self.get(file)
        parameters = storage.signed[0][1]
        self.assertEqual(parameters["ResponseContentType"], "application/octet-stream")
        self.assertTrue(parameters["ResponseContentDisposition"].startswith("attachment;"))

    @override_settings(FILE_SERVE_METHOD="django")
    def test_it_streams_from_object_storage_when_not_redirecting(self):
        file, storage = self.remote("evidence/2025/tok/report.pdf", GOOD["pdf"])
        response = self.get(file)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(body(response), GOOD["pdf"])
        self.assertEqual(storage.signed, [])


@override_settings(
    FILE_SERVE_METHOD="redirect",
    STORAGES={
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "gcmhub-test",
                "endpoint_url": "https://s3.example.org",
                "region_name": "eu-west-1",
                "access_key": "AKIAEXAMPLE",
                "secret_key": "secret-example",
                "signature_version": "s3v4",
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    FILE_URL_EXPIRY=300,
)
class S3StorageTests(ServeFileTestCase):
    """django-storages' S3 backend signs URLs locally: no request leaves the machine."""

    def test_it_redirects_to_a_presigned_s3_url(self):
        from django.core.files.storage import default_storage

        file = SimpleNamespace(name="resources/2025/01/tok/Rapport été.pdf", storage=default_storage)
        with mock.patch.object(files, "stored_format", return_value="pdf"):  # reading would need the network
            response = self.get(file, public=True)
        self.assertEqual(response.status_code, 302)
        url = urlsplit(response["Location"])
        self.assertEqual((url.scheme, url.netloc), ("https", "s3.example.org"))
        self.assertEqual(url.path, "/gcmhub-test/resources/2025/01/tok/Rapport%20%C3%A9t%C3%A9.pdf")
        query = parse_qs(url.query)
        self.assertEqual(query["X-Amz-Expires"], ["300"])
        self.assertEqual(query["response-content-type"], ["application/pdf"])
        self.assertEqual(
            query["response-content-disposition"],
            ["inline; filename=\"Rapport ete.pdf\"; filename*=UTF-8''Rapport%20%C3%A9t%C3%A9.pdf"],
        )
        self.assertEqual(query["response-cache-control"], ["public, max-age=600"])
        self.assertTrue(re.fullmatch(r"[0-9a-f]{64}", query["X-Amz-Signature"][0]))
        self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_it_reads_an_object_once_to_tell_its_format(self):
        from django.core.files.storage import default_storage

        file = SimpleNamespace(name="resources/2025/01/tok/table.csv", storage=default_storage)
        with mock.patch.object(default_storage, "open", return_value=io.BytesIO(GOOD["csv"])) as opened:
            self.get(file)
            self.get(file)
        self.assertEqual(opened.call_count, 1)
        self.assertEqual(self.get(file).status_code, 302)

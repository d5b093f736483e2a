"""Old /media/ links for Wagtail images, and the JSON API taking no file at all."""

import io
import json

from django.core.files.base import ContentFile
from django.test import TestCase
from PIL import Image as PillowImage
from wagtail.images import get_image_model

from gcmhub.api.snapshot import committed_schema_text

Image = get_image_model()


class ImageMediaTests(TestCase):
    def test_it_serves_wagtail_images_publicly_and_only_raster_ones_inline(self):
        png = io.BytesIO()
        PillowImage.new("RGB", (2, 2), "white").save(png, "PNG")
        image = Image.objects.create(title="Logo", width=2, height=2, file=ContentFile(png.getvalue(), name="logo.png"))
        response = self.client.get(f"/media/{image.file.name}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertTrue(response["Content-Disposition"].startswith("inline;"))
        self.assertEqual(response["Cache-Control"], "public, max-age=600")
        self.assertEqual(self.client.get("/media/original_images/unknown.png").status_code, 404)


class ApiUploadTests(TestCase):
    def test_the_api_takes_no_file(self):
        """Files reach the site only through the forms that check them: no endpoint accepts one."""
        schema = json.loads(committed_schema_text())
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                content = operation.get("requestBody", {}).get("content", {})
                with self.subTest(path=path, method=method):
                    self.assertEqual(set(content) - {"application/json"}, set())
                    self.assertNotIn('"format": "binary"', json.dumps(content))

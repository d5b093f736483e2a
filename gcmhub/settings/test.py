import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="gcmhub-test-media-"))
FILE_SERVE_METHOD = "django"
WHITENOISE_AUTOREFRESH = True
LANGUAGE_CODE = "en"
SEARCH_INDEX_DIR = Path(tempfile.mkdtemp(prefix="gcmhub-test-search-"))
UPLOAD_STASH_ROOT = Path(tempfile.mkdtemp(prefix="gcmhub-test-stash-"))

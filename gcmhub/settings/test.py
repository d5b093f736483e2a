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
# The shared "default" cache in memory (tests); the page cache in the test database, created by
# gcmhub/pagecache's migration, and off except in the tests that turn it on (every other test
# counts the queries of the views themselves).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "gcmhub_page_cache"},
}
PAGE_CACHE_ENABLED = False
API_CHECK_RESPONSES = True  # every fast-path API answer validated against its schema (gcmhub/api/responses.py)
PAGE_CACHE_VERSION = "test"

from gcmhub.lib.env import env_bool, env_str

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = env_bool("DEBUG", True)
# Development: a template edited while the server runs must show at once, so no page cache unless
# asked for (PAGE_CACHE_ENABLED=True); the shared caches stay as in production.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", not DEBUG)
# Development checks every fast-path API answer against its schema (gcmhub/api/responses.py).
API_CHECK_RESPONSES = env_bool("API_CHECK_RESPONSES", DEBUG)
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
STORAGES = {
    **STORAGES,  # uploads on S3 in development too when S3_BUCKET is set
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
VAR_DIR.mkdir(parents=True, exist_ok=True)

try:
    # Optional overrides on a developer's machine; not in the repository.
    from .local import *  # type: ignore[import-not-found]  # noqa: F403
except ImportError:
    pass

# Run background tasks in-process in development so e-mails show on the console at once.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

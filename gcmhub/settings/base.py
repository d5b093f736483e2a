"""Settings shared by every environment. The environment is read only in this package."""

import importlib.util
from pathlib import Path
from typing import Any, Literal

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from gcmhub.lib.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("GCMHUB_VAR_DIR") or BASE_DIR / "var")

SECRET_KEY = env_secret("SECRET_KEY", "dev-only-insecure-key-change-me")  # refused by production.py
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "gcmhub",
    "gcmhub.accounts",
    "gcmhub.taxonomy",
    "gcmhub.workplan",
    "gcmhub.knowledge",
    "gcmhub.consultations",
    "gcmhub.translations",
    "gcmhub.site",
    "gcmhub.search",
    "gcmhub.notifications",
    "gcmhub.api",
    "gcmhub.pagecache",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First, so that whatever answers an error under /api/ (the middleware below it, Django), the
    # client gets the API's JSON error object.
    "gcmhub.api.middleware.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "gcmhub.lib.security.SecurityHeadersMiddleware",  # CSP, Permissions-Policy (also on static files)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gcmhub.lib.security.RequestSizeMiddleware",  # 413 before anything reads the body
    # Anonymous pages from the shared cache, before sessions, users and CSRF (gcmhub/pagecache).
    "gcmhub.pagecache.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # NUL refused, other control characters removed from every query string and form body.
    "gcmhub.lib.textinput.TextInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gcmhub.accounts.middleware.SessionTimeoutMiddleware",
    "gcmhub.lib.throttle.ThrottleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "gcmhub.urls"
WSGI_APPLICATION = "gcmhub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gcmhub" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gcmhub.accounts.context_processors.roles",
                "gcmhub.context_processors.chrome",
                "gcmhub.notifications.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'gcmhub.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the one writer work side by side; see docs/deploy.md.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["gcmhub.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "me"  # the personal page (gcmhub/site/views_personal.py)
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish")), ("ar", _("Arabic"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# One date format, one date-time format (with its zone), numbers and percentages per language:
# gcmhub/formats/<code>/formats.py, read before Django's own (decision 1303). Numbers shown to
# readers are grouped ("1,234", "1 234"); a number a machine reads in a template (an id, a URL,
# an input's value, a data- attribute) takes `|unlocalize`.
FORMAT_MODULE_PATH = ["gcmhub.formats"]
USE_THOUSAND_SEPARATOR = True

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_SITE_NAME = "gcmhub"
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# No avatars from gravatar.com: nothing is loaded from another site (privacy, CSP, air-gapped use).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False  # the CMS dashboard would call releases.wagtail.org
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip", "md"]
# Documents are checked by content on upload (gcmhub.documents.DocumentForm) and always served at
# Wagtail's serve address, where collection privacy applies before gcmhub.documents sends the bytes.
WAGTAILDOCS_DOCUMENT_FORM_BASE = "gcmhub.documents.DocumentForm"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "static_collected")
STATICFILES_DIRS = [BASE_DIR / "gcmhub" / "static"]
# Uploaded files are checked by content when they arrive and served only by views that check
# permission (gcmhub.lib.files, docs/deploy.md "Uploaded files"). Nothing serves MEDIA_ROOT
# itself: /media/<name> is kept for old links and maps a stored name to the object it belongs to.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# S3-compatible object storage (pip install gcmhub[s3]): a private bucket; files reach users
# through pre-signed URLs handed out after the permission check.
S3_BUCKET = env_str("S3_BUCKET")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_secret("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_secret("S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("S3_PREFIX", ""),
            "addressing_style": env_str("S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env_int("FILE_URL_EXPIRY", 300),
            "file_overwrite": False,
            # Objects fetched without our pre-signed parameters are opaque downloads, never a page.
            "object_parameters": {"ContentType": "application/octet-stream", "ContentDisposition": "attachment"},
        },
    }
# Who sends a file's bytes once the permission check has passed: "django" (the app streams it),
# "x-sendfile" (Apache mod_xsendfile), "x-accel-redirect" (an nginx internal location at
# FILE_ACCEL_REDIRECT_PREFIX), or "redirect" (a pre-signed object-storage URL valid FILE_URL_EXPIRY s).
FILE_SERVE_METHOD = env_str("FILE_SERVE_METHOD") or ("redirect" if S3_BUCKET else "django")
FILE_ACCEL_REDIRECT_PREFIX = env_str("FILE_ACCEL_REDIRECT_PREFIX") or "/protected-media/"
FILE_URL_EXPIRY = env_int("FILE_URL_EXPIRY", 300)
if FILE_SERVE_METHOD not in ("django", "x-sendfile", "x-accel-redirect", "redirect"):
    raise ImproperlyConfigured(
        f"FILE_SERVE_METHOD must be django, x-sendfile, x-accel-redirect or redirect, not {FILE_SERVE_METHOD!r}"
    )
if S3_BUCKET and FILE_SERVE_METHOD in ("x-sendfile", "x-accel-redirect"):
    raise ImproperlyConfigured(f"FILE_SERVE_METHOD={FILE_SERVE_METHOD} needs files on a local disk, not S3_BUCKET.")
# Bodies Django reads into memory (forms without files, JSON): larger ones answer 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The largest request with files (multipart): the biggest legitimate one is a practice with
# attachments of 25 MB each, so five of them plus the form. Larger bodies answer 413
# (gcmhub.lib.security.RequestSizeMiddleware); set the proxy's limit (nginx client_max_body_size)
# a little above it.
REQUEST_MAX_BODY_SIZE = env_int("REQUEST_MAX_BODY_SIZE", 130 * 1024 * 1024)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "gcmhub <no-reply@gcmhub.localhost>")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Caches shared by every worker process (docs/deploy.md, "Caches"). "default": login throttles and
# other small shared counters, a table in the database. "pages": whole pages for anonymous readers
# (gcmhub/pagecache), files beside the database (measured faster than the database cache on a
# machine, docs/performance.md). With REDIS_URL both live in Redis, shared by every machine.
REDIS_URL = env_str("REDIS_URL")
PAGE_CACHE_DIR = Path(env_str("PAGE_CACHE_DIR") or VAR_DIR / "page-cache")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    if importlib.util.find_spec("redis") is None:
        raise ImproperlyConfigured(
            'REDIS_URL is set but the redis package is not installed: pip install "gcmhub[redis]".'
        )
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pages",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "gcmhub_cache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        },
        "pages": {
            "BACKEND": "gcmhub.pagecache.backends.PageFileCache",
            "LOCATION": str(PAGE_CACHE_DIR),
            "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_MAX_ENTRIES", 5000), "CULL_EVERY": 100},
        },
    }

# Validate every fast-path API answer against its response schema too (gcmhub/api/responses.py):
# on in the tests and in development with DEBUG; a cost production does not pay.
API_CHECK_RESPONSES = env_bool("API_CHECK_RESPONSES", False)

# bench/http.py's reference pages (/bench/bare/, /bench/template/): only for benchmarks.
BENCH_PAGES = env_bool("GCMHUB_BENCH_PAGES", False)

# The page cache (gcmhub/pagecache, docs/performance.md "Page cache").
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
PAGE_CACHE_ALIAS = "pages"
# Seconds a CDN may keep a page without asking again (Cache-Control s-maxage). 0 keeps the promise
# that no reader gets a page older than the last committed change: the CDN revalidates (a 304).
PAGE_CACHE_CDN_MAX_AGE = env_int("PAGE_CACHE_CDN_MAX_AGE", 0)
# Identifies the release in the keys; empty: a digest of the code, templates and translations.
PAGE_CACHE_VERSION = env_str("PAGE_CACHE_VERSION", "")
PAGE_CACHE_TIMEOUT = 24 * 3600
PAGE_CACHE_MAX_BYTES = 2_000_000
# Bounds on what visitors can make the cache hold, per generation of the content: stored
# query-string variants per path, and 404 pages per view.
PAGE_CACHE_QUERY_VARIANTS = env_int("PAGE_CACHE_QUERY_VARIANTS", 200)
PAGE_CACHE_NOT_FOUND_VARIANTS = 100
PAGE_CACHE_MAX_QUERY_LENGTH = 512
PAGE_CACHE_MAX_QUERY_PARAMS = 20
# Content apps: a save, delete or many-to-many change of any of their models (or an announced
# bulk write) bumps the app's generation and so refreshes every cached page that shows the app.
PAGE_CACHE_APPS = ["taxonomy", "accounts", "workplan", "knowledge", "consultations", "wagtailredirects"]
# Always in the key: a redirect added in the CMS turns a cached 404 into a redirect.
PAGE_CACHE_GLOBAL_SCOPES = ["wagtailredirects"]
# Models whose changes no cacheable page shows.
# Moderation records: flags, the log, appeals and mutes show on signed-in pages only.
PAGE_CACHE_IGNORED_MODELS: list[str] = [
    "consultations.Flag",
    "consultations.ModerationAction",
    "consultations.Appeal",
    "consultations.Restriction",
    # Who downloaded an attendee list: shown on the organisers' page only.
    "consultations.RegistrationExport",
]
# Models whose changes count in a scope of their own, shown only by the parts that name it: tool
# feedback (the Secretariat's results only, and anonymous visitors write it: counting it in
# "knowledge" would let anyone empty the cache of every Hub page).
# Discussion topics in a scope of their own: a resource's page links the topics it summarises (or
# whose tool it is) without depending on every comment posted.
# Event registrations in a scope of their own: only the events' pages show them (seats left), so a
# registration refreshes those and no other page.
PAGE_CACHE_OWN_SCOPES = {
    "knowledge.ToolFeedback": "toolfeedback",
    "consultations.Topic": "discussiontopics",
    "consultations.Registration": "eventregistrations",
    # Events in a scope of their own too: the home page lists the next ones without depending on
    # every comment posted.
    "consultations.Event": "events",
    "consultations.EventSeries": "events",
    "consultations.Speaker": "events",
    "consultations.EventNotice": "events",
}
# Saves that change no page: a sign-in's last_login; a new account shows nowhere until it acts.
PAGE_CACHE_IGNORED_FIELDS = {"accounts.User": ["last_login", "unread_notifications", "__created__"]}
# Views of other apps served from the cache ({"namespace:name" or "namespace:*": scopes or None
# for all}); views of their own opt in with @pagecache.cacheable.
PAGE_CACHE_VIEWS = {
    "workplan:*": None,
    "api-v1:*": None,
    "feeds:*": None,
    "knowledge_feeds:*": None,
}
# Moments at which pages change by the passage of time alone (besides midnight): a cached page
# expires at the earliest.
PAGE_CACHE_CLOCKS = [
    "gcmhub.knowledge.models.next_call_change",
    "gcmhub.consultations.models.next_topic_change",
    "gcmhub.consultations.models.next_event_change",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Sign-up verification links stay valid this long (seconds).
ACCOUNT_VERIFICATION_MAX_AGE = 3 * 24 * 3600
# Activities due within this many days appear in the weekly digest.
WORKPLAN_DIGEST_DAYS = 30

# Imports (work plan, Hub): at most this many rows of a CSV/XLSX/JSON file or paragraphs of a
# work-plan document; reading stops there with a message.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000)
# ZIP containers (XLSX, DOCX) from uploads are checked before anything is inflated (lib/archives.py).
IMPORT_ZIP_MAX_MEMBERS = 1000
IMPORT_ZIP_MAX_INFLATED_BYTES = 100 * 1024 * 1024
IMPORT_ZIP_MAX_RATIO = 100
# Uploads kept between an import's upload, preview and confirmation (lib/stash.py): a private
# folder outside MEDIA_ROOT (or STORAGES["stash"] when configured), entries expire after
# UPLOAD_STASH_MAX_AGE seconds; `gcmhub prune-upload-stash` deletes expired ones (cron, hourly).
UPLOAD_STASH_ROOT = Path(env_str("UPLOAD_STASH_ROOT") or VAR_DIR / "stash")
UPLOAD_STASH_MAX_AGE = env_int("UPLOAD_STASH_MAX_AGE", 24 * 3600)
UPLOAD_STASH_MAX_BYTES = 20 * 1024 * 1024
UPLOAD_STASH_MAX_PER_USER = 10

# Search (gcmhub.search): "tantivy" (an index directory beside the database) or "postgres"
# (full text in the default database, which must then be PostgreSQL).
SEARCH_BACKEND = env_str("SEARCH_BACKEND", "tantivy")
SEARCH_INDEX_DIR = Path(env_str("SEARCH_INDEX_DIR") or VAR_DIR / "search-index")

# Security (docs/deploy.md, "Security settings") -----------------------------------------------

# Proxies in front of the app that append the client's address to X-Forwarded-For (nginx with
# `proxy_add_x_forwarded_for`, a load balancer...). 0: use REMOTE_ADDR and ignore the header,
# which anyone can send. Used for throttling and security logs.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)


def _throttle_rates(text: str | None) -> dict[str, dict[str, str]]:
    """THROTTLE_RATES="login.account=10/15m,signup.address=10/1h" overrides gcmhub.lib.throttle's defaults."""
    rates: dict[str, dict[str, str]] = {}
    for item in (text or "").split(","):
        if item.strip():
            name, _sep, rate = item.partition("=")
            scope, _dot, kind = name.strip().partition(".")
            rates.setdefault(scope, {})[kind] = rate.strip()
    return rates


THROTTLE_RATES = _throttle_rates(env_str("THROTTLE_RATES"))
# POSTs to views we do not own, throttled by gcmhub.lib.throttle.ThrottleMiddleware:
# URL name -> (scope, POST field or URL argument naming the account, "check" | "hit").
# Sign-in failures are counted by the authentication backend; "check" answers 429 once over.
THROTTLED_VIEWS = {
    "wagtailadmin_login": ("login", "username", "check"),
    "admin:login": ("login", "username", "check"),
    "wagtailadmin_password_reset": ("password_reset", "email", "hit"),
    "wagtaildocs_authenticate_with_password": ("login", "restriction_id", "hit"),
}

# Sessions: signed out after SESSION_IDLE_TIMEOUT seconds without a request, and SESSION_MAX_AGE
# seconds after signing in whatever the activity (gcmhub.accounts.middleware).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 2 * 3600)
SESSION_MAX_AGE = env_int("SESSION_MAX_AGE", 12 * 3600)
SESSION_COOKIE_AGE = SESSION_MAX_AGE
# Django's database sessions, the per-request read compiled once (gcmhub/accounts/sessions.py).
SESSION_ENGINE = "gcmhub.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE: Literal["Lax", "Strict", "None"] = "Lax"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy of the site: no inline script or style, nothing from another origin
# (page templates hold no style="..." attribute: tests/test_interface.py keeps it so).
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "media-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-src": ["'none'"],
    "worker-src": ["'none'"],
    "manifest-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
}
# The Wagtail CMS and the Django admin ship inline scripts and styles, and the CMS previews pages
# in a frame of its own: a looser policy on their paths only (staff only, behind sign-in).
CONTENT_SECURITY_POLICY_ADMIN = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "media-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "frame-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    "frame-ancestors": ["'self'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
CONTENT_SECURITY_POLICY_ADMIN_PATHS = ["/cms/", "/django-admin/"]
CONTENT_SECURITY_POLICY_REPORT_ONLY = env_bool("CONTENT_SECURITY_POLICY_REPORT_ONLY", False)
# Browser features the site does not use, denied to it and to any frame.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

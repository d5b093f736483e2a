"""Settings shared by every environment. The environment is read only in this package."""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from gcmhub.lib.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("GCMHUB_VAR_DIR") or BASE_DIR / "var")

SECRET_KEY = env_secret("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "gcmhub",
    "gcmhub.accounts",
    "gcmhub.taxonomy",
    "gcmhub.workplan",
    "gcmhub.knowledge",
    "gcmhub.search",
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
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous pages from the shared cache, before sessions, users and CSRF (gcmhub/pagecache).
    "gcmhub.pagecache.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_SITE_NAME = "gcmhub"
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip", "md"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "static_collected")
STATICFILES_DIRS = [BASE_DIR / "gcmhub" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

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
if REDIS_URL:
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
PAGE_CACHE_APPS = ["taxonomy", "accounts", "workplan", "knowledge", "wagtailredirects"]
# Always in the key: a redirect added in the CMS turns a cached 404 into a redirect.
PAGE_CACHE_GLOBAL_SCOPES = ["wagtailredirects"]
# Models whose changes no cacheable page shows: tool feedback (the Secretariat's results only,
# and anonymous visitors write it: counting it would let anyone empty the cache).
PAGE_CACHE_IGNORED_MODELS = ["knowledge.ToolFeedback"]
# Saves that change no page: a sign-in's last_login; a new account shows nowhere until it acts.
PAGE_CACHE_IGNORED_FIELDS = {"accounts.User": ["last_login", "__created__"]}
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
PAGE_CACHE_CLOCKS = ["gcmhub.knowledge.models.next_call_change"]

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

# Search (gcmhub.search): "tantivy" (an index directory beside the database) or "postgres"
# (full text in the default database, which must then be PostgreSQL).
SEARCH_BACKEND = env_str("SEARCH_BACKEND", "tantivy")
SEARCH_INDEX_DIR = Path(env_str("SEARCH_INDEX_DIR") or VAR_DIR / "search-index")

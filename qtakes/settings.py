"""qtakes settings: one file, read from the environment (see .env.example)."""

import os
from pathlib import Path

import dj_database_url
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if DEBUG:
    # Development only: production never falls back to a known key or to "*".
    SECRET_KEY = SECRET_KEY or "django-insecure-development-only-key"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    # Django's deploy check's rule, enforced: a guessable key lets anyone forge sessions and signed values.
    if (
        len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
        or len(set(SECRET_KEY)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or SECRET_KEY.startswith(SECRET_KEY_INSECURE_PREFIX)
    ):
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY is too weak: it needs at least {SECRET_KEY_MIN_LENGTH} characters, "
            f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} of them different, and must not start with "
            f"'{SECRET_KEY_INSECURE_PREFIX}'. Make one with: python -c 'from django.core.management.utils "
            "import get_random_secret_key; print(get_random_secret_key())'"
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")
    if any("*" in host for host in ALLOWED_HOSTS):
        # "*" accepts any Host header, which then reaches absolute links (canonical urls, password resets).
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must name the site's hosts (.example.com covers its subdomains): "
            "'*' is refused when DJANGO_DEBUG is off."
        )

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "QuickTakes")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin with the content team's site: the site's name, a dashboard, the SEO report.
    "articles.editorial.apps.QtakesAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "axes",
    "reversion",
    "django_tasks",
    "django_tasks_db",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "articles.site.middleware.SecurityHeadersMiddleware",
    "articles.site.cache.PageCacheMiddleware",
    # Inside the page cache: a cached page is kept compressed, once per encoding (issue 20).
    "articles.site.compression.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Merged or renamed keywords' and subjects' pages answer 301 to the page that took their place.
    "articles.editorial.aliases.OldSlugRedirectMiddleware",
]

ROOT_URLCONF = "qtakes.urls"
WSGI_APPLICATION = "qtakes.wsgi.application"

TEMPLATES = [
    {
        # The public pages (templates/): Jinja2 renders the article page's template in 0.3 ms, where the
        # Django template language took 0.7-0.8 ms, 40% of the page's time (README, Performance).
        # Everything under templates/ is Jinja2: an override of an admin template would go in an app's
        # templates/ folder, which only the second engine reads.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "articles.site.templating.environment",
            # The staff banner ("Draft - not public") comes from the editorial tools, which the site does
            # not import: named here.
            "context_processors": [
                "articles.site.context_processors.site",
                "articles.editorial.context.staff_banner",
            ],
        },
    },
    {
        # The admin's own templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers serve pages while an import writes; the busy timeout makes
    # writers wait for each other instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # JIT compilation costs hundreds of ms on short page queries and never pays back here. lz4
    # compresses the long text columns several times faster than the default pglz (an import's writes).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c default_toast_compression=lz4"
    # A server that does not answer fails a request (and /readyz) in seconds rather than hanging it.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)

# PostgreSQL: articles.prepared's page queries run as prepared statements (the article page in-process:
# 3.1 -> 1.8 ms). Off behind a pooler that cannot keep them: PgBouncer in transaction mode before 1.22,
# or without max_prepared_statements.
PREPARED_STATEMENTS = os.environ.get("DATABASE_PREPARED_STATEMENTS", "on") != "off"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "qtakes"),
            # The page cache is an optimisation: a Redis that is down or hangs must cost a page a
            # quarter of a second at most (then the cache is skipped for a while), never the page.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
# A user from one address: locking by address alone would let anyone behind the same proxy or NAT lock
# every editor out, and by username alone would let anyone lock out any editor from anywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "articles.editorial.admin.client_address"


def meta_header(name):
    """``X-Forwarded-For`` or ``HTTP_X_FORWARDED_FOR`` -> the request.META key, ``HTTP_X_FORWARDED_FOR``."""
    key = name.strip().upper().replace("-", "_")
    return key if not key or key.startswith("HTTP_") or key == "REMOTE_ADDR" else f"HTTP_{key}"


# Where the client's address is when trusted proxies stand in front (the load balancer appends the address
# it saw to X-Forwarded-For), and how many of them do. Unset: REMOTE_ADDR only, since a header the client
# can send itself is never trusted by default.
TRUSTED_PROXY_HEADER = meta_header(os.environ.get("DJANGO_TRUSTED_PROXY_HEADER", ""))
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "1"))
if TRUSTED_PROXY_COUNT < 1:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_COUNT is the number of proxies in front: at least 1.")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TAGGIT_CASE_INSENSITIVE = True

# Security headers; the CSP itself is set by articles.site.middleware.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
BEHIND_TLS_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool(
    "DJANGO_SECURE_COOKIES", BEHIND_TLS_PROXY or SITE_URL.startswith("https://")
)
if BEHIND_TLS_PROXY:
    # Served over TLS only: plain http is redirected, and browsers are told to never try it again.
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # the load balancer may check over plain http
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)

# Social cards (articles.site.cards): drawn on first request or by `manage.py make_cards`, kept here.
QTAKES_CARDS_DIR = os.environ.get("QTAKES_CARDS_DIR", str(BASE_DIR / "media" / "cards"))

# Import limits (see articles.source).
QTAKES_MAX_FILE_BYTES = int(os.environ.get("QTAKES_MAX_FILE_BYTES", str(256 * 1024)))
# Uploads in the admin (articles.editorial.uploads): the largest upload, refused from its Content-Length
# before it is read; the most files one holds; the most its files may unpack to, and the highest ratio of
# unpacked to compressed size an entry may have (real files compress 3-6 times; a bomb, thousands).
QTAKES_MAX_UPLOAD_BYTES = int(os.environ.get("QTAKES_MAX_UPLOAD_BYTES", str(200 * 1024 * 1024)))
QTAKES_MAX_UPLOAD_FILES = int(os.environ.get("QTAKES_MAX_UPLOAD_FILES", "100000"))
QTAKES_MAX_UNPACKED_BYTES = int(os.environ.get("QTAKES_MAX_UNPACKED_BYTES", str(1024 * 1024 * 1024)))
# off: imports keep no revisions (only to measure what keeping them costs: bench/admin_import_bench.py).
QTAKES_IMPORT_REVISIONS = os.environ.get("QTAKES_IMPORT_REVISIONS", "on").lower() != "off"
QTAKES_MAX_COMPRESSION_RATIO = int(os.environ.get("QTAKES_MAX_COMPRESSION_RATIO", "100"))
# Uploaded files past 2.5 MB stream to a temporary file, never into memory; the upload form itself
# counts its own size (above), so Django's limit on the other fields stays at its default. Several .md
# files may be chosen at once: up to this many.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = int(os.environ.get("QTAKES_MAX_UPLOAD_MD_FILES", "5000"))

# Background work (imports from the admin, undo): Django's tasks framework through the django-tasks
# backport, queued in the database (django-tasks-db), so SQLite alone suffices and every instance shares
# one queue. `manage.py db_worker` runs them; `make run` starts one.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
PAGE_CACHE = os.environ.get("PAGE_CACHE", "on").lower() != "off"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

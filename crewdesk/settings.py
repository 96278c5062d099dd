"""Crewdesk settings: one file, every knob from the environment (see README "Configuration")."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
DATA_DIR = Path(env.str("CREWDESK_DATA_DIR", default="var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """In production the key must be given; in development one is made once and kept."""
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for a development key).")
    key_file = DATA_DIR / "secret_key"
    try:
        # Created private and exclusively: two processes starting together share one key.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "crewdesk.core",
    "crewdesk.accounts",
    "crewdesk.clients",
    "crewdesk.properties",
    "crewdesk.jobs",
    "crewdesk.billing",
    "crewdesk.payments",
    "crewdesk.notifications",
    "crewdesk.api",
    "crewdesk.portal",
    "crewdesk.dashboard",
    "crewdesk.sampledata",  # the top floor: no product module imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "crewdesk.core.middleware.NoNulCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "crewdesk.accounts.middleware.SessionExpiryMiddleware",
    "crewdesk.accounts.middleware.CurrentMembershipMiddleware",
    "crewdesk.core.formats.CompanyFormatsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "crewdesk.core.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "crewdesk.urls"
WSGI_APPLICATION = "crewdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "crewdesk.core.context_processors.crewdesk",
            ],
            # Every template has the shared filters (|day, |clock, |moment, |money, |country).
            "builtins": ["crewdesk.core.templatetags.crewdesk"],
        },
    },
]

# --- database: DATABASE_URL, default a SQLite file under the data dir ---
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'crewdesk.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- users and login ---
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# A login lasts SESSION_COOKIE_AGE at most, and ends sooner when left unused for
# SESSION_IDLE_TIMEOUT (accounts/middleware.py).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 24 * 14)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=60 * 60 * 24 * 3)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LOGIN_CODE_TTL_SECONDS = 10 * 60
LOGIN_CODE_MAX_TRIES = 5
# Code requests allowed per username and per client address in one window.
LOGIN_THROTTLE_PER_USERNAME = env.int("LOGIN_THROTTLE_PER_USERNAME", default=5)
LOGIN_THROTTLE_PER_ADDRESS = env.int("LOGIN_THROTTLE_PER_ADDRESS", default=20)
LOGIN_THROTTLE_WINDOW_SECONDS = 15 * 60
# One account's codes are capped at LOGIN_THROTTLE_PER_USERNAME per address and this many times
# that in all, so that strangers' requests cannot use up the account owner's own.
LOGIN_THROTTLE_ADDRESSES_PER_USER = 3
# Wrong codes for one account, counted across its codes: after 10, code login pauses for 15
# minutes, and again every 5 more failures for twice as long (up to a day); a quiet week
# forgives them, a successful login clears them (accounts/login.py).
LOGIN_LOCKOUT_AFTER = 10
LOGIN_LOCKOUT_STEP = 5
LOGIN_LOCKOUT_FIRST_PAUSE = timedelta(minutes=15)
LOGIN_LOCKOUT_FORGET = timedelta(days=7)
# How many reverse proxies (nginx, a load balancer) stand in front and append to
# X-Forwarded-For: the client is the entry the outermost one appended (accounts/addresses.py).
# TRUST_X_FORWARDED_FOR=1 is the older spelling of one proxy.
TRUSTED_PROXIES = env.int(
    "TRUSTED_PROXIES", default=1 if env.bool("TRUST_X_FORWARDED_FOR", default=False) else 0
)

# --- time and language ---
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="UTC")

# --- static and uploaded files ---
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(DATA_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing one
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(DATA_DIR / "media"))
# Uploaded files are private (under MEDIA_ROOT/private/, served by no URL but permission-checked
# views). Job photos and documents and note files are checked by crewdesk/core/uploads.py
# against these limits; README's table says why each default is what it is.
CREWDESK_MAX_UPLOAD_MB = env.int("CREWDESK_MAX_UPLOAD_MB", default=20)
CREWDESK_MAX_IMAGE_MEGAPIXELS = env.int("CREWDESK_MAX_IMAGE_MEGAPIXELS", default=25)
CREWDESK_UPLOAD_FILES_PER_REQUEST = env.int("CREWDESK_UPLOAD_FILES_PER_REQUEST", default=10)
CREWDESK_UPLOAD_MEGAPIXELS_PER_REQUEST = env.int(
    "CREWDESK_UPLOAD_MEGAPIXELS_PER_REQUEST", default=150
)
CREWDESK_UPLOAD_FILES_PER_USER_DAY = env.int("CREWDESK_UPLOAD_FILES_PER_USER_DAY", default=300)
CREWDESK_UPLOAD_MEGAPIXELS_PER_USER_DAY = env.int(
    "CREWDESK_UPLOAD_MEGAPIXELS_PER_USER_DAY", default=4000
)
CREWDESK_UPLOAD_MB_PER_COMPANY_DAY = env.int("CREWDESK_UPLOAD_MB_PER_COMPANY_DAY", default=2000)
CREWDESK_COMPANY_STORAGE_GB = env.float("CREWDESK_COMPANY_STORAGE_GB", default=0)
# The first handler stops keeping a part past those limits while the request is read.
FILE_UPLOAD_HANDLERS = [
    "crewdesk.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Dotted path of a class with geocode(address) -> (lat, lon) | None, asked for a property's
# coordinates when none are typed in (properties/geocoding.py). None is called by default.
CREWDESK_GEOCODER = env.str("CREWDESK_GEOCODER", default="")
# In production static files get hashed names (cached forever) and need `collectstatic` first.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

# --- email ---
vars().update(
    env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
)
# With DEBUG, the dev outbox page (/dev/outbox/) reads a copy of each email kept here, since
# the message log redacts login codes once they are sent.
DEV_OUTBOX_DIR = DATA_DIR / "dev-outbox"
if DEBUG:
    DEV_OUTBOX_INNER_BACKEND = EMAIL_BACKEND  # noqa: F821 - set by env.email_url above
    EMAIL_BACKEND = "crewdesk.notifications.backends.DevOutboxBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Crewdesk <no-reply@localhost>")
# Days the communication log keeps an email before `crewdesk cleanup` deletes it; 0 keeps it
# (it is part of each client's history). Login-code emails go after 30 days regardless.
MESSAGE_RETENTION_DAYS = env.int("MESSAGE_RETENTION_DAYS", default=0)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- background work: CREWDESK_TASKS=immediate runs in-process, db queues for db_worker ---
CREWDESK_TASKS = env.str("CREWDESK_TASKS", default="immediate" if DEBUG else "db")
if CREWDESK_TASKS not in {"immediate", "db"}:
    raise ImproperlyConfigured("CREWDESK_TASKS must be 'immediate' or 'db'.")
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if CREWDESK_TASKS == "immediate"
        else "django_tasks_db.DatabaseBackend",
    }
}

# --- payments ---
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Stripe.js needs the account's publishable key (pk_...) to show the Payment Element.
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
# The company (its slug) the installation's Stripe account serves; the only company when empty.
STRIPE_COMPANY = env.str("STRIPE_COMPANY", default="")
# Another address for Stripe's API and Stripe.js: a local stand-in in tests.
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
STRIPE_JS_URL = env.str("STRIPE_JS_URL", default="https://js.stripe.com/v3/")

# --- security ---
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Believed only from a declared proxy: without one, any client could claim to be on HTTPS.
if TRUSTED_PROXIES > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS is on unless DEBUG; HTTPS=0 is for a production install reached over plain HTTP
# on a private network (check --deploy then warns, rightly).
HTTPS = env.bool("HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_client_error_tracebacks": {"()": "crewdesk.core.logs.NoTracebackForClientErrors"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_client_error_tracebacks"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own handlers would print its records a second time (they reach root too).
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
        # Run in the request, each task's "running"/"successful" lines are noise; the worker
        # (CREWDESK_TASKS=db) keeps them.
        "django_tasks": {"level": "WARNING" if CREWDESK_TASKS == "immediate" else "INFO"},
        # WeasyPrint tells each step of each PDF ("Step 5 - Creating layout - Page 2").
        "weasyprint.progress": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 200

"""Crewdesk settings: one file, every knob from the environment (see README "Configuration")."""

import os
import secrets
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
    "crewdesk.notifications",
    "crewdesk.api",
    "crewdesk.portal",
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
    "crewdesk.accounts.middleware.CurrentMembershipMiddleware",
    "crewdesk.core.formats.CompanyFormatsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 24 * 14)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LOGIN_CODE_TTL_SECONDS = 10 * 60
LOGIN_CODE_MAX_TRIES = 5
# Code requests allowed per username and per client address in one window.
LOGIN_THROTTLE_PER_USERNAME = env.int("LOGIN_THROTTLE_PER_USERNAME", default=5)
LOGIN_THROTTLE_PER_ADDRESS = env.int("LOGIN_THROTTLE_PER_ADDRESS", default=20)
LOGIN_THROTTLE_WINDOW_SECONDS = 15 * 60
# Set when a trusted proxy (nginx, a load balancer) puts the client address in X-Forwarded-For.
TRUST_X_FORWARDED_FOR = env.bool("TRUST_X_FORWARDED_FOR", default=False)

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
# views). Job photos and documents larger than this are refused (checked before reading them).
CREWDESK_MAX_UPLOAD_MB = env.int("CREWDESK_MAX_UPLOAD_MB", default=20)
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
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Crewdesk <no-reply@localhost>")
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

# --- security ---
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
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
    },
}

NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 200

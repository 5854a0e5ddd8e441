"""Settings for CPEG Manager.

Everything is here; values that differ between machines come from the
environment (see ``.env.example``). There are no production-only settings
files: production is this file with production environment values.
"""

from pathlib import Path

import environ
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Off unless asked for: `make run` sets DJANGO_DEBUG=true for the demo.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The default key is only for development (DJANGO_DEBUG on) and tests;
# anywhere else SECRET_KEY must be set, or the site refuses to start.
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG and not env.bool("DJANGO_ALLOW_DEV_SECRET_KEY", default=False):
        raise ImproperlyConfigured("Set SECRET_KEY (a long random string) in the environment.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "simple_history",
    "axes",
    "csp",
    "rules",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "cpeg.core",
    "cpeg.accounts",
    "cpeg.groups",
    "cpeg.agreements",
    "cpeg.activities",
    "cpeg.monitoring",
    "cpeg.funding",
    "cpeg.notifications",
    "cpeg.reporting",
    "cpeg.public",
    "cpeg.api",
    "cpeg.scrutiny",
    "cpeg.consultations",
    "cpeg.membership",
    "cpeg.reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: refuses one over REQUEST_BODY_MAX_BYTES.
    "cpeg.core.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Renews a signed-in session on each request (an idle timeout, not a
    # fixed one) and ends one older than SESSION_MAX_AGE: core.sessions.
    "cpeg.core.sessions.SlidingSessionMiddleware",
    # Cache-Control on signed-in pages, Permissions-Policy on every page.
    "cpeg.core.middleware.SecurityHeadersMiddleware",
    # Officers and managers (and anyone who turned it on) give a code from
    # their authenticator app before any other page.
    "cpeg.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A form sent after the session ended keeps what was typed until the
    # person signs in again: core.signed_out.
    "cpeg.core.signed_out.SignedOutPostMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Must be last: it turns lockouts raised during sign-in into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cpeg.core.context_processors.navigation",
            ],
        },
    },
]

# SQLite by default (the embedded demo database); production and CI set
# DATABASE_URL, e.g. postgres://user:password@127.0.0.1:5432/cpeg
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite cannot lock rows: a writing transaction takes the database's
    # write lock when it begins (IMMEDIATE) and a second writer waits for it
    # (up to 20 s) instead of failing with "database is locked" (a 500).
    #
    # Write-ahead logging: the web server's readers never wait for the
    # worker's writes (an import, the email queue), and a write appends its
    # pages to the log once instead of copying the old ones to a journal
    # first. With it, "synchronous=NORMAL" cannot corrupt the database; a
    # power cut may lose the last transactions committed before it.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses sign-in while an account is locked out.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "cpeg.accounts.backends.PasswordBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

# Throttling of failed sign-ins (django-axes): 5 failures for one username
# from one address locks that pair out for an hour, and
# AXES_ADDRESS_FAILURE_LIMIT failures from one address, whatever the
# usernames, lock that address out for the same hour (the handler in
# cpeg/accounts/throttling.py adds that second limit).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "cpeg.accounts.throttling.SignInThrottleHandler"
AXES_CLIENT_IP_CALLABLE = "cpeg.accounts.throttling.client_ip"
# Behind a TLS-terminating proxy every request arrives from the proxy: the
# client's address is then read from the X-Forwarded-For entry the nearest
# PROXY_COUNT proxies added (never from one the client could have written).
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
PROXY_COUNT = env.int("PROXY_COUNT", default=1)

# Two-factor sign-in (TOTP codes from an authenticator app, with recovery
# codes): required of officers and managers, who hold every group's
# records; anyone else may turn it on for their own account. On unless
# DEBUG: the demo (`make run`) turns it off so its made-up officer accounts
# can be tried without an authenticator app (docs/security.md).
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = "CPEG Manager"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded documents (constitutions, minutes, newsletters): size cap in bytes.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
# The largest request body accepted at all (an upload and its form): larger
# ones get 413 before anything reads them. Set the proxy's limit to match
# (docs/deploy.md).
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=UPLOAD_MAX_BYTES + 1024 * 1024)
# An uploaded XLSX is a zip of XML: no part of it may unpack to more than
# this (a 5,000-row activity import is about 4MB), so a small file cannot
# hold a sheet that takes minutes to read. See cpeg/core/spreadsheets.py.
SPREADSHEET_MAX_UNCOMPRESSED_BYTES = env.int("SPREADSHEET_MAX_UNCOMPRESSED_BYTES", default=16 * 1024 * 1024)

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Email goes to the console unless EMAIL_BACKEND names another backend
# (e.g. django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST etc.).
MAILERS = {
    "default": {
        "BACKEND": env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"),
        "OPTIONS": {
            key: value
            for key, value in {
                "host": env("EMAIL_HOST", default=None),
                "port": env.int("EMAIL_PORT", default=None),
                "username": env("EMAIL_HOST_USER", default=None),
                "password": env("EMAIL_HOST_PASSWORD", default=None),
                "use_tls": env.bool("EMAIL_USE_TLS", default=None),
            }.items()
            if value is not None
        },
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="cpeg-manager@localhost")

# Background tasks (django.tasks): queued in the database and run by a
# separate worker, `python manage.py db_worker` (`make run` starts one
# beside the web server). Emails such as password resets are sent there,
# off the request.
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

# Caches. "default" is each process's own memory (the API's rate limits).
# "shared" is one cache for every app server, a table in the database
# (`manage.py createcachetable`, run by `make run` and `make scale-data`;
# run it once on deploy): what is kept between requests and must be the
# same on every server, such as the monitoring dashboard's index
# (docs/adr/0008-scaling.md).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cpeg_cache"},
}

# Security. Defaults are safe for production; `make run` (DEBUG) relaxes the
# cookie and HTTPS settings because the demo is served over plain HTTP.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SESSION_COOKIE_HTTPONLY = True
# Sessions slide (core.sessions): one ends SESSION_COOKIE_AGE seconds after
# the person's last request (an hour idle), renewed at most once every
# SESSION_REFRESH_SECONDS; none lasts longer than SESSION_MAX_AGE however
# busy. Pages warn SESSION_WARNING_SECONDS before the end, with a "Stay
# signed in" button (static/js/timeout.mjs).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60)
SESSION_MAX_AGE = env.int("SESSION_MAX_AGE", default=12 * 60 * 60)
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=60)
SESSION_WARNING_SECONDS = env.int("SESSION_WARNING_SECONDS", default=5 * 60)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Browser features no page here uses, turned off for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), fullscreen=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# The site's public address, for links in emails (reminders, notices).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# The authority's name as shown in the header and on letters.
AUTHORITY_NAME = env("AUTHORITY_NAME", default="Police Authority")
SERVICE_NAME = "CPEG Manager"

# 360Giving open data: the identifier prefix the authority registered with
# 360Giving, and its own organisation identifier (org-id.guide).
THREESIXTYGIVING_PREFIX = env("THREESIXTYGIVING_PREFIX", default="360G-cpeg-demo")
THREESIXTYGIVING_FUNDER_ID = env("THREESIXTYGIVING_FUNDER_ID", default=f"{THREESIXTYGIVING_PREFIX}-FUNDER")

# The open data API (cpeg/api): calls per address for the public endpoints,
# per token (or signed-in person) for the partner endpoints.
API_RATES = {"public": env("API_RATE_PUBLIC", default="120/min"), "partner": env("API_RATE_PARTNER", default="600/min")}
# django-ninja's throttles find the caller's address as the sign-in
# throttle does: behind the TLS proxy, from the header it writes.
NINJA_NUM_PROXIES = PROXY_COUNT if BEHIND_TLS_PROXY else 0

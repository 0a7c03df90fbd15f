"""Sunlight settings: one module, driven by the environment.

Production mode (``DJANGO_DEBUG`` unset or false) refuses to start without a
``SECRET_KEY`` and ``ALLOWED_HOSTS``; the embedded default (``python dev.py serve``)
sets ``DJANGO_DEBUG=1`` and runs on SQLite with tasks executed in-process. The offline tools
(``OFFLINE_COMMANDS``) serve no request and sign nothing a user holds: they run as the README shows
them, on a fresh clone with no settings at all.
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SUNLIGHT_VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from exc


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
OFFLINE_COMMANDS = {
    "scan_provenance",
    "score_automation",
    "export_statements",
    "transparency_refresh",
    "traffic_rebuild",
}
_COMMAND = sys.argv[1] if len(sys.argv) > 1 and Path(sys.argv[0]).name == "manage.py" else ""
if not DEBUG and not SECRET_KEY and _COMMAND in OFFLINE_COMMANDS:
    # A throwaway key for this one process: nothing it signs outlives it or reaches a user.
    SECRET_KEY = secrets.token_urlsafe(50)
if not DEBUG:
    # Production must be configured on purpose: no fallback key, no wildcard host.
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG is off.")
    if not ALLOWED_HOSTS and _COMMAND not in OFFLINE_COMMANDS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")
else:
    SECRET_KEY = SECRET_KEY or "django-insecure-sunlight-development-only-key"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "accounts.apps.SignInAddressesConfig",
    "allauth.mfa",
    "allauth.headless",
    "csp",
    "django_prometheus",
    # Ours, in dependency order: core <- accounts <- appeals <- notes <- portal.
    "core",
    "accounts",
    "appeals",
    "notes",
    "portal",
]

MIDDLEWARE = [
    "core.observability.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.UploadSizeGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffMfaRequiredMiddleware",
    "core.middleware.PrivateResponsesMiddleware",
    "core.middleware.DomainErrorPageMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "csp.context_processors.nonce",
                "portal.context_processors.site",
                "accounts.context_processors.notifications",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/sunlight; default: a SQLite file.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'sunlight.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    # A runaway query is stopped instead of holding a connection (and a web worker) indefinitely.
    _statement_timeout_ms = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 30_000)
    if _statement_timeout_ms > 0:
        _db_options["options"] = f"-c statement_timeout={_statement_timeout_ms}"
    # psycopg's connection pool per process (Django 5.1+); persistent connections are the default.
    _pool_size = env_int("DATABASE_POOL_MAX_SIZE", 0)
    if _pool_size > 0:
        _db_options["pool"] = {
            "min_size": min(env_int("DATABASE_POOL_MIN_SIZE", 1), _pool_size),
            "max_size": _pool_size,
            "timeout": env_float("DATABASE_POOL_TIMEOUT_SECONDS", 10.0),
        }
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the dev server and an in-process task read while another writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions --------------------------------------------------------
# REDIS_CACHE_URL enables the state instances share: the cache (rate limits, render locks), sessions
# (read from Redis, kept in the database too, so a Redis restart signs nobody out; core.sessions) and
# impression counters. A Redis outage is a cache miss, logged, never a 500 (django-redis IGNORE_EXCEPTIONS).
REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL", "")
if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": env_float("REDIS_CONNECT_TIMEOUT_SECONDS", 1.0),
                "SOCKET_TIMEOUT": env_float("REDIS_TIMEOUT_SECONDS", 1.0),
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    SESSION_ENGINE = "core.sessions"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Confirming in the browser that signed up signs the creator in (no second password prompt).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Sunlight] "
# allauth's defaults, spelled out: they are part of the product (issue: login and signup limits).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "signup": "20/m/ip",
    # bandit B105 is a false positive here: a rate, not a password.
    "reset_password": "20/m/ip,5/m/key",  # nosec B105
    "confirm_email": "1/180s/key",
}

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Sunlight"

HEADLESS_CLIENTS = ("app",)
HEADLESS_SERVE_SPECIFICATION = True
# allauth ships CDN-based pages for its specification; ours serves Swagger UI locally.
HEADLESS_SPECIFICATION_TEMPLATE_NAME = "headless/spec/swagger_local.html"
HEADLESS_FRONTEND_URLS = {
    # Links in emails sent to mobile users open the server-rendered pages.
    "account_confirm_email": "/accounts/confirm-email/{key}/",
    # bandit B105 is a false positive here: a URL.
    "account_reset_password_from_key": "/accounts/password/reset/key/{key}/",  # nosec B105
    "account_signup": "/accounts/signup/",
}

# --- Client addresses -----------------------------------------------------------
# How many reverse proxies in front of Sunlight append to X-Forwarded-For. 0 (the default): the
# header is ignored and rate limits key on the connecting address, so a client cannot pick its own.
# One setting for DRF's throttles and allauth's login/sign-up limits.
SUNLIGHT_TRUSTED_PROXIES = env_int("SUNLIGHT_TRUSTED_PROXIES", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = SUNLIGHT_TRUSTED_PROXIES

# --- REST API -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.authentication.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/min"),
        "user": os.environ.get("API_THROTTLE_USER", "600/min"),
        "uploads": os.environ.get("API_THROTTLE_UPLOADS", "60/hour"),
        # Original-size downloads (a full decode when a label state is first rendered).
        "downloads": os.environ.get("API_THROTTLE_DOWNLOADS", "300/hour"),
        # Comments and likes per user, browser and API alike.
        "interactions": os.environ.get("API_THROTTLE_INTERACTIONS", "30/min"),
        # Reports per user: enough for a real reader, not for a flood.
        "reports": os.environ.get("API_THROTTLE_REPORTS", "20/hour"),
    },
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON everywhere; the upload endpoints declare multipart themselves.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.NewestFirstCursor",
    "PAGE_SIZE": 20,
    "NUM_PROXIES": SUNLIGHT_TRUSTED_PROXIES,
    # The browsable API is a development aid; production answers JSON only.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sunlight API",
    "DESCRIPTION": (
        "The creator API of Sunlight. Authenticate through allauth headless "
        "(`/_allauth/app/v1/auth/login`) and send the session token as `X-Session-Token`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "/static/img/sunlight.svg",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.schema.document_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "DegreeEnum": "notes.models.Degree",
        "NoteStateEnum": "notes.models.Note.State",
        "VideoStatusEnum": "notes.models.NoteVideo.Status",
        "DecisionStateEnum": "appeals.models.Decision.State",
        "AppealStateEnum": "appeals.models.Appeal.State",
        "AutomationEnum": "appeals.models.Automation",
        "DecisionKindEnum": "appeals.models.Decision.Kind",
        "DecisionEventKindEnum": "appeals.models.DecisionEvent.Kind",
        "DecisionSourceEnum": "appeals.models.Decision.Source",
        "LabelSourceEnum": "notes.models.Label.Source",
        "LabelKindEnum": "notes.models.Label.Kind",
    },
}

# --- Celery -------------------------------------------------------------------
# Without CELERY_BROKER_URL tasks run in-process (the embedded default).
SUNLIGHT_TASKS_IN_PROCESS = not os.environ.get("CELERY_BROKER_URL")
# In-process mode never touches a broker; "memory://" keeps Celery from looking for one on localhost.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "memory://localhost/"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or (
    None if SUNLIGHT_TASKS_IN_PROCESS else CELERY_BROKER_URL
)
CELERY_TASK_ALWAYS_EAGER = SUNLIGHT_TASKS_IN_PROCESS
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "sunlight")
CELERY_TASK_EAGER_PROPAGATES = True
# Separate queues, so a flood of uploads never delays a password-reset mail and a long video never
# holds up scans (README "Workers": a worker per queue). Every task is routed; a test keeps it so.
SUNLIGHT_QUEUES = {
    "scans": os.environ.get("CELERY_SCANS_QUEUE", "scans"),
    "media": os.environ.get("CELERY_MEDIA_QUEUE", "media"),
    "mail": os.environ.get("CELERY_MAIL_QUEUE", "mail"),
    "periodic": os.environ.get("CELERY_PERIODIC_QUEUE", "periodic"),
}
SUNLIGHT_TASK_QUEUES = {
    # Provenance scans and signed display copies: quick, one per upload.
    "notes.tasks.scan_image": "scans",
    "notes.tasks.sign_display": "scans",
    "notes.tasks.scan_video": "scans",
    "notes.tasks.apply_provenance": "scans",
    # Transcoding: slow and CPU-bound.
    "notes.tasks.process_video": "media",
    # What a person waits for: sign-up and password-reset mail, decision and appeal notices.
    "accounts.tasks.deliver_email": "mail",
    "appeals.tasks.notify_decision": "mail",
    "appeals.tasks.notify_appeal": "mail",
    # The scheduler's work.
    "core.tasks.resend_outbox": "periodic",
    "notes.tasks.traffic_tick": "periodic",
    "notes.tasks.videos_resume": "periodic",
    "notes.tasks.automation_scan": "periodic",
    "appeals.tasks.expire_decisions": "periodic",
    "accounts.tasks.purge_stale_signups": "periodic",
    "portal.tasks.clear_expired_sessions": "periodic",
    "portal.tasks.dsa_statements_submit": "periodic",
    "portal.tasks.transparency_refresh": "periodic",
}
CELERY_TASK_ROUTES = {task: {"queue": SUNLIGHT_QUEUES[kind]} for task, kind in SUNLIGHT_TASK_QUEUES.items()}
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "portal.tasks.clear_expired_sessions",
        "schedule": crontab(minute=17, hour=3),
    },
    "purge-stale-signups": {
        "task": "accounts.tasks.purge_stale_signups",
        "schedule": crontab(minute=41, hour=3),
    },
    # Work promised by committed transactions that the broker did not take (it was down).
    "resend-outbox": {"task": "core.tasks.resend_outbox", "schedule": timedelta(minutes=1)},
    # Impressions into daily rows, boosts delivered or ended, timed traffic factors rebuilt.
    "traffic-tick": {"task": "notes.tasks.traffic_tick", "schedule": timedelta(minutes=1)},
    # Videos whose processing was lost (the message) or died (the worker) are sent again.
    "videos-resume": {"task": "notes.tasks.videos_resume", "schedule": timedelta(minutes=10)},
    # Accounts active in the window are scored for automation; cases open for staff.
    "automation-scan": {"task": "notes.tasks.automation_scan", "schedule": timedelta(hours=1)},
    # Timed decisions end on schedule (readers already honour ends_at before this runs).
    "expire-decisions": {
        "task": "appeals.tasks.expire_decisions",
        "schedule": timedelta(minutes=env_int("SUNLIGHT_EXPIRY_INTERVAL_MINUTES", 5)),
    },
    # New statements of reasons to the DSA Transparency Database (nothing without an endpoint).
    "dsa-statements-submit": {
        "task": "portal.tasks.dsa_statements_submit",
        "schedule": timedelta(minutes=env_int("SUNLIGHT_DSA_INTERVAL_MINUTES", 5)),
    },
    # The public transparency report's figures, aggregated into stored snapshots.
    "transparency-refresh": {
        "task": "portal.tasks.transparency_refresh",
        "schedule": timedelta(minutes=env_int("SUNLIGHT_TRANSPARENCY_INTERVAL_MINUTES", 60)),
    },
}
SUNLIGHT_STALE_SIGNUP_AGE = timedelta(days=env_int("SUNLIGHT_STALE_SIGNUP_DAYS", 14))

# --- Email --------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Sunlight <no-reply@sunlight.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation -------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Original upload bytes, kept untouched for provenance, are never served by URL.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "originals": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# SUNLIGHT_STORAGE=s3: media in two buckets of an S3-compatible store (core.storage; README "Production").
SUNLIGHT_STORAGE = os.environ.get("SUNLIGHT_STORAGE", "local")
if SUNLIGHT_STORAGE not in ("local", "s3"):
    raise ImproperlyConfigured(f"SUNLIGHT_STORAGE must be local or s3, got {SUNLIGHT_STORAGE!r}")
SUNLIGHT_S3 = {
    # How long a presigned URL (a private file, or a draft's copy) may be used.
    "PRESIGN_SECONDS": env_int("SUNLIGHT_S3_PRESIGN_SECONDS", 60),
    # A published note's copy: the browser keeps it under its URL; a removal takes effect within this.
    "PUBLIC_PRESIGN_SECONDS": env_int("SUNLIGHT_S3_PUBLIC_PRESIGN_SECONDS", 3600),
}
if SUNLIGHT_STORAGE == "s3":
    from boto3.s3.transfer import TransferConfig
    from botocore.config import Config as BotocoreConfig

    _s3 = {
        "endpoint_url": os.environ.get("SUNLIGHT_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("SUNLIGHT_S3_REGION", "us-east-1"),
        "access_key": os.environ.get("SUNLIGHT_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("SUNLIGHT_S3_SECRET_ACCESS_KEY") or None,
        "addressing_style": os.environ.get("SUNLIGHT_S3_ADDRESSING_STYLE", "path"),
        "signature_version": "s3v4",
        # A store that hangs fails fast instead of holding the note's row lock and a web worker.
        "client_config": BotocoreConfig(
            connect_timeout=env_float("SUNLIGHT_S3_CONNECT_TIMEOUT_SECONDS", 3.0),
            read_timeout=env_float("SUNLIGHT_S3_READ_TIMEOUT_SECONDS", 30.0),
            retries={"max_attempts": 2, "mode": "standard"},
            signature_version="s3v4",
            s3={"addressing_style": os.environ.get("SUNLIGHT_S3_ADDRESSING_STYLE", "path")},
        ),
        # A file read from the store (a scan of a 200 MB original) spills to disk past this size.
        "max_memory_size": env_int("SUNLIGHT_S3_MAX_MEMORY_MB", 8) * 1024 * 1024,
        # A download whose bytes stop coming is not tried again by s3transfer (its default is five
        # times); botocore's two attempts above still cover a request that got no answer. A stalled
        # store costs a request at most two read time-outs before its 503.
        "transfer_config": TransferConfig(num_download_attempts=1),
    }

    def _cdn_signing() -> dict:
        key_id = os.environ.get("SUNLIGHT_S3_CDN_KEY_ID", "")
        key_file = os.environ.get("SUNLIGHT_S3_CDN_PRIVATE_KEY_FILE", "")
        if bool(key_id) != bool(key_file):
            raise ImproperlyConfigured(
                "Set SUNLIGHT_S3_CDN_KEY_ID and SUNLIGHT_S3_CDN_PRIVATE_KEY_FILE together."
            )
        if not key_id:
            return {}
        try:
            key = Path(key_file).read_bytes()
        except OSError as exc:
            raise ImproperlyConfigured(f"SUNLIGHT_S3_CDN_PRIVATE_KEY_FILE cannot be read: {exc}") from exc
        return {"cloudfront_key_id": key_id, "cloudfront_key": key}

    STORAGES["default"] = {
        "BACKEND": "core.storage.PublicMediaStorage",
        "OPTIONS": {
            **_s3,
            "bucket_name": os.environ.get("SUNLIGHT_S3_PUBLIC_BUCKET", "sunlight-public"),
            # A CDN in front of the public bucket, e.g. media.example.com, and its URL-signing key pair
            # (CloudFront's signed URLs): its URLs then expire like presigned ones (core.storage.cdn_url).
            "custom_domain": os.environ.get("SUNLIGHT_S3_PUBLIC_DOMAIN") or None,
            **_cdn_signing(),
        },
    }
    STORAGES["originals"] = {
        "BACKEND": "core.storage.PrivateMediaStorage",
        "OPTIONS": {**_s3, "bucket_name": os.environ.get("SUNLIGHT_S3_PRIVATE_BUCKET", "sunlight-private")},
    }
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Security -----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the API docs page reads it to send CSRF with session auth
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers and the scraper call these over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Every asset is served from this origin (media from the object store's, when it is used); no inline script
# or style anywhere.
# The store's own endpoint (presigned URLs) and the CDN's host, when there is one.
_MEDIA_ORIGINS = (
    [
        os.environ.get("SUNLIGHT_S3_ENDPOINT_URL") or "https://*.amazonaws.com",
        *(
            [f"https://{os.environ['SUNLIGHT_S3_PUBLIC_DOMAIN']}"]
            if os.environ.get("SUNLIGHT_S3_PUBLIC_DOMAIN")
            else []
        ),
    ]
    if SUNLIGHT_STORAGE == "s3"
    else []
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *_MEDIA_ORIGINS],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        **({"media-src": ["'self'", *_MEDIA_ORIGINS]} if _MEDIA_ORIGINS else {}),
    }
}

# Logs: one JSON object per line in production (text in development), each with the request id that
# caused it (README "Production"); email addresses and credentials are scrubbed from every record.
SUNLIGHT_LOG_FORMAT = os.environ.get("SUNLIGHT_LOG_FORMAT", "text" if DEBUG else "json")
if SUNLIGHT_LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"SUNLIGHT_LOG_FORMAT must be json or text, got {SUNLIGHT_LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.observability.RequestIdFilter"},
        "private": {"()": "core.observability.PrivateDataFilter"},
    },
    "formatters": {
        "json": {
            "()": "core.observability.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(process)d",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
        "text": {
            "()": "core.observability.TextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "private"],
            "formatter": SUNLIGHT_LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# /metrics answers only a scraper that sends this as a bearer token; unset: 404 for everyone.
SUNLIGHT_METRICS_TOKEN = os.environ.get("SUNLIGHT_METRICS_TOKEN", "")

# Error reporting: with a DSN, unhandled errors in requests and tasks go to Sentry, without personal
# data (no cookies, headers, user emails or request bodies; the request id is attached as a tag).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from core.observability import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "development" if DEBUG else "production"),
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
    )

SUNLIGHT_SITE_NAME = "Sunlight"
# Where links in emails point.
SUNLIGHT_BASE_URL = os.environ.get("SUNLIGHT_BASE_URL", "http://127.0.0.1:8000")

# --- Appeals ------------------------------------------------------------------------
SUNLIGHT_APPEAL_WINDOW_DAYS = env_int("SUNLIGHT_APPEAL_WINDOW_DAYS", 180)
SUNLIGHT_APPEAL_SLA_DAYS = env_int("SUNLIGHT_APPEAL_SLA_DAYS", 7)
SUNLIGHT_VOUCHER_BASE_IMPRESSIONS = env_int("SUNLIGHT_VOUCHER_BASE_IMPRESSIONS", 1000)
SUNLIGHT_VOUCHER_IMPRESSIONS_PER_DAY = env_int("SUNLIGHT_VOUCHER_IMPRESSIONS_PER_DAY", 200)
SUNLIGHT_VOUCHER_MAX_IMPRESSIONS = env_int("SUNLIGHT_VOUCHER_MAX_IMPRESSIONS", 20000)
SUNLIGHT_VOUCHER_VALID_DAYS = env_int("SUNLIGHT_VOUCHER_VALID_DAYS", 90)
# Where decisions apply, as ISO 3166-1 alpha-2 codes; "*" is everywhere the service is offered.
# Traffic (notes.services.distribution; README "Traffic"). Weight = base × quality bonus × undeclared-AI
# reduction × reduced-distribution factor × account-measure limit; `manage.py check` refuses absurd values.
# Browser uploads refused from their declared length before the body is read: URL name → the
# service's size check (core.middleware.UploadSizeGuardMiddleware).
SUNLIGHT_UPLOAD_LIMITS = {"note-video": "notes.services.note_video_check_size"}
# Video notes: what an upload may be (MP4, MOV or WebM).
SUNLIGHT_VIDEO = {
    "MAX_MB": env_int("SUNLIGHT_VIDEO_MAX_MB", 200),
    "MAX_SECONDS": env_int("SUNLIGHT_VIDEO_MAX_SECONDS", 300),
    # 4K either way up: the long edge at most 4096 px, the short edge at most 2160 px.
    "MAX_LONG_EDGE": env_int("SUNLIGHT_VIDEO_MAX_LONG_EDGE", 4096),
    "MAX_SHORT_EDGE": env_int("SUNLIGHT_VIDEO_MAX_SHORT_EDGE", 2160),
}

SUNLIGHT_TRAFFIC = {
    # Multipliers above 1 reward, below 1 reduce.
    "QUALITY_BONUS": env_float("SUNLIGHT_TRAFFIC_QUALITY_BONUS", 1.5),
    "FEATURED_BONUS": env_float("SUNLIGHT_TRAFFIC_FEATURED_BONUS", 2.0),
    "UNDECLARED_FACTOR": env_float("SUNLIGHT_TRAFFIC_UNDECLARED_FACTOR", 0.5),
    # How long a platform label for undeclared AI keeps reducing reach (at most while it is in force).
    "UNDECLARED_DAYS": env_int("SUNLIGHT_TRAFFIC_UNDECLARED_DAYS", 30),
    "REDUCED_FACTOR": env_float("SUNLIGHT_TRAFFIC_REDUCED_FACTOR", 0.2),
    "ACCOUNT_LIMIT_FACTOR": env_float("SUNLIGHT_TRAFFIC_ACCOUNT_LIMIT_FACTOR", 0.3),
    # Engagement: each doubling of a note's likes adds this much to its ranking multiplier.
    "ENGAGEMENT_PER_DOUBLING": env_float("SUNLIGHT_TRAFFIC_ENGAGEMENT_PER_DOUBLING", 0.1),
    # Freshness: a note's score halves every HALF_LIFE_HOURS at equal weight.
    "HALF_LIFE_HOURS": env_float("SUNLIGHT_TRAFFIC_HALF_LIFE_HOURS", 24.0),
    # Substantive: at least this much text about the work, or at least this many images.
    "MIN_BODY_CHARS": env_int("SUNLIGHT_TRAFFIC_MIN_BODY_CHARS", 30),
    "MIN_IMAGES": env_int("SUNLIGHT_TRAFFIC_MIN_IMAGES", 3),
    # Original: text Jaccard similarity (MinHash estimate) and image hash distance that count as a copy.
    "TEXT_SIMILARITY": env_float("SUNLIGHT_TRAFFIC_TEXT_SIMILARITY", 0.7),
    "IMAGE_DISTANCE": env_int("SUNLIGHT_TRAFFIC_IMAGE_DISTANCE", 3),
    # Voucher boosts: how long delivery may take, and the feed positions (0-based) reserved per page.
    "BOOST_DAYS": env_int("SUNLIGHT_TRAFFIC_BOOST_DAYS", 14),
    "BOOST_SLOTS": [int(x) if x.isdigit() else x for x in env_list("SUNLIGHT_TRAFFIC_BOOST_SLOTS")]
    or [0, 12],
}
# Gradient measures against accounts (appeals.measures; README "Account measures").
SUNLIGHT_MEASURES = {
    "REDUCED_DAYS": env_int("SUNLIGHT_MEASURE_REDUCED_DAYS", 14),
    "RESTRICTED_DAYS": env_int("SUNLIGHT_MEASURE_RESTRICTED_DAYS", 7),
    "SUSPENSION_DAYS": env_int("SUNLIGHT_MEASURE_SUSPENSION_DAYS", 30),
    # Each full clean period lowers an account one rung; after the window it starts again.
    "DECAY_DAYS": env_int("SUNLIGHT_MEASURE_DECAY_DAYS", 90),
    "REPEAT_WINDOW_DAYS": env_int("SUNLIGHT_MEASURE_REPEAT_WINDOW_DAYS", 365),
}
# Automation signals (notes.automation.signals; README "Automation signals"): thresholds as settings.
SUNLIGHT_AUTOMATION = {
    "REGULARITY_CV": env_float("SUNLIGHT_AUTOMATION_REGULARITY_CV", 0.1),
    "SPREAD_ENTROPY": env_float("SUNLIGHT_AUTOMATION_SPREAD_ENTROPY", 0.9),
    "LATENCY_SECONDS": env_float("SUNLIGHT_AUTOMATION_LATENCY_SECONDS", 30.0),
    "DUPLICATE_SHARE": env_float("SUNLIGHT_AUTOMATION_DUPLICATE_SHARE", 0.5),
    "DUPLICATE_SIMILARITY": env_float("SUNLIGHT_AUTOMATION_DUPLICATE_SIMILARITY", 0.8),
    "BURST_PER_MINUTE": env_int("SUNLIGHT_AUTOMATION_BURST_PER_MINUTE", 10),
    "API_SHARE": env_float("SUNLIGHT_AUTOMATION_API_SHARE", 0.9),
    "MIN_SIGNALS": env_int("SUNLIGHT_AUTOMATION_MIN_SIGNALS", 3),
    "CASE_SCORE": env_float("SUNLIGHT_AUTOMATION_CASE_SCORE", 0.5),
    "MIN_ACTIONS": env_int("SUNLIGHT_AUTOMATION_MIN_ACTIONS", 20),
    "MIN_SAMPLES": env_int("SUNLIGHT_AUTOMATION_MIN_SAMPLES", 5),
    "SPREAD_MIN_HOURS": env_int("SUNLIGHT_AUTOMATION_SPREAD_MIN_HOURS", 36),
    # The window the periodic scan reads, and whether the clearest rule may act without a person.
    "WINDOW_HOURS": env_int("SUNLIGHT_AUTOMATION_WINDOW_HOURS", 48),
    "CLEAREST_RULE_ACTS": env_bool("SUNLIGHT_AUTOMATION_CLEAREST_RULE_ACTS", True),
}
SUNLIGHT_IMPRESSIONS_REDIS_URL = os.environ.get("SUNLIGHT_IMPRESSIONS_REDIS_URL", REDIS_CACHE_URL)

SUNLIGHT_TERRITORIAL_SCOPE = env_list("SUNLIGHT_TERRITORIAL_SCOPE") or ["*"]
# The EU DSA Transparency Database (statements of reasons, Art. 24(5)). No endpoint: nothing is sent,
# statements are still written and can be exported (manage.py export_statements, or the admin).
SUNLIGHT_DSA = {
    # The multiple-statements endpoint, e.g. https://transparency.dsa.ec.europa.eu/api/v1/statements
    "endpoint": os.environ.get("SUNLIGHT_DSA_ENDPOINT", ""),
    "token": os.environ.get("SUNLIGHT_DSA_TOKEN", ""),
    # Statements per call: the database takes 1 to 100.
    "batch_size": env_int("SUNLIGHT_DSA_BATCH_SIZE", 100),
    "timeout_seconds": env_float("SUNLIGHT_DSA_TIMEOUT_SECONDS", 30.0),
    # Transient failures (5xx, 429, timeouts) are retried this many times per call, backing off.
    "retries": env_int("SUNLIGHT_DSA_RETRIES", 3),
    "retry_backoff_seconds": env_float("SUNLIGHT_DSA_RETRY_BACKOFF_SECONDS", 2.0),
}
# Further redress after an upheld appeal (DSA Art. 21): shown to the creator. Empty: the built-in text.
SUNLIGHT_REDRESS_TEXT = os.environ.get("SUNLIGHT_REDRESS_TEXT", "")

# --- Provenance -----------------------------------------------------------------
# Extra C2PA trust anchors (PEM files) on top of the shipped C2PA Trust List and the
# interim Content Credentials list. Tests add the C2PA *test* root here; production never should.
PROVENANCE_EXTRA_TRUST_ANCHORS = env_list("PROVENANCE_EXTRA_TRUST_ANCHORS")
# The certificate (chain PEM) and private key that sign the platform's Content Credentials on served
# copies of images that carried a manifest. Unset: the embedded default makes a development certificate
# under SUNLIGHT_VAR_DIR; production serves copies without a platform manifest.
SUNLIGHT_C2PA = {
    "cert": os.environ.get("SUNLIGHT_C2PA_CERT", ""),
    "key": os.environ.get("SUNLIGHT_C2PA_KEY", ""),
}
# The platform's code in the GB 45438 implicit label it writes as ContentPropagator.
SUNLIGHT_PROPAGATOR_CODE = os.environ.get("SUNLIGHT_PROPAGATOR_CODE", "SUNLIGHT-PLATFORM")

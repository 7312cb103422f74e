"""Steward settings: read only from environment variables (see config/env.py)."""

from __future__ import annotations

import os

import dj_database_url
from django.utils.translation import gettext_lazy as _

from steward.config import env

DATA_DIR = env.data_dir()
SECRET_KEY = env.secret_key(DATA_DIR)
DEBUG = env.flag("STEWARD_DEBUG")
ALLOWED_HOSTS = env.listing("STEWARD_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env.listing("STEWARD_CSRF_TRUSTED_ORIGINS")
BASE_URL = env.get("STEWARD_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "steward.core",
    "steward.org",
    "steward.notifications",
    "steward.approvals",
    "steward.integrations",
    "steward.servicedesk",
    "steward.knowledge",
    "steward.catalogue",
    "steward.assets",
    "steward.cmdb",
    "steward.changes",
    "steward.strategy",
    "steward.portal",
]

MIDDLEWARE = [
    "steward.core.middleware.RequestIdMiddleware",
    "steward.core.middleware.BodySizeLimitMiddleware",
    "steward.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "steward.core.middleware.UserPreferencesMiddleware",
    "steward.core.middleware.ChangeContextMiddleware",
    "steward.core.middleware.ConfigCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "steward.config.urls"
WSGI_APPLICATION = "steward.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "steward.core.ui.context.navigation",
                "steward.notifications.context.unread_notifications",
                "steward.portal.context.home_link",
            ],
        },
    }
]
# Every select's empty choice says what it means ("Choose…", "—"; "Any" in filters).
FORM_RENDERER = "steward.core.ui.forms.FormRenderer"

DATABASE_URL = env.get("STEWARD_DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "steward.core.postgresql"  # see its __init__
    DATABASES["default"].setdefault("TEST", {})
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "steward.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000;PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:start"  # self-service roles to the portal, IT roles home
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [os.path.join(os.path.dirname(os.path.dirname(__file__)), "locale")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
_NODE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "node_modules")
STATICFILES_DIRS = [
    ("vendor/htmx", os.path.join(_NODE, "htmx.org", "dist")),
    ("vendor/pico", os.path.join(_NODE, "@picocss", "pico", "css")),
    ("vendor/chartjs", os.path.join(_NODE, "chart.js", "dist")),
    ("vendor/cytoscape", os.path.join(_NODE, "cytoscape", "dist")),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "files"
MEDIA_URL = "/files/"

MAX_UPLOAD_BYTES = int(float(env.get("STEWARD_MAX_UPLOAD_MB", "25")) * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_ROWS = int(env.get("STEWARD_IMPORT_MAX_ROWS", "10000"))
IMPORT_MAX_BYTES = int(float(env.get("STEWARD_IMPORT_MAX_MB", "10")) * 1024 * 1024)
# Inventory agents (docs/administration/discovery.md): request body, decompressed XML, and
# the raw bytes a quarantined submission keeps.
INVENTORY_MAX_BYTES = int(float(env.get("STEWARD_INVENTORY_MAX_MB", "16")) * 1024 * 1024)
INVENTORY_MAX_XML_BYTES = int(float(env.get("STEWARD_INVENTORY_MAX_XML_MB", "32")) * 1024 * 1024)
INVENTORY_KEEP_BYTES = int(float(env.get("STEWARD_INVENTORY_KEEP_MB", "2")) * 1024 * 1024)

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "steward_cache",
    },
    "throttle": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "steward-throttle",
        "OPTIONS": {"MAX_ENTRIES": 100000},
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE = env.flag("STEWARD_SECURE_COOKIES")
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

EMAIL_HOST = env.get("STEWARD_EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env.get("STEWARD_EMAIL_PORT", "25"))
    EMAIL_HOST_USER = env.get("STEWARD_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env.get("STEWARD_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env.flag("STEWARD_EMAIL_TLS")
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "outbox"
DEFAULT_FROM_EMAIL = env.get("STEWARD_EMAIL_FROM", "steward@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
INBOUND_MAIL_DOMAIN = env.get("STEWARD_INBOUND_DOMAIN", "steward.localhost")
# Service-desk e-mail channel (steward/servicedesk/mailchannel.py).
SERVICEDESK_MAIL_ADDRESSES = env.listing(
    "STEWARD_SERVICEDESK_ADDRESSES", f"servicedesk@{INBOUND_MAIL_DOMAIN}"
)
SERVICEDESK_MAIL_DEFAULT_ORGANISATION = env.get("STEWARD_SERVICEDESK_DEFAULT_ORG")
IMAP_SECURITY = env.get("STEWARD_IMAP_SECURITY", "ssl").strip().lower()
IMAP = {
    "HOST": env.get("STEWARD_IMAP_HOST"),
    "PORT": int(env.get("STEWARD_IMAP_PORT", "993" if IMAP_SECURITY == "ssl" else "143")),
    "USER": env.get("STEWARD_IMAP_USER"),
    "PASSWORD": env.get("STEWARD_IMAP_PASSWORD"),
    "SECURITY": IMAP_SECURITY,
    "FOLDER": env.get("STEWARD_IMAP_FOLDER", "INBOX"),
    "DONE_FOLDER": env.get("STEWARD_IMAP_DONE_FOLDER"),
    "INTERVAL": int(env.get("STEWARD_IMAP_INTERVAL", "60")),
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "steward.org.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["steward.core.api.permissions.RestrictedPermission"],
    "DEFAULT_PAGINATION_CLASS": "steward.core.api.pagination.Cursor",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "steward.core.api.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "steward.core.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "steward.core.api.throttling.UserThrottle",
        "steward.core.api.throttling.AnonThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.get("STEWARD_API_RATE", "1200/min"),
        "anon": "120/min",
    },
    "DEFAULT_PARSER_CLASSES": [
        "steward.core.api.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Steward API",
    "DESCRIPTION": "IT management platform. Lists are cursor-paginated; errors share one format.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "steward.core.api.schema.add_error_responses",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    # Choice sets shared by several fields get one stable name each.
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "steward.servicedesk.models.tickets.Status",
        "TicketKindEnum": "steward.servicedesk.models.tickets.TicketKind",
        "TicketLinkKindEnum": "steward.servicedesk.models.tickets.TicketLinkKind",
        "TicketChannelEnum": "steward.servicedesk.models.tickets.Channel",
        "TicketPriorityEnum": "steward.servicedesk.models.tickets.Priority",
        "AssetStatusEnum": "steward.assets.models.Status",
        "InstallSourceEnum": "steward.assets.models.InstallSource",
        "PurchaseSourceEnum": "steward.assets.models.PurchaseSource",
        "ChangeStateEnum": "steward.changes.models.ChangeState",
        "ProblemStateEnum": "steward.changes.models.ProblemState",
        "ApprovalDecisionEnum": "steward.approvals.models.Decision",
        "ItemFieldTypeEnum": "steward.catalogue.models.FieldType",
        "FieldTypeEnum": "steward.core.models.features.FieldType",
        "BudgetCategoryEnum": "steward.strategy.models.Category",
        "CostSourceEnum": "steward.strategy.models.Source",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.get("STEWARD_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
FORMS_URLFIELD_ASSUME_HTTPS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

"""Settings for servicedesk: every deploy-time value comes from the environment (see .env.example)."""

from pathlib import Path

import dj_database_url

from config.env import (
    env_bool,
    env_cron,
    env_fraction,
    env_fractions,
    env_int,
    env_list,
    env_str,
    secret_key_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("SERVICEDESK_DATA_DIR", "") or BASE_DIR / "var")
if not DATA_DIR.parent.is_dir():
    # A mistyped path would otherwise become a new, empty desk that every command quietly uses.
    raise ValueError(
        f"SERVICEDESK_DATA_DIR names {DATA_DIR}, whose parent directory does not exist"
    )
DATA_DIR.mkdir(exist_ok=True)

DEBUG = env_bool("SERVICEDESK_DEBUG", False)
SECRET_KEY = env_str("SERVICEDESK_SECRET_KEY", "") or secret_key_file(DATA_DIR / "secret_key")
ALLOWED_HOSTS = env_list("SERVICEDESK_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("SERVICEDESK_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SERVICEDESK_SITE_URL", "http://127.0.0.1:8000")

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
    "huey.contrib.djhuey",
    "servicedesk.core",
    "servicedesk.accounts",
    "servicedesk.tickets",
    "servicedesk.sla",
    "servicedesk.triage",
    "servicedesk.knowledge",
    "servicedesk.channels.email",
    "servicedesk.notifications",
    "servicedesk.channels.alerts",
    "servicedesk.channels.chat",
    "servicedesk.reports",
    "servicedesk.desk",
    "servicedesk.portal",
    "servicedesk.api",
    "servicedesk.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "servicedesk.core.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "servicedesk" / "templates"],
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

# Database: SQLite (WAL) under DATA_DIR unless DATABASE_URL names another server.
_database_url = env_str("DATABASE_URL", "")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    _postgres_options = env_str("SERVICEDESK_POSTGRES_OPTIONS", "")
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    if _postgres_options and DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # Session settings for every connection, such as "-c join_collapse_limit=1"
        # (docs/deployment.md says what that gains and costs); an options parameter in
        # DATABASE_URL wins.
        _options.setdefault("options", _postgres_options)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SERVICEDESK_SQLITE_PATH", str(DATA_DIR / "servicedesk.sqlite3")),
            # Keep the connection between requests: opening one costs more than a ticket create
            # (SQLite reads the schema again, Django registers its functions, the PRAGMAs run).
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                    # Copy the WAL back into the database every 10,000 pages (40 MB), not 1,000:
                    # a ticket create writes ~40 pages, mostly the same index pages again, and a
                    # checkpoint copies each page once however often it changed.
                    "PRAGMA wal_autocheckpoint=10000;"
                ),
            },
            "TEST": {"NAME": None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# The desk's own time zone: reports cut days in it and imported local times are read in it.
TIME_ZONE = env_str("SERVICEDESK_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = Path(env_str("SERVICEDESK_MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# Attachments: the largest accepted upload, and the request body ceiling just above it.
ATTACHMENT_MAX_BYTES = env_int("SERVICEDESK_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SERVICEDESK_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Cache: Redis when REDIS_URL is set, local memory otherwise.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work: Huey on SQLite storage by default, on Redis when REDIS_URL is set.
HUEY_IMMEDIATE = env_bool("SERVICEDESK_HUEY_IMMEDIATE", False)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": env_str("SERVICEDESK_HUEY_NAME", "servicedesk"),
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": env_int("SERVICEDESK_WORKERS", 2), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "servicedesk",
        "filename": str(DATA_DIR / "queue.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": env_int("SERVICEDESK_WORKERS", 2), "worker_type": "thread"},
    }

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "servicedesk.api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "servicedesk.api.errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "servicedesk.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "servicedesk API",
    "DESCRIPTION": "REST API of the servicedesk IT service desk.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Outbound mail. Nothing is sent until a transport is configured: an SMTP host, or any Django
# mail backend class (the console one prints mail on the worker's stderr). Until then the mail
# the desk queues waits in the outbox (admin site > Outbox).
EMAIL_HOST = env_str("SERVICEDESK_SMTP_HOST", "")
EMAIL_PORT = env_int("SERVICEDESK_SMTP_PORT", 25)
EMAIL_HOST_USER = env_str("SERVICEDESK_SMTP_USER", "")
EMAIL_HOST_PASSWORD = env_str("SERVICEDESK_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("SERVICEDESK_SMTP_STARTTLS", False)
EMAIL_USE_SSL = env_bool("SERVICEDESK_SMTP_SSL", False)
EMAIL_TIMEOUT = env_int("SERVICEDESK_SMTP_TIMEOUT", 30)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ValueError("Set SERVICEDESK_SMTP_STARTTLS or SERVICEDESK_SMTP_SSL, not both")
_email_backend = env_str("SERVICEDESK_EMAIL_BACKEND", "")
SERVICEDESK_MAIL_DELIVERY = bool(_email_backend or EMAIL_HOST)
EMAIL_BACKEND = _email_backend or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("SERVICEDESK_FROM_EMAIL", "servicedesk@localhost")
# Acknowledgements ("we have your ticket") to one address in an hour at most; 0: none at all.
SERVICEDESK_ACK_LIMIT_PER_HOUR = env_int("SERVICEDESK_ACK_LIMIT_PER_HOUR", 3)
# How long the accept and reject links of a "resolved" mail work, in days.
SERVICEDESK_VERDICT_LINK_DAYS = env_int("SERVICEDESK_VERDICT_LINK_DAYS", 14)
if SERVICEDESK_ACK_LIMIT_PER_HOUR < 0 or SERVICEDESK_VERDICT_LINK_DAYS < 1:
    raise ValueError(
        "SERVICEDESK_ACK_LIMIT_PER_HOUR must be 0 or more and SERVICEDESK_VERDICT_LINK_DAYS 1 or more"
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SERVICEDESK_LOG_LEVEL", "WARNING")},
}
SERVICEDESK_DEFAULT_GROUP = env_str("SERVICEDESK_DEFAULT_GROUP", "Service Desk")
# How often the SLA sweep records warnings and breaches: a number of seconds that divides 60.
# A resolved ticket whose requester stays quiet closes after this long (an SLA policy may set
# its own); a duration such as 48h or 336h, or 0 to keep resolved tickets open.
SERVICEDESK_AUTO_CLOSE_AFTER = env_str("SERVICEDESK_AUTO_CLOSE_AFTER", "48h")
SERVICEDESK_SLA_SWEEP_SECONDS = env_int("SERVICEDESK_SLA_SWEEP_SECONDS", 30)
if SERVICEDESK_SLA_SWEEP_SECONDS not in (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60):
    raise ValueError(
        f"SERVICEDESK_SLA_SWEEP_SECONDS must divide 60 (15, 30, 60, ...), got {SERVICEDESK_SLA_SWEEP_SECONDS}"
    )
# The desk's "Breaching soon" queue: tickets with a clock due within this many hours (or overdue).
SERVICEDESK_SLA_SOON_HOURS = env_int("SERVICEDESK_SLA_SOON_HOURS", 4)
if SERVICEDESK_SLA_SOON_HOURS < 0:
    raise ValueError(
        f"SERVICEDESK_SLA_SOON_HOURS must be 0 or more, got {SERVICEDESK_SLA_SOON_HOURS}"
    )

# Inbound mail (docs/admin-guide.md, Mailboxes): the largest message accepted by any transport,
# the shared secret of the HTTP endpoint (empty: the endpoint is off), and how long after a
# ticket closed a reply is only noted on it (0: every reply to a closed ticket opens a new one).
SERVICEDESK_EMAIL_MAX_BYTES = env_int("SERVICEDESK_EMAIL_MAX_BYTES", 25 * 1024 * 1024)
SERVICEDESK_EMAIL_INBOUND_SECRET = env_str("SERVICEDESK_EMAIL_INBOUND_SECRET", "")
# Alerts channel: the largest notification body a monitoring tool may post.
SERVICEDESK_ALERTS_MAX_BYTES = env_int("SERVICEDESK_ALERTS_MAX_BYTES", 1024 * 1024)
SERVICEDESK_EMAIL_CLOSED_GRACE = env_str("SERVICEDESK_EMAIL_CLOSED_GRACE", "0")
# Days the raw bytes of a finished inbound mail are kept (0: for ever); quarantined mail is kept.
SERVICEDESK_EMAIL_KEEP_DAYS = env_int("SERVICEDESK_EMAIL_KEEP_DAYS", 0)
if SERVICEDESK_EMAIL_KEEP_DAYS < 0:
    raise ValueError(
        f"SERVICEDESK_EMAIL_KEEP_DAYS must be 0 (keep for ever) or more, got {SERVICEDESK_EMAIL_KEEP_DAYS}"
    )
# The triage model (docs/admin-guide.md, The triage model). Training reads the most recent
# SERVICEDESK_TRIAGE_TRAINING_TICKETS tickets; a value (category, kind, group) is learnt only with
# at least SERVICEDESK_TRIAGE_MIN_PER_CLASS tickets; each field's threshold is the confidence that
# gave SERVICEDESK_TRIAGE_TARGET_PRECISION in cross-validation unless
# SERVICEDESK_TRIAGE_THRESHOLDS fixes it ("category=0.9,kind=0.8").
SERVICEDESK_TRIAGE_MIN_PER_CLASS = env_int("SERVICEDESK_TRIAGE_MIN_PER_CLASS", 20)
if SERVICEDESK_TRIAGE_MIN_PER_CLASS < 5:
    raise ValueError(
        f"SERVICEDESK_TRIAGE_MIN_PER_CLASS must be 5 or more (cross-validation uses five folds), got {SERVICEDESK_TRIAGE_MIN_PER_CLASS}"
    )
SERVICEDESK_TRIAGE_TRAINING_TICKETS = env_int("SERVICEDESK_TRIAGE_TRAINING_TICKETS", 50000)
if SERVICEDESK_TRIAGE_TRAINING_TICKETS < 1:
    raise ValueError(
        f"SERVICEDESK_TRIAGE_TRAINING_TICKETS must be 1 or more, got {SERVICEDESK_TRIAGE_TRAINING_TICKETS}"
    )
SERVICEDESK_TRIAGE_TARGET_PRECISION = env_fraction("SERVICEDESK_TRIAGE_TARGET_PRECISION", 0.95)
SERVICEDESK_TRIAGE_THRESHOLDS = env_fractions(
    "SERVICEDESK_TRIAGE_THRESHOLDS", names=("category", "kind", "assignment_group")
)
# When the scheduler retrains the model: a cron line (minute hour day month weekday), or "off".
SERVICEDESK_TRIAGE_TRAIN_SCHEDULE = env_cron("SERVICEDESK_TRIAGE_TRAIN_SCHEDULE", "30 2 * * *")
# The chatbot (docs/admin-guide.md, Chatbot): the longest message it reads, and the users (a
# Teams or Slack bot's service account) whose API token may chat on behalf of another user,
# named by the X-Chat-User header.
SERVICEDESK_CHAT_MESSAGE_MAX_CHARS = env_int("SERVICEDESK_CHAT_MESSAGE_MAX_CHARS", 4000)
if SERVICEDESK_CHAT_MESSAGE_MAX_CHARS < 1:
    raise ValueError(
        f"SERVICEDESK_CHAT_MESSAGE_MAX_CHARS must be 1 or more, got {SERVICEDESK_CHAT_MESSAGE_MAX_CHARS}"
    )
SERVICEDESK_CHAT_RELAY_USERS = env_list("SERVICEDESK_CHAT_RELAY_USERS", [])

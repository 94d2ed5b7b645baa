"""One settings module for every environment, driven by environment variables.

PORTAL_ENV chooses the defaults: "development" (the embedded demo: SQLite and a file broker, no
servers needed), "test", or "production" (every secret must come from the environment).
"""

from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from portal.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))

PORTAL_ENV = env_str("PORTAL_ENV", "development").lower()
if PORTAL_ENV not in {"development", "test", "production"}:
    raise ValueError(f"PORTAL_ENV must be development, test or production, not {PORTAL_ENV!r}")
PRODUCTION = PORTAL_ENV == "production"

DEBUG = env_bool("DEBUG", default=PORTAL_ENV == "development")
SECRET_KEY = env_str(
    "SECRET_KEY",
    "django-insecure-demo-only-key-never-use-in-production-9f3c",
    required=PRODUCTION,
    hint="Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'",
)
# Rotating SECRET_KEY: put the old key here (comma-separated, newest first) so signed opt-out
# links and the re-sending of tracking links keep working (see docs/adr/0010-tracking-links.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not env_list("ALLOWED_HOSTS"):
    env_str(
        "ALLOWED_HOSTS", required=True, hint="A comma-separated list, e.g. contact.example.gov.uk"
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

COUNCIL_NAME = env_str("COUNCIL_NAME", "Northmoor County Council")
# Topics another council handles (two-tier areas: council tax, bin collections, planning...):
# search signposts them. A JSON file shaped like channels/web/signposts.py DEFAULT_SIGNPOSTS.
SIGNPOSTS_FILE = env_str("SIGNPOSTS_FILE", "")
COUNCIL_PHONE = env_str("COUNCIL_PHONE", "0300 123 6701")
# The council's own details on the error, accessibility, privacy and cookies pages.
COUNCIL_ADDRESS = env_str("COUNCIL_ADDRESS", "County Hall, Market Street, Northmoor, NM1 1AA")
COUNCIL_EMAIL = env_str("COUNCIL_EMAIL", "contact@northmoor.example")
COUNCIL_DPO_EMAIL = env_str("COUNCIL_DPO_EMAIL", "dataprotection@northmoor.example")
COUNCIL_ICO_REGISTRATION = env_str("COUNCIL_ICO_REGISTRATION", "")
ACCESSIBILITY_EMAIL = env_str("ACCESSIBILITY_EMAIL", "accessibility@northmoor.example")
ACCESSIBILITY_STATEMENT_PREPARED = env_str("ACCESSIBILITY_STATEMENT_PREPARED", "26 November 2026")
ACCESSIBILITY_STATEMENT_REVIEWED = env_str("ACCESSIBILITY_STATEMENT_REVIEWED", "26 November 2026")
ACCESSIBILITY_LAST_TESTED = env_str("ACCESSIBILITY_LAST_TESTED", "26 November 2026")
ACCESSIBILITY_TESTED_BY = env_str("ACCESSIBILITY_TESTED_BY", f"{COUNCIL_NAME}'s digital team")
# Known accessibility problems, separated by "|" (none: the statement says fully compliant).
ACCESSIBILITY_KNOWN_ISSUES = [
    item.strip()
    for item in env_str(
        "ACCESSIBILITY_KNOWN_ISSUES",
        "Photos that residents upload have no text alternative, because we cannot describe "
        "them for you. Staff describe what a photo shows in their reply when it matters.",
    ).split("|")
    if item.strip()
]
PRIVACY_RETENTION = env_str(
    "PRIVACY_RETENTION",
    "6 years after your enquiry is closed, then we delete your contact details",
)
# A tracking link stops working this many days after its case is resolved or closed (or after it
# was re-issued through Find my enquiry, if later); Find my enquiry sends a fresh one.
TRACKING_LINK_DAYS_AFTER_CLOSURE = env_int("TRACKING_LINK_DAYS_AFTER_CLOSURE", 90)
# Absolute links in emails and text messages (tracking links) need the public address.
PORTAL_BASE_URL = env_str(
    "PORTAL_BASE_URL",
    "http://127.0.0.1:8000",
    required=PRODUCTION,
    hint="e.g. https://contact.example.gov.uk",
).rstrip("/")

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",  # the admin behind the staff sign-in and second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # trigram lookups for staff name search (unused on SQLite)
    "rest_framework",
    "rest_framework.authtoken",  # insight JSON API for the BI tool
    "crispy_forms",
    "crispy_forms_gds",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "anymail",
    "enquiries",
    "channels.web",
    "channels.inbound_email",
    "channels.assisted",
    "channels.open311",
    "router",  # the learning router, automatic answers, "Is it sorted?" (ADR 0019)
    "insight",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    # First: turns a 500 caused by an unreachable database into a 503 "try again" page.
    "portal.database_down.DatabaseDownMiddleware",
    # Work committed to the outbox is published once the response is sent, not before.
    "portal.outbox_after_response.OutboxAfterResponseMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.session_refresh.SessionRefreshMiddleware",  # sliding expiry, one write a minute
    "django.middleware.common.CommonMiddleware",
    "portal.request_limits.RequestBodyLimitMiddleware",  # before anything reads the body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.council",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------------------------
DATABASE_URL = env_str(
    "DATABASE_URL", required=PRODUCTION, hint="e.g. postgres://user:pass@db:5432/portal"
)
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "portal.sqlite3"),
            "OPTIONS": {
                # WAL lets the web server read while the worker writes; IMMEDIATE takes the write
                # lock at BEGIN so two processes never deadlock upgrading a read lock.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": VAR_DIR / "test.sqlite3"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering (INCLUDE) indexes serve the staff worklists on PostgreSQL; SQLite just ignores the
# extra columns, which is fine for the embedded demo.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Broker, cache ------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
if PRODUCTION and not CELERY_BROKER_URL:
    env_str("REDIS_URL", required=True, hint="e.g. redis://redis:6379/0 (or set CELERY_BROKER_URL)")
if not CELERY_BROKER_URL:
    # The embedded demo: a broker in plain files that the web server, worker and beat share.
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # How long Redis waits before handing a taken-but-unacknowledged message (acks_late: its
    # worker died, or was killed whole) to another worker. Longer than any task runs and than
    # the longest retry countdown (retry_backoff_max, 300 s), which the Redis transport also
    # holds unacknowledged, so a live worker's message is never handed out twice; short enough
    # that lost work comes back within minutes. The outbox sweeper (below) re-sends lost outbox
    # work sooner, and send claims make either redelivery harmless.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600)
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/London"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang a resident's request when the broker is down: the outbox sweeper
# re-sends anything left pending.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Each periodic job expires (is dropped rather than run late) once its next run is due: after a
# broker outage a backlog of identical sweeps must not pile up, and the next run does the work.
# Their SLA (how late the health check tolerates the last run) is HEALTH_BEAT_MAX_AGE_SECONDS.
OUTBOX_SWEEP_SECONDS = env_int("OUTBOX_SWEEP_SECONDS", 10)
CELERY_BEAT_SCHEDULE = {
    # Every 10 s: a flushed or restarted broker loses queued messages; the sweeper re-sends
    # them (OUTBOX_STALE_DISPATCHED_SECONDS after dispatch), so work resumes within a minute.
    "outbox-sweep": {
        "task": "enquiries.tasks.sweep_outbox",
        "schedule": float(OUTBOX_SWEEP_SECONDS),
        "options": {"expires": float(OUTBOX_SWEEP_SECONDS)},
    },
}

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            # A Redis that hangs must not hang requests: rate limits fall back per process.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
elif PORTAL_ENV == "test":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Shared between the web server and worker processes, so rate limits hold across them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Email --------------------------------------------------------------------------------------
# "outbox" (the demo's default) keeps messages for the staff page /staff/outbox/ instead of sending.
EMAIL_MODE = env_str(
    "EMAIL_MODE",
    "smtp" if PRODUCTION else "outbox" if PORTAL_ENV == "development" else "console",
)
if PRODUCTION and EMAIL_MODE == "outbox":
    raise ValueError("EMAIL_MODE=outbox is for the demo only: use smtp in production")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{COUNCIL_NAME} <contact@northmoor.example>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
if EMAIL_MODE == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST", "localhost", required=PRODUCTION),
                "port": env_int("EMAIL_PORT", 25),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "timeout": env_int("EMAIL_TIMEOUT", 20),
            },
        }
    }
elif EMAIL_MODE == "outbox":
    MAILERS = {"default": {"BACKEND": "enquiries.demo_outbox.DemoOutboxEmailBackend"}}
elif EMAIL_MODE == "file":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "sent-mail")},
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# --- Auth, security -----------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"
# Staff must use TOTP two-factor sign-in; only the local demo may switch it off.
STAFF_REQUIRE_2FA = env_bool("STAFF_REQUIRE_2FA", default=PORTAL_ENV != "development")
if PRODUCTION and not STAFF_REQUIRE_2FA:
    raise ValueError("STAFF_REQUIRE_2FA cannot be switched off in production.")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # device secrets never appear in the admin
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
# Front desks where visits are recorded (the assisted channel offers these as the office).
COUNCIL_OFFICES = env_list(
    "COUNCIL_OFFICES",
    [
        "Northmoor Town Hall",
        "Lancaster Library help point",
        "Preston Customer Service Centre",
        "Blackpool Central Library help point",
        "Chorley Library help point",
        "Clitheroe Library help point",
    ],
)

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)  # staff sessions end after inactivity
# Expiry slides with activity, written at most once a minute (portal/session_refresh.py) rather
# than on every request (SESSION_SAVE_EVERY_REQUEST wrote the row on every page view).
SESSION_SAVE_EVERY_REQUEST = False
# Django's database sessions, an update in one statement instead of three (portal/db_sessions.py).
SESSION_ENGINE = "portal.db_sessions"  # "db" in the name: enquiries.tasks counts its rows
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Uploads ------------------------------------------------------------------------------------
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_FILES = 5
# Request bodies (portal/request_limits.py): REQUEST_BODY_MAX_BYTES everywhere, except the views
# named in REQUEST_BODY_LIMITS (by URL name, or "name/<argument>" for one journey step).
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 1024 * 1024)
UPLOAD_REQUEST_MAX_BYTES = ATTACHMENT_MAX_BYTES * ATTACHMENT_MAX_FILES + 1024 * 1024
INBOUND_EMAIL_MAX_BYTES = env_int("INBOUND_EMAIL_MAX_BYTES", 40 * 1024 * 1024)
REQUEST_BODY_LIMITS = {
    "web:step/files": UPLOAD_REQUEST_MAX_BYTES,  # the journey's upload step
    "web:track": UPLOAD_REQUEST_MAX_BYTES,  # a resident's reply may carry files
    "inbound_email:mailgun_inbound": INBOUND_EMAIL_MAX_BYTES,  # raw MIME as a form field
}
# Django's own backstop (non-file form fields, request.body) must let the largest of those in;
# the middleware has already refused anything over the limit of its view.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(REQUEST_BODY_MAX_BYTES, *REQUEST_BODY_LIMITS.values())
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]

# --- Forms, API ---------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only, with a nesting limit: 400 (never a RecursionError and 500) for hostile bodies
    "DEFAULT_PARSER_CLASSES": ["enquiries.json_limits.DepthLimitedJSONParser"],
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "600/min"},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# The partner API's published OpenAPI 3 contract (/api/v1/schema/, docs at /api/v1/docs/).
SPECTACULAR_SETTINGS = {
    "TITLE": "Northmoor County Council partner API",
    "DESCRIPTION": "File and follow residents' enquiries on behalf of a partner organisation.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["enquiries.api.schema.only_partner_api"],
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Domain settings ----------------------------------------------------------------------------
OFFICE_HOURS_START = env_str("OFFICE_HOURS_START", "09:00")
OFFICE_HOURS_END = env_str("OFFICE_HOURS_END", "17:00")
TRIAGE_DEPARTMENT_SLUG = "triage"
REOPEN_WINDOW_DAYS = 14
# How many reverse proxies (load balancer, ingress) sit in front of gunicorn: rate limits then
# key on the client address they append to X-Forwarded-For, not on the proxy's own address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# --- Open311 GeoReport v2 (channels/open311/) -------------------------------------------------
# jurisdiction_id partners may send (any other is refused with 404), and the discovery contact.
OPEN311_JURISDICTION_ID = env_str("OPEN311_JURISDICTION_ID", "northmoor.gov.uk")
OPEN311_CONTACT = env_str("OPEN311_CONTACT", "Partner support, Northmoor County Council")
# Signed webhooks to partners (enquiries/webhooks.py): https only; plain http to loopback only
# where allowed (never by default in production).
WEBHOOK_ALLOW_HTTP_LOOPBACK = env_bool("WEBHOOK_ALLOW_HTTP_LOOPBACK", default=not PRODUCTION)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_BACKOFF_SECONDS = env_int("WEBHOOK_BACKOFF_SECONDS", 30)
WEBHOOK_BACKOFF_MAX_SECONDS = env_int("WEBHOOK_BACKOFF_MAX_SECONDS", 3600)
OPEN311_KEY_SERVICE = env_str("OPEN311_KEY_SERVICE", "Ask partner support for a partner token.")
DEFAULT_SLA_DAYS = env_int("DEFAULT_SLA_DAYS", 10)  # cases with no service yet (email triage)
# "Due soon" (ADR 0016): less than this many working days left before the due date. The one
# definition for the worklist, the case timeline, the SLA job and the resident's "delayed" notice.
DUE_SOON_WORKING_DAYS = env_int("DUE_SOON_WORKING_DAYS", 1)
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY")
NOTIFY_BASE_URL = env_str("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
# Text messages: through GOV.UK Notify when NOTIFY_API_KEY is set; the demo keeps them in its outbox
# (/staff/outbox/) so `make run` shows texts too; elsewhere, residents who prefer texts get email.
SMS_MODE = env_str(
    "SMS_MODE",
    "notify" if NOTIFY_API_KEY else "outbox" if PORTAL_ENV == "development" else "off",
)
if PRODUCTION and SMS_MODE == "outbox":
    raise ValueError("SMS_MODE=outbox is for the demo only")
NOTIFY_CALLBACK_TOKEN = env_str(
    "NOTIFY_CALLBACK_TOKEN", required=PRODUCTION and bool(NOTIFY_API_KEY)
)
NOTIFY_SMS_TEMPLATE_ID = env_str("NOTIFY_SMS_TEMPLATE_ID", "00000000-0000-0000-0000-000000000000")
# Automation (issue 6): status updates per person and case per day before the rest wait for
# one digest at NOTIFICATION_DIGEST_TIME; working days added to a breached case's promised date.
NOTIFICATION_DAILY_BUDGET = env_int("NOTIFICATION_DAILY_BUDGET", 3)
NOTIFICATION_DIGEST_TIME = env_str("NOTIFICATION_DIGEST_TIME", "18:00")
SLA_BREACH_EXTENSION_DAYS = env_int("SLA_BREACH_EXTENSION_DAYS", 3)
# Routing has its own queue so that a new case never waits behind a backlog of updates; workers
# consume every queue listed here unless started with -Q.
CELERY_TASK_QUEUES: dict[str, dict[str, str]] = {"routing": {}, "celery": {}, "webhooks": {}}
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "enquiries.tasks.route_case": {"queue": "routing"},
    # partners' endpoints never hold up the council's own notifications
    "enquiries.tasks.deliver_webhook": {"queue": "webhooks"},
}
# SLA marks and escalations: every minute, a late run is dropped for the next (same work).
CELERY_BEAT_SCHEDULE["sla-checks"] = {
    "task": "enquiries.tasks.run_sla_checks",
    "schedule": 60.0,
    "options": {"expires": 60.0},
}
# Digests: every 5 minutes after the digest time; a late run is dropped for the next.
CELERY_BEAT_SCHEDULE["notification-digests"] = {
    "task": "enquiries.tasks.queue_digests",
    "schedule": 300.0,
    "options": {"expires": 300.0},
}

# --- Delivery under failure (issue 10) ----------------------------------------------------------
# A message whose send was claimed longer ago than this is "uncertain" (its worker died, or the
# provider timed out): before any resend the portal asks Notify by reference whether it was
# accepted; email is re-sent with the same Message-ID. Must exceed NOTIFY_TIMEOUT_SECONDS and
# the SMTP timeout, so a send still in flight is never taken for a lost one.
NOTIFY_TIMEOUT_SECONDS = env_int("NOTIFY_TIMEOUT_SECONDS", 10)
NOTIFICATION_UNCERTAIN_AFTER_SECONDS = env_int("NOTIFICATION_UNCERTAIN_AFTER_SECONDS", 30)
# Outbox work started this many times by workers that then died goes to a dead letter instead
# of being delivered again (a task that kills its worker would otherwise loop for ever).
OUTBOX_MAX_DELIVERIES = env_int("OUTBOX_MAX_DELIVERIES", 3)
# Work sent to the broker (or last started) this long ago and not done is re-sent by the sweeper
# when the broker holds fewer messages than such rows (it lost them: flushed, restarted without
# persistence). With the 10 s sweep, lost work resumes within 30 s of the broker's return, well
# inside the 60 s target. Claims make a duplicate harmless.
OUTBOX_STALE_DISPATCHED_SECONDS = env_int("OUTBOX_STALE_DISPATCHED_SECONDS", 20)
# /healthz answers 503 past these (monitoring pages someone); /healthz/ready is the web
# instance's own readiness for the load balancer and ignores them.
HEALTH_MAX_OUTBOX_BACKLOG = env_int("HEALTH_MAX_OUTBOX_BACKLOG", 1000)
HEALTH_MAX_OUTBOX_AGE_SECONDS = env_int("HEALTH_MAX_OUTBOX_AGE_SECONDS", 300)
HEALTH_MAX_DEAD_LETTERS = env_int("HEALTH_MAX_DEAD_LETTERS", 0)
HEALTH_BEAT_MAX_AGE_SECONDS = env_int("HEALTH_BEAT_MAX_AGE_SECONDS", 120)
# Seconds a client is asked to wait (Retry-After) when the database is unreachable.
DATABASE_DOWN_RETRY_AFTER = env_int("DATABASE_DOWN_RETRY_AFTER", 30)

# Resident web channel: per-IP limits ("count/period", period s, m, h or d) counted in the cache,
# on the forms that write (submitting an enquiry, find my enquiry, replies); uploads kept
# between the pages of a journey are deleted after WEB_UPLOAD_TTL_HOURS.
WEB_RATE_LIMITS = {
    "submit": env_str("WEB_RATE_LIMIT_SUBMIT", "10/h"),
    "find": env_str("WEB_RATE_LIMIT_FIND", "10/h"),
    "reply": env_str("WEB_RATE_LIMIT_REPLY", "20/h"),
    # Anonymous uploads (journey and replies), per address: files, and megabytes.
    "upload": env_str("WEB_RATE_LIMIT_UPLOAD", "30/h"),
    "upload_mb": env_str("WEB_RATE_LIMIT_UPLOAD_MB", "100/h"),
    # Nearby reports' photos are re-encoded on each request (no metadata survives): per address.
    "report_photo": env_str("WEB_RATE_LIMIT_REPORT_PHOTO", "600/h"),
}
# Uploads over one journey's life, files removed again included (5 can be kept at once).
# The question pages warn this long before a resident's answers would be cleared (WCAG 2.2.1).
JOURNEY_TIME_WARNING_SECONDS = env_int("JOURNEY_TIME_WARNING_SECONDS", 5 * 60)
WEB_UPLOAD_JOURNEY_MAX_FILES = env_int("WEB_UPLOAD_JOURNEY_MAX_FILES", 15)
WEB_UPLOAD_JOURNEY_MAX_MB = env_int("WEB_UPLOAD_JOURNEY_MAX_MB", 75)
WEB_UPLOAD_TTL_HOURS = env_int("WEB_UPLOAD_TTL_HOURS", 24)
CELERY_BEAT_SCHEDULE["web-purge-stale-uploads"] = {
    "task": "channels.web.tasks.purge_stale_uploads",
    "schedule": 3600.0,
}
# Inbound email channel (channels/inbound_email): IMAP mailboxes are rows (Mailbox admin), each
# naming the environment variable that holds its password. The provider webhook (Mailgun via
# django-anymail) checks MAILGUN_WEBHOOK_SIGNING_KEY and the basic-auth WEBHOOK_SECRET.
EMAIL_ACKS_PER_SENDER_PER_HOUR = env_int("EMAIL_ACKS_PER_SENDER_PER_HOUR", 3)
EMAIL_POLL_SECONDS = env_int("EMAIL_POLL_SECONDS", 60)
# DMARC/SPF/DKIM as our own receiving server recorded them (channels/inbound_email/
# authentication.py): its authserv-id(s), comma-separated; whether a message without its
# Authentication-Results counts as unauthenticated (off only where the server never adds them);
# how many Received fields (its own) may sit above its results.
EMAIL_AUTHSERV_ID = env_str("EMAIL_AUTHSERV_ID")
EMAIL_AUTH_RESULTS_REQUIRED = env_bool("EMAIL_AUTH_RESULTS_REQUIRED", PORTAL_ENV != "development")
EMAIL_AUTH_RESULTS_RECEIVED_ABOVE = env_int("EMAIL_AUTH_RESULTS_RECEIVED_ABOVE", 0)
# Mailgun webhook: a signed request older (or newer) than this is refused, and each token is
# accepted once. Its own body limit, independent of DATA_UPLOAD_MAX_MEMORY_SIZE (mail is large).
EMAIL_WEBHOOK_MAX_AGE_SECONDS = env_int("EMAIL_WEBHOOK_MAX_AGE_SECONDS", 300)
EMAIL_WEBHOOK_MAX_BYTES = env_int("EMAIL_WEBHOOK_MAX_BYTES", 60 * 1024 * 1024)
# Unset values are left out, so the webhook refuses every request rather than accept an empty key.
ANYMAIL = {
    name: value
    for name, value in (
        ("MAILGUN_WEBHOOK_SIGNING_KEY", env_str("MAILGUN_WEBHOOK_SIGNING_KEY")),
        ("WEBHOOK_SECRET", env_str("ANYMAIL_WEBHOOK_SECRET")),
    )
    if value
}
CELERY_BEAT_SCHEDULE["inbound-email-poll"] = {
    "task": "channels.inbound_email.tasks.poll_mailboxes",
    "schedule": float(EMAIL_POLL_SECONDS),
}
CELERY_BEAT_SCHEDULE["inbound-email-sweep"] = {
    "task": "channels.inbound_email.tasks.process_pending",
    "schedule": 120.0,
}
# --- Data protection (issue 14) -------------------------------------------------------------------
# Days after closure that a case without a service keeps personal data (each service has its own
# retention_days, set in the admin). The retention job runs daily (and as manage.py
# apply_retention); subject access exports can be downloaded for SUBJECT_ACCESS_LINK_HOURS.
RETENTION_DEFAULT_DAYS = env_int("RETENTION_DEFAULT_DAYS", 6 * 365)
RETENTION_RUN_SECONDS = env_int("RETENTION_RUN_SECONDS", 24 * 3600)
CELERY_BEAT_SCHEDULE["apply-retention"] = {
    "task": "enquiries.tasks.apply_retention",
    "schedule": float(RETENTION_RUN_SECONDS),
    "options": {"expires": float(RETENTION_RUN_SECONDS)},
}
SUBJECT_ACCESS_LINK_HOURS = env_int("SUBJECT_ACCESS_LINK_HOURS", 72)
# Abandoned online forms keep their answers in the session: expired sessions go every hour.
CELERY_BEAT_SCHEDULE["clear-expired-sessions"] = {
    "task": "enquiries.tasks.clear_expired_sessions",
    "schedule": 3600.0,
    "options": {"expires": 3600.0},
}
# Insight (ADR 0018): the rollup tables catch up with changed cases every INSIGHT_REFRESH_SECONDS.
INSIGHT_REFRESH_SECONDS = env_int("INSIGHT_REFRESH_SECONDS", 300)
CELERY_BEAT_SCHEDULE["insight-refresh"] = {
    "task": "insight.tasks.refresh_rollups",
    "schedule": float(INSIGHT_REFRESH_SECONDS),
    "options": {"expires": float(INSIGHT_REFRESH_SECONDS)},
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Places (README "Places: postcodes, boundary and maps"; enquiries/places.py). The council's own
# GSS codes (county and/or districts, ONSPD oscty/oslaua): a postcode elsewhere is outside the
# area; empty means no boundary check. The short name goes in "not in Northmoor" answers.
COUNCIL_AREA_CODES = env_list("COUNCIL_AREA_CODES", ["E10000099"])
COUNCIL_AREA_NAME = env_str("COUNCIL_AREA_NAME", "Northmoor")
# Optional boundary polygon (a GeoJSON file: Polygon/MultiPolygon, or a Feature(Collection) of
# them) for points dropped on a map; without it a pin is checked against its nearest postcode.
PLACES_BOUNDARY_GEOJSON = env_str("PLACES_BOUNDARY_GEOJSON", "")
NEARBY_RADIUS_METRES = env_int("NEARBY_RADIUS_METRES", 50)
# Map tiles (Leaflet). Empty URL: no tiles are requested, the map shows a plain grid.
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors")
if PORTAL_ENV == "test":
    MAP_TILE_URL = ""  # tests never request a tile server
# Where the map opens before a postcode or pin is known ("lat,lon": the county's centre).
MAP_DEFAULT_CENTRE = tuple(
    float(v) for v in env_str("MAP_DEFAULT_CENTRE", "53.7632,-2.7031").split(",")[:2]
)
if MAP_TILE_URL:  # the map's tile pictures come from the tile server's origin
    from urllib.parse import urlsplit

    _tiles = urlsplit(MAP_TILE_URL.replace("{s}.", "*."))
    SECURE_CSP["img-src"] = [*SECURE_CSP["img-src"], f"{_tiles.scheme}://{_tiles.netloc}"]

# --- Automatic routing and answers (router/, ADR 0019) --------------------------------------------
# A case without a service is routed by the classifier when its confidence reaches the service's
# threshold (chosen at training so that automatic routing was right ROUTER_TARGET_PRECISION of the
# time on held-out cases; ROUTER_DEFAULT_THRESHOLD where there was too little evidence).
ROUTER_DEFAULT_THRESHOLD = float(env_str("ROUTER_DEFAULT_THRESHOLD", "0.85"))
ROUTER_TARGET_PRECISION = float(env_str("ROUTER_TARGET_PRECISION", "0.9"))
# Channels whose cases get a simple-query service's standard answer at once, and how long the
# case waits for "Did this answer your question?" before it goes in front of staff.
ROUTER_ANSWER_CHANNELS = env_list("ROUTER_ANSWER_CHANNELS", ["email", "api"])
ROUTER_ANSWER_WAIT_HOURS = env_int("ROUTER_ANSWER_WAIT_HOURS", 72)
CELERY_BEAT_SCHEDULE["router-train"] = {
    "task": "router.tasks.train_router",
    "schedule": 7 * 24 * 3600.0,
    "options": {"expires": 24 * 3600.0},
}
CELERY_BEAT_SCHEDULE["router-answer-timeouts"] = {
    "task": "router.tasks.expire_automatic_answers",
    "schedule": 900.0,
    "options": {"expires": 900.0},
}

"""Settings shared by every environment. Anything that differs comes from the environment.

Every variable read here is listed, with a comment, in `.env.example`.
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from accounts.sso.config import sso_from_env
from config.settings.social import social_providers_from_env

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- Applications -----------------------------------------------------------------------------

SOCIAL_APPS, SOCIALACCOUNT_PROVIDERS = social_providers_from_env(os.environ)
# Staff single sign-on with the bank's identity provider (accounts/sso, docs/sso.md): SSO_* vars.
SSO, _sso_apps, _sso_providers = sso_from_env(os.environ)
SOCIAL_APPS += _sso_apps
SOCIALACCOUNT_PROVIDERS |= _sso_providers

INSTALLED_APPS = [
    "config.apps.RucheAdminConfig",  # the admin behind the site's login and two-factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "rest_framework",  # the REST API (community.api, docs/api.md)
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc files, served from /static/
    *SOCIAL_APPS,
    "config.outbox",  # events recorded with each change, delivered by the worker
    "accounts",
    "accounts.sso",  # the `sso` OpenID Connect provider; inert while SSO_OIDC_* are unset
    "ideas",
    "community",
    "config.ops",  # health, metrics, request ids, outage pages (docs/operations.md)
]

MIDDLEWARE = [
    "config.ops.requestid.RequestIdMiddleware",
    "config.ops.endpoints.OpsEndpointsMiddleware",  # /health/*, /metrics: before host checks
    "config.ops.metrics.RequestMetricsMiddleware",
    "config.ops.errors.OutageMiddleware",  # database or cache down: 503 page, Retry-After
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.page_cache.PageCacheMiddleware",  # anonymous pages from Redis, before sessions
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.sso.login.SsoRequiredForStaffMiddleware",  # SSO_REQUIRED_FOR_STAFF
    "accounts.staff_sessions.StaffSessionMiddleware",
    "accounts.mfa.StaffMfaMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.htmx_login.HtmxLoginRedirectMiddleware",  # htmx action needing a login: full page
    "config.encoding.InvalidEncodingMiddleware",  # last __call__ before any view reads POST
    "config.admin.AdminBadLookupMiddleware",  # an admin lookup the database refuses: ?e=1
    "accounts.email_conflicts.EmailTakenMiddleware",  # an address taken at the same moment: 409
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
                "django.template.context_processors.i18n",
                "community.context_processors.notifications",
                "config.branding.branding",  # the bank's name, logo, footer links
                "config.page_cache.csrf_placeholder",  # after Django's csrf: it overrides it
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write to the same file: wait for the lock, don't fail.
    # WAL lets pages read while the worker writes; IMMEDIATE takes the write lock when a
    # transaction starts, where SQLite waits for it, instead of failing at once with "database
    # is locked" when a reading transaction later tries to write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        # psycopg then prepares the statements run with prepare=True: the few point reads and the
        # vote's write of config.db.server_prepared_cursor. Django's own cursors bind on the client
        # and are never prepared; so large a threshold never prepares anything by count. Off
        # behind a connection pooler in transaction mode that does not keep prepared statements.
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
# Rate-limit scopes (RATE_LIMITS below) still counted while Redis is down, in the database; the
# others let requests through until it is back. docs/security.md#when-the-cache-is-down.
RATE_LIMITS_KEPT_WITHOUT_CACHE = (
    "idea_create",
    "comment_create",
    "content_edit",
    "flag",
    "complaint_create",
    "data_export",
    "account_delete",
    "similar",
)
# Keys kept in the database while Redis is down (config.cache): allauth's rate limits (the login
# lockout among them) and its used two-factor codes, and the scopes above.
CACHE_FALLBACK_PREFIXES = [
    "allauth:rl:",
    "allauth.mfa.totp.used",
    *(f"ratelimit:{scope}:" for scope in RATE_LIMITS_KEPT_WITHOUT_CACHE),
]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "fallback_prefixes": CACHE_FALLBACK_PREFIXES,
                "retry_seconds": 5,
                # A request waits half a second at most for a Redis that does not answer.
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous visitors' pages kept this many seconds in the shared cache (config.page_cache,
# docs/ranking.md#page-cache); 0 turns it off. Off without Redis: a per-process cache would
# not see the worker's invalidations.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=30 if REDIS_URL else 0)

# --- Celery -----------------------------------------------------------------------------------
# With REDIS_URL the worker uses Redis; without it, kombu's filesystem transport under var/,
# so `make run` needs no broker server.

CELERY_QUEUE_DIR = VAR_DIR / "celery"
# Every task's hard time limit; the longest task is the full themes run (ideas.tasks.recluster).
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
# The one task allowed longer: importing a large file of outside feedback
# (ideas.tasks.signal_upload_run).
SIGNAL_IMPORT_TIME_LIMIT = env.int("SIGNAL_IMPORT_TIME_LIMIT", default=30 * 60)
# A task a dead worker held (acknowledged late) goes back to the queue after the visibility
# timeout. It must outlast the longest time limit, or a task still running would be handed to a
# second worker: 35 minutes by default. Emails and themes runs do not wait for it: their claims
# go stale sooner (EMAIL_CLAIM_STALE_SECONDS, THEMES_RUN_STALE_SECONDS).
BROKER_VISIBILITY_TIMEOUT = env.int(
    "BROKER_VISIBILITY_TIMEOUT",
    default=max(CELERY_TASK_TIME_LIMIT, SIGNAL_IMPORT_TIME_LIMIT) + 5 * 60,
)
# docs/operations.md#when-redis-or-the-worker-dies: the worker notices a dead connection within
# the health-check interval or the socket timeout and reconnects for ever; a web request that
# queues a task waits about a second at most for a Redis that is down or does not answer.
# The timeouts are a publisher's (web processes, beat, commands: a push answers in a
# millisecond); `celery worker` raises them to WORKER_BROKER_TIMEOUTS (config.celery), its socket
# timeout longer than its consumer's 1 s blocking read (brpop_timeout). With the worker's 10 s,
# a Redis that hung (accepting connections, answering nothing) held a web request 10 s per try:
# 40 s for one publish and its retries, 52 s for an idea post (ops check, 2026-12-04).
WORKER_BROKER_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 10}
REDIS_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": 0.5,
    "socket_timeout": 0.5,
    "socket_keepalive": True,
    "health_check_interval": 15,
    "retry_on_timeout": False,  # a timed-out publish is not replayed blindly (kombu batches)
    # Tasks a dead worker held are looked for every 10 s, so each is back in the queue at most
    # 10 s after its visibility timeout (kombu's default looks every 10th tick of 10 s: 100 s).
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = REDIS_BROKER_TRANSPORT_OPTIONS
else:
    # The transport ignores the host; naming one spares kombu's "No hostname was supplied"
    # warning on every connection (the worker's, and each command that publishes).
    CELERY_BROKER_URL = "filesystem://localhost/"
    for folder in ("queue", "processed", "control"):  # kombu expects them to exist
        (CELERY_QUEUE_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a worker waits for Redis as long as it takes
# A late-acknowledged task running when the connection drops cannot be acknowledged any more and
# is redelivered: stop it rather than run it twice at once (Celery 6's default).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Queueing from a web request while Redis is down: one quick retry, then the error (caught; the
# outbox sweep delivers what a nudge could not queue).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The outbox (config.outbox): how often the sweep delivers what is waiting, how long it may run,
# how old an event must be before the sweep takes it from its nudge, how long delivered events stay.
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=60.0)
OUTBOX_SWEEP_BUDGET_SECONDS = env.float("OUTBOX_SWEEP_BUDGET_SECONDS", default=50.0)
OUTBOX_SWEEP_GRACE_SECONDS = env.float("OUTBOX_SWEEP_GRACE_SECONDS", default=10.0)
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=7)
# At most one Celery message per web process per this many seconds for the events it records (a
# relay of every waiting event, queued to run that much later); 0: one task per event.
OUTBOX_NUDGE_SECONDS = env.float("OUTBOX_NUDGE_SECONDS", default=1.0)
CELERY_BEAT_SCHEDULE = {
    "recluster-nightly": {
        "task": "ideas.tasks.recluster",
        "schedule": crontab(hour=2, minute=0),
        "kwargs": {"trigger": "nightly"},
    },
    "recluster-when-enough-new-ideas": {
        "task": "ideas.tasks.recluster_if_needed",
        "schedule": 10 * 60,
    },
    "daily-digests": {
        "task": "community.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    "campaign-results": {"task": "community.tasks.award_campaign_results", "schedule": 60 * 60},
    "vote-rings": {"task": "community.tasks.detect_vote_rings", "schedule": 15 * 60},
    # Stored trending scores age with time (ideas/ranking.py): recomputed for now every 5 min.
    "trending-refresh": {"task": "ideas.tasks.trending_refresh", "schedule": 5 * 60},
    "complaint-reminders": {"task": "community.tasks.remind_complaint_deadlines", "schedule": 3600},
    "masked-originals-purge": {
        "task": "ideas.tasks.purge_masked_originals",
        "schedule": crontab(hour=3, minute=30),
    },
    # Form imports of outside feedback whose worker died mid-import: queued again or refused.
    "signal-uploads-recover": {"task": "ideas.tasks.signal_uploads_recover", "schedule": 10 * 60},
    # Audit log exports whose worker died or whose task was lost: queued again.
    "audit-exports-recover": {"task": "accounts.tasks.audit_exports_recover", "schedule": 10 * 60},
    # The retention schedule (accounts/retention_schedule.py): what is past its period goes.
    "retention-purge": {
        "task": "community.retention.tasks.retention_purge_daily",
        "schedule": crontab(hour=3, minute=45),
    },
    # Emails owed that no task sent (broker down, worker killed holding the claim).
    "owed-emails": {"task": "community.tasks.send_owed_emails", "schedule": 60},
    # Events their on-commit nudge did not deliver (broker down, worker killed): config.outbox.
    "outbox-sweep": {"task": "config.outbox.tasks.sweep_outbox", "schedule": OUTBOX_SWEEP_SECONDS},
    # Webhook deliveries due (retries, and first attempts whose task was lost): community.webhooks.
    "webhooks-sweep": {
        "task": "community.webhooks.tasks.sweep_webhooks",
        "schedule": env.float("WEBHOOK_SWEEP_SECONDS", default=30.0),
    },
}

# --- Accounts ---------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
# Sessions live in the database, never in the cache: a Redis outage signs nobody out, and a row
# deleted (sign-out, ban, account deletion) ends its session at once. Django's database store,
# its SELECT compiled once per process (config.sessions).
SESSION_ENGINE = "config.sessions"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackendOneQuery",  # a member's permissions in one query, not two
    "accounts.backends.AllauthBackend",  # allauth's, refusing service accounts as well
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.MaximumLengthValidator"},  # 4,096 characters
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "ideas:home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"  # adds the display name
# allauth's forms, answering two sign-ups with one address at the same moment as one taken.
ACCOUNT_FORMS = {"signup": "accounts.signup_forms.SignupForm"}
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Ruche] "
# Login lockout, by allauth in the cache: after 5 failed logins for one email address in 15
# minutes (or 20 from one IP address), even the right password is refused until the window
# passes; a successful login does not count. Its keys (allauth:rl:…) never meet config.ratelimit's.
ACCOUNT_RATE_LIMITS = {"login_failed": "20/15m/ip,5/15m/key"}
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "accounts.signup_forms.SocialSignupForm"}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
# A provider allowed to sign in an existing account by its email address (only single sign-on,
# for the bank's own domains: SSO_EMAIL_DOMAINS, docs/sso.md) also links it, so later sign-ins
# find the account by the identity provider's subject.
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_ONLY = False

# Two-factor authentication (allauth.mfa): an authenticator app with recovery codes. Staff must
# set it up before any staff page (accounts.mfa); members may.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Ruche"
MFA_ADAPTER = "accounts.adapters.MFAAdapter"  # encrypts the secrets it stores
# Keys that encrypt secrets stored in the database (accounts.encryption), comma-separated Fernet
# keys: the first encrypts, all decrypt (rotation: docs/operations.md). Production requires it;
# local settings derive a development key from SECRET_KEY.
FIELD_ENCRYPTION_KEYS: list[str] = env.list("FIELD_ENCRYPTION_KEYS", default=[])
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=True)
# Staff sessions end after this many idle minutes, and when the browser closes
# (accounts.staff_sessions); members' sessions last SESSION_COOKIE_AGE (two weeks).
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=30)

# The versions of the terms of use and of the privacy notice (templates/pages/) that members
# accept at sign-up (accounts.Consent). Change one when its text changes: members are then asked
# to accept the new version at their next visit. Part of the code, not of the environment.
TERMS_VERSION = "2026-11"
PRIVACY_NOTICE_VERSION = "2026-11"

# --- Email ------------------------------------------------------------------------------------

# EMAIL_URL sets EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, ... in one variable:
# smtp+tls://user:password@mail.example.com:587, consolemail://, filemail:///path/to/dir
globals().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Ruche <no-reply@ruche.localhost>")
# Notification emails (community.notifications.emailing): a claim older than this is taken to be
# from a worker that died, and the email is sent again; the sweep leaves an owed email this long
# to its task.
EMAIL_CLAIM_STALE_SECONDS = env.int("EMAIL_CLAIM_STALE_SECONDS", default=10 * 60)
EMAIL_SWEEP_GRACE_SECONDS = env.int("EMAIL_SWEEP_GRACE_SECONDS", default=60)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = env("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates the European way: 3 Dec 2026, short dates ISO, 24-hour times (config/formats/en).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env("TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Uploads (campaign banners) larger than this are refused with a field error.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Branding (config/branding.py, docs/branding.md) -------------------------------------------

BRANDING = {
    "name": env("BRAND_NAME", default="Ruche"),
    # A file under static/ (e.g. "brand/logo.svg"); empty: Ruche's own drawn logo.
    "logo": env("BRAND_LOGO", default=""),
    # White text on it must reach 4.5:1 (checked at start-up).
    "colour": env("BRAND_COLOUR", default="#9c6500"),
    # JSON: [["Our branches", "https://bank.example/branches"], ["Legal notice", "/legal/"]]
    "footer_links": env.json("BRAND_FOOTER_LINKS", default=[]),
}

# --- Security headers -------------------------------------------------------------------------

# Sent on every page (config.security); no inline script or style anywhere in the templates.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    # Social login posts to this site, which redirects to the provider (single sign-on's
    # server too when it is plain http, e.g. the test identity provider of docs/sso.md).
    "form-action": ["'self'", "https:", *([SSO.oidc_origin] if SSO.oidc_origin else [])],
}

# The "Suggest an idea" widget (/embed/, community.embed, docs/widget.md) may be framed by these
# origins only, e.g. https://www.bank.example (scheme, host and port; no path, no wildcard): its
# pages send `frame-ancestors` with them and no X-Frame-Options. Every other page keeps
# frame-ancestors 'none'. Empty: the widget cannot be framed anywhere. Checked at start-up.
EMBED_ALLOWED_ORIGINS: list[str] = env.list("EMBED_ALLOWED_ORIGINS", default=[])

# --- Ruche ------------------------------------------------------------------------------------

# How long an author may edit an idea after posting it (and only before any staff response).
IDEA_EDIT_WINDOW_MINUTES = env.int("IDEA_EDIT_WINDOW_MINUTES", default=60)
IDEAS_PER_PAGE = 20
COMMENTS_PER_PAGE = 50  # top-level comments per page of an idea, each with its replies
# A member's first post waits for a moderator (community.moderation.waiting). The test suite turns
# it off by default (tests/conftest.py), so tests posting as fresh members get public posts.
RUCHE_PREMODERATE_FIRST_POST = True
# Complaints handled privately (community.complaints.services): acknowledge within this many
# business days and answer within this many calendar months of receipt (the French regulator's
# practice: 10 business days, two months); moderators are reminded this many business days before
# each.
COMPLAINT_ACK_BUSINESS_DAYS = env.int("COMPLAINT_ACK_BUSINESS_DAYS", default=10)
COMPLAINT_ANSWER_MONTHS = env.int("COMPLAINT_ANSWER_MONTHS", default=2)
COMPLAINT_REMINDER_BUSINESS_DAYS = env.int("COMPLAINT_REMINDER_BUSINESS_DAYS", default=2)

# Retention periods in days per kind of data, overriding the schedule's defaults
# (accounts/retention_schedule.py, docs/processing-record.md), e.g. complaint_cases=3650.
RETENTION_DAYS: dict[str, int] = env.dict("RETENTION_DAYS", cast={"value": int}, default={})

# Personal and financial data found in published text is masked (ideas.pii_services). The text
# as typed is kept for this many days, for admins only, then purged; 0 keeps nothing.
PII_KEEP_ORIGINALS_DAYS = env.int("PII_KEEP_ORIGINALS_DAYS", default=0)
# The check accounts' profile forms call on display names and organisations
# (accounts.profile_texts):
# configured, because accounts may not import the masker's app.
PROFILE_TEXT_CHECK = "ideas.pii_services.profile_text_refusal"

# How many reverse proxies stand in front of the app, each appending the address it saw to
# X-Forwarded-For (e.g. 1 behind one nginx). 0: the header is ignored and REMOTE_ADDR is the
# client. Rate limits, login lockout and vote-ring networks all read the client address this way.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# Writes allowed per user and per IP address: scope -> (requests, window in seconds).
# Login and sign-up attempts are limited by allauth (ACCOUNT_RATE_LIMITS above, and its defaults).
RATE_LIMITS = {
    "idea_create": (10, 3600),
    "comment_create": (30, 3600),
    "vote": (120, 60),
    "status_change": (60, 60),
    "flag": (20, 3600),
    # Complaints stay open to suspended members (a regulated right), but not to a flood.
    "complaint_create": (10, 3600),
    # A member's data download (a GET, limited by hand) and the password check before deleting.
    "data_export": (5, 3600),
    "account_delete": (10, 3600),
    # An audit log export: the worker writes the whole log each time.
    "audit_export": (10, 3600),
    # Similar ideas while a title is typed (debounced by htmx): three sentence encoders a call.
    "similar": (30, 60),
    # Edits of one's ideas and comments (pages and API): each is read again by the worker
    # (personal data, sentiment, themes) and retires the cached pages that show it.
    "content_edit": (60, 3600),
    # One's profile and notification settings: a new name retires every cached page showing it.
    "settings_update": (30, 3600),
    "follow": (60, 60),
}

# Staff analytics (community.analytics): no figure is shown or exported for a group of fewer
# distinct members than this.
ANALYTICS_MIN_GROUP = env.int("ANALYTICS_MIN_GROUP", default=10)

# Themes: the text representation (auto = e5 sentence embeddings, TF-IDF + LSA if unavailable),
# and how many new ideas since the last run trigger a new one before the nightly run.
THEMES_BACKEND = env("THEMES_BACKEND", default="auto")
THEMES_RERUN_AFTER_NEW_IDEAS = env.int("THEMES_RERUN_AFTER_NEW_IDEAS", default=25)
# A running themes run writes a heartbeat this often; one silent for THEMES_RUN_STALE_SECONDS lost
# its worker, and the next run (or "Re-run now") takes over (ideas.themes.runs).
THEMES_RUN_HEARTBEAT_SECONDS = env.float("THEMES_RUN_HEARTBEAT_SECONDS", default=30.0)
THEMES_RUN_STALE_SECONDS = env.float("THEMES_RUN_STALE_SECONDS", default=180.0)

# Outside feedback (ideas.outside, docs/signals.md): the largest CSV file imported (bytes), where
# the form keeps a file between its two steps (private: never under MEDIA_ROOT), rows written per
# batch, and rejected rows (and warnings) listed in a report at most.
SIGNALS_MAX_UPLOAD_BYTES = env.int("SIGNALS_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
SIGNALS_UPLOAD_DIR = env("SIGNALS_UPLOAD_DIR", default=str(VAR_DIR / "signal-uploads"))
SIGNALS_BATCH = 1000
# A form upload larger than this is imported by the worker (the page shows the report when it is
# done); smaller ones in the request. 0 sends every form import to the worker.
SIGNALS_FORM_INLINE_BYTES = env.int("SIGNALS_FORM_INLINE_BYTES", default=512 * 1024)
SIGNALS_REPORT_ROWS = 1000

# Audit log exports (accounts.audit_exports): the worker writes each CSV file here (private: never
# under MEDIA_ROOT); the admin who asked downloads it until the retention period `audit_exports`
# deletes it.
AUDIT_EXPORT_DIR = env("AUDIT_EXPORT_DIR", default=str(VAR_DIR / "audit-exports"))

# Similar ideas: one search process (`manage.py serve_similar`) holds the encoders and every
# stored vector, so web workers do not. unix:///path.sock or http://host:port; `make run` and
# the systemd units use the socket under var/, compose a TCP address between containers.
SIMILAR_SEARCH_URL = env("SIMILAR_SEARCH_URL", default=f"unix://{VAR_DIR / 'similar.sock'}")
# A web request waits this long for it, then suggests ideas by shared title words instead.
SIMILAR_SEARCH_TIMEOUT = env.float("SIMILAR_SEARCH_TIMEOUT", default=1.0)
# How often the search process reads the vectors written since its last look.
SIMILAR_SEARCH_REFRESH_SECONDS = env.float("SIMILAR_SEARCH_REFRESH_SECONDS", default=2.0)

# --- REST API (community.api, docs/api.md) ------------------------------------------------------

REST_FRAMEWORK = {
    # Personal API tokens (accounts.tokens) for scripts and systems; the site's own session for
    # pages (with its CSRF check on writes).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "community.api.authentication.ApiTokenAuthentication",
        "community.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["community.api.permissions.ReadOpenWriteScoped"],
    "DEFAULT_THROTTLE_CLASSES": ["community.api.throttling.ApiThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": env("API_THROTTLE_TOKEN", default="600/hour"),
        "user": env("API_THROTTLE_USER", default="600/hour"),
        "anon": env("API_THROTTLE_ANON", default="120/hour"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "community.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "community.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Ruche API",
    "DESCRIPTION": "Ideas, votes, comments, categories, campaigns, notifications, themes and "
    "the moderation queue of the Ruche portal (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {"IdeaStatus": "ideas.models.Status.choices"},
}
# Personal API tokens (accounts.tokens): the longest a token may last, for members and for staff
# (who need a short one), and how many active tokens one person may hold.
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
API_TOKEN_STAFF_MAX_DAYS = env.int("API_TOKEN_STAFF_MAX_DAYS", default=30)
API_TOKENS_PER_USER = env.int("API_TOKENS_PER_USER", default=10)

# --- Webhooks (community.webhooks, docs/webhooks.md) --------------------------------------------
# Outgoing requests: how long each socket operation may take, and where they may go. Private,
# loopback, link-local and reserved addresses are refused unless allowed here (an intranet
# receiver: list its networks rather than allowing them all); plain http only if allowed.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env.bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", default=False)
WEBHOOK_ALLOWED_NETWORKS = env.list("WEBHOOK_ALLOWED_NETWORKS", default=[])
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=False)
# Retries: first after WEBHOOK_RETRY_FIRST_SECONDS, doubling up to WEBHOOK_RETRY_MAX_SECONDS,
# for WEBHOOK_RETRY_HOURS after the first attempt; then the delivery has failed.
WEBHOOK_RETRY_FIRST_SECONDS = env.int("WEBHOOK_RETRY_FIRST_SECONDS", default=30)
WEBHOOK_RETRY_MAX_SECONDS = env.int("WEBHOOK_RETRY_MAX_SECONDS", default=2 * 3600)
WEBHOOK_RETRY_HOURS = env.float("WEBHOOK_RETRY_HOURS", default=24.0)
# An endpoint is disabled (and admins told) when it has failed without a success for this long,
# or (if set above 0) after this many failed attempts in a row.
WEBHOOK_DISABLE_AFTER_HOURS = env.float("WEBHOOK_DISABLE_AFTER_HOURS", default=24.0)
WEBHOOK_DISABLE_AFTER_FAILURES = env.int("WEBHOOK_DISABLE_AFTER_FAILURES", default=0)
# After a secret is replaced, the old one signs too (a second `v1,` signature) for this long.
WEBHOOK_SECRET_OVERLAP_HOURS = env.float("WEBHOOK_SECRET_OVERLAP_HOURS", default=24.0)

# --- Operations (config.ops, docs/operations.md) -----------------------------------------------

# Request and task counters and the worker heartbeat, shared by every process: Redis when there
# is one, else a SQLite file of their own (one machine, `make run`).
OPS_STORE_URL = env("OPS_STORE_URL", default=REDIS_URL or f"sqlite:///{VAR_DIR / 'ops.sqlite3'}")
# Request counts are added up in each process and written this often (0: on every request).
OPS_METRICS_FLUSH_SECONDS = env.float("OPS_METRICS_FLUSH_SECONDS", default=1.0)
# The worker writes a heartbeat this often; /health/ready fails when the last is older than the max.
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=30.0)
HEALTH_WORKER_MAX_AGE_SECONDS = env.float("HEALTH_WORKER_MAX_AGE_SECONDS", default=120.0)
# /metrics answers these client addresses or networks, and anyone sending the bearer token.
METRICS_ALLOWED_IPS: list[str] = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env("METRICS_TOKEN", default="")

# plain: readable lines; json: one JSON object per line with the request id (production default).
LOG_FORMAT = env("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "config.ops.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
# Celery would otherwise replace the root handler with its own plain one in the worker.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT == "plain"

"""Production settings.

Secrets and host names come from the environment, or the process refuses to start.
"""

from django.core.exceptions import ImproperlyConfigured

from accounts.encryption import check_keys
from config.settings.base import *  # noqa: F403
from config.settings.base import FIELD_ENCRYPTION_KEYS, LOGGING, SECRET_KEY, env

if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Production needs a long random SECRET_KEY in the environment, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. Production needs the site's host names in the environment, "
        "comma-separated, e.g. ALLOWED_HOSTS=ideas.example-bank.com"
    )

check_keys(FIELD_ENCRYPTION_KEYS)  # ImproperlyConfigured without one, or with a malformed one

DEBUG = False
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS", default=[f"https://{h}" for h in ALLOWED_HOSTS]
)

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
if env.bool("BEHIND_TLS_PROXY", default=True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The one TLS proxy appends the client's address to X-Forwarded-For (config.ratelimit).
    TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
    ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

globals().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One JSON object per log line, with the request id, for the log collector (config.ops.logs).
LOG_FORMAT = env("LOG_FORMAT", default="json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # type: ignore[index]
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT == "plain"

"""Settings for the test suite. DATABASE_URL and REDIS_URL switch to the real services (CI)."""

import importlib.util
import os
import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, INSTALLED_APPS, VAR_DIR, env

DEBUG = False
SECRET_KEY = "test-only-not-secret-1b3d5f7h9j1l3n5p7r9t1v3x5z7b9d1f3h5j7l9n"
FIELD_ENCRYPTION_KEYS = ["dGVzdC1vbmx5LW5vdC1zZWNyZXQtZmVybmV0LWtleS0="]  # fixed, like SECRET_KEY
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if not env("EMAIL_URL", default=""):
    # Tests read Django's mail outbox; a worker process started by a test sets EMAIL_URL instead.
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Counters (rate limits) start empty in every test; Redis stays the broker only, never flushed.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Pages are rendered afresh in every test; tests/config/test_page_cache.py turns the cache on.
PAGE_CACHE_SECONDS = 0

# Unit tests search similar ideas with the search process's own object, in this process (the same
# code); tests/themes/test_similar_process.py starts the real process.
SIMILAR_SEARCH_URL = env("SIMILAR_SEARCH_URL", default="inprocess")

# Unit tests run tasks in-process; integration tests start a real worker process instead.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Eager tasks ignore a countdown: each event is delivered by a task of its own, as it commits.
# tests/config/outbox and tests/integration/test_outbox_relay.py set a relay interval.
OUTBOX_NUDGE_SECONDS = 0.0

(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)  # WhiteNoise warns if missing
# The retention job sweeps old files from the upload and export directories: never the
# checkout's own. The suite points them at its run's temporary folder (tests/conftest.py); a
# worker process a test starts is given the test's directory (tests/integration), else one
# outside the checkout too.
SIGNALS_UPLOAD_DIR = os.environ.get("RUCHE_TEST_SIGNALS_UPLOAD_DIR") or str(
    Path(tempfile.gettempdir()) / f"ruche-test-signal-uploads-{os.getpid()}"
)
AUDIT_EXPORT_DIR = os.environ.get("RUCHE_TEST_AUDIT_EXPORT_DIR") or str(
    Path(tempfile.gettempdir()) / f"ruche-test-audit-exports-{os.getpid()}"
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a worker process started by a test sees the same database.
    # One file per test process, so two test runs on one machine do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

# allauth's SAML provider, so that its URLs exist for tests/accounts/sso/test_saml_flow.py (it
# needs python3-saml, from the locked requirements); no SAML app is configured: no button.
if importlib.util.find_spec("onelogin") is not None:
    from accounts.sso.config import SAML_APP

    if SAML_APP not in INSTALLED_APPS:
        INSTALLED_APPS = [*INSTALLED_APPS, SAML_APP]

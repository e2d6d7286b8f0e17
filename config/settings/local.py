"""Settings for `make run` on a laptop: debug on, console email, SQLite and a filesystem broker."""

import ipaddress

from django.core.exceptions import ImproperlyConfigured

from accounts.encryption import derive_development_key
from config.settings.base import *  # noqa: F403
from config.settings.base import FIELD_ENCRYPTION_KEYS, SECRET_KEY, VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)
# A fixed key is fine for local development only; production refuses to start without one.
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret-9f2c1e7a4b6d8e0f3a5c7b9d1e3f5a7c"
# Two-factor secrets on a laptop are encrypted with a key derived from that development key.
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [derive_development_key(SECRET_KEY)]
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])


def _is_loopback(host: str) -> bool:
    name = host.strip().lower().removeprefix(".")
    if name == "localhost" or name.endswith(".localhost"):  # RFC 6761: always this machine
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


# With the public development key and debug pages, this machine's loopback only: a real host
# name (or "*") would let these settings serve a reachable site by accident.
_not_loopback = [host for host in ALLOWED_HOSTS if not _is_loopback(host)]
if _not_loopback:
    raise ImproperlyConfigured(
        f"ALLOWED_HOSTS names {', '.join(_not_loopback)}, but the local settings (DJANGO_ENV=local "
        "or unset with manage.py) serve only this machine (127.0.0.1, localhost, [::1]). To serve "
        "a real host name, use DJANGO_ENV=production with its own SECRET_KEY."
    )

(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)  # WhiteNoise warns if missing

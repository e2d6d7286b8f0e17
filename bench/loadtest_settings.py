"""Settings for `make loadtest`: production settings as they are, plus what a load test needs.

- `/bench/bare/`, a bare Django view through the same middleware, the reference throughput.
- Rate limits far above what 50 clients send: a bank's members vote from many addresses, but
  here every request comes from 127.0.0.1.
- Static files collected under var/loadtest/, apart from the ones `make run` uses.
TLS redirects and proxy headers are turned off by the driver's environment
(SECURE_SSL_REDIRECT=false, BEHIND_TLS_PROXY=false): wrk talks plain HTTP on 127.0.0.1.
"""

from config.settings.production import *  # noqa: F403
from config.settings.production import RATE_LIMITS, VAR_DIR

ROOT_URLCONF = "bench.loadtest_urls"
STATIC_ROOT = VAR_DIR / "loadtest" / "static"
RATE_LIMITS = {scope: (1_000_000, period) for scope, (_limit, period) in RATE_LIMITS.items()}

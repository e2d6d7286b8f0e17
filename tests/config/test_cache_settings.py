"""What a Redis outage must not take with it: sessions, and the security counters' fallback."""

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedSessionStore
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from config.sessions import SessionStore


def test_sessions_live_in_the_database_not_in_the_cache():
    assert settings.SESSION_ENGINE == "config.sessions"
    assert issubclass(SessionStore, DatabaseSessionStore)
    assert not issubclass(SessionStore, CachedSessionStore)


def test_the_login_lockout_and_used_codes_fall_back_to_the_database():
    prefixes = settings.CACHE_FALLBACK_PREFIXES
    assert "allauth:rl:" in prefixes  # allauth's rate limits: the login lockout among them
    assert "allauth.mfa.totp.used" in prefixes  # a two-factor code is accepted once
    assert "ratelimit:account_delete:" in prefixes  # password guesses before deleting
    assert "ratelimit:vote:" not in prefixes  # votes fail open (docs/security.md)

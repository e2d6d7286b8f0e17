"""A signed-in member's session for the benchmarks that send requests as one (the load test's
voters, the similar-ideas bench), made without the login form. Needs Django set up."""

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from accounts.models import User
from accounts.privacy import CONSENT_SESSION_KEY, consent_fingerprint


def signed_in_session(user: User) -> str:
    """The key of a session as the login view leaves it (and the consent already checked)."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[CONSENT_SESSION_KEY] = consent_fingerprint()
    session.create()
    return str(session.session_key)

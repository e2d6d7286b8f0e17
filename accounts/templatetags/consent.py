"""The banner asking a member to accept a new version of the terms or of the privacy notice."""

from typing import Any

from django import template

from accounts.privacy import CONSENT_SESSION_KEY, consent_fingerprint, consents_missing

register = template.Library()


@register.simple_tag(takes_context=True)
def consent_needed(context: dict[str, Any]) -> bool:
    """Whether the logged-in member has yet to accept the current versions. Once they have, the
    session remembers it, so later pages ask the database nothing."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return False
    current = consent_fingerprint()
    if request.session.get(CONSENT_SESSION_KEY) == current:
        return False
    if consents_missing(user=user):
        return True
    request.session[CONSENT_SESSION_KEY] = current
    return False

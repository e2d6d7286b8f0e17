"""Which language a member is written to in: every email (notifications, digests, allauth's
sign-up and password emails, complaint updates) is rendered under `translation.override` of
`language_for(user)`, subject included.

The member's `preferred_language` is set at sign-up from the language the page was in, then
changed on the profile page or with the site's language switcher while signed in
(accounts.views.language_switch). Accounts older than the setting have "" and get the site's
LANGUAGE_CODE."""

from typing import Any

from django.conf import settings
from django.utils import translation


def supported_language(code: str | None) -> str:
    """One of settings.LANGUAGES for a code such as "fr-FR" or "en", or "" if none fits."""
    if not code:
        return ""
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return ""


def language_for(user: Any) -> str:
    """The language to write to this member in (a user row, or None for an address with no
    account: the language active now, e.g. the page's that asked for a password reset)."""
    if user is None:
        return supported_language(translation.get_language()) or settings.LANGUAGE_CODE
    return supported_language(getattr(user, "preferred_language", "")) or settings.LANGUAGE_CODE

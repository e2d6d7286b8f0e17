"""Profile texts shown beside a member's posts (display name, organisation) may hold no personal
data: they are refused, not masked (a name reading "[email removed]" helps no one, and the member
can choose another one).

The masker lives above this app (`ideas.pii`, `ideas.pii_services`), and accounts imports
nothing from ideas. So the check is configured, as allauth's adapters are: PROFILE_TEXT_CHECK
names a function `text -> refusal message` ("" when the text is allowed), by default
`ideas.pii_services.profile_text_refusal`. Every profile form, the admin and the services call
this module, so there is one entry point for profile texts (docs/pii.md).
"""

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string


@cache
def _check(path: str) -> Callable[[str], str]:
    check: Callable[[str], str] = import_string(path)
    return check


def profile_text_refusal(text: str) -> str:
    """Why `text` cannot be a display name or an organisation, or "" when it can."""
    return _check(settings.PROFILE_TEXT_CHECK)(text)


def ensure_profile_texts_allowed(**texts: str) -> None:
    """Raise ValidationError on each profile field (name -> text) that holds personal data."""
    errors = {
        name: refusal for name, text in texts.items() if (refusal := profile_text_refusal(text))
    }
    if errors:
        raise ValidationError(errors)

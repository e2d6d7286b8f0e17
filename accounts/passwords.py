"""A password's longest length (AUTH_PASSWORD_VALIDATORS), wherever one is chosen: sign-up, a
change, a reset, the Django admin, createsuperuser.

A 1 MB password was accepted. Not a denial of service today (PBKDF2 hashes a long key once, and
Django's similarity check skips a password far longer than the member's name), but no person
types one, and a bound on every input is cheaper than knowing each path that reads it. 4,096
characters leave room for any passphrase or password manager; it was Django's own limit for a
while (CVE-2013-1443). Signing in is not limited: a longer password matches no account."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import ngettext


class MaximumLengthValidator:
    def __init__(self, max_length: int = 4096) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long. It must contain at most %(max_length)s character.",
                    "This password is too long. It must contain at most %(max_length)s characters.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": _grouped(self.max_length)},
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Your password can contain at most %(max_length)s character.",
            "Your password can contain at most %(max_length)s characters.",
            self.max_length,
        ) % {"max_length": _grouped(self.max_length)}


def _grouped(n: int) -> str:
    """4,096 in English, 4 096 in French: the number as the reader's language writes it."""
    return number_format(n, force_grouping=True)

"""Application-level encryption of secrets stored in the database (two-factor secrets and
recovery-code seeds; webhook and API secrets when they exist).

Keys come from `FIELD_ENCRYPTION_KEYS` (environment, comma-separated Fernet keys). The first key
encrypts; every key decrypts, so a key is rotated by putting a new one first, running
`manage.py rotate_encryption_keys` (re-encrypts every stored secret with the new key), then
removing the old one. Stored values read `fernet:<token>`: Fernet is AES-128-CBC with an
HMAC-SHA256, so a value changed in the database is refused, not decrypted into garbage.
"""

import base64
import hashlib
from collections.abc import Callable, Sequence
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "fernet:"


class DecryptionError(Exception):
    """A stored secret that no configured key opens (wrong keys, or not encrypted at all)."""


def derive_development_key(secret_key: str) -> str:
    """The key `make run` uses when FIELD_ENCRYPTION_KEYS is unset: derived from the local
    SECRET_KEY, so a laptop's demo works without setup. Production refuses to start instead."""
    digest = hashlib.sha256(b"ruche-field-encryption:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def check_keys(keys: Sequence[str]) -> None:
    """Raise ImproperlyConfigured, naming the position, for a key Fernet would not accept."""
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is not set. Production needs at least one key in the "
            "environment, e.g. python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        )
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key {position} is not a Fernet key (32 bytes, "
                "url-safe base64, 44 characters)."
            ) from None


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    check_keys(keys)
    return MultiFernet([Fernet(key) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    """`text` encrypted with the first key, as stored."""
    return PREFIX + _current().encrypt(text.encode()).decode("ascii")


def decrypt(stored: str) -> str:
    """The text of a value written by `encrypt`, with whichever configured key wrote it."""
    if not is_encrypted(stored):
        raise DecryptionError("the stored value is not encrypted")
    try:
        return _current().decrypt(stored.removeprefix(PREFIX).encode("ascii")).decode()
    except InvalidToken:
        raise DecryptionError("no key in FIELD_ENCRYPTION_KEYS opens the stored value") from None


def reencrypt(stored: str) -> str:
    """The same secret, encrypted with the first key (for key rotation)."""
    if not is_encrypted(stored):
        raise DecryptionError("the stored value is not encrypted")
    try:
        token = _current().rotate(stored.removeprefix(PREFIX).encode("ascii"))
    except InvalidToken:
        raise DecryptionError("no key in FIELD_ENCRYPTION_KEYS opens the stored value") from None
    return PREFIX + token.decode("ascii")


def is_encrypted(stored: str) -> bool:
    return isinstance(stored, str) and stored.startswith(PREFIX)


# Other apps' encrypted fields (webhook secrets), re-encrypted by `manage.py
# rotate_encryption_keys`: a label and a function that rewrites them and returns how many. Filled
# from AppConfig.ready, so this lowest app imports none of them.
REENCRYPTORS: dict[str, Callable[[], int]] = {}


def reencryptor_register(label: str, rewrite: Callable[[], int]) -> None:
    REENCRYPTORS[label] = rewrite

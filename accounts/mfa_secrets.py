"""Which parts of allauth's `Authenticator.data` are secrets, and how they are stored.

allauth encrypts them through its MFA adapter (`accounts.adapters.MFAAdapter`, calling
`accounts.encryption`); this module changes rows written before that (the data migration
accounts 0005) and re-encrypts rows with the first key after a key rotation. Functions take and
return plain dicts so the migration can use them with its historical model.
"""

from collections.abc import Callable
from typing import Any

from accounts import encryption

# The secret keys of each authenticator type's data: a string, or a list of strings.
SECRET_FIELDS = {
    "totp": ("secret",),
    "recovery_codes": ("seed", "migrated_codes"),
}


def _map(data: dict[str, Any], kind: str, change: Callable[[str], str]) -> dict[str, Any]:
    changed = dict(data)
    for field in SECRET_FIELDS.get(kind, ()):
        value = changed.get(field)
        if isinstance(value, str):
            changed[field] = change(value)
        elif isinstance(value, list):
            changed[field] = [change(item) for item in value]
    return changed


def data_encrypted(data: dict[str, Any], kind: str) -> dict[str, Any]:
    """`data` with every secret encrypted; values already encrypted are left as they are."""
    return _map(data, kind, lambda v: v if encryption.is_encrypted(v) else encryption.encrypt(v))


def data_decrypted(data: dict[str, Any], kind: str) -> dict[str, Any]:
    """`data` with every secret in clear (to reverse the migration)."""
    return _map(data, kind, lambda v: encryption.decrypt(v) if encryption.is_encrypted(v) else v)


def data_reencrypted(data: dict[str, Any], kind: str) -> dict[str, Any]:
    """`data` with every secret encrypted with the first key (key rotation)."""
    return _map(data, kind, encryption.reencrypt)


def authenticators_rewrite(model: Any, transform: Callable[..., dict[str, Any]]) -> int:
    """Apply `transform(data, kind)` to every authenticator row of `model`; returns how many
    rows changed. Each row is locked while rewritten, so a sign-in marking a recovery code used
    at the same moment is not overwritten."""
    from django.db import transaction

    changed = 0
    for pk in model.objects.filter(type__in=SECRET_FIELDS).values_list("pk", flat=True):
        with transaction.atomic():
            row = model.objects.select_for_update().filter(pk=pk).first()
            if row is None:
                continue
            data = transform(row.data, row.type)
            if data != row.data:
                row.data = data
                row.save(update_fields=["data"])
                changed += 1
    return changed

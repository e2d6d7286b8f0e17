"""Encrypt the two-factor secrets that allauth stored in clear before accounts.adapters.MFAAdapter
(accounts.encryption, keys in FIELD_ENCRYPTION_KEYS). Reversible while the keys are configured:
going back decrypts them, for a downgrade to code that reads them in clear."""

from typing import Any

from django.db import migrations

from accounts.mfa_secrets import authenticators_rewrite, data_decrypted, data_encrypted


def encrypt_secrets(apps: Any, schema_editor: Any) -> None:
    authenticators_rewrite(apps.get_model("mfa", "Authenticator"), data_encrypted)


def decrypt_secrets(apps: Any, schema_editor: Any) -> None:
    authenticators_rewrite(apps.get_model("mfa", "Authenticator"), data_decrypted)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_privacy"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]

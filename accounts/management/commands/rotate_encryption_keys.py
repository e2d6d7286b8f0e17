"""Re-encrypt every stored secret with the first key of FIELD_ENCRYPTION_KEYS (key rotation)."""

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand

from accounts.encryption import REENCRYPTORS
from accounts.mfa_secrets import authenticators_rewrite, data_reencrypted


class Command(BaseCommand):
    help = (
        "Re-encrypt two-factor secrets (and other apps' secrets: webhooks) with the first key of "
        "FIELD_ENCRYPTION_KEYS. Rotate a key: put the new key first, keep the old one after it, "
        "run this, then remove the old key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        changed = authenticators_rewrite(Authenticator, data_reencrypted)
        self.stdout.write(f"{changed} two-factor authenticators re-encrypted with the first key.")
        for label, rewrite in REENCRYPTORS.items():
            self.stdout.write(f"{rewrite()} {label} re-encrypted with the first key.")

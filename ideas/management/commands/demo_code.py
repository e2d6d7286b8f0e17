from typing import Any

from django.core.management.base import BaseCommand

from accounts.mfa import totp_code, totp_seconds_left
from ideas.demo.seed import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of the demo staff accounts (they share a public demo "
        "secret; real accounts never have it)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        code, left = totp_code(DEMO_TOTP_SECRET, valid_for=5), totp_seconds_left()
        self.stdout.write(f"{code}   (valid {left:.0f} s more)")

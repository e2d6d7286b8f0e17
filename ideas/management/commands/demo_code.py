from typing import Any

from django.core.management.base import BaseCommand

from accounts.mfa import totp_code
from ideas.demo.seed import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of the demo staff accounts (they share a public demo "
        "secret; real accounts never have it)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(totp_code(DEMO_TOTP_SECRET))

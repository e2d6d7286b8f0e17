from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from community.demo.seed import seed_demo
from ideas.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Load the demo ideas, people, votes and comments (once; a second run does nothing)."

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo staff share a published password and two-factor secret: never on a real site.
        if not settings.DEBUG:
            raise CommandError(
                "DEBUG is off: seed_demo creates staff accounts whose password and two-factor "
                "secret are public, so it runs only on a development machine (DJANGO_ENV=local, "
                "where DEBUG is on). Refusing to touch this database."
            )
        counts = seed_demo()
        if counts:
            summary = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
        else:
            self.stdout.write("Demo data already loaded: nothing to do.")
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.role:<16} {login.email}")
        self.stdout.write(
            "Staff accounts ask for a two-factor code at sign-in: `make demo-code` prints it "
            f"(or add the demo secret {DEMO_TOTP_SECRET} to an authenticator app)."
        )
        call_command("demo_api_token", stdout=self.stdout)  # a member's API token, docs/api.md

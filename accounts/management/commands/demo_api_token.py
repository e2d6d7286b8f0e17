from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import ApiToken, User
from accounts.tokens import token_create

DEMO_TOKEN_NAME = "Demo token (seed_demo)"  # noqa: S105 (a label, not a secret)


class Command(BaseCommand):
    help = (
        "Print a new read-and-write API token for a demo member (customer@example.com), "
        "replacing the one printed before. Development machines only."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--email", default="customer@example.com")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("DEBUG is off: demo tokens are for a development machine only.")
        user = User.objects.filter(email=options["email"]).first()
        if user is None:
            raise CommandError(f"No account {options['email']}: run seed_demo first.")
        # A token is shown once, so each run makes a new one and the last one printed goes.
        ApiToken.objects.filter(user=user, name=DEMO_TOKEN_NAME, revoked_at__isnull=True).delete()
        secret = token_create(
            user=user, name=DEMO_TOKEN_NAME, scope="write", days=30, second_factor=False
        ).secret
        self.stdout.write(f"API token of {user.email} (docs/api.md, /api/docs/): {secret}")

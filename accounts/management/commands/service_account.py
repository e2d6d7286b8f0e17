from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import ApiToken, User
from accounts.roles import ROLE_PERMISSIONS
from accounts.service_accounts import (
    service_account_create,
    service_accounts,
    service_token_create,
    service_token_revoke,
)


class Command(BaseCommand):
    help = (
        "Service accounts for systems calling the API with a role (docs/api.md): create one, "
        "give it a token (printed once), revoke a token, list them. Run on the server by an "
        "administrator, named with --by (recorded in the audit log)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--by", required=True, help="The email of the admin doing it.")
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create")
        create.add_argument("name")
        create.add_argument("--role", required=True, choices=sorted(ROLE_PERMISSIONS))
        token = actions.add_parser("token")
        token.add_argument("name", help="The service account's name.")
        token.add_argument("--token-name", default="API")
        token.add_argument("--scope", choices=["read", "write"], default="read")
        token.add_argument("--days", type=int, default=30)
        revoke = actions.add_parser("revoke")
        revoke.add_argument("prefix", help="The token's prefix, as listed.")
        actions.add_parser("list")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(email=options["by"]).first()
        if actor is None:
            raise CommandError(f"No account {options['by']}.")
        try:
            getattr(self, f"_{options['action']}")(actor, options)
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error

    def _account(self, actor: User, name: str) -> User:
        account = service_accounts(actor=actor).filter(display_name=name).first()
        if account is None:
            raise CommandError(f"No service account named {name!r}.")
        return account

    def _create(self, actor: User, options: dict[str, Any]) -> None:
        account = service_account_create(actor=actor, name=options["name"], role=options["role"])
        self.stdout.write(f"Service account {account.display_name} ({account.email}) created.")

    def _token(self, actor: User, options: dict[str, Any]) -> None:
        # Shell access to the server is at least what a second factor proves.
        new = service_token_create(
            actor=actor,
            account=self._account(actor, options["name"]),
            name=options["token_name"],
            scope=options["scope"],
            days=options["days"],
            second_factor=True,
        )
        self.stdout.write(f"API token (shown once): {new.secret}")

    def _revoke(self, actor: User, options: dict[str, Any]) -> None:
        token = ApiToken.objects.filter(prefix=options["prefix"]).first()
        if token is None or not service_token_revoke(actor=actor, token_id=token.pk):
            raise CommandError("No active service-account token has this prefix.")
        self.stdout.write("Revoked.")

    def _list(self, actor: User, options: dict[str, Any]) -> None:
        for account in service_accounts(actor=actor).prefetch_related("groups", "api_tokens"):
            roles = ",".join(group.name for group in account.groups.all())
            self.stdout.write(f"{account.display_name} [{roles}]")
            for token in account.api_tokens.all():
                state = "active" if token.is_active else "inactive"
                self.stdout.write(
                    f"  {token.prefix} {token.scope} {state} until {token.expires_at}"
                )

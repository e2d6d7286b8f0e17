from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts.roles import sync_roles_after_migrate

        # Groups need the permissions that post_migrate creates, so they are synced after it.
        post_migrate.connect(sync_roles_after_migrate)

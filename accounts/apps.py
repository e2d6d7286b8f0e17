from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Members and staff")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        from accounts import consumers  # noqa: F401  (subscribes to the outbox's events)
        from accounts.mfa import on_authenticator_added
        from accounts.roles import sync_roles_after_migrate
        from accounts.sso import checks  # noqa: F401  (registers the single sign-on check)

        # Groups need the permissions that post_migrate creates, so they are synced after it.
        post_migrate.connect(sync_roles_after_migrate)
        # Typing a valid code to set up an authenticator app passes the second factor for the
        # session it happens in (accounts.mfa).
        authenticator_added.connect(on_authenticator_added, dispatch_uid="accounts.mfa_enrolment")

from django.apps import AppConfig


class SsoConfig(AppConfig):
    """Installed so that allauth finds the `sso` provider (accounts/sso/provider.py) and its URLs;
    it has no models. Inert until SSO_OIDC_* are set (docs/sso.md)."""

    name = "accounts.sso"
    label = "accounts_sso"
    verbose_name = "Single sign-on"

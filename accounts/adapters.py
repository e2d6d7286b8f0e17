import unicodedata
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from accounts import encryption
from accounts.languages import language_for
from accounts.models import User
from accounts.services import user_join_as_member
from accounts.sso import login as sso


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The login lockout counts failures per email address alone. allauth prefixes the
        current site's domain, which without the sites framework is the request's Host header:
        each new Host value would give an attacker five fresh guesses."""
        login = credentials.get("email", credentials.get("username", ""))
        return normalise_login(str(login))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's emails (confirm your address, reset your password, security notices) in
        the recipient's language (accounts.languages), subject included; an address with no
        account (a reset asked for an unknown address) gets the language of the page."""
        user = context.get("user")
        if not isinstance(user, User):  # security notices name the address, not the account
            from allauth.account.models import EmailAddress

            address = EmailAddress.objects.filter(email__iexact=email).select_related("user")
            found = address.first()
            user = found.user if found else User.objects.filter(email__iexact=email).first()
        with translation.override(language_for(user)):
            super().send_mail(template_prefix, email, context)

    def get_login_stages(self) -> list[str]:
        # allauth's two-factor step, skipped only when single sign-on's identity provider
        # asserted multi-factor authentication (accounts.sso.login).
        return sso.login_stages(super().get_login_stages())

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        # SSO_REQUIRED_FOR_STAFF: staff sign in by single sign-on only, whatever the door.
        refusal = sso.sso_login_refusal(request, user, signal_kwargs=kwargs.get("signal_kwargs"))
        if refusal is not None:
            return refusal
        response: HttpResponse | None = super().pre_login(request, user, **kwargs)
        return response

    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=False)
        user.display_name = form.cleaned_data.get("display_name") or user.email.split("@")[0]
        # Emails follow the language the person signed up in (accounts.languages).
        user.preferred_language = language_for(None)
        if commit:
            user.save()
            user_join_as_member(user=user)
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: Any) -> bool:
        # Never: a new member always sees the sign-up form, to accept the terms and the privacy
        # notice (recorded by accounts.forms.SignupForm.signup) and check their display name.
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        # Single sign-on: an existing account's roles follow the identity provider's groups.
        sso.on_pre_social_login(request, sociallogin)

    def get_signup_form_initial_data(self, sociallogin: Any) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_signup_form_initial_data(sociallogin)
        extra = sociallogin.account.extra_data or {}
        initial["display_name"] = str(extra.get("name") or "")[:60]
        return initial

    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> User:
        user: User = super().save_user(request, sociallogin, form)
        fields = ["preferred_language"]
        user.preferred_language = language_for(None)  # the language they signed up in
        if not user.display_name:
            extra = sociallogin.account.extra_data or {}
            user.display_name = (extra.get("name") or user.email.split("@")[0])[:60]
            fields.append("display_name")
        user.save(update_fields=fields)
        user_join_as_member(user=user)
        sso.on_social_user_saved(user, sociallogin)  # staff roles from the IdP's groups
        return user


def normalise_login(login: str) -> str:
    """One spelling per address: case, surrounding spaces and Unicode forms folded."""
    return unicodedata.normalize("NFKC", login).strip().casefold()


class MFAAdapter(DefaultMFAAdapter):
    """Two-factor secrets (the authenticator app's key, the recovery codes' seed) are encrypted
    before allauth stores them, with the keys in FIELD_ENCRYPTION_KEYS (accounts.encryption)."""

    def encrypt(self, text: str) -> str:
        return encryption.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return encryption.decrypt(encrypted_text)

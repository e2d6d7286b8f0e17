from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest

from accounts.models import User
from accounts.services import user_join_as_member


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=False)
        user.display_name = form.cleaned_data.get("display_name") or user.email.split("@")[0]
        if commit:
            user.save()
            user_join_as_member(user=user)
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: Any) -> bool:
        # Never: a new member always sees the sign-up form, to accept the terms and the privacy
        # notice (recorded by accounts.forms.SignupForm.signup) and check their display name.
        return False

    def get_signup_form_initial_data(self, sociallogin: Any) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_signup_form_initial_data(sociallogin)
        extra = sociallogin.account.extra_data or {}
        initial["display_name"] = str(extra.get("name") or "")[:60]
        return initial

    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> User:
        user: User = super().save_user(request, sociallogin, form)
        if not user.display_name:
            extra = sociallogin.account.extra_data or {}
            user.display_name = (extra.get("name") or user.email.split("@")[0])[:60]
            user.save(update_fields=["display_name"])
        user_join_as_member(user=user)
        return user

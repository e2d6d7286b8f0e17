from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.profile_texts import profile_text_refusal
from accounts.services import role_change_record, user_role_names

ADMIN_FLAGS = ("is_staff", "is_superuser")


class ProfileTextsChecked(forms.ModelForm):
    """The display name and the organisation, shown beside every post, pass the check the site's
    profile form and sign-up pass (no personal data), rather than the admin skipping it."""

    def _checked(self, name: str) -> str:
        text: str = (self.cleaned_data.get(name) or "").strip()
        refusal = profile_text_refusal(text)
        if refusal:
            raise forms.ValidationError(refusal)
        return text

    def clean_display_name(self) -> str:
        return self._checked("display_name")

    def clean_organisation(self) -> str:
        return self._checked("organisation")


class CheckedUserChangeForm(ProfileTextsChecked, UserChangeForm):
    pass


class CheckedUserCreationForm(ProfileTextsChecked, AdminUserCreationForm):
    pass


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = CheckedUserChangeForm
    add_form = CheckedUserCreationForm
    ordering = ("email",)
    list_display = ("email", "display_name", "organisation", "is_active", "date_joined")
    # Service accounts are made with `manage.py service_account` (accounts.service_accounts).
    list_filter = ("is_service_account", "is_active", "groups")
    search_fields = ("email", "display_name", "organisation")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "organisation")}),
        (
            _("Roles"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "is_service_account")},
        ),
        (_("Sanction"), {"fields": ("suspended_until", "banned_at", "sanction_reason")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    # Sanctions are given and lifted on the moderators' member page, where they are audited.
    readonly_fields = ("suspended_until", "banned_at", "sanction_reason", "is_service_account")
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")},
        ),
    )

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        """Record a change of roles (groups) or admin flags in the audit log, with the admin as
        the actor. The groups are written here (form.save_m2m), so the database still holds the
        old ones before `super()`; the flags were saved already, so their old values come from
        the form's initial data. The admin runs all this in one transaction."""
        user = form.instance
        before: dict[str, Any] = {"roles": user_role_names(user=user) if change else []}
        for name in ADMIN_FLAGS:
            before[name] = bool(form.initial.get(name, False)) if change else False
        super().save_related(request, form, formsets, change)
        after: dict[str, Any] = {"roles": user_role_names(user=user)}
        for name in ADMIN_FLAGS:
            after[name] = bool(getattr(user, name))
        actor = request.user
        assert isinstance(actor, User)
        role_change_record(actor=actor, user=user, before=before, after=after)

from typing import Any

from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from accounts.access import authenticated_user
from accounts.mfa import session_passed_second_factor
from accounts.models import ApiToken, ApiTokenScope, ServiceAccount, User
from accounts.profile_texts import profile_text_refusal
from accounts.roles import ROLE_LABELS
from accounts.service_accounts import (
    service_account_create,
    service_token_create,
    service_token_revoke,
)
from accounts.services import (
    EmailTaken,
    email_in_use,
    email_in_use_message,
    email_taken_refused,
    role_change_record,
    user_email_change,
    user_role_names,
)
from config.numbers import whole_number

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


class EmailChecked(forms.ModelForm):
    """Django's unique check compares addresses as typed: one another account has in other
    capitals is refused here, beside the field. Kept in small letters, as allauth keeps and
    looks them up (accounts.services.user_email_change)."""

    def clean_email(self) -> str:
        email: str = (self.cleaned_data.get("email") or "").strip().lower()
        if email and email_in_use(email=email, exclude=self.instance if self.instance.pk else None):
            raise forms.ValidationError(email_in_use_message(), code="unique")
        return email


class CheckedUserChangeForm(EmailChecked, ProfileTextsChecked, UserChangeForm):
    pass


class CheckedUserCreationForm(EmailChecked, ProfileTextsChecked, AdminUserCreationForm):
    pass


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = CheckedUserChangeForm
    add_form = CheckedUserCreationForm
    ordering = ("email",)
    list_display = ("email", "display_name", "organisation", "is_active", "date_joined")
    # Service accounts have their own page (ServiceAccountAdmin below).
    list_filter = ("is_service_account", "is_active", "groups")
    # A plain list of the roles: Django's two-box filter labels a <span> (axe: serious).
    filter_horizontal = ()
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
    # The dates are facts, not settings (and Django's split date inputs have no labels).
    readonly_fields = (
        "suspended_until",
        "banned_at",
        "sanction_reason",
        "is_service_account",
        "last_login",
        "date_joined",
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")},
        ),
    )

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm, change: bool) -> None:
        """A new address goes through the service that keeps allauth's addresses in step; so
        does one only lowercased by `clean_email` (stored in capitals before), which
        `changed_data` does not list: allauth's row, left in capitals, would no longer be
        found at sign-in, and the member would be asked to confirm their address again."""
        if change and form.cleaned_data["email"] != form.initial.get("email"):
            user_email_change(user=obj, email=form.cleaned_data["email"])
        with email_taken_refused():
            super().save_model(request, obj, form, change)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """Two admins giving one address to two accounts at the same moment: both forms' checks
        pass, and the database refuses the second save (EmailTaken, after the admin's
        transaction is rolled back). The page is then answered again from the start: the form's
        check now sees the other account's address and says so beside the field, as it would
        have a moment later. Once only: a second refusal in a row answers 409
        (accounts.email_conflicts)."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EmailTaken:
            return super().changeform_view(request, object_id, form_url, extra_context)

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


# allauth's page for addresses (registered by allauth.account, before this app) was a second door:
# an address changed there left the account's sign-in address on the old one, which kept signing
# in and receiving password resets. The address, its account and which one is primary are shown
# there and changed on the account's page (UserAdmin.save_model, user_email_change) or by the
# member; an admin may still confirm an address by hand (allauth's action).
admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class AddressAdmin(EmailAddressAdmin):
    readonly_fields = ("user", "email", "primary")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


# --- Service accounts (accounts.service_accounts) ------------------------------------------------


class ServiceAccountForm(forms.Form):
    name = forms.CharField(label=_("Name of the system"), max_length=60)
    role = forms.ChoiceField(label=_("Role"), choices=list(ROLE_LABELS.items()))


class ServiceTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=60, initial="API")
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiTokenScope.choices)
    days = forms.IntegerField(label=_("Days"), min_value=1, initial=30)


@admin.register(ServiceAccount)
class ServiceAccountAdmin(admin.ModelAdmin):
    """Admins make service accounts here and give them tokens (shown once); every change goes
    through accounts.service_accounts, which checks the admin and writes the audit log."""

    list_display = ("display_name", "email", "roles", "active_tokens", "is_active")
    fields = ("display_name", "email", "is_active", "date_joined")
    readonly_fields = ("display_name", "email", "date_joined")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceAccount]:
        accounts = super().get_queryset(request).filter(is_service_account=True)
        return accounts.prefetch_related("groups", "api_tokens")

    @admin.display(description=_("roles"))
    def roles(self, account: ServiceAccount) -> str:
        return ", ".join(str(ROLE_LABELS.get(g.name, g.name)) for g in account.groups.all())

    @admin.display(description=_("active tokens"))
    def active_tokens(self, account: ServiceAccount) -> int:
        return sum(token.is_active for token in account.api_tokens.all())

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate it (is_active) or revoke its tokens; its posts keep an author

    def get_urls(self) -> list[URLPattern]:
        token = path(
            "<int:pk>/tokens/",
            self.admin_site.admin_view(self.tokens_view),
            name="accounts_serviceaccount_tokens",
        )
        return [token, *super().get_urls()]

    def _render(self, request: HttpRequest, context: dict[str, Any], status: int) -> HttpResponse:
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, **context}
        return render(request, "admin/accounts/serviceaccount/form.html", context, status=status)

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ServiceAccountForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                account = service_account_create(
                    actor=authenticated_user(request), **form.cleaned_data
                )
            except ValidationError as error:
                for field, messages_ in error.message_dict.items():
                    for message in messages_:
                        form.add_error(field if field in form.fields else None, message)
            else:
                return redirect("admin:accounts_serviceaccount_tokens", account.pk)
        title = _("Add a service account")
        return self._render(request, {"form": form, "title": title}, 400 if form.errors else 200)

    def tokens_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The account's tokens; POST makes one (shown on this answer only) or revokes one."""
        account = get_object_or_404(self.get_queryset(request), pk=pk)
        actor = authenticated_user(request)
        form = ServiceTokenForm()
        secret = ""
        if request.method == "POST" and request.POST.get("revoke"):
            token_id = whole_number(request.POST["revoke"])
            if token_id is not None:  # else no token of ours: nothing to revoke
                service_token_revoke(actor=actor, token_id=token_id)
            return redirect("admin:accounts_serviceaccount_tokens", account.pk)
        if request.method == "POST":
            form = ServiceTokenForm(request.POST)
            if form.is_valid():
                try:
                    secret = service_token_create(
                        actor=actor,
                        account=account,
                        second_factor=session_passed_second_factor(request),
                        **form.cleaned_data,
                    ).secret
                except ValidationError as error:
                    for field, messages_ in error.message_dict.items():
                        for message in messages_:
                            form.add_error(field if field in form.fields else None, message)
                else:
                    form = ServiceTokenForm()
        context = {
            "form": form,
            "account": account,
            "secret": secret,
            "tokens": ApiToken.objects.filter(user=account).order_by("-created_at"),
            "title": _("Tokens of %(name)s") % {"name": account.display_name},
        }
        return self._render(request, context, 400 if form.errors else 200)

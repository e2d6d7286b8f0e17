from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.languages import language_for
from accounts.models import User
from accounts.privacy import consents_record
from accounts.profile_texts import profile_text_refusal


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up forms, by email and by social login (allauth adds the
    email and passwords): the display name and the consent to the terms and privacy notice."""

    # Unknown names are skipped, so this suits the social sign-up form, which has no password.
    field_order = ["email", "display_name", "password1", "password2", "accept_terms"]

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=60,
        help_text=_("Shown beside your ideas and comments."),
    )
    accept_terms = forms.BooleanField(
        label=_("I accept the terms of use and the privacy notice"),
        error_messages={
            "required": _("Please accept the terms of use and the privacy notice to sign up.")
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built here, not at import: the links need the URL configuration and the language.
        self.fields["accept_terms"].help_text = format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a> · '
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("privacy:terms"),
            gettext("Read the terms of use"),
            reverse("privacy:notice"),
            gettext("Read the privacy notice"),
        )

    def signup(self, request: HttpRequest, user: User) -> None:
        # allauth's adapter saved the user (the display name is copied in save_user()); the
        # box is required, so reaching here means the current versions were accepted.
        consents_record(user=user)

    def clean_display_name(self) -> str:
        name: str = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Please choose a display name."))
        if refusal := profile_text_refusal(name):  # an email or phone shown to everyone
            raise forms.ValidationError(refusal)
        return name


# Each language named in itself, so that someone who cannot read the page's language still
# finds their own (WCAG 3.1.2: the template marks each option with its `lang`).
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


def _language_choices() -> list[tuple[str, str]]:
    return [(code, LANGUAGE_NAMES.get(code, str(name))) for code, name in settings.LANGUAGES]


class ProfileForm(forms.ModelForm):
    # Not a model field of the form: left out of a post (an older page, a script), it keeps the
    # member's language instead of clearing it.
    preferred_language = forms.ChoiceField(
        label=_("Language of your emails"),
        choices=_language_choices,
        required=False,
    )

    class Meta:
        model = User
        # The three segments are optional (blank = not shared), counted only in anonymous
        # statistics (community.analytics).
        fields = ["display_name", "profile_public", "age_band", "customer_type", "region"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True
        if self.instance.pk:
            self.initial["preferred_language"] = language_for(self.instance)

    def clean_display_name(self) -> str:
        name: str = self.cleaned_data["display_name"]
        if refusal := profile_text_refusal(name):  # an email or phone shown to everyone
            raise forms.ValidationError(refusal)
        return name


class AccountDeleteForm(forms.Form):
    """Confirm deleting one's account: the password again (or, for an account made through a
    social login, which has none, the email address) and what becomes of one's posts."""

    KEEP, REMOVE = "keep", "remove"

    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(render_value=False)
    )
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("Your account has no password: type its email address to confirm."),
    )
    content = forms.ChoiceField(
        label=_("Your ideas and comments"),
        choices=[
            (KEEP, _("Keep them, shown as written by “Former member”")),
            (REMOVE, _("Remove them: erase their text (replies by others stay)")),
        ],
        initial=KEEP,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            del self.fields["email"]
        else:
            del self.fields["password"]

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        if email.strip().casefold() != self.user.email.casefold():
            raise forms.ValidationError(_("This is not your account's email address."))
        return email

    @property
    def keep_content(self) -> bool:
        return bool(self.cleaned_data["content"] == self.KEEP)

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (allauth adds email and passwords)."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=60,
        help_text=_("Shown beside your ideas and comments."),
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        # allauth's adapter saves the user; the display name is copied in save_user().
        pass

    def clean_display_name(self) -> str:
        name: str = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Please choose a display name."))
        return name


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "profile_public"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True

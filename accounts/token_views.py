"""The member's API tokens on their profile: list, create (the token shown once), revoke."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.access import authenticated_user
from accounts.mfa import session_passed_second_factor
from accounts.models import ApiTokenScope
from accounts.sso.login import signed_in_by_sso
from accounts.tokens import token_create, token_max_days, token_revoke, tokens_listed

DURATIONS = (7, 30, 90, 365)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=60,
        help_text=gettext_lazy("What uses it, e.g. “CRM export”."),
    )
    scope = forms.ChoiceField(label=gettext_lazy("Scope"), choices=ApiTokenScope.choices)
    days = forms.TypedChoiceField(label=gettext_lazy("Expires after"), coerce=int, choices=())

    def __init__(self, *args: object, longest: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["days"]
        assert isinstance(field, forms.TypedChoiceField)
        days = [d for d in DURATIONS if d < longest] + [longest]
        field.choices = [(d, _("%(days)s days") % {"days": d}) for d in days]
        field.initial = min(30, longest)


@never_cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """GET lists the tokens; POST creates one and shows it on this answer only (never stored)."""
    user = authenticated_user(request)
    form = TokenForm(request.POST or None, longest=token_max_days(user))
    secret = ""
    if request.method == "POST" and form.is_valid():
        try:
            secret = token_create(
                user=user,
                second_factor=session_passed_second_factor(request),
                sso=signed_in_by_sso(request),
                **form.cleaned_data,
            ).secret
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            form = TokenForm(longest=token_max_days(user))
    context = {"form": form, "tokens": tokens_listed(user=user), "secret": secret}
    return render(request, "accounts/tokens.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    if token_revoke(user=authenticated_user(request), token_id=pk):
        messages.success(request, _("The token was revoked: it no longer works."))
    return redirect("accounts:tokens")

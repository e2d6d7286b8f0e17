"""The moderator's page for one member: what they did, the flags against them, and the forms to
suspend, ban or reinstate them (accounts.sanctions)."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import sanctions
from accounts.access import authenticated_user, require_permission
from accounts.models import User
from accounts.roles import MODERATE_CONTENT
from community.moderation.member_content import member_record
from community.moderation.member_forms import BanForm, ReinstateForm, SuspendForm

FORMS: dict[str, type[forms.Form]] = {
    "suspend": SuspendForm,
    "ban": BanForm,
    "reinstate": ReinstateForm,
}


def _member_for_moderator(request: HttpRequest, pk: int) -> User:
    require_permission(request.user, MODERATE_CONTENT)
    return get_object_or_404(User, pk=pk)


def _render(
    request: HttpRequest, member: User, bound: forms.Form | None = None, status: int = 200
) -> HttpResponse:
    actor = authenticated_user(request)
    page_forms = {name: form_class(prefix=name) for name, form_class in FORMS.items()}
    if bound is not None:
        page_forms[bound.prefix or ""] = bound
    context = {
        "record": member_record(member=member),
        "member": member,
        "suspended": sanctions.is_suspended(member),
        "refusal": sanctions.sanction_refusal(actor=actor, member=member),
        "can_reinstate": (member.banned_at is not None or member.suspended_until is not None)
        and not sanctions.sanction_refusal(actor=actor, member=member, lifting=True),
        **{f"{name}_form": form for name, form in page_forms.items()},
    }
    return render(request, "moderation/member.html", context, status=status)


@require_GET
@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_for_moderator(request, pk)
    return _render(request, member)


def _act(
    request: HttpRequest,
    pk: int,
    name: str,
    act: Callable[[User, forms.Form], object],
    done: str,
) -> HttpResponse:
    member = _member_for_moderator(request, pk)
    form = FORMS[name](request.POST, prefix=name)
    if form.is_valid():
        try:
            act(member, form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("moderation:member", pk=member.pk)
    return _render(request, member, bound=form, status=400)


@require_POST
@login_required
def member_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    def act(member: User, form: forms.Form) -> object:
        assert isinstance(form, SuspendForm)
        return sanctions.member_suspend(
            actor=authenticated_user(request),
            member=member,
            until=form.until_moment(),
            reason=form.cleaned_data["reason"],
            hide_content=form.cleaned_data["hide_content"],
        )

    return _act(request, pk, "suspend", act, _("The member is suspended."))


@require_POST
@login_required
def member_ban(request: HttpRequest, pk: int) -> HttpResponse:
    def act(member: User, form: forms.Form) -> object:
        return sanctions.member_ban(
            actor=authenticated_user(request),
            member=member,
            reason=form.cleaned_data["reason"],
            hide_content=form.cleaned_data["hide_content"],
        )

    return _act(request, pk, "ban", act, _("The member is banned and logged out."))


@require_POST
@login_required
def member_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    def act(member: User, form: forms.Form) -> object:
        return sanctions.member_reinstate(
            actor=authenticated_user(request),
            member=member,
            reason=form.cleaned_data["reason"],
            restore_content=form.cleaned_data["restore_content"],
        )

    return _act(request, pk, "reinstate", act, _("The member is reinstated."))

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.access import authenticated_user
from accounts.forms import ProfileForm
from accounts.selectors import (
    member_badges,
    member_comment_count,
    member_get_for_viewer,
    member_is_partner,
    member_points,
)
from accounts.services import user_update_profile
from community.selectors import comments_by_author
from ideas.selectors import ideas_by_author, ideas_voted_by


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=user)
        if form.is_valid():
            user_update_profile(
                user=user,
                display_name=form.cleaned_data["display_name"],
                profile_public=form.cleaned_data["profile_public"],
            )
            messages.success(request, _("Your profile was updated."))
            return redirect("accounts:profile")
    else:
        form = ProfileForm(instance=user)
    context = {
        "form": form,
        "ideas": ideas_by_author(author=user, viewer=user)[:50],
        "voted_ideas": ideas_voted_by(user=user)[:50],
        "comments": comments_by_author(author=user)[:50],
    }
    return render(request, "accounts/profile.html", context)


@require_GET
def member_profile(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's public page: name, badges, points, ideas (404 when private to this viewer)."""
    member = member_get_for_viewer(viewer=request.user, pk=pk)
    ideas = ideas_by_author(author=member, viewer=request.user)
    context = {
        "member": member,
        "is_partner": member_is_partner(member),
        "is_private": not member.profile_public,
        "badges": member_badges(member=member),
        "points": member_points(member=member),
        "comment_count": member_comment_count(member=member),
        "page": Paginator(ideas, settings.IDEAS_PER_PAGE).get_page(request.GET.get("page")),
    }
    return render(request, "accounts/member.html", context)

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.access import authenticated_user
from accounts.forms import ProfileForm
from accounts.services import user_update_profile
from community.selectors import comments_by_author
from ideas.selectors import ideas_by_author, ideas_voted_by


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=user)
        if form.is_valid():
            user_update_profile(user=user, display_name=form.cleaned_data["display_name"])
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

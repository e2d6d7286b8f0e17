"""Following ideas and categories, the notifications page, their settings and unsubscribing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.access import authenticated_user
from community.models import NotificationKind
from community.notifications import follows, preferences
from community.notifications import services as notifications
from community.notifications.forms import PreferencesForm
from config.ratelimit import rate_limit
from ideas.models import Category
from ideas.selectors import idea_get_for_user


@require_POST
@login_required
@rate_limit("follow")
def idea_follow(request: HttpRequest, idea_pk: int) -> HttpResponse:
    idea = idea_get_for_user(user=request.user, pk=idea_pk)
    user = authenticated_user(request)
    if request.POST.get("follow") == "0":
        follows.idea_unfollowed_by(user=user, idea=idea)
    else:
        follows.idea_followed_by(user=user, idea=idea)
    if request.htmx:  # type: ignore[attr-defined]
        follower_count, following = follows.idea_follow_summary(user=user, idea=idea)
        context = {"idea": idea, "following": following, "follower_count": follower_count}
        return render(request, "community/_follow.html", context)
    return redirect(idea)


@require_POST
@login_required
@rate_limit("follow")
def category_follow(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    user = authenticated_user(request)
    if request.POST.get("follow") == "0":
        follows.category_unfollowed_by(user=user, category=category)
        messages.success(request, _("You no longer follow %(name)s.") % {"name": category.name})
    else:
        follows.category_followed_by(user=user, category=category)
        messages.success(request, _("You now follow %(name)s.") % {"name": category.name})
    return redirect(f"{reverse('ideas:list')}?category={category.slug}")


# --- notifications ------------------------------------------------------------------------------


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    page = Paginator(notifications.notifications_for(user=user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "community/notifications.html", {"page": page})


@require_POST
@login_required
def notifications_read(request: HttpRequest) -> HttpResponse:
    notifications.notifications_mark_read(user=authenticated_user(request))
    return redirect("community:notifications")


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    user = authenticated_user(request)
    notification = notifications.notification_get_for_user(user=user, pk=pk)
    notifications.notifications_mark_read(user=user, notification=notification)
    return redirect(notification.url)


@login_required
@rate_limit("settings_update")
def notification_preferences(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    if request.method == "POST":
        form = PreferencesForm(request.POST, kinds=preferences.kinds_for(user=user))
        if form.is_valid():
            preferences.preferences_update(user=user, choices=form.cleaned_data)
            messages.success(request, _("Your notification settings were saved."))
            return redirect("community:preferences")
        status = 400
    else:
        form = PreferencesForm(
            initial=preferences.preferences_for(user=user),
            kinds=preferences.kinds_for(user=user),
        )
        status = 200
    return render(request, "community/preferences.html", {"form": form}, status=status)


@csrf_exempt  # mail clients post RFC 8058 one-click unsubscribes without a CSRF token
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """No login needed: the signed token says who and what. GET asks, POST does it."""
    if request.method == "POST":
        done = preferences.unsubscribe_with_token(token)
        if done is None:
            return render(request, "community/unsubscribe.html", {"invalid": True}, status=400)
        _user, kind = done
        return render(
            request,
            "community/unsubscribe.html",
            {"done": True, "kind": NotificationKind(kind).label},
        )
    return render(request, "community/unsubscribe.html", {"token": token})

"""The widget: one compact page to look for similar ideas, vote for one, or submit a new one.

Each view is the site's own path in small: the similar-ideas search (ideas.themes.similar), the
vote and submission services (ideas.services: sanctions, pre-moderation, masking) and the site's
write limits (config.ratelimit), so nothing here decides a rule. Only signed-in members act; a
visitor gets a link that signs in in a new tab (docs/widget.md explains why: the session cookie
reaches a frame only when Ruche and the framing page are the same site)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import authenticated_user
from community.embed.forms import EmbedIdeaForm
from community.embed.headers import allowed_parent, embeddable
from config.network import client_network
from config.ratelimit import is_rate_limited, rate_limit, too_many_requests
from ideas import selectors, services
from ideas.models import Idea, Vote
from ideas.pii_services import masked_notice
from ideas.themes.similar import similar_ideas
from ideas.themes.views import SIMILAR_TEXT_MAX_LENGTH


def _parent(request: HttpRequest) -> str:
    """The framing page's origin, passed by static/embed.js, if it is an allowed one."""
    return allowed_parent(request.POST.get("parent") or request.GET.get("parent", ""))


def _home(parent: str) -> str:
    url = reverse("embed:widget")
    return f"{url}?{urlencode({'parent': parent})}" if parent else url


def _matches(request: HttpRequest, text: str) -> list[Idea]:
    """Up to five public ideas like `text`, each with whether the member voted for it."""
    found = [idea for idea, _score in similar_ideas(text=text[:SIMILAR_TEXT_MAX_LENGTH], k=5)]
    voted = set(
        Vote.objects.filter(user=request.user.pk, idea__in=found).values_list("idea", flat=True)
    )
    for idea in found:
        idea.viewer_voted = idea.pk in voted  # type: ignore[attr-defined]
    return found


def _page(request: HttpRequest, status: int = 200, **context: Any) -> HttpResponse:
    parent = _parent(request)
    context = {"parent": parent, "home": _home(parent), **context}
    return render(request, "embed/widget.html", context, status=status)


@embeddable
@require_http_methods(["GET", "POST"])
def widget(request: HttpRequest) -> HttpResponse:
    """GET: the form (or, for a visitor, the way to sign in). POST `action=search` looks for
    similar ideas without JavaScript; `action=submit` submits the idea."""
    if not request.user.is_authenticated:
        login = f"{reverse('account_login')}?{urlencode({'next': reverse('ideas:home')})}"
        return _page(request, login_url=login)
    if request.method != "POST":
        return _page(request, form=EmbedIdeaForm())
    form = EmbedIdeaForm(request.POST)
    if request.POST.get("action") == "search":
        if is_rate_limited(request, "similar"):
            return too_many_requests(request, "similar")
        form.errors.clear()  # a search is not a submission: no field is required yet
        return _page(request, form=form, matches=_matches(request, request.POST.get("title", "")))
    if is_rate_limited(request, "idea_create"):
        return too_many_requests(request, "idea_create")
    if form.is_valid():
        try:
            idea = services.idea_create(author=authenticated_user(request), **form.cleaned_data)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            notice = masked_notice(target=idea, where="idea")
            return _page(request, submitted=idea, notice=notice)
    return _page(request, status=400, form=form)


@embeddable
@require_POST
def similar(request: HttpRequest) -> HttpResponse:
    """htmx, while the title is typed: the similar ideas with their vote buttons."""
    if not request.user.is_authenticated:
        raise PermissionDenied(_("Sign in to see similar ideas."))
    if is_rate_limited(request, "similar"):
        return too_many_requests(request, "similar")
    matches = _matches(request, request.POST.get("title", ""))
    return render(request, "embed/_similar.html", {"matches": matches, "parent": _parent(request)})


@embeddable
@require_POST
@login_required
@rate_limit("vote")
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    idea = selectors.idea_get_for_vote(user=request.user, pk=pk)
    voted = request.POST.get("voted") == "1"
    try:
        services.vote_set(
            user=authenticated_user(request),
            idea=idea,
            voted=voted,
            network=client_network(request),
        )
    except ValidationError as error:  # merged away while the vote was on its way
        return HttpResponse(" ".join(error.messages), status=409, content_type="text/plain")
    if request.htmx:  # type: ignore[attr-defined]
        idea.viewer_voted = voted  # type: ignore[attr-defined]
        return render(request, "embed/_vote.html", {"idea": idea, "parent": _parent(request)})
    return redirect(_home(_parent(request)))

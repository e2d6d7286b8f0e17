"""Campaign pages: the list, one campaign with its ideas (and results once ended), staff forms."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.access import authenticated_user
from accounts.roles import ADD_CAMPAIGN, CHANGE_CAMPAIGN
from community.campaigns import selectors, services
from community.campaigns.forms import CampaignForm
from ideas.forms import IdeaFilterForm
from ideas.models import Campaign
from ideas.selectors import idea_list

FINISHED_PER_PAGE = 12
SORT_LABELS = [
    ("trending", gettext_lazy("Trending")),
    ("top", gettext_lazy("Top")),
    ("new", gettext_lazy("Newest")),
]


def campaign_staff_required(
    permission: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Anonymous people are sent to log in; members without the permission get 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        @login_required
        @permission_required(permission, raise_exception=True)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    current = selectors.campaigns_current()
    finished = Paginator(selectors.campaigns_finished(), FINISHED_PER_PAGE)
    context = {
        "open_campaigns": current.open,
        "upcoming_campaigns": current.upcoming,
        "page": finished.get_page(request.GET.get("page")),
    }
    return render(request, "community/campaign_list.html", context)


@require_GET
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = selectors.campaign_get(slug=slug)
    filters = IdeaFilterForm(request.GET)
    filters.is_valid()  # a bad sort falls back to the default
    sort = filters.cleaned_data.get("sort") or "trending"
    ideas = idea_list(viewer=request.user, sort=sort, campaign=campaign)
    page = Paginator(ideas, settings.IDEAS_PER_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "campaign": campaign,
        "page": page,
        "sort": sort,
        "sorts": SORT_LABELS,
        "query_string": f"sort={sort}",
    }
    htmx = request.htmx  # type: ignore[attr-defined]
    if htmx and not htmx.history_restore_request:
        # A new sort: only the list is sent, and the page's address follows (hx-push-url).
        response = render(request, "community/_campaign_ideas.html", context)
        patch_vary_headers(response, ("HX-Request",))
        return response
    if request.user.is_authenticated:
        context["refusal"] = services.campaign_refusal(
            campaign=campaign, author=authenticated_user(request)
        )
    if campaign.has_ended:
        results = selectors.campaign_results(campaign=campaign, viewer=request.user)
        context["top_ideas"], context["leaderboard"] = results.top_ideas, results.leaderboard
    response = render(request, "community/campaign_detail.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _add_errors(form: Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form's fields (or above it)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@campaign_staff_required(ADD_CAMPAIGN)
def campaign_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = CampaignForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                campaign = services.campaign_create(
                    creator=authenticated_user(request), **form.service_arguments()
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The campaign is saved."))
                return redirect(campaign)
    else:
        form = CampaignForm()
    return render(request, "community/campaign_form.html", {"form": form}, status=_status(form))


@campaign_staff_required(CHANGE_CAMPAIGN)
def campaign_edit(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = selectors.campaign_get(slug=slug)
    if request.method == "POST":
        form = CampaignForm(request.POST, request.FILES, initial=_initial(campaign))
        if form.is_valid():
            try:
                services.campaign_update(
                    campaign=campaign,
                    editor=authenticated_user(request),
                    remove_banner=form.banner_cleared,
                    **form.service_arguments(),
                )
            except ValidationError as error:
                _add_errors(form, error)
                campaign.refresh_from_db()  # the service changed the object before refusing
            else:
                messages.success(request, _("The campaign is saved."))
                return redirect(campaign)
    else:
        form = CampaignForm(initial=_initial(campaign))
    context = {"form": form, "campaign": campaign}
    return render(request, "community/campaign_form.html", context, status=_status(form))


def _initial(campaign: Campaign) -> dict[str, Any]:
    return {
        "title": campaign.title,
        "slug": campaign.slug,
        "description": campaign.description,
        "banner": campaign.banner,
        "starts_at": campaign.starts_at,
        "ends_at": campaign.ends_at,
        "category": campaign.category,
        "partners_only": campaign.partners_only,
        "premoderated": campaign.premoderated,
    }


def _status(form: Form) -> int:
    return 400 if form.is_bound and form.errors else 200

"""Product managers' pages: the theme dashboard, the map, a theme, the CSV export, re-runs."""

import csv
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import authenticated_user
from accounts.roles import MANAGE_THEMES
from config.ratelimit import is_rate_limited, too_many_requests
from ideas.models import Category, RunState, ThemeStatus
from ideas.themes import selectors, services
from ideas.themes.forms import DashboardFilterForm, ThemeForm
from ideas.themes.similar import similar_ideas
from ideas.themes.trending import BASELINE_DAYS, RECENT_DAYS

SIGNALS_SHOWN = 100  # on a theme's page, newest first


def theme_manager_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous people are sent to log in; members without the permission get 403."""

    @wraps(view)
    @login_required
    @permission_required(MANAGE_THEMES, raise_exception=True)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, *args, **kwargs)

    return wrapped


def _filters(request: HttpRequest) -> dict[str, Any]:
    form = DashboardFilterForm(request.GET)
    form.is_valid()  # bad values fall back to the defaults
    chosen = form.cleaned_data
    return {
        "sort": chosen.get("sort") or "trend",
        "category": chosen.get("category"),
        "period": chosen.get("period") or 30,
    }


@require_GET
@theme_manager_required
def dashboard(request: HttpRequest) -> HttpResponse:
    chosen = _filters(request)
    run, summaries = selectors.theme_summaries(
        sort=chosen["sort"], category=chosen["category"], days=chosen["period"]
    )
    context = {
        "run": run,
        "latest": selectors.latest_run(),
        "summaries": summaries,
        "chosen": chosen,
        "categories": Category.objects.all(),
        "recent_days": RECENT_DAYS,
        "baseline_days": BASELINE_DAYS,
        "running": RunState.RUNNING,
    }
    return render(request, "themes/dashboard.html", context)


@require_GET
@theme_manager_required
def theme_map(request: HttpRequest) -> HttpResponse:
    chosen = _filters(request)
    run, summaries = selectors.theme_summaries(category=chosen["category"], top_ideas=0)
    bubbles = _bubbles(summaries)
    return render(request, "themes/map.html", {"run": run, "bubbles": bubbles, "chosen": chosen})


def _bubbles(summaries: list[selectors.ThemeSummary]) -> list[dict[str, Any]]:
    """Scale the 2-D projection into a 1000×600 SVG, bubble area proportional to size."""
    if not summaries:
        return []
    xs = [s.theme.map_x for s in summaries]
    ys = [s.theme.map_y for s in summaries]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    biggest = max(s.size for s in summaries) or 1
    bubbles = []
    for s in sorted(summaries, key=lambda s: -s.size):  # small bubbles drawn on top
        bubbles.append(
            {
                "summary": s,
                "x": 60 + 880 * (s.theme.map_x - min(xs)) / span_x,
                "y": 50 + 500 * (s.theme.map_y - min(ys)) / span_y,
                "r": 8 + 42 * (s.size / biggest) ** 0.5,
                "colour": {"up": "#d9480f", "down": "#1c7ed6", "flat": "#868e96"}[
                    s.trend.direction
                ],
            }
        )
    return bubbles


@theme_manager_required
def theme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    theme = selectors.theme_get(pk=pk)
    status = 200
    if request.method == "POST":
        form = ThemeForm(request.POST)
        status = 400
        if form.is_valid():
            services.theme_update(
                theme=theme, editor=authenticated_user(request), **form.cleaned_data
            )
            messages.success(request, _("Theme saved."))
            return redirect("themes:detail", pk=theme.pk)
    else:
        form = ThemeForm(initial={"name": theme.name, "note": theme.note, "status": theme.status})
    activity = selectors.theme_activity(theme=theme, days=90)
    signals = selectors.theme_signals(theme=theme)
    peak = max(activity) or 1
    context = {
        "theme": theme,
        "form": form,
        "ideas": selectors.theme_ideas(theme=theme)[:200],
        "events": selectors.theme_events(theme=theme)[:20],
        "bars": [
            {"x": i * 10, "y": 105 - 100 * value / peak, "h": 100 * value / peak, "value": value}
            for i, value in enumerate(activity)
        ],
        "statuses": ThemeStatus.choices,
        "mix": selectors.theme_mix(theme=theme),
        "signals": signals[:SIGNALS_SHOWN],
        "signals_more": max(0, theme.signal_count - SIGNALS_SHOWN),
    }
    return render(request, "themes/detail.html", context, status=status)


@require_POST
@theme_manager_required
def rerun(request: HttpRequest) -> HttpResponse:
    outcome = services.run_request(requested_by=authenticated_user(request))
    if outcome == "queued":
        messages.success(
            request,
            _("A new run was requested. The themes below stay until it has fully succeeded."),
        )
    elif outcome == "under_way":
        messages.info(request, _("A run is already under way; its themes appear when it ends."))
    else:
        messages.error(
            request, _("The run could not be queued right now. Please try again in a minute.")
        )
    return redirect("themes:dashboard")


@require_GET
@theme_manager_required
def export_csv(request: HttpRequest) -> HttpResponse:
    chosen = _filters(request)
    rows = selectors.theme_export_rows(category=chosen["category"])
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ruche-themes-{stamp}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the accents right
    fields = list(rows[0]) if rows else ["theme_id", "theme_name", "idea_id", "idea_title"]
    writer = csv.DictWriter(response, fieldnames=fields)
    writer.writeheader()
    for row in rows:
        # Neutralise spreadsheet formulas that a title could smuggle in (CSV injection).
        writer.writerow(
            {
                k: f"'{v}" if isinstance(v, str) and v[:1] in "=+-@\t\r" else v
                for k, v in row.items()
            }
        )
    return response


SIMILAR_TEXT_MAX_LENGTH = 300  # titles hold 140 at most


@require_POST
def similar(request: HttpRequest) -> HttpResponse:
    """htmx: up to five existing ideas like the title being typed on the submit form.

    POST, not GET: what is typed may hold personal data (it is masked only on publishing), and
    a query string ends up in server and proxy access logs. Each call runs three sentence
    encoders, so only for signed-in people (the form needs a login anyway; a 403, not a
    redirect, which htmx would follow and put the login page in the box), within a rate limit,
    on a short text."""
    if not request.user.is_authenticated:
        raise PermissionDenied(_("Sign in to see similar ideas."))
    if is_rate_limited(request, "similar"):
        return too_many_requests(request, "similar")
    text = request.POST.get("title", "")
    if len(text) > SIMILAR_TEXT_MAX_LENGTH:
        message = _("Similar ideas are looked up for %(max)s characters at most.") % {
            "max": SIMILAR_TEXT_MAX_LENGTH
        }
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    exclude = request.POST.get("exclude")
    exclude_pk = int(exclude) if exclude and exclude.isdigit() else None
    matches = similar_ideas(text=text, k=5, exclude=exclude_pk)
    return render(request, "ideas/_similar.html", {"matches": matches})

"""Product managers' pages: the theme dashboard, the map, a theme, the CSV export, re-runs."""

import csv
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import authenticated_user
from accounts.roles import MANAGE_THEMES
from config.numbers import whole_number
from config.ratelimit import is_rate_limited, too_many_requests
from config.spreadsheet import UTF8_MARK, Echo, safe_cell
from ideas.models import Category, RunState, ThemeSettings, ThemeStatus
from ideas.outside.selectors import outside_only
from ideas.themes import selectors, services
from ideas.themes.forms import DashboardFilterForm, GranularityForm, ThemeForm
from ideas.themes.similar import similar_ideas
from ideas.themes.trending import BASELINE_DAYS, RECENT_DAYS

SIGNALS_SHOWN = 100  # on a theme's page, newest first
IDEAS_SHOWN = 200  # on a theme's page, the most voted first; the CSV export has them all


def theme_manager_required(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Anonymous people are sent to log in; members without the permission get 403."""

    @wraps(view)
    @login_required
    @permission_required(MANAGE_THEMES, raise_exception=True)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
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
    target = ThemeSettings.current().target_themes
    return _dashboard(request, _granularity_form(target), target)


def _granularity_form(target: int | None) -> GranularityForm:
    mode = GranularityForm.AUTOMATIC if target is None else GranularityForm.TARGET
    return GranularityForm(initial={"mode": mode, "target_themes": target})


def _dashboard(
    request: HttpRequest, granularity: GranularityForm, target: int | None, status: int = 200
) -> HttpResponse:
    chosen = _filters(request)
    run, summaries = selectors.theme_summaries(
        sort=chosen["sort"], category=chosen["category"], days=chosen["period"]
    )
    latest = selectors.latest_run()
    context = {
        "run": run,
        "latest": latest,
        "requested_at": selectors.run_request_waiting(latest=latest),
        "summaries": summaries,
        # Outside talk no idea covers: signals have no category, so no filter applies to it.
        "outside_only": outside_only(run=run),
        "chosen": chosen,
        "categories": Category.objects.all(),
        "rank_label": {"size": _("size"), "votes": _("votes")}.get(chosen["sort"], _("trend")),
        "recent_days": RECENT_DAYS,
        "baseline_days": BASELINE_DAYS,
        "running": RunState.RUNNING,
        "granularity": granularity,
        "granularity_target": target,
    }
    return render(request, "themes/dashboard.html", context, status=status)


@require_POST
@theme_manager_required
def granularity(request: HttpRequest) -> HttpResponse:
    """Automatic or an expected number of themes, for the next runs. A bad number shows the
    dashboard again with the error beside the field (400)."""
    form = GranularityForm(request.POST)
    if not form.is_valid():
        return _dashboard(request, form, ThemeSettings.current().target_themes, status=400)
    try:
        services.theme_granularity_set(
            editor=authenticated_user(request), target_themes=form.target()
        )
    except ValidationError as error:  # the service's own bounds: shown like the form's
        form.add_error(None, error)
        return _dashboard(request, form, ThemeSettings.current().target_themes, status=400)
    if form.target() is None:
        messages.success(request, _("Saved: the next run decides how many themes there are."))
    else:
        messages.success(
            request,
            _("Saved: the next run aims at about %(count)s themes.") % {"count": form.target()},
        )
    return redirect("themes:dashboard")


@require_GET
@theme_manager_required
def theme_map(request: HttpRequest) -> HttpResponse:
    chosen = _filters(request)
    run, summaries = selectors.theme_summaries(category=chosen["category"], top_ideas=0)
    bubbles = _bubbles(summaries)
    return render(request, "themes/map.html", {"run": run, "bubbles": bubbles, "chosen": chosen})


# Trend as colour AND as shape, so the map reads without colour: rising bubbles have a solid
# thick outline, falling ones a dashed one, steady ones a thin one; the label starts with ▲ ▼ ▶.
# Fills are light (text on them stays above 7:1); outlines 3:1 or more on white (WCAG 1.4.11).
MAP_STYLES = {
    "up": {"fill": "#fbd9c4", "stroke": "#b93a0a", "dash": "", "width": 3, "arrow": "▲"},
    "down": {"fill": "#d3e3fb", "stroke": "#1a56b0", "dash": "6 4", "width": 2.5, "arrow": "▼"},
    "flat": {"fill": "#e4e7ec", "stroke": "#6b7585", "dash": "", "width": 1.5, "arrow": "▶"},
}
MAP_WIDTH, MAP_HEIGHT, LABEL_SIZE = 1000, 600, 13


def _label_box(x: float, y: float, text: str, anchor: str) -> tuple[float, float, float, float]:
    width = 0.58 * LABEL_SIZE * len(text)  # about the width of a sans-serif character
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return left, y - LABEL_SIZE, left + width, y + 4


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place_label(
    x: float, y: float, r: float, text: str, taken: list[tuple[float, float, float, float]]
) -> tuple[float, float, str]:
    """A spot for a bubble's label that no other label covers and the map does not clip:
    below the bubble, above it, right or left of it, else below and lower still."""
    candidates = [
        (x, y + r + LABEL_SIZE + 2, "middle"),
        (x, y - r - 6, "middle"),
        (x + r + 4, y + 4, "start"),
        (x - r - 4, y + 4, "end"),
        *((x, y + r + LABEL_SIZE * (2 + n), "middle") for n in range(1, 6)),
    ]
    for cx, cy, anchor in candidates:
        box = _label_box(cx, cy, text, anchor)
        inside = box[0] >= 4 and box[2] <= MAP_WIDTH - 4 and box[1] >= 4 and box[3] <= MAP_HEIGHT
        if inside and not any(_overlaps(box, other) for other in taken):
            taken.append(box)
            return cx, cy, anchor
    # Nowhere free: below, pulled inside the map (the list under the map names every theme).
    box = _label_box(x, y + r + LABEL_SIZE + 2, text, "middle")
    shift = max(0.0, 4 - box[0]) - max(0.0, box[2] - (MAP_WIDTH - 4))
    return x + shift, min(y + r + LABEL_SIZE + 2, MAP_HEIGHT - 6), "middle"


def _separate(circles: list[list[float]], *, rounds: int = 60) -> None:
    """Push overlapping bubbles apart (x, y, r lists, in place), a few pixels at a time, keeping
    them inside the map: the projection puts close themes on top of each other."""
    for _round in range(rounds):
        moved = False
        for i, a in enumerate(circles):
            for b in circles[i + 1 :]:
                dx, dy = b[0] - a[0], b[1] - a[1]
                distance = (dx * dx + dy * dy) ** 0.5 or 0.01
                gap = a[2] + b[2] + 6 - distance
                if gap > 0:
                    ux, uy = dx / distance, dy / distance
                    a[0], a[1] = a[0] - ux * gap / 2, a[1] - uy * gap / 2
                    b[0], b[1] = b[0] + ux * gap / 2, b[1] + uy * gap / 2
                    moved = True
        for c in circles:
            c[0] = min(max(c[0], c[2] + 4), MAP_WIDTH - c[2] - 4)
            c[1] = min(max(c[1], c[2] + 4), MAP_HEIGHT - c[2] - 4)
        if not moved:
            return


def _bubbles(summaries: list[selectors.ThemeSummary]) -> list[dict[str, Any]]:
    """Scale the 2-D projection into a 1000×600 SVG, bubble area proportional to size, bubbles
    kept apart and inside the map, each label where no other label or bubble is."""
    if not summaries:
        return []
    xs = [s.theme.map_x for s in summaries]
    ys = [s.theme.map_y for s in summaries]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    biggest = max(s.size for s in summaries) or 1
    ordered = sorted(summaries, key=lambda s: (-s.size, s.theme.pk))
    circles = [
        [
            110 + 780 * (s.theme.map_x - min(xs)) / span_x,
            70 + 420 * (s.theme.map_y - min(ys)) / span_y,
            8 + 42 * (s.size / biggest) ** 0.5,
        ]
        for s in ordered
    ]
    _separate(circles)
    taken: list[tuple[float, float, float, float]] = [
        (x - r, y - r, x + r, y + r) for x, y, r in circles
    ]
    bubbles = []
    for s, (x, y, r) in zip(ordered, circles, strict=True):
        style = MAP_STYLES[s.trend.direction]
        # Whole, not cut: a link's name must contain its visible text (WCAG 2.5.3).
        text = f"{style['arrow']} {s.theme.display_name}"
        lx, ly, anchor = _place_label(x, y, r, text, taken)
        bubbles.append(
            {
                "summary": s,
                "x": x,
                "y": y,
                "r": r,
                "style": style,
                "arrow": style["arrow"],
                "label_x": lx,
                "label_y": ly,
                "anchor": anchor,
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
    first_day = timezone.localdate() - timedelta(days=len(activity) - 1)
    days = [first_day + timedelta(days=i) for i in range(len(activity))]
    ideas = selectors.theme_ideas(theme=theme)
    shown = list(ideas[:IDEAS_SHOWN])
    context = {
        "theme": theme,
        "form": form,
        # What it holds now: an idea hidden or merged since the run has left it (theme.size is
        # the run's figure). Counted apart only when the page cannot list them all.
        "idea_count": len(shown) if len(shown) < IDEAS_SHOWN else ideas.count(),
        "ideas": shown,
        "events": selectors.theme_events(theme=theme)[:20],
        "bars": [
            {
                "x": i * 10,
                "y": 105 - 100 * value / peak,
                "h": 100 * value / peak,
                "value": value,
                "day": day,
            }
            for i, (day, value) in enumerate(zip(days, activity, strict=True))
        ],
        # The chart's text alternative: the total, the busiest day, the last week against the one
        # before (the chart alone says nothing to a screen reader).
        "activity_total": sum(activity),
        "activity_peak": max(activity),
        "activity_peak_day": days[activity.index(max(activity))] if any(activity) else None,
        "activity_week": sum(activity[-7:]),
        "activity_week_before": sum(activity[-14:-7]),
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
    if outcome == "under_way":
        messages.info(request, _("A run is already under way; its themes appear when it ends."))
    else:
        # Kept in the database even while the worker or its broker is down: no "try again".
        messages.success(
            request,
            _(
                "A new run was requested. It starts as soon as the worker can take it; the "
                "themes below stay until it has fully succeeded."
            ),
        )
    return redirect("themes:dashboard")


@require_GET
@theme_manager_required
def export_csv(request: HttpRequest) -> HttpResponseBase:
    """Streamed as it is read: 100,000 themed ideas make 15 MB (docs/benchmarks.md). A category
    that does not exist is a 400: a page falls back to all categories, but a file of every
    category under a name that asked for one would be taken for that one's."""
    form = DashboardFilterForm(request.GET)
    if not form.is_valid() and "category" in form.errors:
        message = _("No such category: %(slug)s.") % {"slug": request.GET.get("category", "")}
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    rows = selectors.theme_export_rows(category=form.cleaned_data.get("category"))
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ruche-themes-{stamp}.csv"'
    return response


def _csv_lines(rows: Iterator[dict[str, object]]) -> Iterator[str]:
    writer = csv.DictWriter(Echo(), fieldnames=selectors.EXPORT_FIELDS)
    yield UTF8_MARK + writer.writeheader()
    for row in rows:
        yield writer.writerow({k: safe_cell(v) for k, v in row.items()})


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
    matches = similar_ideas(text=text, k=5, exclude=whole_number(request.POST.get("exclude")))
    return render(request, "ideas/_similar.html", {"matches": matches})

"""The staff analytics page and its CSV downloads (product managers and admins)."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.access import require_permission
from community.analytics.forms import PeriodForm
from community.analytics.report import panels
from community.analytics.selectors import NOT_ALLOWED, VIEW_ANALYTICS, Period, analytics_for
from config.spreadsheet import UTF8_MARK, safe_cell

TEMPLATE = "community/analytics/dashboard.html"


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, VIEW_ANALYTICS, _(NOT_ALLOWED))
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # The errors beside the fields, and no figures for a period that was not understood.
        return render(request, TEMPLATE, {"form": form, "panels": []}, status=400)
    period = form.period() if form.is_bound else Period.default()
    analytics = analytics_for(user=request.user, period=period)  # checks the permission too
    # The figures cover whole weeks, to the Sunday after the last day asked for; the form and the
    # downloads take no day after today.
    end = min(period.end, timezone.localdate())
    if not form.is_bound:
        form = PeriodForm(initial={"start": period.start, "end": end})
    context = {
        "form": form,
        "analytics": analytics,
        "panels": panels(analytics),
        "query": urlencode({"start": period.start.isoformat(), "end": end.isoformat()}),
    }
    return render(request, TEMPLATE, context)


@require_GET
@login_required
def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    require_permission(request.user, VIEW_ANALYTICS, _(NOT_ALLOWED))
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    period = form.period() if form.is_bound else Period.default()
    analytics = analytics_for(user=request.user, period=period)
    panel = next((panel for panel in panels(analytics) if panel.slug == slug), None)
    if panel is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"ruche-{slug}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write(UTF8_MARK)
    writer = csv.writer(response)
    writer.writerow(panel.columns)
    writer.writerows([safe_cell(cell) for cell in row] for row in panel.rows)
    return response

"""The monthly leaderboard."""

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from community.recognition import services as recognition
from config.page_cache import anonymous_page


@anonymous_page
def leaderboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    rows = recognition.monthly_leaderboard(year=year, month=month)
    return render(
        request,
        "community/leaderboard.html",
        {
            "rows": rows,
            "month": date(year, month, 1),
            "this_month": date(today.year, today.month, 1),
        },
    )

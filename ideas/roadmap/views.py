from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from config.page_cache import anonymous_page
from ideas.roadmap.selectors import adopted_ideas, roadmap_columns

CHANGELOG_PAGE = 20


@anonymous_page
def roadmap(request: HttpRequest) -> HttpResponse:
    return render(request, "ideas/roadmap.html", {"columns": roadmap_columns()})


@anonymous_page
def changelog(request: HttpRequest) -> HttpResponse:
    page = Paginator(adopted_ideas(), CHANGELOG_PAGE).get_page(request.GET.get("page"))
    return render(request, "ideas/changelog.html", {"page": page})

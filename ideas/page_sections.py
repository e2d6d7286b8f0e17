"""What the apps above ideas add to its pages. The ideas app knows no comment, follow, report,
campaign or complaint: the community app registers, from CommunityConfig.ready, sections giving
template context to the home page (`HOME`), an idea's page (`DETAIL`) and the htmx page of more
comments under it (`COMMENTS`), and the routes a valid new idea may take instead of being
published (`page_route_register`: a personal complaint offered to the complaints team).

A section is called as `section(request=..., idea=...)` (`idea` is None on the home page) and
returns a dict; a route as `route(request, form)` and returns a response, or None to go on.
"""

from collections.abc import Callable
from typing import Any

from django.forms import Form
from django.http import HttpRequest, HttpResponse

from ideas.models import Idea

HOME, DETAIL, COMMENTS = "home", "detail", "comments"

Section = Callable[..., dict[str, Any]]
Route = Callable[[HttpRequest, Form], HttpResponse | None]

_SECTIONS: dict[str, list[Section]] = {HOME: [], DETAIL: [], COMMENTS: []}
_ROUTES: list[Route] = []


def _key(function: Callable[..., Any]) -> tuple[str, str]:
    return function.__module__, function.__qualname__


def page_section_register(page: str, section: Section) -> None:
    """Add `section` to the page; registering one twice keeps one."""
    sections = _SECTIONS[page]
    sections[:] = [s for s in sections if _key(s) != _key(section)] + [section]


def page_context(page: str, *, request: HttpRequest, idea: Idea | None = None) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for section in _SECTIONS[page]:
        context.update(section(request=request, idea=idea))
    return context


def page_route_register(route: Route) -> None:
    """Add a route a valid new idea is offered before it is saved (ideas.views.idea_create)."""
    _ROUTES[:] = [r for r in _ROUTES if _key(r) != _key(route)] + [route]


def page_route(request: HttpRequest, form: Form) -> HttpResponse | None:
    """The first registered route's response, or None to publish the idea as usual."""
    for route in _ROUTES:
        if (response := route(request, form)) is not None:
            return response
    return None

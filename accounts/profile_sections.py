"""What the apps above accounts show on a member's pages. accounts knows no idea, comment, point
or badge: each app registers, from its AppConfig.ready, a section giving template context to
the member's own profile (`OWN`, /accounts/profile/) or to their public page (`PUBLIC`,
/members/<id>/). The views merge what the sections give; the templates read the keys.

    profile_section_register(PUBLIC, member_page_ideas)  # ideas/apps.py

A section is called as `section(member=..., viewer=..., request=...)` and returns a dict.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from accounts.models import User

OWN, PUBLIC = "own", "public"

Section = Callable[..., dict[str, Any]]

_SECTIONS: dict[str, list[Section]] = {OWN: [], PUBLIC: []}


def profile_section_register(page: str, section: Section) -> None:
    """Add `section` to the page (OWN or PUBLIC); registering one twice keeps one."""
    sections = _SECTIONS[page]
    key = (section.__module__, section.__qualname__)
    sections[:] = [s for s in sections if (s.__module__, s.__qualname__) != key] + [section]


def profile_context(
    page: str, *, member: User, viewer: Any, request: HttpRequest
) -> dict[str, Any]:
    """Every registered section's context for this page, merged in registration order."""
    context: dict[str, Any] = {}
    for section in _SECTIONS[page]:
        context.update(section(member=member, viewer=viewer, request=request))
    return context

"""The ideas app's sections of a member's pages (accounts.profile_sections, registered by
IdeasConfig.ready): their ideas, and on their own profile the ideas they voted for."""

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest

from accounts.models import User
from ideas.selectors import ideas_by_author, ideas_voted_by


def own_profile_ideas(*, member: User, viewer: Any, request: HttpRequest) -> dict[str, Any]:
    return {
        "ideas": ideas_by_author(author=member, viewer=viewer)[:50],
        "voted_ideas": ideas_voted_by(user=member)[:50],
    }


def member_page_ideas(*, member: User, viewer: Any, request: HttpRequest) -> dict[str, Any]:
    ideas = ideas_by_author(author=member, viewer=viewer)
    return {"page": Paginator(ideas, settings.IDEAS_PER_PAGE).get_page(request.GET.get("page"))}

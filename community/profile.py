"""The community's sections of a member's pages (accounts.profile_sections, registered by
CommunityConfig.ready): their comments on their own profile; badges, points and how many
comments on their public page."""

from typing import Any

from django.db.models import QuerySet, Sum
from django.http import HttpRequest

from accounts.models import User
from community.comments.selectors import comments_by_author
from community.models import BadgeAward, Comment, PointsEntry


def member_points(*, member: User) -> int:
    total = PointsEntry.objects.filter(user=member).aggregate(total=Sum("points"))["total"]
    return int(total or 0)


def member_badges(*, member: User) -> QuerySet[BadgeAward]:
    return BadgeAward.objects.filter(user=member).select_related("campaign").order_by("awarded_at")


def member_comment_count(*, member: User) -> int:
    return Comment.objects.filter(author=member, removed_at__isnull=True).count()


def own_profile_comments(*, member: User, viewer: Any, request: HttpRequest) -> dict[str, Any]:
    return {"comments": comments_by_author(author=member)[:50]}


def member_page_recognition(*, member: User, viewer: Any, request: HttpRequest) -> dict[str, Any]:
    return {
        "badges": member_badges(member=member),
        "points": member_points(member=member),
        "comment_count": member_comment_count(member=member),
    }

"""Reads for members' public profile pages."""

from typing import Any

from django.db.models import QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.roles import PARTNER, user_answers_officially
from community.models import BadgeAward, Comment, PointsEntry


def member_get_for_viewer(*, viewer: Any, pk: int) -> User:
    """The one access rule for a profile page: public ones for everyone, private ones for their
    owner and staff. Otherwise 404, not 403, so a private profile does not reveal it exists."""
    member = get_object_or_404(User.objects.prefetch_related("groups"), pk=pk, is_active=True)
    if member.profile_public or viewer.pk == member.pk or user_answers_officially(viewer):
        return member
    raise Http404("No such member.")


def member_is_partner(member: User) -> bool:
    return any(group.name == PARTNER for group in member.groups.all())  # prefetched


def member_points(*, member: User) -> int:
    total = PointsEntry.objects.filter(user=member).aggregate(total=Sum("points"))["total"]
    return int(total or 0)


def member_badges(*, member: User) -> QuerySet[BadgeAward]:
    return BadgeAward.objects.filter(user=member).select_related("campaign").order_by("awarded_at")


def member_comment_count(*, member: User) -> int:
    return Comment.objects.filter(author=member, removed_at__isnull=True).count()

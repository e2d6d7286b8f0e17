"""Reads for members' profile pages (what other apps show on them: accounts.profile_sections)."""

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.roles import PARTNER, user_answers_officially


def member_get_for_viewer(*, viewer: Any, pk: int) -> User:
    """The one access rule for a profile page: public ones for everyone, private ones for their
    owner and staff. Otherwise 404, not 403, so a private profile does not reveal it exists."""
    member = get_object_or_404(User.objects.prefetch_related("groups"), pk=pk, is_active=True)
    if member.profile_public or viewer.pk == member.pk or user_answers_officially(viewer):
        return member
    raise Http404("No such member.")


def member_is_partner(member: User) -> bool:
    return any(group.name == PARTNER for group in member.groups.all())  # prefetched

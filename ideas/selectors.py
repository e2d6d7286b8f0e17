"""Reads for ideas: querysets with their joins done, so pages make a fixed number of queries."""

from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, Count, Exists, OuterRef, Q, QuerySet, Value
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from ideas.models import Category, Idea, Status, StatusChange, Vote, public_q
from ideas.ranking import with_trending_score

if TYPE_CHECKING:
    from community.models import Campaign

SORTS = ("trending", "top", "new")


def _with_viewer_vote(queryset: QuerySet[Idea], viewer: Any) -> QuerySet[Idea]:
    if viewer is not None and viewer.is_authenticated:
        voted = Exists(Vote.objects.filter(user=viewer, idea=OuterRef("pk")))
        return queryset.annotate(viewer_voted=voted)
    return queryset.annotate(viewer_voted=Value(False, output_field=BooleanField()))


def ideas_visible_to(*, viewer: Any = None) -> QuerySet[Idea]:
    """Ideas this viewer may see: a hidden or pending idea stays visible to its author and
    moderators."""
    from accounts.roles import MODERATE_CONTENT

    if viewer is None or not viewer.is_authenticated:
        return Idea.objects.public()
    # A merged idea is nobody's to list: its page redirects to the idea it was merged into.
    ideas = Idea.objects.filter(merged_into__isnull=True)
    if viewer.has_perm(MODERATE_CONTENT):
        return ideas
    return ideas.filter(public_q() | Q(author=viewer))


def ideas_for_listing(*, viewer: Any = None) -> QuerySet[Idea]:
    ideas = (
        ideas_visible_to(viewer=viewer)
        .select_related("author", "category")
        .prefetch_related("author__groups", "author__badges")
    )
    return _with_viewer_vote(ideas, viewer)


def idea_list(
    *,
    viewer: Any = None,
    sort: str = "trending",
    category: Category | None = None,
    status: str | None = None,
    query: str = "",
    campaign: "Campaign | None" = None,
) -> QuerySet[Idea]:
    ideas = ideas_for_listing(viewer=viewer)
    if campaign is not None:
        ideas = ideas.filter(campaign=campaign)
    if category is not None:
        ideas = ideas.filter(category=category)
    if status:
        ideas = ideas.filter(status=status)
    if query:
        ideas = ideas.filter(Q(title__icontains=query) | Q(body__icontains=query))
    if sort == "top":
        return ideas.order_by("-vote_count", "-created_at")
    if sort == "new":
        return ideas.order_by("-created_at", "-pk")
    return with_trending_score(ideas, now=timezone.now()).order_by("-trending_score", "-pk")


def idea_get_for_user(*, user: Any, pk: int) -> Idea:
    """The one access rule for reading an idea (404 when it is not there for this user)."""
    return get_object_or_404(ideas_for_listing(viewer=user), pk=pk)


def idea_merged_away(*, pk: int) -> Idea | None:
    """The idea with this pk if a moderator merged it into another, with that idea joined."""
    return (
        Idea.objects.filter(pk=pk, merged_into__isnull=False).select_related("merged_into").first()
    )


def ideas_merged_into(*, idea: Idea) -> QuerySet[Idea]:
    """Duplicates merged into this idea that its page may name (a hidden one stays unnamed)."""
    return idea.merged_ideas.filter(hidden_at__isnull=True, pending_at__isnull=True).order_by(
        "merged_at", "pk"
    )


def idea_status_history(*, idea: Idea) -> QuerySet[StatusChange]:
    return idea.status_changes.select_related("changed_by").order_by("created_at")


def ideas_by_author(*, author: User, viewer: Any = None) -> QuerySet[Idea]:
    return ideas_for_listing(viewer=viewer).filter(author=author).order_by("-created_at")


def ideas_voted_by(*, user: User) -> QuerySet[Idea]:
    return ideas_for_listing(viewer=user).filter(votes__user=user).order_by("-votes__created_at")


def categories_with_counts() -> QuerySet[Category]:
    return Category.objects.annotate(
        idea_count=Count("ideas"),
        open_count=Count("ideas", filter=~Q(ideas__status__in=[Status.DONE, Status.DECLINED])),
    )


def recent_status_changes(*, limit: int = 5) -> QuerySet[StatusChange]:
    return (
        StatusChange.objects.filter(public_q("idea__"))
        .select_related("idea", "changed_by")
        .order_by("-created_at")[:limit]
    )

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from community.models import Comment
from ideas.models import Idea, public_q


def comments_for_idea(*, idea: Idea) -> QuerySet[Comment]:
    """Top-level comments, each with its replies, authors and their groups prefetched."""
    replies = Comment.objects.select_related("author").prefetch_related(
        "author__groups", "author__badges"
    )
    return (
        idea.comments.filter(parent__isnull=True)
        .select_related("author")
        .prefetch_related("author__groups", "author__badges", Prefetch("replies", queryset=replies))
    )


def comments_by_author(*, author: User) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(public_q("idea__"), author=author, removed_at__isnull=True)
        .select_related("idea")
        .order_by("-created_at")
    )


def comment_get(*, pk: int) -> Comment:
    return get_object_or_404(Comment.objects.select_related("idea", "author"), pk=pk)

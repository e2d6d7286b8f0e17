from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from community.models import Comment
from ideas.models import Idea


def comments_for_idea(*, idea: Idea) -> QuerySet[Comment]:
    return idea.comments.select_related("author").prefetch_related("author__groups")


def comments_by_author(*, author: User) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(author=author, removed_at__isnull=True)
        .select_related("idea")
        .order_by("-created_at")
    )


def comment_get(*, pk: int) -> Comment:
    return get_object_or_404(Comment.objects.select_related("idea", "author"), pk=pk)

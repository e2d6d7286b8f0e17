from collections.abc import Sequence
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import MODERATE_CONTENT, staff_role_of
from community.models import Comment
from ideas.models import Idea, public_q


def _comments_visible_to(viewer: Any) -> Q:
    """A comment waiting for a moderator is shown only to its author and moderators."""
    if viewer is not None and viewer.is_authenticated:
        return comments_visible_q(viewer.pk, moderator=viewer.has_perm(MODERATE_CONTENT))
    return comments_visible_q(None, moderator=False)


def comments_visible_q(viewer_id: Any, *, moderator: bool) -> Q:
    """_comments_visible_to for a viewer's id (None for a visitor): the rule
    community.comments.page_rows compiles once, with a placeholder for the id."""
    if moderator:
        return Q()
    if viewer_id is not None:
        return Q(pending_at__isnull=True) | Q(author_id=viewer_id)
    return Q(pending_at__isnull=True)


def top_comments(*, idea_id: Any, viewer_id: Any, moderator: bool) -> QuerySet[Comment]:
    """The top-level comments of comments_for_idea, with `held`, oldest first, nothing joined
    or prefetched."""
    visible = comments_visible_q(viewer_id, moderator=moderator)
    held: Case | Value
    top = Comment.objects.filter(idea_id=idea_id, parent__isnull=True)
    if visible:
        shown_replies = Exists(Comment.objects.filter(visible, parent=OuterRef("pk")))
        top = top.filter(visible | shown_replies)
        held = Case(When(visible, then=Value(False)), default=Value(True))
    else:  # moderators see everything
        held = Value(False)
    held_field = ExpressionWrapper(held, output_field=BooleanField())
    return top.annotate(held=held_field).order_by("created_at", "pk")


def comments_for_idea(*, idea: Idea, viewer: Any = None) -> QuerySet[Comment]:
    """Top-level comments this viewer may see, each with its replies, authors and their staff role
    prefetched.

    A top-level comment held for a moderator (an approved comment its author edited since) keeps
    its thread: when replies this viewer may see hang from it, it is listed with `held` True and
    the page shows a placeholder instead of its text, as for a removed comment. The replies were
    public, and hiding them with the edit would punish their authors for someone else's text."""
    visible = _comments_visible_to(viewer)
    replies = (
        Comment.objects.filter(visible)
        .select_related("author")
        .prefetch_related(staff_role_of("author"), "author__badges")
    )
    moderator = not visible
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    return (
        top_comments(idea_id=idea.pk, viewer_id=viewer_id, moderator=moderator)
        .select_related("author")
        .prefetch_related(
            staff_role_of("author"), "author__badges", Prefetch("replies", queryset=replies)
        )
    )


def comments_for_rows(*, pks: Sequence[int]) -> QuerySet[Comment]:
    """What a comment's row shows (community.comments.rows), for comments a page already chose
    for its viewer (comments_for_idea)."""
    return (
        Comment.objects.filter(pk__in=pks)
        .select_related("author")
        .prefetch_related(staff_role_of("author"), "author__badges")
    )


def comment_position(*, comments: QuerySet[Comment], comment_id: int) -> int | None:
    """How many of `comments` (top-level, oldest first) come before the one holding this
    comment (itself, or the comment it replies to); None if it is not among them."""
    target = Comment.objects.filter(pk=comment_id).values("pk", "parent_id").first()
    if target is None:
        return None
    top_id = target["parent_id"] or target["pk"]
    top = comments.filter(pk=top_id).values("created_at").first()
    if top is None:
        return None
    earlier = Q(created_at__lt=top["created_at"]) | Q(created_at=top["created_at"], pk__lt=top_id)
    return comments.filter(earlier).count()


def comments_by_author(*, author: User) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(
            public_q("idea__"), author=author, removed_at__isnull=True, pending_at__isnull=True
        )
        .select_related("idea")
        .order_by("-created_at")
    )


def comment_find(*, pk: int) -> Comment | None:
    return Comment.objects.select_related("idea", "author").filter(pk=pk).first()


def comment_get(*, pk: int) -> Comment:
    if (comment := comment_find(pk=pk)) is None:
        raise Http404(_("No such comment."))
    return comment

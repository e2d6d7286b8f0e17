"""Which posts wait for a moderator (pre-moderation's rules), apart from approving them
(community.moderation.premoderation), so that the services posting and editing can ask without
importing the moderators' actions.

A new idea waits (`pending_at` set) when its category or campaign is pre-moderated, or when it
is its author's first post: no idea or comment of theirs is public yet. A new comment waits
only under the first-post rule. Staff who moderate or answer officially never wait.
`settings.RUCHE_PREMODERATE_FIRST_POST` turns the first-post rule off (the test suite does, so
that tests posting as fresh members get public posts).
"""

from collections.abc import Iterable

from django.conf import settings
from django.db.models import F, Q

from accounts.audit import AuditAction, AuditEntry
from accounts.models import User
from accounts.roles import user_holds_staff_role
from community.models import Comment
from ideas.models import Campaign, Category, Idea


def approved_comments_q() -> Q:
    """A comment that is, or was, public: approved, and not removed by a moderator."""
    return Q(pending_at__isnull=True) & (Q(removed_at__isnull=True) | Q(removed_by=F("author")))


def approved_ideas_q() -> Q:
    """An idea that is, or was, public: approved and not hidden (a merged idea was public)."""
    return Q(pending_at__isnull=True, hidden_at__isnull=True)


def authors_with_approved_posts(author_ids: set[int]) -> set[int]:
    """Which of these people already have a public idea or comment (two queries)."""
    if not author_ids:
        return set()
    ideas = Idea.objects.filter(approved_ideas_q(), author_id__in=author_ids)
    comments = Comment.objects.filter(approved_comments_q(), author_id__in=author_ids)
    return set(ideas.values_list("author_id", flat=True).distinct()) | set(
        comments.values_list("author_id", flat=True).distinct()
    )


def _first_post(author: User) -> bool:
    return settings.RUCHE_PREMODERATE_FIRST_POST and not authors_with_approved_posts({author.pk})


def needs_premoderation(
    *, author: User, category: Category, campaign: Campaign | None = None
) -> bool:
    """Whether a new idea by `author` waits for a moderator before it is public."""
    if user_holds_staff_role(author):
        return False
    if category.premoderated or (campaign is not None and campaign.premoderated):
        return True
    return _first_post(author)


def comment_needs_premoderation(*, author: User) -> bool:
    """Whether a new comment by `author` waits for a moderator (their first post only)."""
    return not user_holds_staff_role(author) and _first_post(author)


def published_by_a_moderator(
    *, idea_ids: Iterable[int] = (), comment_ids: Iterable[int] = ()
) -> tuple[set[int], set[int]]:
    """Which of these ideas and comments a moderator let through while they waited: approved
    them, or rejected them (a restore can publish them later). One query, on the audit log,
    which keeps every approval and rejection."""
    idea_ids, comment_ids = set(idea_ids), set(comment_ids)
    if not idea_ids and not comment_ids:
        return set(), set()
    rejected = {"before__pending": True}
    decided = (
        Q(target_type="idea", target_id__in=idea_ids)
        & (Q(action=AuditAction.IDEA_APPROVE) | Q(action=AuditAction.IDEA_HIDE, **rejected))
    ) | (
        Q(target_type="comment", target_id__in=comment_ids)
        & (Q(action=AuditAction.COMMENT_APPROVE) | Q(action=AuditAction.COMMENT_HIDE, **rejected))
    )
    ideas: set[int] = set()
    comments: set[int] = set()
    for kind, pk in AuditEntry.objects.filter(decided).values_list("target_type", "target_id"):
        (ideas if kind == "idea" else comments).add(pk)
    return ideas, comments


def edit_needs_premoderation(*, post: Idea | Comment) -> bool:
    """Whether `post`, as its author has just edited it (an idea with its new category), waits
    for a moderator before the edit is public. It does when:

    1. it is still waiting (the edit waits with it);
    2. posted now, it would wait: an idea in a pre-moderated category or campaign, or the
       first-post rule (none of the author's posts is public);
    3. it is public only because a moderator let it through (approved it, or restored it after
       rejecting it): that decision covered the text the moderator read, not this one.

    Staff never wait. The services (`idea_update`, `comment_update`) apply the answer: the post
    becomes waiting again, hidden from everyone but its author and moderators, and approving it
    publishes the edit.
    """
    author = post.author
    if user_holds_staff_role(author):
        return False
    if post.pending_at is not None:
        return True
    if isinstance(post, Idea):
        campaign = post.campaign
        if post.category.premoderated or (campaign is not None and campaign.premoderated):
            return True
    if _first_post(author):
        return True
    if isinstance(post, Idea):
        return post.pk in published_by_a_moderator(idea_ids=[post.pk])[0]
    return post.pk in published_by_a_moderator(comment_ids=[post.pk])[1]

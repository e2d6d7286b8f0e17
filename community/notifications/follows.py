"""Following ideas and categories. People follow their own ideas and those they vote on or
comment on automatically; they unfollow in one click."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from accounts.models import User
from community.models import Follow
from config.db import insert_unless_present
from ideas.models import Category, Idea


def _follow(**target: object) -> bool:
    # Already following: the unique constraint skips the row (one statement, no savepoint).
    return insert_unless_present(Follow(**target))


def idea_followed_by(*, user: User, idea: Idea) -> bool:
    """Follow an idea. Returns True if the user was not following it yet."""
    return _follow(user=user, idea=idea)


def idea_unfollowed_by(*, user: User, idea: Idea) -> bool:
    deleted, _ = Follow.objects.filter(user=user, idea=idea).delete()
    return bool(deleted)


def category_followed_by(*, user: User, category: Category) -> bool:
    return _follow(user=user, category=category)


def category_unfollowed_by(*, user: User, category: Category) -> bool:
    deleted, _ = Follow.objects.filter(user=user, category=category).delete()
    return bool(deleted)


def idea_follow_summary(*, user: User | AnonymousUser, idea: Idea) -> tuple[int, bool]:
    """(how many active members follow the idea, whether `user` does), in one query: the idea
    page's side panel shows both."""
    mine = Q(user_id=user.pk) if user.is_authenticated else Q(pk__in=[])
    row = Follow.objects.filter(idea=idea, user__is_active=True).aggregate(
        count=Count("pk"), mine=Count("pk", filter=mine)
    )
    return row["count"], bool(row["mine"])


def follows_category(*, user: User | AnonymousUser, category: Category) -> bool:
    if not user.is_authenticated:
        return False
    return Follow.objects.filter(user_id=user.pk, category=category).exists()


def idea_followers(*, idea: Idea) -> QuerySet[User]:
    """People who follow the idea itself (category followers hear of new ideas only)."""
    return User.objects.filter(follows__idea=idea, is_active=True).distinct()


def category_followers(*, category: Category) -> QuerySet[User]:
    return User.objects.filter(follows__category=category, is_active=True).distinct()

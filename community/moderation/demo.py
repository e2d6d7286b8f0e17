"""Demo moderation work for seed_demo: a flagged comment, a first post waiting for approval and a
small vote ring the detector has found, so the moderators' pages have something to show.

The unhappy posts waiting for an answer come from the demo content itself (sentiment is scored
for every demo idea and comment).
"""

import random
from datetime import datetime, timedelta

from accounts.models import User
from accounts.services import user_create
from community.models import Comment, Flag, FlagReason
from community.moderation.sentiment import sentiment_refresh_bulk
from community.moderation.vote_rings.services import vote_rings_detect
from config.network import network_key
from ideas.models import Category, Idea, Vote
from ideas.rendering import render_markdown
from ideas.services import idea_create, ideas_recount

RING_SIZE = 6
FLAGGED_COMMENT = (
    "Stop pretending you listen. Everyone here is a clown, click www.cheap-loans.example for "
    "a REAL bank!!!"
)
PENDING_IDEA = (
    "Alerte quand un prélèvement inhabituel arrive",
    "Je viens d'ouvrir mon compte. Ce serait rassurant de recevoir une alerte quand un "
    "prélèvement d'un nouveau créancier arrive, avant qu'il soit débité.",
)


def seed_moderation(
    *,
    rng: random.Random,
    now: datetime,
    ideas: list[Idea],
    members: list[User],
    password: str,
) -> dict[str, int]:
    flags = _flagged_comment(rng=rng, now=now, ideas=ideas, members=members)
    pending = _pending_first_post(password=password, category=ideas[0].category)
    rings = _vote_ring(rng=rng, now=now, ideas=ideas, password=password)
    return {"flags": flags, "pending_posts": pending, "vote_rings": rings}


def _flagged_comment(
    *, rng: random.Random, now: datetime, ideas: list[Idea], members: list[User]
) -> int:
    discussed = Idea.objects.filter(pk__in=[i.pk for i in ideas], comment_count__gt=0)
    idea = rng.choice(list(discussed.order_by("pk")))
    author, *reporters = rng.sample(members, k=3)
    comment = Comment.objects.create(
        idea=idea, author=author, body=FLAGGED_COMMENT, body_html=render_markdown(FLAGGED_COMMENT)
    )
    Comment.objects.filter(pk=comment.pk).update(
        created_at=now - timedelta(hours=5), updated_at=now - timedelta(hours=5)
    )
    ideas_recount(ids=[idea.pk])
    sentiment_refresh_bulk(ideas=[], comments=[comment])
    reasons = [FlagReason.SPAM, FlagReason.ABUSIVE]
    Flag.objects.bulk_create(
        Flag(reporter=reporter, idea=idea, comment=comment, reason=reason)
        for reporter, reason in zip(reporters, reasons, strict=True)
    )
    return len(reporters)


def _pending_first_post(*, password: str, category: Category) -> int:
    """A newcomer's first idea waits for a moderator, as every first post does."""
    newcomer = user_create(
        email="newcomer@example.com",
        password=password,
        display_name="Léa (nouvelle)",
        email_verified=True,
    )
    title, body = PENDING_IDEA
    idea = idea_create(
        author=newcomer,
        title=title,
        body=body,
        category=category,
        language="fr",
    )
    return int(idea.is_pending)


def _vote_ring(*, rng: random.Random, now: datetime, ideas: list[Idea], password: str) -> int:
    """Six accounts opened yesterday, on one network, vote for the same three ideas within a
    quarter of an hour: the pattern the worker looks for."""
    quiet = list(
        Idea.objects.filter(pk__in=[i.pk for i in ideas]).order_by("vote_count", "pk")[:30]
    )
    targets = rng.sample(quiet, k=3)
    network = network_key("198.51.100.23")
    opened = now - timedelta(hours=20)
    votes: list[tuple[Vote, datetime]] = []
    for n in range(1, RING_SIZE + 1):
        account = user_create(
            email=f"promo{n:02d}@example.com",
            password=password,
            display_name=f"Promo fan {n}",
            email_verified=True,
        )
        User.objects.filter(pk=account.pk).update(date_joined=opened)
        start = now - timedelta(minutes=40) + timedelta(minutes=rng.uniform(0, 3))
        for step, idea in enumerate(targets):
            at = start + timedelta(minutes=4 * step + rng.uniform(0, 2))
            votes.append((Vote(user=account, idea=idea, network=network), at))
    Vote.objects.bulk_create(vote for vote, _at in votes)
    for vote, at in votes:  # created_at is auto_now_add: set the times afterwards
        Vote.objects.filter(pk=vote.pk).update(created_at=at)
    ideas_recount(ids=[idea.pk for idea in targets])
    return vote_rings_detect(now=now)

"""Reads for the "needs an answer" queue: unhappy ideas and threads no staff member answered."""

import statistics
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.roles import staff_role_of
from community.models import Comment, ContentSentiment, SentimentLabel
from ideas.models import Idea, StatusChange, Vote

ENGAGEMENT_DAYS = 7
RESPONSE_WINDOW_DAYS = 90

NEGATIVE = Q(label=SentimentLabel.NEGATIVE) | Q(complaint=True)
SHOWN = Q(comment__isnull=True) | Q(comment__removed_at__isnull=True)


def _answered() -> Q:
    """A StatusChange, or a staff comment posted after the idea."""
    return Exists(StatusChange.objects.filter(idea=OuterRef("pk"))) | Exists(
        Comment.objects.filter(
            idea=OuterRef("pk"), by_staff=True, created_at__gt=OuterRef("created_at")
        )
    )


def _count_per_idea(rows: QuerySet[Any]) -> Coalesce:
    counted = rows.order_by().values("idea").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def ideas_needing_answer(*, now: datetime | None = None) -> QuerySet[Idea]:
    """Visible ideas whose own text or a shown comment is negative or a complaint, with no
    staff answer yet, most urgent first.

    urgency = negativity × (1 + votes and comments of the last 7 days), where negativity is the
    strongest signal of the idea and its comments: 1 for a complaint, else −score.
    """
    since = (now or timezone.now()) - timedelta(days=ENGAGEMENT_DAYS)
    signals = ContentSentiment.objects.filter(NEGATIVE, SHOWN, idea=OuterRef("pk"))
    strongest = (
        signals.order_by()
        .values("idea")
        .annotate(
            m=Max(
                Case(
                    When(complaint=True, then=Value(1.0)),
                    default=-F("score"),
                    output_field=FloatField(),
                )
            )
        )
        .values("m")
    )
    return (
        Idea.objects.public()
        .filter(Exists(signals))
        .exclude(_answered())
        .annotate(
            negativity=Subquery(strongest, output_field=FloatField()),
            has_complaint=Exists(signals.filter(complaint=True)),
            recent_votes=_count_per_idea(
                Vote.objects.filter(
                    idea=OuterRef("pk"), created_at__gte=since, discounted_at__isnull=True
                )
            ),
            recent_comments=_count_per_idea(
                Comment.objects.filter(
                    idea=OuterRef("pk"), created_at__gte=since, removed_at__isnull=True
                )
            ),
        )
        .annotate(
            urgency=ExpressionWrapper(
                F("negativity") * (1 + F("recent_votes") + F("recent_comments")),
                output_field=FloatField(),
            )
        )
        .select_related("author", "category")
        .prefetch_related(staff_role_of("author"), "author__badges")
        .order_by("-urgency", "created_at", "pk")
    )


def median_first_response(*, now: datetime | None = None) -> timedelta | None:
    """Median time from posting to the first staff answer (status change or staff comment),
    over the answered ideas posted in the last 90 days; None when there are none."""
    since = (now or timezone.now()) - timedelta(days=RESPONSE_WINDOW_DAYS)
    first_change = (
        StatusChange.objects.filter(idea=OuterRef("pk")).order_by("created_at").values("created_at")
    )
    first_comment = (
        Comment.objects.filter(
            idea=OuterRef("pk"), by_staff=True, created_at__gt=OuterRef("created_at")
        )
        .order_by("created_at")
        .values("created_at")
    )
    rows = (
        Idea.objects.filter(created_at__gte=since)
        .annotate(change_at=Subquery(first_change[:1]), comment_at=Subquery(first_comment[:1]))
        .filter(Q(change_at__isnull=False) | Q(comment_at__isnull=False))
        .values_list("created_at", "change_at", "comment_at")
    )
    waits = [
        (min(t for t in (change_at, comment_at) if t is not None) - posted).total_seconds()
        for posted, change_at, comment_at in rows
    ]
    return timedelta(seconds=statistics.median(waits)) if waits else None

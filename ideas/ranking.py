"""The trending score, stored on each idea so the trending list is an index scan.

    trending = (votes + 2 × comments + 1) / (age_in_hours + 2) ^ GRAVITY

A time-decayed score in the manner of Hacker News: engagement lifts an idea, age pulls it down.
Comments count double because writing one costs more than a click. The +1 lets a brand-new idea
with no votes yet appear above old ideas that nobody touches any more; the +12 hours keeps the
first half-day from dividing by almost nothing (with Hacker News's +2 hours, an idea posted a
minute ago with no vote weighed as much as a day-old idea with 45 votes, and sat second in the
demo's trending list; with +12 it weighs as much as a day-old idea with 4). With GRAVITY = 1.5
an idea needs about 2.8 times the engagement to hold its place when its age doubles. See
docs/ranking.md.

Scores are comparable only when computed for the same moment, so every stored score is computed
for the moment of the `TrendingClock`:
1. The worker (`trending_refresh` task, every 5 minutes) moves the clock to now and rewrites
   the scores that decayed by more than TOLERANCE (1%) since stored, in one transaction.
2. A write that moves an idea's counts (vote, comment, recount) sets its score in the same
   UPDATE, for the clock's moment (`trending_score_after`): a vote always lifts the idea.
3. A new idea gets its score right after its INSERT (`trending_score_set`); an idea created
   after the clock counts as age 0 until the next refresh.
Everything is computed in double precision (PostgreSQL's EXTRACT returns `numeric`, which made
the old per-request computation eight times slower).
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import (
    Expression,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Power
from django.utils import timezone

GRAVITY = 1.5
COMMENT_WEIGHT = 2
AGE_OFFSET_HOURS = 12
# The periodic refresh rewrites a stored score once it is more than 1% above its exact value.
TOLERANCE = 0.01


class EpochSeconds(Func):
    """Seconds since 1970-01-01 UTC of a datetime, as a double, on PostgreSQL and SQLite."""

    output_field = FloatField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(EPOCH FROM %(expressions)s) AS double precision)",
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite stores UTC datetimes as text; julianday() parses them. 2440587.5 is 1970-01-01.
        return self.as_sql(
            compiler, connection, template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)"
        )


def trending_expression(
    *, as_of: Expression | datetime, vote_delta: int = 0, comment_delta: int = 0
) -> Expression:
    """The score of each row for the moment `as_of`, after its counts move by the deltas (an
    UPDATE's SET sees the row as it was, so the new counts are the old ones plus the deltas)."""
    moment: Expression = (
        Value(as_of.timestamp()) if isinstance(as_of, datetime) else EpochSeconds(as_of)
    )
    age_hours = Greatest((moment - EpochSeconds("created_at")) / Value(3600.0), Value(0.0))
    engagement = Cast(
        F("vote_count") + vote_delta + COMMENT_WEIGHT * (F("comment_count") + comment_delta) + 1,
        output_field=FloatField(),
    )
    return engagement / Power(age_hours + Value(float(AGE_OFFSET_HOURS)), Value(GRAVITY))


def trending_value(
    *, vote_count: int, comment_count: int, created_at: datetime, as_of: datetime
) -> float:
    """`trending_expression` for one idea, in Python, for bulk loads that write the score with
    the row. The same operations in the same order on doubles: on PostgreSQL, which computes
    with the same C library, the stored value is the one a refresh would compute."""
    age_hours = max((as_of.timestamp() - created_at.timestamp()) / 3600.0, 0.0)
    engagement = float(vote_count + COMMENT_WEIGHT * comment_count + 1)
    return engagement / (age_hours + float(AGE_OFFSET_HOURS)) ** GRAVITY


def _clock(fallback: datetime | None = None) -> Expression:
    """The clock's moment as a subquery (`fallback`, by default now, if the clock was never set,
    e.g. in a test)."""
    from ideas.models import TrendingClock

    return Coalesce(
        Subquery(TrendingClock.objects.values("as_of")[:1]),
        Value(fallback or timezone.now()),
    )


def trending_score_after(
    *, vote_delta: int = 0, comment_delta: int = 0, fallback: datetime | None = None
) -> Expression:
    """For `.update(vote_count=F("vote_count") + 1, trending_score=trending_score_after(...))`;
    `fallback` is the moment used if the clock was never set (now by default)."""
    return trending_expression(
        as_of=_clock(fallback), vote_delta=vote_delta, comment_delta=comment_delta
    )


def trending_score_set(ideas: QuerySet[Any]) -> int:
    """Recompute these ideas' scores for the clock's moment (a new idea, a recount)."""
    return ideas.update(trending_score=trending_score_after())


def trending_refresh_all(*, now: datetime | None = None, tolerance: float = TOLERANCE) -> int:
    """Move the clock to now and rewrite the scores that moved by more than `tolerance`
    (relative) since they were stored, in one transaction so a reader never sees the clock
    without the scores. Returns the number of ideas rewritten.

    A score only decays between writes, so a score left alone is at most `tolerance` above its
    exact value: the order is exact up to ties within 1%. Rewriting only those is what makes
    the refresh affordable: at 100,000 ideas over two years a few hundred rows move by 1% in
    five minutes, where rewriting every row took 41 s and wrote a new version of each (ideas
    carry their text and search vector). `tolerance=0` rewrites every score that changed."""
    from ideas.models import Idea, TrendingClock

    now = now or timezone.now()
    exact = trending_expression(as_of=now)
    moved = Q(trending_score__gt=exact * Value(1.0 + tolerance)) | Q(
        trending_score__lt=exact * Value(1.0 - tolerance)
    )
    with transaction.atomic():
        TrendingClock.objects.update_or_create(pk=1, defaults={"as_of": now})
        return Idea.objects.filter(moved).update(trending_score=exact)

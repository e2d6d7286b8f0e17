"""The trending score, computed by the database for the list query.

    trending = (votes + 2 × comments + 1) / (age_in_hours + 2) ^ GRAVITY

A time-decayed score in the manner of Hacker News: engagement lifts an idea, age pulls it down.
Comments count double because writing one costs more than a click. The +1 lets a brand-new idea
with no votes yet appear above old ideas that nobody touches any more; the +2 hours keeps the
first hours from dividing by almost nothing. With GRAVITY = 1.5 an idea needs about 2.8 times
the engagement to hold its place when its age doubles. See docs/ranking.md.
"""

from datetime import datetime
from typing import Any

from django.db.models import F, FloatField, Func, QuerySet, Value
from django.db.models.functions import Cast, Greatest, Power

GRAVITY = 1.5
COMMENT_WEIGHT = 2
AGE_OFFSET_HOURS = 2


class EpochSeconds(Func):
    """Seconds since 1970-01-01 UTC of a datetime column, on PostgreSQL and SQLite."""

    output_field = FloatField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite stores UTC datetimes as text; julianday() parses them. 2440587.5 is 1970-01-01.
        return self.as_sql(
            compiler, connection, template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)"
        )


def with_trending_score(queryset: QuerySet[Any], *, now: datetime) -> QuerySet[Any]:
    age_hours = Greatest(
        (Value(now.timestamp()) - EpochSeconds("created_at")) / Value(3600.0), Value(0.0)
    )
    engagement = Cast(
        F("vote_count") + COMMENT_WEIGHT * F("comment_count") + 1, output_field=FloatField()
    )
    return queryset.annotate(
        trending_score=engagement / Power(age_hours + Value(float(AGE_OFFSET_HOURS)), GRAVITY)
    )

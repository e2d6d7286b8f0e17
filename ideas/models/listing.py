"""What keeps the idea lists cheap at scale: the trending clock and the idea tallies."""

from django.db import models


class TrendingClock(models.Model):
    """One row: the moment every stored `Idea.trending_score` is computed for.

    Scores decay with time, so they are only comparable when computed for the same moment. The
    worker moves this clock and recomputes every score in one transaction
    (`ideas.ranking.trending_refresh_all`); a vote or comment in between recomputes its idea's
    score for the same moment, so it always lifts the idea and never looks older than the rest.
    """

    as_of = models.DateTimeField()

    def __str__(self) -> str:
        return f"trending as of {self.as_of:%Y-%m-%d %H:%M:%S}"


class IdeaTally(models.Model):
    """How many ideas there are per (category, status, public), merged ideas left out.

    Maintained by database triggers on the idea table (migration 0007), so every path that
    publishes, hides, approves, merges, moves or deletes an idea, including queryset updates,
    keeps it exact without anyone remembering to. The lists and the home page read their counts
    here instead of counting the idea table on every request.
    """

    category = models.ForeignKey("ideas.Category", on_delete=models.CASCADE, related_name="tallies")
    status = models.CharField(max_length=20)
    public = models.BooleanField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "status", "public"], name="one_tally_per_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category_id}/{self.status}/{'public' if self.public else 'hidden'}: {self.n}"

"""What keeps the idea lists cheap at scale: the trending clock and the idea tallies."""

from django.db import connection, models, transaction

# The grouping the tally triggers keep (ideas/migrations/0007_trending_and_tallies.py).
TALLY_REBUILD = (
    "INSERT INTO ideas_ideatally (category_id, status, public, n) "
    "SELECT category_id, status, hidden_at IS NULL AND pending_at IS NULL, count(*) "
    "FROM ideas_idea WHERE merged_into_id IS NULL GROUP BY 1, 2, 3"
)


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

    @classmethod
    def rebuild(cls) -> int:
        """Recount every tally from the idea table in one statement, for bulk loads that write
        ideas with the triggers off (community.load.bulk_postgres). Returns the number of groups."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM ideas_ideatally")
            cursor.execute(TALLY_REBUILD)
            return cursor.rowcount

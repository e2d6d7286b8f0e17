from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ideas.models import Campaign, Idea


class PointsEntry(models.Model):
    """One reason a member earned points. `key` is unique, so no event counts twice."""

    class Reason(models.TextChoices):
        IDEA = "idea", _("Posted an idea")
        COMMENT = "comment", _("Commented")
        VOTE_RECEIVED = "vote_received", _("Received a vote")
        PLANNED = "planned", _("Idea planned")
        DONE = "done", _("Idea done")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    points = models.IntegerField()
    key = models.CharField(max_length=120, unique=True)
    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["user", "created_at"]),
            # The monthly leaderboard sums a month of the ledger (a created_at range) by user:
            # with user and points in the index it never reads the table (at 53,000 entries a
            # month: 142 ms instead of 675 ms).
            models.Index(fields=["created_at", "user", "points"], name="points_by_month"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} +{self.points} ({self.reason})"


class MonthlyPoints(models.Model):
    """A member's points for one month, the ledger's sum kept on write: on PostgreSQL, triggers on
    the ledger add and take away each entry's points in the same transaction (inserts, deletes,
    updates, cascades), so the monthly leaderboard reads the month's top rows from an index
    instead of summing a month of the ledger (community.recognition.monthly_totals). `month` is
    the first day of the entry's month in the site's time zone. SQLite sums the ledger instead
    and leaves this table empty."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    points = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "month"], name="monthly_points_once")
        ]
        indexes = [models.Index(fields=["month", "-points", "user"], name="monthly_points_rank")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.month:%Y-%m}: {self.points}"


class BadgeCode(models.TextChoices):
    FIRST_IDEA = "first_idea", _("First idea")
    FIRST_COMMENT = "first_comment", _("First comment")
    TEN_VOTES = "ten_votes", _("10 votes received")
    IDEA_ADOPTED = "idea_adopted", _("Idea adopted")
    CAMPAIGN_TOP = "campaign_top", _("Top contributor of a campaign")


class BadgeAward(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badges"
    )
    code = models.CharField(max_length=20, choices=BadgeCode.choices)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    awarded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["awarded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "code"],
                condition=models.Q(campaign__isnull=True),
                name="badge_once",
            ),
            models.UniqueConstraint(
                fields=["user", "code", "campaign"],
                condition=models.Q(campaign__isnull=False),
                name="campaign_badge_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.code}"

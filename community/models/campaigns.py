from django.db import models
from django.utils.translation import gettext_lazy as _

from ideas.models import Campaign


class CampaignResults(models.Model):
    """A campaign's final standings, stored once by the worker when the campaign has ended
    (community.recognition.services.campaign_award_results), so nothing that happens later (a vote
    withdrawn, an idea's votes discounted) changes what its page shows.

    `top_ideas`: [[idea id, votes at the close], ...] best first. `leaderboard`: [[member id,
    rank, points], ...] best first, public profiles only (a private one is never named)."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, primary_key=True, related_name="results"
    )
    top_ideas = models.JSONField(default=list)
    leaderboard = models.JSONField(default=list)
    stored_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign results")
        verbose_name_plural = _("campaign results")

    def __str__(self) -> str:
        return f"results of campaign {self.campaign_id}"

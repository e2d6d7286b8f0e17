from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ideas.models import Category


class Campaign(models.Model):
    """A time-boxed idea challenge, e.g. "How should our mobile app help you save?"."""

    title = models.CharField(_("title"), max_length=140)
    slug = models.SlugField(unique=True)
    description = models.TextField(
        _("description"), max_length=5_000, validators=[MaxLengthValidator(5_000)]
    )
    description_html = models.TextField(editable=False, default="")
    banner = models.ImageField(_("banner image"), upload_to="campaigns/", blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="campaigns"
    )
    partners_only = models.BooleanField(_("partners only"), default=False)
    premoderated = models.BooleanField(
        _("pre-moderated"),
        default=False,
        help_text=_(
            "Ideas submitted to this campaign wait for a moderator before they are public."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the worker when it awarded the campaign's badges after the end.
    results_awarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="campaign_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", kwargs={"slug": self.slug})

    @property
    def is_open(self) -> bool:
        return self.starts_at <= timezone.now() < self.ends_at

    @property
    def has_ended(self) -> bool:
        return timezone.now() >= self.ends_at

    @property
    def not_started(self) -> bool:
        return timezone.now() < self.starts_at


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

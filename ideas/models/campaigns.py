from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ideas.models.ideas import Category


class Campaign(models.Model):
    """A time-boxed idea challenge, e.g. "How should our mobile app help you save?".

    In the ideas app because ideas (Idea.campaign, MaskedOriginal.campaign, the submission form)
    point at it; its pages, rules and results are the community's (community/campaigns/)."""

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
        # The table it had in the community app (ideas 0014 moved the model, not the rows).
        db_table = "community_campaign"
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

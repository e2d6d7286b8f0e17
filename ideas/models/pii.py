"""Texts as typed before personal data was masked in them (ideas.pii_services).

Kept only when PII_KEEP_ORIGINALS_DAYS > 0, and only until `delete_after`: a daily task purges
the rest. Only superusers read them, in the Django admin; no page of the site shows them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ideas.models.ideas import Idea, StatusChange


class MaskedOriginal(models.Model):
    """One field of an idea (`comment` and `status_change` empty), of a comment on it, or of an
    official response to it, as its author typed it; or of a campaign (`idea` empty), as the
    staff member who saved it (`typed_by`) typed it.

    `idea` is set for everything kept about an idea, so it goes with the idea (and is found with
    it); `campaign` likewise for a campaign's title and description.
    """

    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        "community.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status_change = models.ForeignKey(
        StatusChange, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    campaign = models.ForeignKey(
        "ideas.Campaign", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Who typed a campaign's text (its creator or a later editor), for their export and erasure;
    # an idea's, comment's or response's author is found through it.
    typed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    field = models.CharField(_("field"), max_length=40)
    original = models.TextField(_("original text"))
    # The kinds masked (ideas.pii.KINDS names), e.g. ["card", "phone"].
    kinds = models.JSONField(_("masked"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    delete_after = models.DateTimeField(_("delete after"), db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("masked original")
        verbose_name_plural = _("masked originals")
        constraints = [
            models.CheckConstraint(
                condition=(Q(comment__isnull=True) | Q(status_change__isnull=True))
                & (
                    Q(idea__isnull=False, campaign__isnull=True)
                    | Q(idea__isnull=True, campaign__isnull=False)
                    & Q(comment__isnull=True, status_change__isnull=True)
                ),
                name="masked_original_one_target",
            )
        ]

    def __str__(self) -> str:
        if self.campaign_id:
            return f"campaign {self.campaign_id} {self.field}"
        if self.comment_id:
            return f"comment {self.comment_id} {self.field}"
        if self.status_change_id:
            return f"status change {self.status_change_id} {self.field}"
        return f"idea {self.idea_id} {self.field}"

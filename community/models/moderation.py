"""Flags raised by members, and vote rings the worker found. The audit log is accounts.audit."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community.models.comments import Comment
from ideas.models import Idea

FLAG_NOTE_MAX_LENGTH = 500


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSIVE = "abusive", _("Abusive or offensive")
    PERSONAL_DATA = "personal_data", _("Shares personal data")
    OFF_TOPIC = "off_topic", _("Off-topic")


class FlagResolution(models.TextChoices):
    HIDDEN = "hidden", _("Hidden")
    DISMISSED = "dismissed", _("Dismissed")


class Flag(models.Model):
    """A member reports an idea, or a comment on it (then `comment` is set as well).

    `idea` is always set, so the queue groups flags by (idea, comment) and links in context.
    """

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags"
    )
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="flags")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="flags"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    note = models.CharField(_("note"), max_length=FLAG_NOTE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=10, choices=FlagResolution.choices, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        permissions = [("moderate_content", "Can review flags and hide or restore content")]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "idea"],
                condition=Q(comment__isnull=True, resolved_at__isnull=True),
                name="one_open_flag_per_person_per_idea",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(comment__isnull=False, resolved_at__isnull=True),
                name="one_open_flag_per_person_per_comment",
            ),
        ]
        indexes = [models.Index(fields=["resolved_at", "created_at"])]

    def __str__(self) -> str:
        target = f"comment {self.comment_id}" if self.comment_id else f"idea {self.idea_id}"
        return f"{self.reporter_id} flags {target}: {self.reason}"


class VoteRingStatus(models.TextChoices):
    OPEN = "open", _("Waiting for review")
    DISCOUNTED = "discounted", _("Votes discounted")
    DISMISSED = "dismissed", _("Dismissed")


class VoteRing(models.Model):
    """A group of votes on one idea that the worker found suspicious, with the evidence.

    The same group found again (same idea, same voters) is the same row: `fingerprint` hashes the
    sorted voter ids. A moderator discounts its votes (reversible) or dismisses it.
    """

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="vote_rings")
    voters = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    fingerprint = models.CharField(max_length=64)
    score = models.FloatField(_("suspicion score"))
    evidence = models.JSONField(_("evidence"), default=dict)
    status = models.CharField(
        max_length=12, choices=VoteRingStatus.choices, default=VoteRingStatus.OPEN
    )
    detected_at = models.DateTimeField(auto_now_add=True, db_index=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-detected_at", "-pk"]
        verbose_name = _("vote ring")
        verbose_name_plural = _("vote rings")
        constraints = [
            models.UniqueConstraint(fields=["idea", "fingerprint"], name="one_ring_per_voter_set")
        ]

    def __str__(self) -> str:
        return f"ring on idea {self.idea_id} ({self.status})"

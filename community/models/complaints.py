"""Complaint cases: a member's complaint about their own account, handled privately by the
bank's complaints team with an acknowledgement deadline and an answer deadline.

A case is never published, clustered or scored: only its member and moderators see it.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ideas.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Idea, Language

REFERENCE_PREFIX = "RC"


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class ComplaintCase(models.Model):
    # "RC-2026-00042": the year it was received and the row's number, so it never collides.
    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="complaint_cases",
        verbose_name=_("member"),
    )
    subject = models.CharField(_("subject"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("complaint"), max_length=BODY_MAX_LENGTH)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    # Deadlines are days (Europe/Paris): the case is late the day after (complaint_deadlines).
    acknowledge_by = models.DateField(_("acknowledge by"))
    answer_by = models.DateField(_("answer by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer = models.TextField(_("answer"), max_length=BODY_MAX_LENGTH, blank=True)
    # Set when moderators were reminded of a deadline, so each reminder goes once.
    ack_reminded_at = models.DateTimeField(null=True, blank=True)
    answer_reminded_at = models.DateTimeField(null=True, blank=True)
    # The public idea a moderator turned into this case (then hidden), if any.
    origin_idea = models.ForeignKey(
        Idea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaint_cases",
        verbose_name=_("from the idea"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("complaint case")
        verbose_name_plural = _("complaint cases")
        indexes = [
            models.Index(fields=["status", "acknowledge_by"]),
            models.Index(fields=["status", "answer_by"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("complaints:detail", kwargs={"reference": self.reference})

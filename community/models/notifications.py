from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea


class NotificationKind(models.TextChoices):
    STATUS_CHANGE = "status_change", _("A followed idea changes status")
    COMMENT = "comment", _("A followed idea gets a comment")
    MERGED = "merged", _("A followed idea is merged into another")
    MILESTONE = "milestone", _("My idea passes a vote milestone")
    MENTION = "mention", _("Someone mentions me in a comment")
    BADGE = "badge", _("I earn a badge")
    POST_APPROVED = "post_approved", _("A moderator approves my post")
    POST_REJECTED = "post_rejected", _("A moderator rejects my post")
    COMPLAINT_OPENED = "complaint_open", _("A moderator sends my post to the complaints team")
    COMPLAINT_ACKNOWLEDGED = "complaint_ack", _("My complaint is acknowledged")
    COMPLAINT_ANSWERED = "complaint_answer", _("My complaint is answered")
    COMPLAINT_DEADLINE = "complaint_due", _("A complaint deadline is near (moderators)")
    WEBHOOK_DISABLED = "webhook_disabled", _("A webhook endpoint was disabled (administrators)")


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Email right away")
    DAILY = "daily", _("Daily digest email")
    OFF = "off", _("No email")


# Email defaults per kind; notifications always appear in the app.
DEFAULT_DELIVERY = {
    NotificationKind.STATUS_CHANGE: Delivery.IMMEDIATE,
    NotificationKind.COMMENT: Delivery.DAILY,
    NotificationKind.MERGED: Delivery.IMMEDIATE,
    NotificationKind.MILESTONE: Delivery.IMMEDIATE,
    NotificationKind.MENTION: Delivery.IMMEDIATE,
    NotificationKind.BADGE: Delivery.DAILY,
    NotificationKind.POST_APPROVED: Delivery.IMMEDIATE,
    NotificationKind.POST_REJECTED: Delivery.IMMEDIATE,
    NotificationKind.COMPLAINT_OPENED: Delivery.IMMEDIATE,
    NotificationKind.COMPLAINT_ACKNOWLEDGED: Delivery.IMMEDIATE,
    NotificationKind.COMPLAINT_ANSWERED: Delivery.IMMEDIATE,
    NotificationKind.COMPLAINT_DEADLINE: Delivery.IMMEDIATE,
    NotificationKind.WEBHOOK_DISABLED: Delivery.IMMEDIATE,
}


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    # What happened, e.g. "status_change:42:7" (kind, source row, recipient). Unique, so a task
    # that runs twice cannot notify twice.
    key = models.CharField(max_length=120, unique=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Email state (community.notifications.emailing): owed right away since `email_due_at`, claimed
    # by a worker at `email_claimed_at` (committed before sending), sent at `emailed_at`.
    email_due_at = models.DateTimeField(null=True, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # The sweep's read: emails owed and not sent (a few rows, whatever the table's size).
            models.Index(
                fields=["email_due_at"],
                name="notification_email_owed",
                condition=models.Q(email_due_at__isnull=False, emailed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.title}"


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"

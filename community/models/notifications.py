from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.models.recognition import BadgeCode
from ideas.clustering.text import detect_language, language_scores
from ideas.models import Idea, Status


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
    AUDIT_EXPORT = "audit_export", _("My audit log export is ready, or failed (administrators)")


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
    # The audit page shows it too, by itself, while the admin waits there.
    NotificationKind.AUDIT_EXPORT: Delivery.OFF,
}


# --- what a notification says, written in the reader's language when it is read ----------------
#
# A notification stores a message key and its parameters (`Notification.message`), not only a
# sentence: the bell, /notifications/, the API and the emails render it under the language active
# then (the viewer's, or the recipient's for an email), so a member who switches to French reads
# French, whatever language was active when the notification was written. Parameters are what
# is not translated (an idea's title, a name, a reference) or a code translated here (a status,
# a badge, a date). `title` keeps the text as first written, for rows without a message (written
# before messages existed, or with a key this version does not know).


def _badge(params: dict[str, Any]) -> str:
    label = str(BadgeCode(params["badge"]).label)
    return f"{label} · {params['campaign']}" if params.get("campaign") else label


def _date(params: dict[str, Any]) -> str:
    return formats.date_format(date.fromisoformat(params["date"]))


MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    "status_change": lambda p: (
        gettext("“%(title)s” is now %(status)s")
        % {"title": p["title"], "status": Status(p["status"]).label}
    ),
    "mention": lambda p: gettext("%(name)s mentioned you on “%(title)s”") % p,
    "comment": lambda p: gettext("New comment on “%(title)s”") % p,
    "milestone": lambda p: gettext("Your idea “%(title)s” passed %(count)s votes") % p,
    "merged": lambda p: gettext("“%(old)s” was merged into “%(new)s”") % p,
    "merged_private": lambda p: gettext("An idea you follow was merged into “%(new)s”") % p,
    "badge": lambda p: gettext("You earned a badge: %(badge)s") % {"badge": _badge(p)},
    "comment_public": lambda p: gettext("Your comment on “%(title)s” is public") % p,
    "comment_not_published": lambda p: gettext("Your comment on “%(title)s” was not published") % p,
    "idea_public": lambda p: gettext("Your idea “%(title)s” is public") % p,
    "idea_not_published": lambda p: gettext("Your idea “%(title)s” was not published") % p,
    "complaint_open": lambda p: (
        gettext(
            "Your post is now complaint %(reference)s, handled privately by our complaints team"
        )
        % p
    ),
    "complaint_ack": lambda p: (
        gettext("Your complaint %(reference)s was received by our complaints team") % p
    ),
    "complaint_answer": lambda p: gettext("Your complaint %(reference)s has an answer") % p,
    "complaint_due_ack": lambda p: (
        gettext("Complaint %(reference)s must be acknowledged by %(date)s")
        % {"reference": p["reference"], "date": _date(p)}
    ),
    "complaint_due_answer": lambda p: (
        gettext("Complaint %(reference)s must be answered by %(date)s")
        % {"reference": p["reference"], "date": _date(p)}
    ),
    "webhook_disabled": lambda p: gettext("Webhook endpoint disabled: %(url)s") % p,
    "audit_export_ready": lambda p: gettext("Your audit log export is ready to download"),
    "audit_export_failed": lambda p: gettext("Your audit log export failed: ask for it again"),
}


def message_text(message: dict[str, Any]) -> str | None:
    """A stored message in the active language; None if it cannot be read (no key, a key this
    version does not know, parameters missing): the caller then shows the stored title."""
    render = MESSAGES.get(message.get("key", ""))
    if render is None:
        return None
    try:
        return str(render(message.get("params", {})))[:200]
    except (KeyError, TypeError, ValueError):
        return None


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
    # The text as written for the recipient when it was created; `text` is what is shown.
    title = models.CharField(max_length=200)
    # {"key": one of MESSAGES, "params": {...}}: rendered in the reader's language (`text`).
    message = models.JSONField(default=dict, blank=True)
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

    @property
    def text(self) -> str:
        """What it says, in the active language (the stored title for rows without a message)."""
        return message_text(self.message) or self.title

    @property
    def body_language(self) -> str:
        """The language its body reads as: a staff answer or a comment, not the idea's text; a
        body with no sign of either ("Ok") is taken to be in the idea's."""
        if not self.body:
            return ""
        scores = language_scores(self.body)
        if scores == (0.0, 0.0) and self.idea is not None:
            return str(self.idea.language)
        return detect_language(self.body, scores=scores)


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

"""Community: comments, follows, notifications, campaigns and recognition."""

# The audit log's code is in accounts (every app writes it); its table is this app's.
from accounts.audit import AuditEntry
from community.models.campaigns import CampaignResults
from community.models.comments import COMMENT_MAX_LENGTH, Comment
from community.models.complaints import ComplaintCase, ComplaintStatus
from community.models.follows import Follow
from community.models.moderation import (
    FLAG_NOTE_MAX_LENGTH,
    Flag,
    FlagReason,
    FlagResolution,
    VoteRing,
    VoteRingStatus,
)
from community.models.notifications import (
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from community.models.recognition import BadgeAward, BadgeCode, MonthlyPoints, PointsEntry
from community.models.sentiment import ContentSentiment, SentimentLabel
from community.models.webhooks import (
    DeliveryState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookTrendingTheme,
)

__all__ = [
    "COMMENT_MAX_LENGTH",
    "FLAG_NOTE_MAX_LENGTH",
    "AuditEntry",
    "BadgeAward",
    "BadgeCode",
    "CampaignResults",
    "Comment",
    "ComplaintCase",
    "ComplaintStatus",
    "ContentSentiment",
    "Delivery",
    "DeliveryState",
    "Flag",
    "FlagReason",
    "FlagResolution",
    "Follow",
    "MonthlyPoints",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "PointsEntry",
    "SentimentLabel",
    "VoteRing",
    "VoteRingStatus",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookTrendingTheme",
]

"""Community: comments, follows, notifications, campaigns and recognition."""

from community.models.campaigns import Campaign, CampaignResults
from community.models.comments import COMMENT_MAX_LENGTH, Comment
from community.models.complaints import ComplaintCase, ComplaintStatus
from community.models.follows import Follow
from community.models.moderation import (
    FLAG_NOTE_MAX_LENGTH,
    AuditAction,
    AuditEntry,
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
from community.models.recognition import BadgeAward, BadgeCode, PointsEntry
from community.models.sentiment import ContentSentiment, SentimentLabel

__all__ = [
    "COMMENT_MAX_LENGTH",
    "FLAG_NOTE_MAX_LENGTH",
    "AuditAction",
    "AuditEntry",
    "BadgeAward",
    "BadgeCode",
    "Campaign",
    "CampaignResults",
    "Comment",
    "ComplaintCase",
    "ComplaintStatus",
    "ContentSentiment",
    "Delivery",
    "Flag",
    "FlagReason",
    "FlagResolution",
    "Follow",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "PointsEntry",
    "SentimentLabel",
    "VoteRing",
    "VoteRingStatus",
]

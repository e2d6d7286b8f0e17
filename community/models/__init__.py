"""Community: comments, follows, notifications, campaigns and recognition."""

from community.models.campaigns import Campaign
from community.models.comments import COMMENT_MAX_LENGTH, Comment
from community.models.follows import Follow
from community.models.notifications import (
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from community.models.recognition import BadgeAward, BadgeCode, PointsEntry

__all__ = [
    "COMMENT_MAX_LENGTH",
    "BadgeAward",
    "BadgeCode",
    "Campaign",
    "Comment",
    "Delivery",
    "Follow",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "PointsEntry",
]

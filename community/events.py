"""Events of the community app (comments, reviews of waiting posts, complaints). Events about
ideas, even those this app records (hidden, restored, merged), live in ideas/events.py, so the
ideas app can consume them."""

from dataclasses import dataclass

from config.outbox.events import Event, event


@event("comment.posted")
@dataclass(frozen=True)
class CommentPosted(Event):
    """A comment became public: posted without pre-moderation, or approved by a moderator."""

    comment_id: int
    idea_id: int


@event("comment.removed")
@dataclass(frozen=True)
class CommentRemoved(Event):
    """Its author deleted a comment, or a moderator removed or hid it. (Its copies in
    notifications and its points go in the same transaction: what is taken down is gone when
    the page returns.)"""

    comment_id: int
    idea_id: int


@event("post.reviewed")
@dataclass(frozen=True)
class PostReviewed(Event):
    """A moderator approved (now public) or rejected (hidden) an idea or a comment that was
    waiting (community.moderation.premoderation). The reason is the moderator's, told to the
    author."""

    idea_id: int
    comment_id: int | None
    actor_id: int
    approved: bool
    reason: str = ""


@event("complaint.opened")
@dataclass(frozen=True)
class ComplaintOpened(Event):
    """A complaint case opened: by its member, or by a moderator turning the member's idea into
    a case (`opened_by_id`, who the member is told about)."""

    case_id: int
    opened_by_id: int | None = None


@event("complaint.acknowledged")
@dataclass(frozen=True)
class ComplaintAcknowledged(Event):
    case_id: int
    actor_id: int


@event("complaint.answered")
@dataclass(frozen=True)
class ComplaintAnswered(Event):
    case_id: int
    actor_id: int


@event("webhook.endpoint_disabled")
@dataclass(frozen=True)
class WebhookEndpointDisabled(Event):
    """A webhook endpoint was disabled after failing too long, or by an administrator."""

    endpoint_id: int

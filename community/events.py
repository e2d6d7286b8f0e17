"""Events of the community app (comments, complaints). Events about ideas, even those this app
records (hidden, restored, merged), live in ideas/events.py, so the ideas app can consume them."""

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


@event("complaint.opened")
@dataclass(frozen=True)
class ComplaintOpened(Event):
    case_id: int


@event("webhook.endpoint_disabled")
@dataclass(frozen=True)
class WebhookEndpointDisabled(Event):
    """A webhook endpoint was disabled after failing too long, or by an administrator."""

    endpoint_id: int

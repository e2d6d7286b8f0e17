"""Events of the ideas app: what happened to an idea, its votes, its status, the themes.

Recorded with `config.outbox.events.record(...)` in the transaction of the change, by this app's
services or by a higher app's (community hides, restores and merges ideas). Consumers subscribe
in `<app>/consumers.py`; docs/architecture.md lists who consumes what. Payloads are ids: a
consumer reads the rows as they are when it runs.
"""

from dataclasses import dataclass

from config.outbox.events import Event, event


@event("idea.submitted")
@dataclass(frozen=True)
class IdeaSubmitted(Event):
    """A member posted an idea, public or waiting for a moderator."""

    idea_id: int


@event("idea.published")
@dataclass(frozen=True)
class IdeaPublished(Event):
    """An idea became public: posted without pre-moderation, or approved by a moderator."""

    idea_id: int


@event("idea.edited")
@dataclass(frozen=True)
class IdeaEdited(Event):
    """Its author changed a public idea's text (an edit that waits for a moderator is published
    again on approval instead)."""

    idea_id: int


@event("idea.hidden")
@dataclass(frozen=True)
class IdeaHidden(Event):
    idea_id: int


@event("idea.restored")
@dataclass(frozen=True)
class IdeaRestored(Event):
    """A moderator showed a hidden idea again."""

    idea_id: int


@event("idea.merged")
@dataclass(frozen=True)
class IdeaMerged(Event):
    """A duplicate was merged into another idea (its votes, comments and followers moved).

    Who followed the duplicate is gone from the rows once the followers move, so the merge
    carries their ids for the consumer that tells them; the moderator and their note too."""

    duplicate_id: int
    into_id: int
    actor_id: int | None = None
    note: str = ""
    follower_ids: tuple[int, ...] = ()


@event("idea.status_changed")
@dataclass(frozen=True)
class StatusChanged(Event):
    """Staff moved an idea through the workflow with an official response."""

    status_change_id: int
    idea_id: int


@event("idea.votes_changed")
@dataclass(frozen=True)
class VotesChanged(Event):
    """The votes counted for an idea changed: a vote, an unvote, a merge, a vote ring discounted
    or restored. Consumers read the votes, not a delta.

    `new_voter_id` is the member whose new vote this is (None for an unvote, a merge or a vote
    ring): they follow the idea they voted for. A field rather than an event of its own, so a
    vote still writes one outbox row."""

    idea_id: int
    new_voter_id: int | None = None


@event("themes.run_published")
@dataclass(frozen=True)
class ThemeRunPublished(Event):
    run_id: int


@event("themes.run_requested")
@dataclass(frozen=True)
class ThemeRunRequested(Event):
    """A product manager pressed "Re-run now" (ideas.themes.services.run_request). Any run
    claimed at or after `requested_at` (ISO 8601, the moment of the request) answers it: the
    consumer (ideas.consumers.run_the_requested_themes) queues one until it sees one claimed."""

    requested_by_id: int
    requested_at: str


@event("signals.imported")
@dataclass(frozen=True)
class SignalsImported(Event):
    """A product manager imported a file of outside feedback (ideas.outside); the next themes
    run clusters its signals with the ideas."""

    import_id: int


@event("signals.upload_queued")
@dataclass(frozen=True)
class SignalUploadQueued(Event):
    """A large file's columns were chosen on the form: the worker imports it
    (ideas.consumers -> ideas.tasks.signal_upload_run)."""

    import_id: int

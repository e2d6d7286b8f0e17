"""Events of the accounts app."""

from dataclasses import dataclass

from config.outbox.events import Event, event


@event("member.sanctioned")
@dataclass(frozen=True)
class MemberSanctioned(Event):
    """A moderator suspended, banned or reinstated a member (`action` is the audit action)."""

    member_id: int
    action: str

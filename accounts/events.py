"""Events of the accounts app."""

from dataclasses import dataclass

from config.outbox.events import Event, event


@event("member.sanctioned")
@dataclass(frozen=True)
class MemberSanctioned(Event):
    """A moderator suspended, banned or reinstated a member (`action` is the audit action)."""

    member_id: int
    action: str


@event("audit.export_queued")
@dataclass(frozen=True)
class AuditExportQueued(Event):
    """An admin asked for a CSV export of the audit log (accounts.audit_exports), or a lost one
    was handed to the worker again."""

    export_id: int


@event("audit.export_finished")
@dataclass(frozen=True)
class AuditExportFinished(Event):
    """An audit log export is ready to download, or was given up (its `state` says which)."""

    export_id: int

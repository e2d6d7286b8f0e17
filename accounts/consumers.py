"""What the accounts app does when its events are delivered (config.outbox). Each consumer is
idempotent: the worker may deliver an event twice."""

from accounts.events import AuditExportQueued
from accounts.tasks import audit_export_run
from config.outbox.events import subscribe


@subscribe(AuditExportQueued)
def write_the_export(event: AuditExportQueued) -> None:
    """An export takes as long as the log is large (40 s or so a million entries): its own
    task, not the outbox's delivery. A second delivery queues a task that finds it claimed."""
    audit_export_run.delay(event.export_id)

"""Celery tasks of the accounts app: ids in, services called, safe to run twice."""

from celery import shared_task

from accounts import audit_exports


@shared_task(autoretry_for=audit_exports.TRANSIENT, retry_backoff=True, max_retries=3)
def audit_export_run(export_id: int) -> int | None:
    """Write an audit log export (accounts.audit_exports.audit_export_run); its rows."""
    export = audit_exports.audit_export_run(export_id=export_id)
    return export.rows if export is not None else None


@shared_task
def audit_exports_recover() -> int:
    """Periodic: exports whose worker died, or whose task was lost, are queued again."""
    return audit_exports.audit_exports_recover()

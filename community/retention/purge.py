"""Apply the retention schedule: what is past its period goes (deleted, or for accounts erased as
when their member deletes them), and the run is recorded with counts, never content.

Safe to run twice: each kind selects only rows still past their period and not yet purged, so
a second run finds nothing (tested). `as_of` moves the clock, for `manage.py retention --dry-run
--as-of` and tests.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.audit_exports import audit_exports_due, audit_exports_purge
from accounts.models import AuditExport, RetentionRun, User
from accounts.privacy import account_delete
from accounts.retention_schedule import SCHEDULE, check_overrides, retention_days
from accounts.roles import staff_accounts
from community.models import AuditEntry, ComplaintCase, Notification, WebhookDelivery
from community.webhooks.delivery import deliveries_finished_before
from ideas.models import IdeaVector, Signal, SignalImport
from ideas.outside.services import signal_uploads_abandoned, signal_uploads_purge

logger = logging.getLogger(__name__)


def _complaint_cases(cutoff: datetime) -> QuerySet[ComplaintCase]:
    return ComplaintCase.objects.alias(ended=Coalesce("answered_at", "created_at")).filter(
        ended__lt=cutoff
    )


def _audit_log(cutoff: datetime) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(created_at__lt=cutoff)


def _inactive_accounts(cutoff: datetime) -> QuerySet[User]:
    # Staff accounts hold roles whose actions stay attributable: administrators remove the role
    # first, as for a member's own deletion (accounts.privacy.account_delete_refusal).
    return User.objects.filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff),
        erased_at__isnull=True,
    ).exclude(pk__in=staff_accounts().values("pk"))


def _notifications(cutoff: datetime) -> QuerySet[Notification]:
    return Notification.objects.filter(created_at__lt=cutoff)


def _sessions(cutoff: datetime) -> QuerySet[Session]:
    return Session.objects.filter(expire_date__lt=cutoff)


def _idea_vectors(cutoff: datetime) -> QuerySet[IdeaVector]:
    return IdeaVector.objects.filter(Q(idea__hidden_at__lt=cutoff) | Q(idea__merged_at__lt=cutoff))


def _outside_signals(cutoff: datetime) -> QuerySet[Signal]:
    return Signal.objects.filter(posted_at__lt=cutoff)


def _webhook_deliveries(cutoff: datetime) -> QuerySet[WebhookDelivery]:
    return deliveries_finished_before(cutoff)


def _signal_uploads(cutoff: datetime) -> QuerySet[SignalImport]:
    return signal_uploads_abandoned(cutoff)


def _audit_exports(cutoff: datetime) -> QuerySet[AuditExport]:
    return audit_exports_due(cutoff)


DUE: dict[str, Callable[[datetime], QuerySet]] = {  # type: ignore[type-arg]
    "complaint_cases": _complaint_cases,
    "audit_log": _audit_log,
    "inactive_accounts": _inactive_accounts,
    "notifications": _notifications,
    "sessions": _sessions,
    "idea_vectors": _idea_vectors,
    "outside_signals": _outside_signals,
    "webhook_deliveries": _webhook_deliveries,
    "signal_uploads": _signal_uploads,
    "audit_exports": _audit_exports,
}

# Kinds whose period deletes a file and keeps its row (marked refused or expired).
PURGE_FILES: dict[str, Callable[..., int]] = {
    "signal_uploads": signal_uploads_purge,
    "audit_exports": audit_exports_purge,
}


def retention_due(*, as_of: datetime | None = None) -> dict[str, QuerySet]:  # type: ignore[type-arg]
    """Per kind with a period, the rows past it on `as_of` (default now)."""
    as_of = as_of or timezone.now()
    check_overrides(getattr(settings, "RETENTION_DAYS", {}))
    due = {}
    for rule in SCHEDULE:
        days = retention_days(rule.kind)
        if rule.action == "none" or days is None:
            continue
        due[rule.kind] = DUE[rule.kind](as_of - timedelta(days=days))
    return due


def retention_counts(*, as_of: datetime | None = None) -> dict[str, int]:
    """How many rows of each kind are past their period (what a run would remove)."""
    return {kind: rows.count() for kind, rows in retention_due(as_of=as_of).items()}


def _erase_accounts(users: QuerySet[User]) -> int:
    erased = 0
    for user in users.order_by("pk").iterator():
        try:
            with transaction.atomic():
                account_delete(user=user, keep_content=True)
        except PermissionDenied:  # took a staff role since the list was read
            continue
        erased += 1
    return erased


def retention_purge(*, as_of: datetime | None = None) -> RetentionRun:
    """Remove what is past its period and record the counts in a RetentionRun."""
    as_of = as_of or timezone.now()
    counts: dict[str, int] = {}
    for kind, rows in retention_due(as_of=as_of).items():
        if kind == "inactive_accounts":
            counts[kind] = _erase_accounts(rows)
            continue
        if kind in PURGE_FILES:  # the files go; the row stays, saying why
            days = retention_days(kind) or 0
            counts[kind] = PURGE_FILES[kind](cutoff=as_of - timedelta(days=days))
            continue
        counts[kind] = rows.delete()[1].get(rows.model._meta.label, 0)
    run = RetentionRun.objects.create(as_of=as_of, counts=counts)
    logger.info("Retention run %s: %s", run.pk, counts)  # counts only, never content
    return run

"""Delivering recorded events to their consumers, in the worker.

1. Each consumer of an event runs in a transaction of its own, which first inserts its delivery
   row (`OutboxDelivery`, unique per event and consumer). Its effects and the mark that it ran
   commit together, or neither does.
2. Two workers delivering one event at once (the on-commit nudge and the sweep): the second
   insert waits on the unique key until the first transaction ends, then fails and skips that
   consumer. So a consumer's database effects happen once per event. Effects outside the
   database (an email) are queued on commit by the consumer and claimed before sending.
3. A consumer that raises rolls back its own transaction only; the others still run. The event
   counts an attempt and waits `_backoff(attempts)` before the sweep tries it again. A consumer
   that raises `NotYet` rolls back the same way, but counts no attempt: the event waits the
   time it asked for (a sweep interval), then the sweep delivers it again.
4. The sweep delivers what is waiting, oldest first, within a time budget, so a broker outage
   or a crashed worker delays side effects and never loses them.
"""

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from config.outbox.events import Consumer, NotYet, consumers_of, delivering, event_class
from config.outbox.models import OutboxDelivery, OutboxEvent

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=1)


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=30 * 2 ** min(attempts, 10)), MAX_BACKOFF)


def _claim(event_id: int, consumer: Consumer) -> bool:
    try:
        with transaction.atomic():
            OutboxDelivery.objects.create(event_id=event_id, consumer=consumer.key)
    except IntegrityError:
        return False
    return True


def deliver(event_id: int) -> bool:
    """Run every consumer of the event that has not run yet. True when all have (or the event
    is gone or already delivered)."""
    row = OutboxEvent.objects.filter(pk=event_id).first()
    if row is None or row.delivered_at is not None:
        return True
    cls = event_class(row.name)
    if cls is None:
        _failed(row, f"unknown event {row.name!r}")
        return False
    happened = cls(**row.payload)
    errors: list[str] = []
    waits: list[float] = []
    for consumer in consumers_of(row.name):
        try:
            with transaction.atomic(), delivering(row.pk):
                if _claim(row.pk, consumer):
                    consumer.handle(happened)
        except NotYet as not_yet:
            logger.info("Consumer %s waits on %s: %s", consumer.key, row, not_yet)
            waits.append(
                settings.OUTBOX_SWEEP_SECONDS if not_yet.seconds is None else not_yet.seconds
            )
        except Exception as error:
            logger.exception("Consumer %s failed on %s", consumer.key, row)
            errors.append(f"{consumer.key}: {type(error).__name__}: {error}")
    if errors:
        _failed(row, "\n".join(errors))
        return False
    if waits:
        OutboxEvent.objects.filter(pk=row.pk, delivered_at__isnull=True).update(
            retry_at=timezone.now() + timedelta(seconds=min(waits))
        )
        return False
    OutboxEvent.objects.filter(pk=row.pk, delivered_at__isnull=True).update(
        delivered_at=timezone.now(), retry_at=None
    )
    return True


def _failed(row: OutboxEvent, error: str) -> None:
    OutboxEvent.objects.filter(pk=row.pk).update(
        attempts=F("attempts") + 1,
        retry_at=timezone.now() + _backoff(row.attempts),
        last_error=error[:4000],
    )


def waiting() -> QuerySet[OutboxEvent]:
    return OutboxEvent.objects.filter(delivered_at__isnull=True)


def sweep(
    *, budget_seconds: float | None = None, grace_seconds: float | None = None, limit: int = 1000
) -> int:
    """Deliver events still waiting (oldest first) whose retry time has come; stop once the
    budget is spent. Events younger than `grace_seconds` (OUTBOX_SWEEP_GRACE_SECONDS) are left
    to their nudge. Returns how many were delivered in full."""
    budget = settings.OUTBOX_SWEEP_BUDGET_SECONDS if budget_seconds is None else budget_seconds
    grace = settings.OUTBOX_SWEEP_GRACE_SECONDS if grace_seconds is None else grace_seconds
    now = timezone.now()
    due = (
        waiting()
        .filter(created_at__lte=now - timedelta(seconds=grace))
        .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    started = time.monotonic()
    delivered = 0
    for event_id in list(due):
        delivered += deliver(event_id)
        if time.monotonic() - started > budget:
            break
    return delivered


def purge(*, older_than: timedelta | None = None) -> int:
    """Delete delivered events after OUTBOX_KEEP_DAYS (their delivery rows go with them)."""
    keep = older_than or timedelta(days=settings.OUTBOX_KEEP_DAYS)
    deleted, _detail = OutboxEvent.objects.filter(delivered_at__lt=timezone.now() - keep).delete()
    return deleted


def backlog() -> tuple[int, datetime | None]:
    """How many events wait for delivery, and when the oldest was recorded."""
    summary = waiting().aggregate(count=Count("pk"), oldest=Min("created_at"))
    return summary["count"], summary["oldest"]

"""The outbox's tasks: deliver one event or relay every waiting one (queued on commit,
config.outbox.events.nudge), sweep what is waiting (beat)."""

from celery import shared_task
from django.db import OperationalError

from config.outbox import delivery

TRANSIENT = (OperationalError, OSError)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def deliver_event(event_id: int) -> bool:
    return delivery.deliver(event_id)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def relay_outbox() -> int:
    """Queued by a web process at most once per OUTBOX_NUDGE_SECONDS, that long after the event
    that queued it: delivers every event waiting now, however young (no sweep grace)."""
    return delivery.sweep(grace_seconds=0)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def sweep_outbox() -> int:
    """Every minute (Celery beat): deliver events that their nudge did not (broker down, worker
    killed, a consumer failed), then purge old delivered ones."""
    delivered = delivery.sweep()
    delivery.purge()
    return delivered

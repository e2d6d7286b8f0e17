"""The outbox's tasks: deliver one event (queued on commit), sweep what is waiting (beat)."""

from celery import shared_task
from django.db import OperationalError

from config.outbox import delivery

TRANSIENT = (OperationalError, OSError)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def deliver_event(event_id: int) -> bool:
    return delivery.deliver(event_id)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def sweep_outbox() -> int:
    """Every minute (Celery beat): deliver events that their nudge did not (broker down, worker
    killed, a consumer failed), then purge old delivered ones."""
    delivered = delivery.sweep()
    delivery.purge()
    return delivered

"""The webhooks' tasks: send one delivery (queued on commit when it is made, resent or tested),
sweep what is due (beat, every WEBHOOK_SWEEP_SECONDS). Both safe to run twice: a delivery is
claimed before it is sent (community.webhooks.delivery)."""

from celery import shared_task
from django.db import OperationalError

from community.webhooks import delivery


# A network error is an attempt that failed (recorded, retried by the sweep), not a task error:
# only the database being away retries the task itself.
@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, soft_time_limit=60
)
def send_webhook(delivery_id: int, manual: bool = False) -> bool:
    return delivery.delivery_send(delivery_id=delivery_id, manual=manual) is not None


@shared_task(soft_time_limit=55)
def sweep_webhooks() -> int:
    return delivery.sweep()

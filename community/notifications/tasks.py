"""The notifications' own task: one email, queued when an "immediate" notification commits."""

from celery import shared_task
from django.db import OperationalError

from community.notifications import emailing

TRANSIENT = (OperationalError, OSError)


# Named as when it lived in community/tasks.py: tasks already queued, and the worker's metrics,
# know it by that name.
@shared_task(
    name="community.tasks.email_notification",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def email_notification(notification_id: int) -> bool:
    return emailing.email_notification_now(notification_id=notification_id)

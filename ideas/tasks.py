"""Celery tasks: thin wrappers that take ids and call services."""

from celery import shared_task

from ideas import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True)
def notify_status_change(status_change_id: int) -> bool:
    return services.status_change_notify(status_change_id=status_change_id)

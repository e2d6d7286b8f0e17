"""The daily retention purge (CELERY_BEAT_SCHEDULE "retention-purge"). Found by Celery through
config/celery.py's autodiscovery of this package."""

from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError, OSError), retry_backoff=True, max_retries=3)
def retention_purge_daily() -> dict[str, int]:
    """Remove what is past its retention period; returns the counts (also in RetentionRun)."""
    from community.retention.purge import retention_purge

    counts: dict[str, int] = retention_purge().counts
    return counts

"""Celery tasks: thin wrappers that take ids and call services. Each is safe to run twice.

What reacts to an idea being written (its vector, theme and sentiment) is a consumer of its
events (ideas/consumers.py), delivered by config.outbox."""

import logging
from datetime import datetime

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import OperationalError

from ideas.models import ClusteringRun, Idea
from ideas.outside import services as outside
from ideas.themes import runs
from ideas.themes.selectors import published_run

logger = logging.getLogger(__name__)

# Transient failures worth a retry: the database or the network blinked.
TRANSIENT = (OperationalError, OSError)


@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def recluster(  # type: ignore[no-untyped-def]
    self, trigger: str = "manual", requested_by_id: int | None = None, requested_at: str = ""
) -> int | None:
    """A full run. With `requested_at` (a "Re-run now", ideas.consumers), nothing if a run was
    claimed since: the request's event may queue this task more than once."""
    from accounts.models import User

    user = User.objects.filter(pk=requested_by_id).first() if requested_by_id else None
    run = runs.run_recluster(
        trigger=trigger,
        requested_by=user,
        task_id=self.request.id or "",
        unless_started_since=datetime.fromisoformat(requested_at) if requested_at else None,
    )
    return run.pk if run else None


@shared_task
def recluster_if_needed() -> bool:
    """Periodic: a full run once enough ideas arrived since the last published one."""
    last = published_run()
    new_ideas = Idea.objects.filter(created_at__gt=last.started_at).count() if last else None
    if last is None or new_ideas >= settings.THEMES_RERUN_AFTER_NEW_IDEAS:  # type: ignore[operator]
        recluster.delay(trigger="new_ideas")
        return True
    return False


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def purge_masked_originals() -> int:
    """Daily: texts as typed before masking go once their time is up (PII_KEEP_ORIGINALS_DAYS)."""
    from ideas.pii_services import masked_originals_purge

    return masked_originals_purge()


@worker_ready.connect
def _first_run_on_start(**kwargs: object) -> None:
    """The worker's first start finds themes for the demo (or any) data right away."""
    if not ClusteringRun.objects.exists():
        logger.info("No clustering run yet: queueing the first one")
        recluster.delay(trigger="startup")


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def trending_refresh() -> int:
    """Age every idea's trending score to now (ideas/ranking.py). Safe to run twice."""
    from ideas.ranking import trending_refresh_all

    return trending_refresh_all()


@shared_task(
    acks_late=True,
    time_limit=outside.UPLOAD_TASK_TIME_LIMIT,
    soft_time_limit=outside.UPLOAD_TASK_TIME_LIMIT - 60,
)
def signal_upload_run(batch_id: int) -> int | None:
    """Import a large file mapped on the form (ideas.outside.services.signal_upload_run)."""
    batch = outside.signal_upload_run(batch_id=batch_id)
    return batch.imported if batch is not None else None


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def signal_uploads_recover() -> int:
    """Periodic: imports whose worker died mid-import are queued again or refused
    (ideas.outside.services.signal_uploads_recover)."""
    return outside.signal_uploads_recover()

"""Celery tasks for the community: ids in, services called, safe to run twice. What reacts to
ideas, votes and comments is a consumer of their events (community/consumers.py)."""

from celery import shared_task

from community.notifications import emailing

# Registered under its first name, community.tasks.email_notification (queued tasks keep it).
from community.notifications.tasks import TRANSIENT, email_notification  # noqa: F401
from community.recognition import services as recognition
from community.webhooks.tasks import send_webhook, sweep_webhooks  # noqa: F401 (registered)
from ideas.models import Campaign


@shared_task
def send_owed_emails() -> int:
    """Every minute (Celery beat): emails owed that no task sent (the broker was down when they
    were queued, or their worker died holding the claim). community.notifications.emailing."""
    return emailing.emails_owed_send()


@shared_task
def send_daily_digests() -> int:
    """Daily (Celery beat): queue one digest per person with something waiting."""
    users = list(emailing.users_with_digest_waiting().values_list("pk", flat=True))
    for user_id in users:
        send_digest.delay(user_id)
    return len(users)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def send_digest(user_id: int) -> int:
    from accounts.models import User

    user = User.objects.filter(pk=user_id).first()
    return emailing.send_daily_digest(user=user) if user else 0


@shared_task
def award_campaign_results() -> int:
    """Hourly (Celery beat): results stored and badges awarded for campaigns that have ended.
    Safe to run twice: each is done once per campaign (community.recognition.services)."""
    from django.db.models import Q
    from django.utils import timezone

    ended = Campaign.objects.filter(
        Q(results_awarded_at__isnull=True) | Q(results__isnull=True), ends_at__lte=timezone.now()
    )
    return sum(1 for c in ended if recognition.campaign_award_results(campaign=c))


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def detect_vote_rings() -> int:
    """Every 15 minutes (Celery beat): store vote rings found in the recent votes. Safe to run
    twice: a group already stored keeps its row."""
    from community.moderation.vote_rings.services import vote_rings_detect

    return vote_rings_detect()


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def remind_complaint_deadlines() -> int:
    """Hourly (Celery beat): remind moderators, once, of complaint deadlines that are near.
    Safe to run twice: each reminder is claimed before it is sent."""
    from community.complaints.services import complaint_reminders_send

    return complaint_reminders_send()

"""Notification emails: each sent at most once per recipient and event, and none lost to a crash.

1. Owed: a notification its recipient wants emailed right away gets `email_due_at` in the
   transaction that creates it, and a task is queued once that commits
   (`community.notifications.services._notify`). If the broker is down the transaction still
   commits and the sweep (`emails_owed_send`, every minute) sends it.
2. Claimed: `_claim` sets `email_claimed_at` and commits before anything is sent. It reads the
   rows with `select_for_update(skip_locked=True)`, so two workers never claim the same one, and
   takes over a claim only once it is older than EMAIL_CLAIM_STALE_SECONDS (its worker died).
3. Sent: with a Message-ID made from the notification ids (`message_id`), the same on every
   attempt, so a mail server or client can recognise a repeat.
4. Marked: `emailed_at` is set where the claim is still the one taken in step 2.

At most once, except in one case: a worker that dies between 3 and 4 (the moment between the mail
server's OK and the commit) leaves a claim that looks exactly like one whose worker died before
3. Retrying stale claims sends that email again (same Message-ID); never retrying would lose every
email whose worker died during the send itself, by far the longer window (the whole SMTP
exchange). We retry: a rare duplicate with the same Message-ID rather than a lost email.
docs/operations.md has the timeline.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.languages import language_for
from accounts.models import User
from community.models import Delivery, Notification
from community.notifications.preferences import delivery_for, preferences_for, unsubscribe_url

logger = logging.getLogger(__name__)

# --- owed ---------------------------------------------------------------------------------------


def emails_owed_waiting() -> QuerySet[Notification]:
    """Emails owed, not sent, and not claimed by a live worker, past the sweep's grace period
    (the queued task usually sends them within seconds)."""
    now = timezone.now()
    return Notification.objects.filter(
        _unclaimed(now),
        email_due_at__lt=now - timedelta(seconds=settings.EMAIL_SWEEP_GRACE_SECONDS),
        emailed_at__isnull=True,
    ).order_by("email_due_at")


def emails_owed_send(*, limit: int = 500) -> int:
    """The sweep: send what is owed and waiting (`emails_owed_waiting`). Returns how many went."""
    ids = list(emails_owed_waiting().values_list("pk", flat=True)[:limit])
    return sum(email_notification_now(notification_id=pk) for pk in ids)


# --- claim, send, mark --------------------------------------------------------------------------


def _unclaimed(now: datetime) -> Q:
    """Nobody holds the row, or its claim is older than a live worker's would be."""
    stale_before = now - timedelta(seconds=settings.EMAIL_CLAIM_STALE_SECONDS)
    return Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=stale_before)


def _held(ids: list[int], claimed_at: datetime) -> QuerySet[Notification]:
    """The rows among `ids` whose claim is still ours."""
    return Notification.objects.filter(pk__in=ids, email_claimed_at=claimed_at)


def _claim(ids: Iterable[int]) -> tuple[datetime, list[int]]:
    """Claim the unsent rows among `ids` that nobody alive holds; committed on return."""
    now = timezone.now()
    with transaction.atomic():
        free = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(ids), emailed_at__isnull=True)
            .filter(_unclaimed(now))
            .values_list("pk", flat=True)
        )
        if free:
            Notification.objects.filter(pk__in=free).update(email_claimed_at=now)
    return now, free


def _send_claimed(message: EmailMultiAlternatives, *, ids: list[int], claimed_at: datetime) -> None:
    """Send, then mark sent what we still hold. A failed send gives the claim back (the task is
    retried), so nothing waits for the claim to grow stale."""
    try:
        message.send()
    except Exception:
        _held(ids, claimed_at).update(email_claimed_at=None)
        raise
    _held(ids, claimed_at).update(emailed_at=timezone.now())


def message_id(*, kind: str, ids: list[int]) -> str:
    """The idempotency key of an email: the same notifications give the same Message-ID."""
    domain = urlsplit(settings.SITE_URL).hostname or "ruche.localhost"
    return f"<ruche.{kind}.{'-'.join(str(pk) for pk in sorted(ids))}@{domain}>"


def _message(
    *, user: User, notifications: list[Notification], digest: bool
) -> EmailMultiAlternatives:
    kind = notifications[0].kind
    site = settings.SITE_URL.rstrip("/")
    unsubscribe = unsubscribe_url(user=user, kind=kind)
    context = {
        "user": user,
        "notifications": notifications,
        "site_url": site,
        "preferences_url": site + reverse("community:preferences"),
        "unsubscribe_url": unsubscribe,
        "digest": digest,
    }
    # The recipient's language, not the idea's (accounts.languages), as it is now: a
    # notification's text (the subject of a single email) is rendered here, under it.
    with translation.override(language_for(user)):
        if digest:
            subject = _("Your Ruche digest: %(count)s updates") % {"count": len(notifications)}
        else:
            subject = notifications[0].text
        text = render_to_string("community/email/notifications.txt", context)
        html = render_to_string("community/email/notifications.html", context)
    ids = [n.pk for n in notifications]
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=text,
        to=[user.email],
        headers={
            "Message-ID": message_id(kind="digest" if digest else "notification", ids=ids),
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def email_notification_now(*, notification_id: int) -> bool:
    """Email one notification if its recipient wants it right away and nobody sent it yet."""
    notification = (
        Notification.objects.select_related("recipient", "idea")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None:  # sent already, or withdrawn (content taken down)
        return False
    user = notification.recipient
    if not user.is_active or delivery_for(user=user, kind=notification.kind) != Delivery.IMMEDIATE:
        # No longer owed (the person changed their mind): the sweep stops looking at it.
        Notification.objects.filter(pk=notification.pk).update(email_due_at=None)
        return False
    # Rendered before the claim, so a claim is held only for the send itself.
    message = _message(user=user, notifications=[notification], digest=False)
    claimed_at, claimed = _claim([notification.pk])
    if not claimed:  # another worker holds it, or just sent it
        return False
    _send_claimed(message, ids=claimed, claimed_at=claimed_at)
    return True


def send_daily_digest(*, user: User) -> int:
    """One email with this user's notifications waiting for the daily digest. Once only."""
    if not user.is_active:
        return 0
    daily = [k for k, d in preferences_for(user=user).items() if d == Delivery.DAILY]
    waiting = Notification.objects.filter(recipient=user, kind__in=daily, emailed_at__isnull=True)
    claimed_at, claimed = _claim(waiting.order_by("created_at").values_list("pk", flat=True)[:50])
    if not claimed:
        return 0
    notifications = list(
        Notification.objects.filter(pk__in=claimed).select_related("idea").order_by("created_at")
    )
    try:
        message = _message(user=user, notifications=notifications, digest=True)
    except Exception:
        _held(claimed, claimed_at).update(email_claimed_at=None)
        raise
    _send_claimed(message, ids=claimed, claimed_at=claimed_at)
    return len(claimed)


def users_with_digest_waiting() -> QuerySet[User]:
    return User.objects.filter(is_active=True, notifications__emailed_at__isnull=True).distinct()

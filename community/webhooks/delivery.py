"""Sending webhook deliveries, in the worker (community.webhooks.tasks); docs/webhooks.md.

Sending one delivery (`delivery_send`), safe with two workers and a crash anywhere:
1. Claim it: a conditional UPDATE from "pending and due" to "sending" (committed at once);
   one worker wins, the other does nothing. A worker that dies holding the claim leaves it
   "sending"; the sweep takes it back after `STUCK_AFTER`.
2. Check, outside any transaction: the endpoint is active (or an admin asked), and what the
   delivery is about may still be told to its role (taken down meanwhile: cancelled).
3. Sign it (with the old secret too during a rotation's overlap) and POST it
   (community.webhooks.network: no private address, no redirect, a timeout).
4. Record the attempt, then: delivered; or the next try after a backoff (30 s doubling up to
   2 h) while within WEBHOOK_RETRY_HOURS of the first attempt; or failed. The endpoint counts
   its events' failures (not a test event's), and is disabled when it has failed
   WEBHOOK_DISABLE_AFTER_HOURS without a success, or WEBHOOK_DISABLE_AFTER_FAILURES times in
   a row (an event tells admins).
"""

import ipaddress
import json
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import encryption
from accounts.audit import audit_record, audit_type
from accounts.models import User
from accounts.retention_schedule import retention_days
from community.events import WebhookEndpointDisabled
from community.models import DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from community.webhooks import network, signing
from community.webhooks.catalog import TEST
from community.webhooks.payloads import subject_visible
from config.outbox.events import record

WEBHOOK_DISABLE = audit_type("webhook_disable", gettext_lazy("Webhook endpoint disabled"))
WEBHOOK_DROP_OLD_SECRET = audit_type(
    "webhook_drop_old_secret", gettext_lazy("Webhook old secret dropped after the overlap")
)

# A claim older than this belongs to a worker that died: the sweep sends the delivery again.
STUCK_AFTER = timedelta(minutes=5)
EXCERPT_CHARS = 1000


def policy() -> network.Policy:
    return network.Policy(
        timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
        allow_http=settings.WEBHOOK_ALLOW_HTTP,
        allow_private=settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
        allowed_networks=tuple(
            ipaddress.ip_network(net, strict=False) for net in settings.WEBHOOK_ALLOWED_NETWORKS
        ),
    )


def endpoint_secret(endpoint: WebhookEndpoint) -> str:
    return encryption.decrypt(endpoint.secret)


def signing_secrets(endpoint: WebhookEndpoint, *, now: datetime) -> list[str]:
    """The secrets that sign a message sent now: the endpoint's, then the one it replaced while
    the rotation's overlap lasts (services.endpoint_rotate_secret)."""
    found = [endpoint_secret(endpoint)]
    until = endpoint.previous_secret_until
    if endpoint.previous_secret and until is not None and now < until:
        found.append(encryption.decrypt(endpoint.previous_secret))
    return found


@transaction.atomic
def endpoint_disable(
    *,
    endpoint: WebhookEndpoint,
    reason: str,
    actor: User | None = None,
    now: datetime | None = None,
) -> bool:
    """Stop sending to the endpoint (its waiting deliveries wait until it is enabled again) and
    tell the administrators (event `webhook.endpoint_disabled`). False if it already was."""
    now = now or timezone.now()
    changed = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_at=now, disabled_reason=reason[:300]
    )
    if not changed:
        return False
    endpoint.refresh_from_db()
    audit_record(
        actor=actor,
        action=WEBHOOK_DISABLE,
        target=endpoint,
        summary=f"Webhook endpoint {endpoint.pk} disabled: {reason}",
        before={"active": True},
        after={"active": False},
    )
    record(WebhookEndpointDisabled(endpoint_id=endpoint.pk))
    return True


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min... at most 2 h."""
    first = settings.WEBHOOK_RETRY_FIRST_SECONDS
    seconds = first * 2 ** min(max(attempts - 1, 0), 20)
    return timedelta(seconds=min(seconds, settings.WEBHOOK_RETRY_MAX_SECONDS))


def _claim(delivery_id: int, now: datetime, *, manual: bool) -> bool:
    claimable = Q(state=DeliveryState.PENDING, next_attempt_at__lte=now) | Q(
        state=DeliveryState.SENDING, claimed_at__lt=now - STUCK_AFTER
    )
    if not manual:  # an administrator may test or resend to a disabled endpoint; nobody else
        claimable &= Q(endpoint__is_active=True)
    return bool(
        WebhookDelivery.objects.filter(claimable, pk=delivery_id).update(
            state=DeliveryState.SENDING, claimed_at=now
        )
    )


def _body(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()


def delivery_send(
    *, delivery_id: int, now: datetime | None = None, manual: bool = False
) -> WebhookAttempt | None:
    """One attempt at a delivery that is due (see the module's docstring). Returns the attempt,
    or None when there was nothing to do (not due, claimed by another worker, cancelled)."""
    now = now or timezone.now()
    if not _claim(delivery_id, now, manual=manual):
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not subject_visible(
        subject_type=delivery.subject_type, subject_id=delivery.subject_id, role=endpoint.role
    ):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.CANCELLED,
            next_attempt_at=None,
            last_error="Not sent: taken down, or no longer visible to the endpoint's role",
        )
        return None
    body = _body(delivery)
    try:
        secrets = signing_secrets(endpoint, now=now)
    except encryption.DecryptionError as error:
        outcome = network.Outcome(
            status_code=None, duration_ms=0, error=f"Secret unreadable: {error}"
        )
    else:
        headers = signing.headers(secret=secrets, message_id=delivery.message_id, body=body)
        outcome = network.post(
            endpoint.url, body=body, headers=headers, policy=policy(), excerpt_chars=EXCERPT_CHARS
        )
    return _record(delivery, outcome, now=now, manual=manual)


@transaction.atomic
def _record(
    delivery: WebhookDelivery, outcome: network.Outcome, *, now: datetime, manual: bool
) -> WebhookAttempt:
    attempt = WebhookAttempt.objects.create(
        delivery=delivery,
        started_at=now,
        duration_ms=outcome.duration_ms,
        status_code=outcome.status_code,
        error=outcome.error[:500],
        response_excerpt=outcome.response_excerpt[:EXCERPT_CHARS],
        manual=manual,
    )
    window = delivery.window_started_at or now
    fields: dict[str, Any] = {
        "attempts": F("attempts") + 1,
        "last_attempt_at": now,
        "last_status_code": outcome.status_code,
        "last_error": outcome.error[:500],
        "window_started_at": window,
        "claimed_at": None,
    }
    if outcome.ok:
        fields.update(state=DeliveryState.DELIVERED, delivered_at=now, next_attempt_at=None)
    else:
        retry_at = now + backoff(delivery.attempts + 1)
        deadline = window + timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
        if delivery.event_type == TEST or retry_at > deadline:
            fields.update(state=DeliveryState.FAILED, next_attempt_at=None)
        else:
            fields.update(state=DeliveryState.PENDING, next_attempt_at=retry_at)
    # A test event checks the receiver; it is not one of the events the endpoint is judged on.
    # Its result is in its own delivery's log, and the endpoint's failures, its day without
    # success and its last success (which decide disabling) are left as they were, whether
    # the button's task or the sweep sent it: pressing the button while a receiver is being
    # set up disables nothing, and a receiver that answers tests but refuses events is still
    # disabled.
    if delivery.event_type != TEST:
        _count(delivery.endpoint_id, ok=outcome.ok, now=now, manual=manual)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    return attempt


def _count(endpoint_id: int, *, ok: bool, now: datetime, manual: bool) -> None:
    """An event's attempt in the endpoint's record: a success clears its failures, a failure
    adds one and may disable it (not on an administrator's resend, which they watch)."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    if ok:
        endpoint.consecutive_failures = 0
        endpoint.failing_since = None
        endpoint.last_success_at = now
        endpoint.save(update_fields=["consecutive_failures", "failing_since", "last_success_at"])
        return
    endpoint.consecutive_failures += 1
    endpoint.failing_since = endpoint.failing_since or now
    endpoint.save(update_fields=["consecutive_failures", "failing_since"])
    if not manual and endpoint.is_active:
        _disable_if_failing(endpoint, now)


def _disable_if_failing(endpoint: WebhookEndpoint, now: datetime) -> None:
    hours = settings.WEBHOOK_DISABLE_AFTER_HOURS
    limit = settings.WEBHOOK_DISABLE_AFTER_FAILURES
    failing_for = now - (endpoint.failing_since or now)
    if failing_for >= timedelta(hours=hours):
        reason = _("No successful delivery for %(hours)s hours (%(failures)s failed attempts).")
    elif limit and endpoint.consecutive_failures >= limit:
        reason = _("%(failures)s failed attempts in a row.")
    else:
        return
    endpoint_disable(
        endpoint=endpoint,
        reason=reason % {"hours": f"{hours:g}", "failures": endpoint.consecutive_failures},
        now=now,
    )


# --- the sweep ----------------------------------------------------------------------------------


def deliveries_due(*, now: datetime) -> list[int]:
    due = Q(state=DeliveryState.PENDING, next_attempt_at__lte=now)
    stuck = Q(state=DeliveryState.SENDING, claimed_at__lt=now - STUCK_AFTER)
    return list(
        WebhookDelivery.objects.filter(due | stuck, endpoint__is_active=True)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:500]
    )


def sweep(*, now: datetime | None = None, budget_seconds: float = 25.0) -> int:
    """Send the deliveries that are due (retries; first attempts whose task was lost), oldest
    due first, within the budget; then drop old secrets whose overlap ended, and purge the
    finished deliveries past their retention period (also done by the daily retention job).
    Returns how many attempts were made."""
    now = now or timezone.now()
    started = time.monotonic()
    made = 0
    for pk in deliveries_due(now=now):
        made += delivery_send(delivery_id=pk, now=now) is not None
        if time.monotonic() - started > budget_seconds:
            break
    previous_secrets_drop(now=now)
    purge(now=now)
    return made


def previous_secrets_drop(*, now: datetime | None = None) -> int:
    """Forget the old secrets whose overlap has ended (they sign nothing from then on: see
    `signing_secrets`), each audited. Returns how many were dropped."""
    now = now or timezone.now()
    dropped = 0
    with transaction.atomic():
        ended = WebhookEndpoint.objects.select_for_update().filter(previous_secret_until__lte=now)
        for endpoint in ended:
            endpoint.previous_secret = ""
            endpoint.previous_secret_until = None
            endpoint.save(update_fields=["previous_secret", "previous_secret_until"])
            audit_record(
                actor=None,
                action=WEBHOOK_DROP_OLD_SECRET,
                target=endpoint,
                summary=f"Webhook endpoint {endpoint.pk}: the old secret no longer signs",
            )
            dropped += 1
    return dropped


FINISHED = (DeliveryState.DELIVERED, DeliveryState.FAILED, DeliveryState.CANCELLED)


def deliveries_finished_before(cutoff: datetime) -> QuerySet[WebhookDelivery]:
    """Finished deliveries made before `cutoff` (waiting ones are kept until they end)."""
    return WebhookDelivery.objects.filter(created_at__lt=cutoff, state__in=FINISHED)


def purge(*, now: datetime | None = None) -> int:
    """Delete the finished deliveries past their period in the retention schedule
    (`webhook_deliveries`, RETENTION_DAYS; accounts.retention_schedule)."""
    now = now or timezone.now()
    days = retention_days("webhook_deliveries")
    if days is None:
        return 0
    return deliveries_finished_before(now - timedelta(days=days)).delete()[0]

"""Webhook endpoints, registered by administrators, and deliveries, made by the consumers of
the outbox's events (community.webhooks.consumers) and sent by the worker
(community.webhooks.delivery). docs/webhooks.md."""

import logging
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import encryption
from accounts.audit import audit_record, audit_type
from accounts.models import User
from community.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from community.webhooks import network, signing
from community.webhooks.catalog import EVENT_TYPES, TEST, EndpointRole, role_may_receive
from community.webhooks.delivery import policy
from community.webhooks.tasks import send_webhook

logger = logging.getLogger(__name__)

WEBHOOK_CREATE = audit_type("webhook_create", gettext_lazy("Webhook endpoint registered"))
WEBHOOK_CHANGE = audit_type("webhook_change", gettext_lazy("Webhook endpoint changed"))
WEBHOOK_ROTATE = audit_type("webhook_rotate", gettext_lazy("Webhook secret replaced"))
WEBHOOK_ENABLE = audit_type("webhook_enable", gettext_lazy("Webhook endpoint enabled"))
WEBHOOK_RESEND = audit_type("webhook_resend", gettext_lazy("Webhook delivery sent again"))
WEBHOOK_TEST = audit_type("webhook_test", gettext_lazy("Webhook test event sent"))


Builder = Callable[[str], dict[str, Any] | None]


# --- checks -------------------------------------------------------------------------------------


def url_check(url: str) -> None:
    """ValidationError on `url` unless a webhook may be sent there now (scheme, host, and every
    address it resolves to). The same check runs again before every attempt."""
    try:
        network.resolve(url, policy())
    except network.Refused as refused:
        raise ValidationError(
            {"url": _("This address is not allowed: %(why)s.") % {"why": refused}}
        ) from None


def _checked(url: str, events: Iterable[str], role: str) -> list[str]:
    """The chosen events in the catalogue's order, once the URL and the events are checked
    (ValidationError naming every field at fault)."""
    errors: dict[str, list[str]] = {}
    chosen: list[str] = []
    try:
        url_check(url)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        chosen = _events_check(events, role)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return chosen


def _events_check(events: Iterable[str], role: str) -> list[str]:
    chosen = [code for code in EVENT_TYPES if code in set(events)]
    if not chosen:
        raise ValidationError({"events": _("Choose at least one event.")})
    refused = [str(EVENT_TYPES[code].label) for code in chosen if not role_may_receive(role, code)]
    if refused:
        raise ValidationError(
            {
                "events": _("%(role)s does not see these on the site: %(events)s.")
                % {"role": EndpointRole(role).label, "events": "; ".join(refused)}
            }
        )
    return chosen


def _state(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": list(endpoint.events),
        "role": endpoint.role,
        "active": endpoint.is_active,
    }


# --- endpoints ----------------------------------------------------------------------------------


@transaction.atomic
def endpoint_create(
    *, actor: User, url: str, events: Iterable[str], role: str, description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its secret, the only time the secret is readable."""
    chosen = _checked(url, events, role)
    secret = signing.secret_generate()
    endpoint = WebhookEndpoint.objects.create(
        url=url.strip(),
        description=description,
        events=chosen,
        role=role,
        secret=encryption.encrypt(secret),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=WEBHOOK_CREATE,
        target=endpoint,
        summary=f"Webhook endpoint {endpoint.pk} registered",
        after=_state(endpoint),
    )
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *,
    actor: User,
    endpoint: WebhookEndpoint,
    url: str,
    events: Iterable[str],
    role: str,
    description: str = "",
) -> WebhookEndpoint:
    chosen = _checked(url, events, role)
    before = _state(endpoint)
    endpoint.url = url.strip()
    endpoint.events = chosen
    endpoint.role = role
    endpoint.description = description
    endpoint.save(update_fields=["url", "events", "role", "description", "updated_at"])
    audit_record(
        actor=actor,
        action=WEBHOOK_CHANGE,
        target=endpoint,
        summary=f"Webhook endpoint {endpoint.pk} changed",
        before=before,
        after=_state(endpoint),
    )
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(
    *,
    actor: User,
    endpoint: WebhookEndpoint,
    overlap_hours: float | None = None,
    now: datetime | None = None,
) -> str:
    """A new secret, signing from the next attempt on; returns it (shown once).

    For `overlap_hours` (default WEBHOOK_SECRET_OVERLAP_HOURS) the old secret signs too, as a
    second signature in `webhook-signature`, so the receiver may switch to the new secret at
    any time within it; 0 drops the old secret at once (it leaked). Rotating again during an
    overlap replaces the older secret: at most two sign at any time."""
    now = now or timezone.now()
    hours = settings.WEBHOOK_SECRET_OVERLAP_HOURS if overlap_hours is None else overlap_hours
    if hours < 0:
        raise ValidationError({"overlap_hours": _("The overlap cannot be negative.")})
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    secret = signing.secret_generate()
    if hours > 0:
        endpoint.previous_secret = locked.secret
        endpoint.previous_secret_until = now + timedelta(hours=hours)
    else:
        endpoint.previous_secret = ""
        endpoint.previous_secret_until = None
    endpoint.secret = encryption.encrypt(secret)
    endpoint.save(
        update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"]
    )
    until = endpoint.previous_secret_until
    audit_record(
        actor=actor,
        action=WEBHOOK_ROTATE,
        target=endpoint,
        summary=f"Webhook endpoint {endpoint.pk}: secret replaced"
        + (f"; the old one signs too until {until.isoformat()}" if until else "; no overlap"),
        after={"overlap_hours": hours, "old_secret_until": until.isoformat() if until else None},
    )
    return secret


@transaction.atomic
def endpoint_enable(*, actor: User, endpoint: WebhookEndpoint) -> bool:
    """Send to the endpoint again: its failures are forgotten, and the deliveries that waited
    while it was disabled get a new retry window starting now."""
    now = timezone.now()
    changed = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=False).update(
        is_active=True,
        disabled_at=None,
        disabled_reason="",
        consecutive_failures=0,
        failing_since=None,
    )
    if not changed:
        return False
    waiting = WebhookDelivery.objects.filter(endpoint=endpoint, state=DeliveryState.PENDING)
    waiting.update(window_started_at=None, next_attempt_at=now)
    ids = list(waiting.values_list("pk", flat=True))
    endpoint.refresh_from_db()
    audit_record(
        actor=actor,
        action=WEBHOOK_ENABLE,
        target=endpoint,
        summary=f"Webhook endpoint {endpoint.pk} enabled",
        before={"active": False},
        after={"active": True},
    )
    _queue_on_commit(ids)
    return True


def secrets_reencrypt() -> int:
    """Every endpoint's secret encrypted with the first key (accounts.encryption: key rotation,
    registered from CommunityConfig.ready for `manage.py rotate_encryption_keys`)."""
    changed = 0
    with transaction.atomic():
        rows = WebhookEndpoint.objects.select_for_update().only("pk", "secret", "previous_secret")
        for endpoint in rows:
            endpoint.secret = encryption.reencrypt(endpoint.secret)
            if endpoint.previous_secret:
                endpoint.previous_secret = encryption.reencrypt(endpoint.previous_secret)
            endpoint.save(update_fields=["secret", "previous_secret"])
            changed += 1
    return changed


# --- deliveries: made -----------------------------------------------------------------------


def _message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def _queue(delivery_ids: list[int]) -> None:
    try:
        for pk in delivery_ids:
            send_webhook.delay(pk)
    except Exception:
        logger.warning(
            "Could not queue %d webhook deliveries; the webhook sweep will send them",
            len(delivery_ids),
            exc_info=True,
        )


def _queue_on_commit(delivery_ids: list[int]) -> None:
    if delivery_ids:
        transaction.on_commit(partial(_queue, delivery_ids), robust=True)


def envelope(*, event_type: str, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The body every webhook has (Standard Webhooks): type, timestamp, data."""
    return {"type": event_type, "timestamp": now.isoformat(), "data": data}


@transaction.atomic
def deliveries_create(
    *,
    event_type: str,
    source: str,
    build: Builder,
    subject_type: str = "",
    subject_id: int | None = None,
    now: datetime | None = None,
) -> list[WebhookDelivery]:
    """One delivery per active endpoint subscribed to `event_type` whose role may see it
    (`build(role)` returns the data, or None when the role may not see it). Once per endpoint
    and `source`: a second call makes nothing. Queued for sending on commit."""
    now = now or timezone.now()
    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(is_active=True)
        if event_type in e.events and role_may_receive(e.role, event_type)
    ]
    built: dict[str, dict[str, Any] | None] = {}
    made: list[WebhookDelivery] = []
    for endpoint in endpoints:
        if endpoint.role not in built:
            built[endpoint.role] = build(endpoint.role)
        data = built[endpoint.role]
        if data is None:
            continue
        try:
            with transaction.atomic():
                made.append(
                    WebhookDelivery.objects.create(
                        endpoint=endpoint,
                        event_type=event_type,
                        source=source,
                        message_id=_message_id(),
                        payload=envelope(event_type=event_type, data=data, now=now),
                        subject_type=subject_type,
                        subject_id=subject_id,
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
        except IntegrityError:  # made by an earlier run of the same consumer
            continue
    _queue_on_commit([d.pk for d in made])
    return made


@transaction.atomic
def delivery_resend(*, actor: User, delivery: WebhookDelivery) -> None:
    """Send the same message (same webhook-id, so a receiver can tell) again now, with a new
    retry window. A delivery being sent right now is left alone."""
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).exclude(state=DeliveryState.SENDING).update(
        state=DeliveryState.PENDING, next_attempt_at=now, window_started_at=None
    )
    audit_record(
        actor=actor,
        action=WEBHOOK_RESEND,
        target=delivery.endpoint,
        summary=f"Webhook delivery {delivery.pk} ({delivery.event_type}) sent again",
        after={"delivery": delivery.pk},
    )
    transaction.on_commit(partial(_queue_manual, delivery.pk), robust=True)


@transaction.atomic
def endpoint_send_test(*, actor: User, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A `webhook.test` message to the endpoint, sent now even if it is disabled (to try it
    before enabling it again); not retried."""
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_type=TEST,
        source=f"test:{uuid.uuid4().hex}",
        message_id=_message_id(),
        payload=envelope(
            event_type=TEST,
            data={
                "message": "A test from Ruche: this endpoint is set up.",
                "endpoint": endpoint.pk,
            },
            now=now,
        ),
        next_attempt_at=now,
        created_at=now,
    )
    audit_record(
        actor=actor,
        action=WEBHOOK_TEST,
        target=endpoint,
        summary=f"Webhook endpoint {endpoint.pk}: test event sent",
        after={"delivery": delivery.pk},
    )
    transaction.on_commit(partial(_queue_manual, delivery.pk), robust=True)
    return delivery


def _queue_manual(delivery_id: int) -> None:
    try:
        send_webhook.delay(delivery_id, manual=True)
    except Exception:
        logger.warning("Could not queue webhook delivery %s", delivery_id, exc_info=True)

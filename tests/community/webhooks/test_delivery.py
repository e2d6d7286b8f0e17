"""Deliveries from the outbox's events to a real receiver on 127.0.0.1: signed, retried with
backoff for a day, given up, endpoints disabled and admins told, resent, each event once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.audit import AuditEntry
from community.comments.services import comment_create
from community.models import (
    DeliveryState,
    Notification,
    NotificationKind,
    WebhookDelivery,
    WebhookEndpoint,
)
from community.webhooks import delivery, services
from community.webhooks.catalog import EndpointRole
from config.outbox.models import OutboxEvent
from ideas.services import idea_change_status, idea_create

T0 = timezone.now().replace(microsecond=0)


def test_a_status_change_goes_through_the_outbox_to_the_receiver_signed(
    make_endpoint, receiver, idea, moderator, django_capture_on_commit_callbacks
):
    """The whole path: the service records the event, the outbox delivers it to every consumer
    (config.outbox.delivery.deliver), the webhooks' consumer makes the delivery, its task sends
    it. (Ideas' own events would load the sentence encoders here: see deliver_to_webhooks.)"""
    endpoint = make_endpoint(events=["idea.status_changed", "comment.posted"])
    with django_capture_on_commit_callbacks(execute=True):
        idea_change_status(idea=idea, actor=moderator, to_status="planned", response="On it.")

    (message,) = receiver.received
    assert message.verified
    assert message.headers["webhook-id"].startswith("msg_")
    assert message.headers["webhook-signature"].startswith("v1,")
    body = message.json()
    assert body["type"] == "idea.status_changed"
    assert body["data"]["idea"]["id"] == idea.pk
    assert body["data"]["idea"]["url"].endswith(idea.get_absolute_url())
    sent = WebhookDelivery.objects.get(endpoint=endpoint)
    assert sent.state == DeliveryState.DELIVERED
    assert sent.attempt_log.get().status_code == 204
    assert OutboxEvent.objects.get(name="idea.status_changed").delivered_at is not None


def test_an_event_delivered_twice_makes_one_delivery_per_endpoint(
    make_endpoint, receiver, alice, category, deliver_to_webhooks
):
    make_endpoint(events=["idea.published"])
    make_endpoint(events=["idea.published", "idea.created"])
    idea_create(author=alice, title="Round-ups", body="Please", category=category, language="en")
    deliver_to_webhooks()
    deliver_to_webhooks()  # a crash after the consumers committed, before their marks
    assert WebhookDelivery.objects.count() == 3
    assert len(receiver.received) == 3


def test_an_endpoint_gets_only_the_events_it_chose(
    make_endpoint, receiver, alice, moderator, category, deliver_to_webhooks
):
    make_endpoint(events=["idea.status_changed"])
    idea = idea_create(
        author=alice, title="Round-ups", body="Please", category=category, language="en"
    )
    deliver_to_webhooks()
    assert receiver.received == []
    idea_change_status(idea=idea, actor=moderator, to_status="planned", response="On it.")
    deliver_to_webhooks()
    (message,) = receiver.received
    data = message.json()["data"]
    assert data["status_change"]["to_status"] == "planned"
    assert data["status_change"]["by"]["staff"] is True


def test_a_failing_receiver_is_retried_with_backoff_then_given_up_after_a_day(
    make_endpoint, receiver, alice, category, settings
):
    settings.WEBHOOK_DISABLE_AFTER_HOURS = 1000  # this test is about the delivery only
    receiver.status = 500
    endpoint = make_endpoint(events=["idea.published"])
    made = services.deliveries_create(
        event_type="idea.published", source="t", build=lambda role: {"x": 1}, now=T0
    )
    (pk,) = [d.pk for d in made]

    waits = []
    now = T0
    while True:
        assert delivery.delivery_send(delivery_id=pk, now=now) is not None
        row = WebhookDelivery.objects.get(pk=pk)
        if row.state != DeliveryState.PENDING:
            break
        assert row.next_attempt_at is not None
        waits.append(row.next_attempt_at - now)
        assert delivery.delivery_send(delivery_id=pk, now=now) is None  # not due yet
        now = row.next_attempt_at

    assert waits[:5] == [timedelta(seconds=s) for s in (30, 60, 120, 240, 480)]
    assert max(waits) == timedelta(hours=2)
    assert row.state == DeliveryState.FAILED
    assert row.last_status_code == 500
    assert now - T0 <= timedelta(hours=24)
    assert row.attempts == len(waits) + 1 == len(receiver.received) == 19  # docs/webhooks.md
    assert all(r.verified for r in receiver.received)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == row.attempts
    assert endpoint.is_active


def test_a_success_after_failures_resets_the_endpoints_count(make_endpoint, receiver):
    receiver.status = lambda n: 503 if n < 3 else 200
    endpoint = make_endpoint(events=["idea.published"])
    (made,) = services.deliveries_create(
        event_type="idea.published", source="t", build=lambda role: {}, now=T0
    )
    now = T0
    for _ in range(3):
        delivery.delivery_send(delivery_id=made.pk, now=now)
        now = WebhookDelivery.objects.get(pk=made.pk).next_attempt_at or now
    made.refresh_from_db()
    endpoint.refresh_from_db()
    assert made.state == DeliveryState.DELIVERED
    assert (endpoint.consecutive_failures, endpoint.failing_since) == (0, None)


def _published_twice() -> tuple[WebhookDelivery, WebhookDelivery]:
    """Deliveries of two idea.published events, made at T0, to the one endpoint there is."""
    first, second = (
        services.deliveries_create(
            event_type="idea.published", source=f"t{i}", build=lambda role: {}, now=T0
        )[0]
        for i in range(2)
    )
    return first, second


def test_an_endpoint_failing_for_a_day_is_disabled_and_admins_are_told(
    make_endpoint, receiver, admin_user, django_capture_on_commit_callbacks
):
    receiver.status = 500
    endpoint = make_endpoint(events=["idea.published"])
    first, second = _published_twice()
    delivery.delivery_send(delivery_id=first.pk, now=T0)
    later = T0 + timedelta(hours=24, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        delivery.delivery_send(delivery_id=second.pk, now=later)

    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "24 hours" in endpoint.disabled_reason
    (told,) = Notification.objects.filter(kind=NotificationKind.WEBHOOK_DISABLED)
    assert told.recipient == admin_user
    assert endpoint.url in told.title
    assert any(endpoint.url in m.subject or endpoint.url in m.body for m in mail.outbox)
    entry = AuditEntry.objects.get(action="webhook_disable")
    assert entry.actor is None
    # Nothing more goes out while it is disabled; the first delivery waits.
    assert delivery.delivery_send(delivery_id=first.pk, now=later + timedelta(hours=1)) is None
    assert delivery.deliveries_due(now=later + timedelta(hours=1)) == []


def test_consecutive_failures_disable_when_so_configured(make_endpoint, receiver, settings):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    receiver.status = 500
    endpoint = make_endpoint(events=["idea.published"])
    for i in range(3):
        (made,) = services.deliveries_create(
            event_type="idea.published", source=f"t{i}", build=lambda role: {}, now=T0
        )
        delivery.delivery_send(delivery_id=made.pk, now=T0)
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "3 failed attempts in a row" in endpoint.disabled_reason


def test_enabling_again_sends_what_waited_with_a_new_window(
    make_endpoint, receiver, admin_user, django_capture_on_commit_callbacks
):
    receiver.status = 500
    endpoint = make_endpoint(events=["idea.published"])
    (made,) = services.deliveries_create(
        event_type="idea.published", source="t", build=lambda role: {}, now=T0
    )
    delivery.delivery_send(delivery_id=made.pk, now=T0)
    delivery.endpoint_disable(endpoint=endpoint, reason="test")
    receiver.status = 204
    with django_capture_on_commit_callbacks(execute=True):
        assert services.endpoint_enable(actor=admin_user, endpoint=endpoint)
    made.refresh_from_db()
    assert made.state == DeliveryState.DELIVERED
    assert made.attempts == 2
    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert endpoint.consecutive_failures == 0


def test_resend_sends_the_same_message_again(
    make_endpoint, receiver, admin_user, django_capture_on_commit_callbacks
):
    make_endpoint(events=["idea.published"])
    with django_capture_on_commit_callbacks(execute=True):
        (made,) = services.deliveries_create(
            event_type="idea.published", source="t", build=lambda role: {"n": 1}
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_resend(actor=admin_user, delivery=made)
    first, again = receiver.received
    assert first.headers["webhook-id"] == again.headers["webhook-id"] == made.message_id
    assert first.body == again.body
    assert again.verified
    made.refresh_from_db()
    assert made.attempts == 2
    assert made.state == DeliveryState.DELIVERED
    assert made.attempt_log.filter(manual=True).count() == 1
    assert AuditEntry.objects.filter(action="webhook_resend", actor=admin_user).exists()


def test_a_test_event_reaches_even_a_disabled_endpoint(
    make_endpoint, receiver, admin_user, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(events=["idea.published"])
    delivery.endpoint_disable(endpoint=endpoint, reason="test")
    with django_capture_on_commit_callbacks(execute=True):
        services.endpoint_send_test(actor=admin_user, endpoint=endpoint)
    (message,) = receiver.received
    assert message.verified
    assert message.json()["type"] == "webhook.test"


def test_failed_test_events_are_logged_but_never_count_toward_disabling(
    client, make_endpoint, receiver, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 2
    receiver.status = 500
    endpoint = make_endpoint(events=["idea.published"])
    for _ in range(3):  # the receiver is being set up: the admin presses the button again
        with django_capture_on_commit_callbacks(execute=True):
            services.endpoint_send_test(actor=admin_user, endpoint=endpoint)
    tests = WebhookDelivery.objects.filter(event_type="webhook.test")
    assert [(d.state, d.attempts, d.last_status_code) for d in tests] == [
        (DeliveryState.FAILED, 1, 500)
    ] * 3
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures, endpoint.failing_since) == (
        True,
        0,
        None,
    )
    client.force_login(admin_user)
    page = client.get(reverse("webhooks:detail", args=[endpoint.pk])).text
    assert page.count("<code>webhook.test</code>") == 3
    assert "HTTP 500" in page
    # One real failure is one failure: below the limit of two.
    (made,) = services.deliveries_create(
        event_type="idea.published", source="t", build=lambda role: {}, now=T0
    )
    delivery.delivery_send(delivery_id=made.pk, now=T0)
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures) == (True, 1)


def test_a_test_event_sent_by_the_sweep_does_not_disable_the_endpoint(
    make_endpoint, receiver, admin_user, settings
):
    """The button's task was lost (broker down when it was queued): the sweep sends the test
    as it sends events, without the manual flag, and its failure still counts for nothing."""
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 1
    receiver.status = 500
    endpoint = make_endpoint(events=["idea.published"])
    test = services.endpoint_send_test(actor=admin_user, endpoint=endpoint)  # not queued
    assert delivery.sweep(now=timezone.now() + timedelta(seconds=1)) == 1
    test.refresh_from_db()
    assert (test.state, test.last_status_code) == (DeliveryState.FAILED, 500)
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures) == (True, 0)


def test_a_test_event_that_succeeds_does_not_clear_the_endpoints_failures(
    make_endpoint, receiver, admin_user, django_capture_on_commit_callbacks
):
    """The receiver answers the test but refuses the events: their failures keep counting
    toward the day without success (Enable again is what forgets them)."""
    receiver.status = lambda n: 204 if n == 2 else 500  # only the second request, the test
    endpoint = make_endpoint(events=["idea.published"])
    first, second = _published_twice()
    delivery.delivery_send(delivery_id=first.pk, now=T0)
    with django_capture_on_commit_callbacks(execute=True):
        test = services.endpoint_send_test(actor=admin_user, endpoint=endpoint)
    test.refresh_from_db()
    assert test.state == DeliveryState.DELIVERED
    endpoint.refresh_from_db()
    assert (endpoint.consecutive_failures, endpoint.failing_since) == (1, T0)
    assert endpoint.last_success_at is None
    delivery.delivery_send(delivery_id=second.pk, now=T0 + timedelta(hours=24, minutes=1))
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "24 hours" in endpoint.disabled_reason


def test_a_rotated_secret_signs_the_next_attempt(
    make_endpoint, receiver, admin_user, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(events=["idea.published"])
    old = endpoint.plain_secret
    receiver.secret = services.endpoint_rotate_secret(actor=admin_user, endpoint=endpoint)
    assert receiver.secret != old
    with django_capture_on_commit_callbacks(execute=True):
        services.endpoint_send_test(actor=admin_user, endpoint=endpoint)
    assert [r.verified for r in receiver.received] == [True]


def test_the_secret_is_stored_encrypted(make_endpoint):
    endpoint = make_endpoint()
    stored = WebhookEndpoint.objects.get(pk=endpoint.pk).secret
    assert stored.startswith("fernet:")
    assert endpoint.plain_secret not in stored
    assert delivery.endpoint_secret(endpoint) == endpoint.plain_secret


def test_a_worker_that_died_holding_a_claim_does_not_lose_the_delivery(make_endpoint, receiver):
    make_endpoint(events=["idea.published"])
    (made,) = services.deliveries_create(
        event_type="idea.published", source="t", build=lambda role: {}, now=T0
    )
    assert delivery._claim(made.pk, T0, manual=False)  # the worker dies here
    assert delivery.delivery_send(delivery_id=made.pk, now=T0 + timedelta(minutes=1)) is None
    assert delivery.sweep(now=T0 + timedelta(minutes=6)) == 1
    made.refresh_from_db()
    assert made.state == DeliveryState.DELIVERED
    assert len(receiver.received) == 1


def test_the_sweep_purges_old_finished_deliveries(make_endpoint, receiver, settings):
    make_endpoint(events=["idea.published"])
    (made,) = services.deliveries_create(
        event_type="idea.published", source="t", build=lambda role: {}, now=T0
    )
    delivery.delivery_send(delivery_id=made.pk, now=T0)
    delivery.sweep(now=T0 + timedelta(days=29))
    assert WebhookDelivery.objects.exists()
    delivery.sweep(now=T0 + timedelta(days=31))
    assert not WebhookDelivery.objects.exists()


@pytest.mark.parametrize("role", [EndpointRole.VISITOR, EndpointRole.MODERATOR])
def test_comments_are_delivered(role, make_endpoint, receiver, idea, bob, deliver_to_webhooks):
    make_endpoint(role=role, events=["comment.posted"])
    comment = comment_create(idea=idea, author=bob, body="Yes please")
    deliver_to_webhooks()
    (message,) = receiver.received
    assert message.json()["data"]["comment"]["id"] == comment.pk
    assert message.json()["data"]["comment"]["author"]["name"] == "Bob"


def test_an_address_refused_at_sending_time_is_a_failed_attempt_and_nothing_is_sent(
    make_endpoint, receiver, settings
):
    make_endpoint(events=["idea.published"])  # registered while this machine was allowed
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    (made,) = services.deliveries_create(
        event_type="idea.published", source="t", build=lambda role: {}, now=T0
    )
    attempt = delivery.delivery_send(delivery_id=made.pk, now=T0)
    assert attempt is not None
    assert attempt.status_code is None
    assert attempt.error.startswith("Refused: 127.0.0.1 resolves to 127.0.0.1")
    assert receiver.received == []
    made.refresh_from_db()
    assert made.state == DeliveryState.PENDING  # retried: the settings may be fixed


def test_rotating_the_encryption_keys_re_encrypts_the_secrets(make_endpoint, settings):
    from django.core.management import call_command

    from tests.accounts.test_encryption import NEW_KEY, OLD_KEY

    before = list(settings.FIELD_ENCRYPTION_KEYS)  # the admin's two-factor secret's
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY, *before]
    endpoint = make_endpoint()
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY, *before]
    call_command("rotate_encryption_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key removed
    secret = endpoint.plain_secret
    endpoint.refresh_from_db()
    assert delivery.endpoint_secret(endpoint) == secret

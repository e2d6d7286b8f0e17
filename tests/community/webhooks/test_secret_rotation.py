"""Replacing an endpoint's secret with an overlap: for WEBHOOK_SECRET_OVERLAP_HOURS every message
carries two signatures (new and old secret), so a real receiver on 127.0.0.1 holding either
verifies; then the old secret is dropped (audited) and a receiver still holding it refuses."""

import contextlib
import urllib.error
import urllib.request
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.audit import AuditEntry
from community.models import WebhookEndpoint
from community.webhooks import delivery, services, signing
from community.webhooks.receiver import Receiver, serve


def _send_test(admin_user, endpoint, *, now=None):  # type: ignore[no-untyped-def]
    """A test message to the endpoint, sent at `now` (the rotation's clock)."""
    made = services.endpoint_send_test(actor=admin_user, endpoint=endpoint)
    delivery.delivery_send(delivery_id=made.pk, now=now or timezone.now(), manual=True)


def test_during_the_overlap_a_receiver_with_the_old_or_the_new_secret_verifies(
    make_endpoint, receiver, admin_user
):
    endpoint = make_endpoint(events=["idea.published"])
    old = endpoint.plain_secret
    new = services.endpoint_rotate_secret(actor=admin_user, endpoint=endpoint)
    assert new != old

    receiver.secret = old  # the receiver not switched yet
    _send_test(admin_user, endpoint)
    receiver.secret = new  # the receiver switched
    _send_test(admin_user, endpoint)

    assert [r.verified for r in receiver.received] == [True, True]
    for message in receiver.received:
        listed = message.headers["webhook-signature"].split(" ")
        assert len(listed) == 2
        assert all(sig.startswith("v1,") for sig in listed)
        for secret in (old, new):  # each secret alone verifies the same message
            signing.verify(secret=secret, headers=message.headers, body=message.body)


def test_after_the_overlap_the_old_secret_signs_nothing_and_is_dropped(
    make_endpoint, receiver, admin_user, settings
):
    settings.WEBHOOK_SECRET_OVERLAP_HOURS = 24
    endpoint = make_endpoint(events=["idea.published"])
    old = endpoint.plain_secret
    new = services.endpoint_rotate_secret(actor=admin_user, endpoint=endpoint)
    later = timezone.now() + timedelta(hours=24, minutes=1)

    receiver.secret = old
    _send_test(admin_user, endpoint, now=later)  # before the sweep: ended is ended
    receiver.secret = new
    _send_test(admin_user, endpoint, now=later)
    assert [r.verified for r in receiver.received] == [False, True]
    assert len(receiver.received[1].headers["webhook-signature"].split(" ")) == 1

    assert delivery.sweep(now=timezone.now()) == 0  # within the overlap: kept
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).previous_secret
    delivery.sweep(now=later)
    endpoint.refresh_from_db()
    assert endpoint.previous_secret == ""
    assert endpoint.previous_secret_until is None
    assert AuditEntry.objects.filter(action="webhook_drop_old_secret", actor=None).count() == 1
    assert delivery.previous_secrets_drop(now=later) == 0  # once


def test_rotating_again_keeps_only_the_secret_just_replaced(make_endpoint, receiver, admin_user):
    endpoint = make_endpoint(events=["idea.published"])
    first = endpoint.plain_secret
    second = services.endpoint_rotate_secret(actor=admin_user, endpoint=endpoint)
    third = services.endpoint_rotate_secret(actor=admin_user, endpoint=endpoint)
    receiver.secret = [second, third]
    _send_test(admin_user, endpoint)
    receiver.secret = first
    _send_test(admin_user, endpoint)
    assert [r.verified for r in receiver.received] == [True, False]
    assert len(receiver.received[0].headers["webhook-signature"].split(" ")) == 2


def test_the_admin_page_rotates_with_the_overlap_or_without_it_and_audits(
    client, make_endpoint, receiver, admin_user, settings
):
    settings.WEBHOOK_SECRET_OVERLAP_HOURS = 6
    endpoint = make_endpoint(events=["idea.published"])
    old = endpoint.plain_secret
    client.force_login(admin_user)
    url = reverse("webhooks:rotate", args=[endpoint.pk])

    response = client.post(url, {"overlap": "default"})
    assert response.status_code == 200
    new = response.context["secret"]
    endpoint.refresh_from_db()
    assert endpoint.previous_secret_until is not None
    overlap = endpoint.previous_secret_until - timezone.now()
    assert timedelta(hours=5, minutes=59) < overlap <= timedelta(hours=6)
    page = client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    assert "Old secret" in page
    receiver.secret = old
    _send_test(admin_user, endpoint)

    response = client.post(url, {"overlap": "none"})  # the secret leaked: no overlap
    newest = response.context["secret"]
    endpoint.refresh_from_db()
    assert endpoint.previous_secret == ""
    assert endpoint.previous_secret_until is None
    receiver.secret = new
    _send_test(admin_user, endpoint)
    receiver.secret = newest
    _send_test(admin_user, endpoint)
    assert [r.verified for r in receiver.received] == [True, False, True]

    rotations = AuditEntry.objects.filter(action="webhook_rotate", actor=admin_user)
    assert [e.after["overlap_hours"] for e in rotations.order_by("pk")] == [6, 0]


def test_the_old_secret_is_stored_encrypted_and_re_encrypted_with_the_keys(
    make_endpoint, admin_user, settings
):
    from django.core.management import call_command

    from tests.accounts.test_encryption import NEW_KEY, OLD_KEY

    before = list(settings.FIELD_ENCRYPTION_KEYS)
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY, *before]
    endpoint = make_endpoint()
    old = endpoint.plain_secret
    services.endpoint_rotate_secret(actor=admin_user, endpoint=endpoint)
    stored = WebhookEndpoint.objects.get(pk=endpoint.pk).previous_secret
    assert stored.startswith("fernet:")
    assert old not in stored
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY, *before]
    call_command("rotate_encryption_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    endpoint.refresh_from_db()
    assert old in delivery.signing_secrets(endpoint, now=timezone.now())


def test_the_receiver_given_two_secrets_accepts_either():
    a, b, other = (signing.secret_generate() for _ in range(3))
    got = Receiver(secret=[a, b])
    server = serve(got)
    try:
        for secret in (a, b, other):
            body = b'{"type":"webhook.test"}'
            headers = signing.headers(secret=secret, message_id="msg_x", body=body)
            request = urllib.request.Request(
                f"http://127.0.0.1:{server.server_port}/", data=body, headers=headers
            )
            with contextlib.suppress(urllib.error.HTTPError):  # 401: refused, as it should
                urllib.request.urlopen(request, timeout=5)  # noqa: S310 (our own server)
    finally:
        server.shutdown()
        server.server_close()
    assert [r.verified for r in got.received] == [True, True, False]

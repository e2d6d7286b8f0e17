"""The administrators' webhook pages: register (the secret shown once), errors by field, the
delivery log, resend, test, disable and enable; closed to a session without the second factor.
(Every role against every page: tests/test_staff_pages.py.)"""

from django.test import Client
from django.urls import reverse

from accounts.audit import AuditEntry
from community.models import (
    DeliveryState,
    NotificationKind,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from community.notifications.preferences import kinds_for
from community.webhooks import services
from tests.helpers import queries_to_get


def test_registering_shows_the_secret_once(client, admin_user, receiver):
    client.force_login(admin_user)
    response = client.post(
        reverse("webhooks:create"),
        {"url": receiver.url, "description": "CRM", "role": "visitor", "events": ["idea.created"]},
    )
    assert response.status_code == 201
    endpoint = WebhookEndpoint.objects.get()
    secret = response.context["secret"]
    assert secret.startswith("whsec_")
    assert secret in response.content.decode()
    assert secret not in client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    assert AuditEntry.objects.filter(action="webhook_create", actor=admin_user).exists()


def test_the_form_names_what_is_wrong(client, admin_user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    client.force_login(admin_user)
    response = client.post(
        reverse("webhooks:create"),
        {"url": "https://127.0.0.1/hook", "role": "visitor", "events": ["complaint.opened"]},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "private, loopback" in form.errors["url"][0]
    assert "does not see these" in form.errors["events"][0]
    assert not WebhookEndpoint.objects.exists()


def test_the_delivery_log_shows_codes_and_resends(
    client, admin_user, make_endpoint, receiver, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(events=["idea.created"])
    receiver.status = 502
    with django_capture_on_commit_callbacks(execute=True):
        (made,) = services.deliveries_create(
            event_type="idea.created", source="t", build=lambda role: {"n": 1}
        )
    client.force_login(admin_user)
    page = client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    assert "HTTP 502" in page
    attempt = WebhookAttempt.objects.get()
    detail = client.get(reverse("webhooks:delivery", args=[made.pk])).content.decode()
    assert made.message_id in detail
    assert f"{attempt.duration_ms} ms" in detail

    receiver.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("webhooks:resend", args=[made.pk]))
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.state == DeliveryState.DELIVERED
    assert made.attempts == 2


def test_the_delivery_log_makes_the_same_queries_whatever_its_length(
    client, admin_user, make_endpoint
):
    endpoint = make_endpoint(events=["idea.created"])
    client.force_login(admin_user)
    url = reverse("webhooks:detail", args=[endpoint.pk])

    def add(n: int) -> None:
        for i in range(n):
            services.deliveries_create(
                event_type="idea.created", source=f"{n}-{i}", build=lambda role: {}
            )

    add(2)
    few = queries_to_get(client, url)
    add(20)
    assert queries_to_get(client, url) == few


def test_disable_and_enable_are_audited(client, admin_user, make_endpoint):
    endpoint = make_endpoint()
    client.force_login(admin_user)
    client.post(reverse("webhooks:disable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    client.post(reverse("webhooks:enable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.is_active
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"webhook_disable", "webhook_enable"} <= actions


def test_the_test_button_sends_a_signed_test_event(
    client, admin_user, make_endpoint, receiver, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint()
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("webhooks:test", args=[endpoint.pk]))
    sent = WebhookDelivery.objects.get(event_type="webhook.test")
    assert response["Location"] == reverse("webhooks:delivery", args=[sent.pk])
    (message,) = receiver.received
    assert message.verified


def test_an_admin_session_without_the_second_factor_is_sent_for_a_code(admin_user, make_endpoint):
    plain = Client()  # a password-only session: no "mfa" record (tests.helpers.SignedInClient)
    plain.force_login(admin_user)
    response = plain.get(reverse("webhooks:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_only_those_who_manage_webhooks_choose_how_to_hear_of_a_disabled_endpoint(
    admin_user, moderator
):
    assert NotificationKind.WEBHOOK_DISABLED in kinds_for(user=admin_user)
    assert NotificationKind.WEBHOOK_DISABLED not in kinds_for(user=moderator)

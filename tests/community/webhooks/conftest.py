"""Webhooks' fixtures: a real receiver on 127.0.0.1 (community.webhooks.receiver, in a thread),
and endpoints pointing at it, with private networks and plain http allowed in these tests'
settings (the SSRF tests turn them off again)."""

import pytest

from community.webhooks import services
from community.webhooks.catalog import EVENT_TYPES, EndpointRole
from community.webhooks.receiver import Receiver, serve


@pytest.fixture(autouse=True)
def _receivers_on_this_machine(settings):  # type: ignore[no-untyped-def]
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 2.0


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    """A receiver checking signatures with a secret set by `make_endpoint`; `.url` is its
    address. Answers 204 unless the test sets `.status`."""
    got = Receiver(secret="")
    server = serve(got)
    got.url = f"http://127.0.0.1:{server.server_port}/hooks"  # type: ignore[attr-defined]
    yield got
    server.shutdown()
    server.server_close()


@pytest.fixture
def make_endpoint(admin_user, receiver):  # type: ignore[no-untyped-def]
    def make(role: str = EndpointRole.VISITOR, events=None, url: str = ""):  # type: ignore[no-untyped-def]
        endpoint, secret = services.endpoint_create(
            actor=admin_user,
            url=url or receiver.url,
            events=events
            or [code for code in EVENT_TYPES if services.role_may_receive(role, code)],
            role=role,
        )
        receiver.secret = secret
        endpoint.plain_secret = secret
        return endpoint

    return make


@pytest.fixture
def deliver_to_webhooks(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run the webhooks' consumers (only them: the themes' and sentiment's load sentence
    encoders) on every waiting outbox event, as config.outbox.delivery does, and the sends they
    queue on commit. Runs twice as it would after a crash: no claim rows are written."""
    from django.db import transaction

    from config.outbox.events import consumers_of, delivering, event_class
    from config.outbox.models import OutboxEvent

    def deliver() -> None:
        for row in OutboxEvent.objects.filter(delivered_at__isnull=True).order_by("pk"):
            cls = event_class(row.name)
            assert cls is not None
            for consumer in consumers_of(row.name):
                if consumer.key.startswith("community.webhooks."):
                    with (
                        django_capture_on_commit_callbacks(execute=True),
                        transaction.atomic(),
                        delivering(row.pk),
                    ):
                        consumer.handle(cls(**row.payload))

    return deliver

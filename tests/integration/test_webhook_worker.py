"""A status change travels through the outbox and the broker to a real worker process, which
makes the webhook delivery and sends it, signed, to a receiver on 127.0.0.1."""

import pytest

from community.models import DeliveryState, WebhookDelivery
from community.webhooks import services
from community.webhooks.catalog import EndpointRole
from community.webhooks.receiver import Receiver, serve
from ideas.models import Status
from ideas.services import idea_change_status
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.integration


def test_a_worker_process_delivers_the_webhook(start_worker, idea, moderator, admin_user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = settings.WEBHOOK_ALLOW_HTTP = True
    receiver = Receiver(secret="")
    server = serve(receiver)
    try:
        endpoint, receiver.secret = services.endpoint_create(
            actor=admin_user,
            url=f"http://127.0.0.1:{server.server_port}/",
            events=["idea.status_changed"],
            role=EndpointRole.VISITOR,
        )
        worker = start_worker(WEBHOOK_ALLOW_PRIVATE_NETWORKS="true", WEBHOOK_ALLOW_HTTP="true")
        idea_change_status(idea=idea, actor=moderator, to_status=Status.PLANNED, response="Yes.")
        wait_until(lambda: bool(receiver.received), seconds=60, worker=worker)
    finally:
        server.shutdown()
        server.server_close()
    (message,) = receiver.received
    assert message.verified
    assert message.json()["data"]["status_change"]["to_status"] == "planned"
    sent = WebhookDelivery.objects.get(endpoint=endpoint)
    wait_until(
        lambda: WebhookDelivery.objects.filter(pk=sent.pk, state=DeliveryState.DELIVERED).exists(),
        seconds=10,
        worker=worker,
    )
    assert "community.webhooks.tasks.send_webhook" in worker.output()

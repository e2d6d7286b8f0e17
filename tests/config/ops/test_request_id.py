"""Every response carries a request id, and every task queued while answering carries it too."""

import re
import uuid

import pytest

from config.celery import app as celery_app
from config.ops.requestid import TASK_HEADER

pytestmark = pytest.mark.django_db

GENERATED = re.compile(r"[0-9a-f]{32}")


def test_a_safe_request_id_from_the_proxy_is_kept_and_echoed(client):
    response = client.get("/ideas/", HTTP_X_REQUEST_ID="lb-7f3a9c.01_x")
    assert response["X-Request-ID"] == "lb-7f3a9c.01_x"


@pytest.mark.parametrize(
    "sent",
    ["", "a" * 65, "abc def", "id\r\nSet-Cookie: x=1", "<script>", "é-accent", "a;b=c"],
)
def test_an_unsafe_or_missing_request_id_is_replaced_by_a_new_one(client, sent):
    response = client.get("/ideas/", HTTP_X_REQUEST_ID=sent)
    assert GENERATED.fullmatch(response["X-Request-ID"])


def test_each_request_without_an_id_gets_its_own(client):
    first = client.get("/ideas/")["X-Request-ID"]
    second = client.get("/ideas/")["X-Request-ID"]
    assert GENERATED.fullmatch(first)
    assert first != second


def test_a_task_queued_by_a_vote_carries_the_request_id_to_the_broker(
    transactional_db, client, bob, idea
):
    """The vote's event is queued for delivery when its transaction commits, inside the request
    (a real commit: hence transactional_db)."""
    queue = f"test-requestid-{uuid.uuid4().hex[:10]}"
    saved = celery_app.conf.task_default_queue, celery_app.conf.task_always_eager
    celery_app.conf.task_default_queue, celery_app.conf.task_always_eager = queue, False
    try:
        client.force_login(bob)
        response = client.post(f"/ideas/{idea.pk}/vote/", HTTP_X_REQUEST_ID="vote-req-42")
        assert response.status_code == 302
        with celery_app.connection_for_write() as conn:
            message = conn.SimpleQueue(queue).get(timeout=5)
            message.ack()  # else Redis puts it back when the connection closes
            conn.default_channel.queue_purge(queue)
    finally:
        celery_app.conf.task_default_queue, celery_app.conf.task_always_eager = saved
    assert message.headers["task"] == "config.outbox.tasks.deliver_event"
    assert message.headers[TASK_HEADER] == "vote-req-42"


@pytest.mark.filterwarnings("ignore:task_always_eager has no effect on send_task")
def test_a_task_queued_outside_any_request_has_no_request_id():
    queue = f"test-requestid-{uuid.uuid4().hex[:10]}"
    celery_app.send_task("ideas.tasks.recluster_if_needed", queue=queue)
    with celery_app.connection_for_write() as conn:
        message = conn.SimpleQueue(queue).get(timeout=5)
        message.ack()
        conn.default_channel.queue_purge(queue)
    assert TASK_HEADER not in message.headers

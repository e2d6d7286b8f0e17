"""A real worker process: its heartbeat makes /health/ready pass, the tasks a request queued log
JSON lines carrying that request's id, and /metrics counts its task successes and failures."""

import json

import pytest

from config.ops.heartbeat import heartbeat_age
from config.ops.store import store
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.integration


def json_lines(text: str) -> list[dict[str, object]]:
    lines = []
    for raw in text.splitlines():
        if raw.startswith("{"):
            lines.append(json.loads(raw))
    return lines


def test_a_worker_beats_carries_the_request_id_and_its_outcomes_are_counted(
    start_worker, client, bob, idea, settings, tmp_path
):
    settings.OPS_STORE_URL = f"sqlite:///{tmp_path / 'ops.sqlite3'}"
    assert client.get("/health/ready").json()["checks"]["worker"]["status"] == "fail"

    worker = start_worker(
        OPS_STORE_URL=settings.OPS_STORE_URL,
        WORKER_HEARTBEAT_SECONDS="0.5",
        LOG_FORMAT="json",
        THEMES_BACKEND="tfidf",  # the start-up themes run stays light
    )
    wait_until(lambda: heartbeat_age() is not None, seconds=60, worker=worker)
    assert client.get("/health/ready").json()["checks"]["worker"]["status"] == "ok"

    client.force_login(bob)
    response = client.post(f"/ideas/{idea.pk}/vote/", HTTP_X_REQUEST_ID="vote-7c1e")
    assert response["X-Request-ID"] == "vote-7c1e"

    def vote_task_logged() -> bool:
        return any(
            line.get("task_name") == "config.outbox.tasks.deliver_event"
            and line.get("request_id") == "vote-7c1e"
            and "succeeded" in str(line.get("message"))
            for line in json_lines(worker.output())
        )

    wait_until(vote_task_logged, seconds=60, worker=worker)
    task_lines = [
        line
        for line in json_lines(worker.output())
        if line.get("task_name") == "config.outbox.tasks.deliver_event"
    ]
    # The vote's event is delivered under the vote's request id. Other deliveries may run too:
    # the worker's start-up themes run publishes an event webhooks consume, under no request.
    vote_lines = [line for line in task_lines if line.get("request_id") == "vote-7c1e"]
    assert vote_lines, [line.get("request_id") for line in task_lines]
    assert all(line.get("request_id") in ("vote-7c1e", None, "") for line in task_lines), [
        line.get("request_id") for line in task_lines
    ]
    assert any("succeeded" in str(line["message"]) for line in vote_lines), vote_lines

    # A task that fails in the worker (called with an argument it does not take).
    from config.celery import app as celery_app

    celery_app.send_task(
        "ideas.tasks.purge_masked_originals", kwargs={"unexpected": 1}, queue=worker.queue
    )

    def failure_counted() -> bool:
        return store().read("tasks").get("ideas.tasks.purge_masked_originals|failed", 0) >= 1

    wait_until(failure_counted, seconds=60, worker=worker)
    client.logout()
    metrics = client.get("/metrics").content.decode()
    # One delivery per event the worker has delivered: the vote's, and the start-up themes
    # run's when it has published (its event has a consumer, webhooks).
    delivered = sum(
        1 for line in json_lines(worker.output())
        if line.get("task_name") == "config.outbox.tasks.deliver_event"
        and "succeeded" in str(line.get("message"))
    )  # fmt: skip
    assert (
        'ruche_celery_tasks_total{task="config.outbox.tasks.deliver_event",outcome="succeeded"} '
        f"{delivered}" in metrics
    ), metrics
    assert (
        'ruche_celery_tasks_total{task="ideas.tasks.purge_masked_originals",outcome="failed"} 1'
        in metrics
    )
    failed = [
        line
        for line in json_lines(worker.output())
        if line.get("task_name") == "ideas.tasks.purge_masked_originals" and "exception" in line
    ]
    assert failed, worker.output()[-3000:]
    assert "TypeError" in str(failed[0]["exception"])

"""The worker outlives its broker: Redis stopped under a running worker (with a task in flight),
then started again, and the same worker process takes the next task by itself."""

import time
import uuid

import pytest

from config.celery import app as celery_app
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.integration


def test_the_same_worker_consumes_again_after_redis_comes_back(start_worker, own_redis):
    worker = start_worker(
        REDIS_URL=own_redis.url,
        THEMES_BACKEND="tfidf",
        # Keep a task in flight (acknowledged late) while Redis goes away: the moment kombu
        # restores unacknowledged messages, where #13's worker crashed.
        RUCHE_TEST_PUBLISH_PAUSE_SECONDS="8",  # tests/integration/worker_hooks.py
    )
    pid = worker.process.pid
    wait_until(lambda: "ready." in worker.output(), seconds=120, worker=worker)
    celery_app.send_task("ideas.tasks.recluster", kwargs={"trigger": "manual"}, queue=worker.queue)
    wait_until(lambda: "Pausing 8.0 s" in worker.output(), seconds=120, worker=worker)

    own_redis.stop()
    time.sleep(5)
    assert worker.process.poll() is None, worker.output()
    own_redis.start()

    after = str(uuid.uuid4())
    celery_app.send_task("ideas.tasks.trending_refresh", queue=worker.queue, task_id=after)
    wait_until(
        lambda: f"trending_refresh[{after}] succeeded" in worker.output(),
        seconds=60,
        worker=worker,
    )
    # The process started at the beginning never exited (wait_until fails if it does): the
    # task ran in it, not in a replacement.
    assert worker.process.poll() is None
    assert worker.process.pid == pid
    log = worker.output()
    assert "Connection to broker lost" in log  # it did lose Redis, and came back on its own
    assert "Unrecoverable error" not in log, log
    assert "AttributeError" not in log, log

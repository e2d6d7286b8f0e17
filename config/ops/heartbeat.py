"""The worker's heartbeat: a timestamp it writes to the operations store (config.ops.store) every
WORKER_HEARTBEAT_SECONDS, which /health/ready and /metrics read.

A thread in the worker's main process writes it, started when the worker is ready. It says the
worker process is alive and reaches the store, even during a long task (a nightly themes run takes
minutes); whether tasks are being consumed shows in the queue lengths of /metrics. With several
workers, any one of them keeps it fresh.
"""

import logging
import threading
import time
from typing import Any

from celery.signals import worker_ready, worker_shutdown
from django.conf import settings

from config.ops.store import store

logger = logging.getLogger(__name__)

KEY = "worker_heartbeat"
_stop = threading.Event()


def heartbeat_beat() -> None:
    store().put(KEY, time.time())


def heartbeat_age() -> float | None:
    """Seconds since the last heartbeat of any worker, or None if there never was one."""
    last = store().get(KEY)
    return None if last is None else max(0.0, time.time() - last)


def _beat_until_stopped() -> None:
    failing = False
    while True:
        try:
            heartbeat_beat()
            failing = False
        except Exception:
            if not failing:  # log the start of a failure, not every beat of it
                logger.warning("Could not write the worker heartbeat", exc_info=True)
            failing = True
        if _stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
            return


@worker_ready.connect
def _start_heartbeat(**kwargs: Any) -> None:
    _stop.clear()
    threading.Thread(target=_beat_until_stopped, name="ruche-heartbeat", daemon=True).start()


@worker_shutdown.connect
def _stop_heartbeat(**kwargs: Any) -> None:
    _stop.set()

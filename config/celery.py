"""The Celery application.

Broker: Redis when REDIS_URL is set, else a filesystem queue under var/ (see settings).
Production settings unless DJANGO_ENV says otherwise (config.env): `make run` sets it to local.
"""

from typing import Any

from celery import Celery
from celery.signals import celeryd_init

from config.env import use_settings_from_environment

use_settings_from_environment(default="production")

app = Celery("ruche")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["community.retention"])  # a package of its own, not an app


@celeryd_init.connect
def worker_broker_timeouts(conf: Any, **_: object) -> None:
    """`celery worker` only: its consumer blocks 1 s on each read of the queue, so its socket
    waits longer than a publisher's (settings.WORKER_BROKER_TIMEOUTS). Web processes and beat
    keep the short timeouts of REDIS_BROKER_TRANSPORT_OPTIONS."""
    from django.conf import settings

    options = conf.broker_transport_options
    if options and "socket_timeout" in options:
        conf.broker_transport_options = {**options, **settings.WORKER_BROKER_TIMEOUTS}

"""The Celery application.

Broker: Redis when REDIS_URL is set, else a filesystem queue under var/ (see settings).
Production settings unless DJANGO_ENV says otherwise (config.env): `make run` sets it to local.
"""

from celery import Celery

from config.env import use_settings_from_environment

use_settings_from_environment(default="production")

app = Celery("ruche")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["community.retention"])  # a package of its own, not an app

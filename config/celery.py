"""The Celery application.

Broker: Redis when REDIS_URL is set, else a filesystem queue under var/ (see settings).
"""

from celery import Celery

from config.env import use_settings_from_environment

use_settings_from_environment()

app = Celery("ruche")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

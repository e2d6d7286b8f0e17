"""The Celery app of the workers the integration tests start (`celery -A
tests.integration.worker_hooks worker`, tests/integration/conftest.py): the project's own app,
plus pauses the tests install from outside, so that production code carries no test switch.

Each pause is asked for with an environment variable of the worker process:

- `RUCHE_TEST_EMAIL_PAUSE_AFTER=N`: once this process has sent N emails, it waits 60 s before
  sending the next one, claimed and not sent (to kill the worker there).
- `RUCHE_TEST_PUBLISH_PAUSE_SECONDS=S`: a themes run waits S seconds inside its publishing
  transaction, its themes written and the run not yet published (to kill it there, or to keep
  a task in flight while the broker goes away).

Without them, this is `config.celery.app` unchanged.
"""

import logging
import os
import time
from functools import wraps
from typing import Any

import django

from config.celery import app

logger = logging.getLogger(__name__)

django.setup()  # the patched modules below import models


def _pause_emails(after: int) -> None:
    from django.core.mail import EmailMessage

    send = EmailMessage.send
    sent = 0

    @wraps(send)
    def send_with_a_pause(message: EmailMessage, *args: Any, **kwargs: Any) -> int:
        nonlocal sent
        if sent == after:
            logger.warning(
                "Pausing 60 s before sending email to %s (claimed, not sent)", message.to
            )
            time.sleep(60)
        result = send(message, *args, **kwargs)
        sent += 1
        return result

    EmailMessage.send = send_with_a_pause  # type: ignore[method-assign,assignment]


def _pause_publishing(seconds: float) -> None:
    from ideas.themes import runs

    events = runs._events  # computed inside run_publish's transaction, just before it publishes

    @wraps(events)
    def events_then_pause(run: Any, *args: Any, **kwargs: Any) -> Any:
        made = events(run, *args, **kwargs)
        logger.warning("Pausing %s s before publishing run %s", seconds, run.pk)
        time.sleep(seconds)
        return made

    runs._events = events_then_pause


if after := int(os.environ.get("RUCHE_TEST_EMAIL_PAUSE_AFTER", "0")):
    _pause_emails(after)
if seconds := float(os.environ.get("RUCHE_TEST_PUBLISH_PAUSE_SECONDS", "0")):
    _pause_publishing(seconds)

__all__ = ["app"]

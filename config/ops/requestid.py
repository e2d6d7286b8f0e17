"""A request id that ties together the log lines of one request and of the tasks it queued.

1. RequestIdMiddleware takes the X-Request-ID header when it is a short safe token (a proxy or
   load balancer may set one), or makes a new one; it sets `current_request_id` until the
   response is sent and echoes the id in the response's X-Request-ID header.
2. Every task published while it is set carries it in a message header (before_task_publish),
   including tasks queued on commit and tasks queued by a task.
3. In the worker, task_prerun puts the header back into `current_request_id`; task_postrun clears
   it. The JSON log formatter (config.ops.logs) writes it on every line.
"""

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
TASK_HEADER = "ruche_request_id"
# Letters, digits, dot, dash, underscore, at most 64: safe in a log line and a header as it is.
SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

current_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def request_id_from(value: str | None) -> str:
    """The id sent by the client if it is a safe token, else a new one."""
    if value and SAFE_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        # Not reset on the way out: Django logs 4xx and 5xx answers ("Not Found: /x") after the
        # last middleware returns. request_finished clears it once the response is sent.
        current_request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


@receiver(request_finished)
def _request_id_cleared(**kwargs: Any) -> None:
    current_request_id.set(None)


@before_task_publish.connect
def _add_request_id_header(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    request_id = current_request_id.get()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


@task_prerun.connect
def _request_id_into_task(task: Any = None, **kwargs: Any) -> None:
    if task is None or task.request.is_eager:
        return  # an eager task runs inside the request: the id is already set
    value = task.request.get(TASK_HEADER)
    current_request_id.set(value if isinstance(value, str) and SAFE_ID.fullmatch(value) else None)


@task_postrun.connect
def _request_id_out_of_task(task: Any = None, **kwargs: Any) -> None:
    if task is not None and not task.request.is_eager:
        current_request_id.set(None)

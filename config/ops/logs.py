"""JSON log lines for production: one object per line, which log collectors parse without rules.

Fields: time (UTC, ISO 8601 with milliseconds), level, logger, message, request_id (null outside
a request or task), exception (the formatted traceback) when there is one, and task_id and
task_name on the lines written inside a Celery task.
"""

import json
import logging
from datetime import UTC, datetime
from typing import Any

from celery._state import get_current_task

from config.ops.requestid import current_request_id


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": current_request_id.get(),
        }
        task = get_current_task()  # as Celery's own TaskFormatter finds it
        if task is not None and task.request.id:
            entry["task_id"], entry["task_name"] = task.request.id, task.name
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)

"""JSON log lines in production, one object per line, with the request id."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.ops.logs import JsonFormatter
from config.ops.requestid import current_request_id

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def json_lines():  # type: ignore[no-untyped-def]
    """Log lines of every logger, formatted as production formats them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


@pytest.mark.django_db
def test_a_line_logged_while_answering_a_request_carries_its_request_id(client, json_lines):
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-abc-123")
    [line] = [entry for entry in json_lines() if entry["logger"] == "django.request"]
    assert line["request_id"] == "req-abc-123"
    assert line["level"] == "WARNING"
    assert line["message"] == "Not Found: /no-such-page/"
    assert line["time"].endswith("+00:00")
    assert "exception" not in line


def test_an_exception_is_one_field_of_one_line(json_lines):
    token = current_request_id.set("req-xyz")
    try:
        try:
            dict[str, int]()["missing"]
        except KeyError:
            logging.getLogger("ruche.test").exception("Lookup failed for %s", "missing")
    finally:
        current_request_id.reset(token)
    [line] = json_lines()
    assert line["message"] == "Lookup failed for missing"
    assert line["request_id"] == "req-xyz"
    assert line["level"] == "ERROR"
    assert "Traceback" in line["exception"]
    assert "KeyError: 'missing'" in line["exception"]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "LOG_FORMAT")
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


LOG_A_LINE = "import logging; logging.getLogger('ruche.check').warning('hello from %s', 'prod')"
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "ideas.example.com",
    "FIELD_ENCRYPTION_KEYS": "8P1k3xXxJb2Qy3m2m0Gk4o9yQy0sZr3m5e0Yd8m1v6Q=",
}


def test_production_writes_json_lines_and_local_stays_readable():
    production = manage("shell", "-c", LOG_A_LINE, **PRODUCTION)
    assert production.returncode == 0, production.stderr
    line = json.loads(production.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello from prod"
    assert line["logger"] == "ruche.check"
    assert line["request_id"] is None

    local = manage("shell", "-c", LOG_A_LINE, DJANGO_ENV="local")
    assert local.returncode == 0, local.stderr
    assert local.stderr.strip().splitlines()[-1].endswith("WARNING ruche.check hello from prod")


def test_an_unknown_log_format_is_refused_with_a_clear_error():
    result = manage("check", LOG_FORMAT="xml", **PRODUCTION)
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or plain, not 'xml'" in result.stderr

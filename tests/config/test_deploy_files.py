"""The deploy files (deploy/) name real modules, settings and endpoints, so they cannot drift
from the code: a renamed module, a new required variable or a moved health URL fails here."""

import configparser
import importlib.util
import re
import shlex
from pathlib import Path

import pytest
import yaml

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = ("ruche-web.service", "ruche-worker.service", "ruche-beat.service", "ruche-similar.service")


def compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def unit(name: str) -> configparser.RawConfigParser:
    # systemd repeats some keys (Environment=, SystemCallFilter=): keep going, last one wins.
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((DEPLOY / "systemd" / name).read_text())
    return parser


def dockerfile_cmd() -> list[str]:
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    match = re.search(r"^CMD (\[.*\])$", text, re.MULTILINE)
    assert match, "the Dockerfile has a CMD in exec form"
    return list(yaml.safe_load(match.group(1)))


def env_example_names() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?\s?([A-Z][A-Z0-9_]+)=", text, re.MULTILINE))


def check_command(argv: list[str]) -> str:
    """Assert a command starts the site or the worker from modules that exist; say which."""
    program = Path(argv[0]).name
    if program == "gunicorn":
        module, _, attribute = argv[1].partition(":")
        assert importlib.util.find_spec(module) is not None, module
        source = Path(importlib.util.find_spec(module).origin).read_text()  # type: ignore[arg-type,union-attr]
        assert re.search(rf"^{attribute or 'application'} = ", source, re.MULTILINE)
        return "web"
    if program == "celery":
        assert argv[1:3] == ["-A", "config"]
        assert importlib.util.find_spec("config.celery") is not None
        assert argv[3] in ("worker", "beat")
        return argv[3]
    if program == "python" and argv[1] == "manage.py":
        from django.core.management import get_commands

        assert argv[2] in get_commands()
        return argv[2]
    raise AssertionError(f"unexpected command {argv}")


def test_compose_runs_the_web_worker_beat_and_their_services() -> None:
    services = compose()["services"]

    roles = {
        name: check_command(s["command"])
        for name, s in services.items()
        if "command" in s and name not in ("redis",)
    }

    assert roles == {
        "migrate": "migrate",
        "web": "web",
        "worker": "worker",
        "beat": "beat",
        "similar": "serve_similar",
    }
    assert {"postgres", "redis"} <= set(services)
    for name in ("postgres", "redis", "web", "worker", "similar"):
        assert services[name]["healthcheck"]["test"], name
    assert "/health/live" in " ".join(services["web"]["healthcheck"]["test"])


def test_compose_sets_only_variables_the_settings_read() -> None:
    environment = compose()["services"]["web"]["environment"]
    documented = env_example_names()

    assert environment["DJANGO_ENV"] == "production"
    assert set(environment) <= documented, set(environment) - documented
    for required in (
        "SECRET_KEY",
        "FIELD_ENCRYPTION_KEYS",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        "SITE_URL",
    ):
        assert required in environment


# Files one process writes and another reads: the web's uploads the worker imports, the
# worker's audit exports the web serves.
HANDED_OVER = ("SIGNALS_UPLOAD_DIR", "AUDIT_EXPORT_DIR")


def unit_environment(name: str) -> dict[str, str]:
    lines = (DEPLOY / "systemd" / name).read_text().splitlines()
    pairs = [line.removeprefix("Environment=").split("=", 1) for line in lines]
    return {pair[0]: pair[1] for pair in pairs if len(pair) == 2 and pair[0] in HANDED_OVER}


def test_the_web_and_the_worker_hand_files_over_in_one_shared_private_place() -> None:
    services = compose()["services"]
    web, worker = services["web"], services["worker"]
    assert web["volumes"] == worker["volumes"]
    mounts = [volume.split(":")[1] for volume in web["volumes"]]
    media = web["environment"]["MEDIA_ROOT"]
    for name in HANDED_OVER:
        path = web["environment"][name]
        assert worker["environment"][name] == path
        # On a volume both containers mount, not the container's own disk; never served.
        assert any(path.startswith(f"{mount}/") for mount in mounts), (name, path)
        assert not path.startswith(media), (name, path)

    web_unit, worker_unit = (
        unit_environment("ruche-web.service"),
        unit_environment("ruche-worker.service"),
    )
    assert set(web_unit) == set(HANDED_OVER)
    assert web_unit == worker_unit
    # ProtectSystem=strict: the state directory is the only place the units may write.
    assert all(path.startswith("/var/lib/ruche/") for path in web_unit.values()), web_unit


@pytest.mark.parametrize("name", UNITS)
def test_systemd_units_start_real_modules_hardened(name: str) -> None:
    service = unit(name)["Service"]
    argv = shlex.split(service["ExecStart"])

    assert argv[0].startswith("/opt/ruche/.venv/bin/")
    role = name.removeprefix("ruche-").removesuffix(".service")
    assert check_command(argv) == {"similar": "serve_similar"}.get(role, role)
    assert service["User"] == "ruche"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["CapabilityBoundingSet"] == ""
    assert "DJANGO_ENV=production" in (DEPLOY / "systemd" / name).read_text()


def test_the_image_runs_the_same_web_command_as_a_non_root_user() -> None:
    text = (DEPLOY / "Dockerfile").read_text()

    assert "FROM python:3.11-slim" in text
    assert re.search(r"^USER ruche$", text, re.MULTILINE)
    assert check_command(dockerfile_cmd()) == "web"
    assert dockerfile_cmd()[1:] == compose()["services"]["web"]["command"][1:]
    assert "--require-hashes" in text
    assert "collectstatic" in text


def test_the_healthcheck_url_answers(client, db) -> None:  # type: ignore[no-untyped-def]
    assert "http://127.0.0.1:8000/health/live" in (DEPLOY / "Dockerfile").read_text()

    response = client.get("/health/live", HTTP_HOST="127.0.0.1:8000")

    assert response.status_code == 200


def test_every_scheduled_task_exists() -> None:
    """Beat sends these by name: a renamed task would be sent and never run."""
    from django.conf import settings

    celery_app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in celery_app.tasks, entry["task"]


def test_no_task_may_run_longer_than_the_broker_waits_for_a_dead_worker() -> None:
    """A late-acknowledged task still running past the visibility timeout would be delivered to a
    second worker and run twice at once (a file import, a themes run)."""
    from django.conf import settings

    celery_app.loader.import_default_modules()
    visibility = settings.REDIS_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    ours = [task for name, task in celery_app.tasks.items() if not name.startswith("celery.")]
    assert len(ours) > 10
    for task in ours:
        limit = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        assert limit + 60 <= visibility, (task.name, limit, visibility)
    slowest = max(ours, key=lambda task: task.time_limit or 0)
    assert slowest.name == "ideas.tasks.signal_upload_run"


def test_every_web_command_takes_the_one_gunicorn_settings_module() -> None:
    """The unit, compose and the image start gunicorn with config.gunicorn and override none of
    its process settings, so the worker model measured by `make loadtest` is the one deployed."""
    commands = [
        shlex.split(unit("ruche-web.service")["Service"]["ExecStart"]),
        compose()["services"]["web"]["command"],
        dockerfile_cmd(),
    ]
    for argv in commands:
        assert argv[2:4] == ["-c", "python:config.gunicorn"], argv
        assert not {"--workers", "-w", "--threads", "--worker-class", "-k"} & set(argv), argv


def test_gunicorn_runs_two_sync_workers_per_cpu_plus_one(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from config import gunicorn

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr(gunicorn.os, "sched_getaffinity", lambda pid: {0, 1, 2})

    assert gunicorn.default_workers() == 7
    assert gunicorn.worker_class == "sync"


def test_without_an_affinity_call_every_cpu_of_the_machine_counts(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from config import gunicorn

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delattr(gunicorn.os, "sched_getaffinity")  # as on macOS
    monkeypatch.setattr(gunicorn.os, "cpu_count", lambda: 4)

    assert gunicorn.default_workers() == 9


@pytest.mark.parametrize(("value", "workers"), [("3", 3), (" 12 ", 12)])
def test_web_concurrency_sets_the_number_of_gunicorn_workers(monkeypatch, value, workers) -> None:  # type: ignore[no-untyped-def]
    from config import gunicorn

    monkeypatch.setenv("WEB_CONCURRENCY", value)

    assert gunicorn.default_workers() == workers


@pytest.mark.parametrize("value", ["0", "-2", "four"])
def test_a_web_concurrency_that_is_not_a_positive_number_is_refused(monkeypatch, value) -> None:  # type: ignore[no-untyped-def]
    from config import gunicorn

    monkeypatch.setenv("WEB_CONCURRENCY", value)

    with pytest.raises(ValueError, match="WEB_CONCURRENCY must be a whole number"):
        gunicorn.default_workers()

"""Production refuses to start without its secrets and passes Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "kX9#mQ2$vL7!pR4&tW8*zN3^bF6(hJ1)cD5@gS0%yE2+uA7=iO4-eT9~wQ3_rY6"
FERNET_KEY = "8P1k3xXxJb2Qy3m2m0Gk4o9yQy0sZr3m5e0Yd8m1v6Q="


def run(command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """Run `command` in the project with a clean environment plus `env`."""
    inherited = (
        "DJANGO_ENV",
        "DJANGO_SETTINGS_MODULE",
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "FIELD_ENCRYPTION_KEYS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    )
    clean = {k: v for k, v in os.environ.items() if k not in inherited}
    return subprocess.run(  # noqa: S603
        command,
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "manage.py", *args], **env)


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="ideas.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", DJANGO_ENV="production", SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_production_passes_the_deployment_checks_with_no_warning():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="ideas.example.com",
        FIELD_ENCRYPTION_KEYS=FERNET_KEY,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_key_for_stored_secrets():
    production = {"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "ideas.example.com"}
    result = manage("check", DJANGO_ENV="production", **production)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS is not set" in result.stderr
    result = manage("check", DJANGO_ENV="production", FIELD_ENCRYPTION_KEYS="short", **production)
    assert result.returncode != 0
    assert "key 1 is not a Fernet key" in result.stderr


def test_an_unknown_environment_is_refused_with_a_message():
    result = manage("check", DJANGO_ENV="staging")
    assert result.returncode != 0
    assert "DJANGO_ENV must be one of local, test, production" in result.stderr


@pytest.mark.parametrize("env_file", [ROOT / ".env.example"])
def test_every_variable_read_by_the_settings_is_documented(env_file):
    import re

    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", env_file.read_text(), re.MULTILINE))
    read = set()
    for path in (ROOT / "config" / "settings").glob("*.py"):
        read |= set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", path.read_text()))
    read |= {"GOOGLE_CLIENT_ID", "FACEBOOK_CLIENT_ID", "TWITTER_CLIENT_ID", "LINKEDIN_CLIENT_ID"}
    # Single sign-on's variables, read by accounts/sso/config.py for the settings.
    sso = re.findall(r"\"(SSO_[A-Z0-9_]+)\"", (ROOT / "accounts/sso/config.py").read_text())
    assert len(set(sso)) > 15
    read |= set(sso)
    assert read - documented == set()


# --- A forgotten DJANGO_ENV never serves the site with development settings ---------------------

SERVING_ENTRY_POINTS = {
    "wsgi": "import config.wsgi",
    "asgi": "import config.asgi",
    # The Celery app reads the settings when it is configured, not when it is imported.
    "celery": "from config.celery import app; app.conf.broker_url",
}


@pytest.mark.parametrize("entry_point", SERVING_ENTRY_POINTS)
def test_a_serving_entry_point_without_django_env_uses_production_settings(entry_point):
    """gunicorn, an ASGI server or a Celery worker started with DJANGO_ENV forgotten must not run
    with DEBUG on and the public development key: production refuses to start without a key."""
    result = run([sys.executable, "-c", SERVING_ENTRY_POINTS[entry_point]])
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


def test_manage_py_without_django_env_still_uses_local_settings_for_developers():
    show = "from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG)"
    result = manage("shell", "--verbosity", "0", "-c", show)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["config.settings.local", "True"]


@pytest.mark.parametrize(
    "hosts",
    ["ideas.bank.example", "127.0.0.1,ideas.bank.example", "*", "0.0.0.0", "10.0.0.5"],  # noqa: S104
)
def test_local_settings_refuse_a_host_name_other_than_loopback(hosts):
    """The development key must never sign sessions of a site reachable under a real name."""
    result = manage("check", DJANGO_ENV="local", ALLOWED_HOSTS=hosts)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_ENV=production" in result.stderr


def test_local_settings_accept_loopback_host_names():
    result = manage(
        "check", DJANGO_ENV="local", ALLOWED_HOSTS="127.0.0.1,localhost,[::1],ruche.localhost"
    )
    assert result.returncode == 0, result.stderr


def test_the_suite_keeps_uploaded_signal_files_in_its_run_folder(settings, tmp_path_factory):
    """Never var/ (each run left a test-signal-uploads-<pid> folder there), nor the checkout's
    own upload folder, which the retention tests sweep."""
    uploads = Path(settings.SIGNALS_UPLOAD_DIR)
    assert uploads.is_relative_to(tmp_path_factory.getbasetemp())
    assert not uploads.is_relative_to(ROOT)


def test_make_runs_filesystem_broker_connects_without_kombus_hostname_warning():
    """`make run`'s embedded broker: every command that publishes used to print "No hostname was
    supplied" (kombu's warning for a URL without a host, which that transport ignores)."""
    connect = (
        "from config.celery import app; "
        "connection = app.connection_for_write(); "
        "print(connection.transport_cls, connection.info()['hostname'])"
    )
    result = run(
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", connect],
        DJANGO_ENV="local",
        REDIS_URL="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["filesystem", "localhost"]
    assert "No hostname" not in result.stderr

"""Production refuses to start without its secrets and passes Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "kX9#mQ2$vL7!pR4&tW8*zN3^bF6(hJ1)cD5@gS0%yE2+uA7=iO4-eT9~wQ3_rY6"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    inherited = (
        "DJANGO_SETTINGS_MODULE",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    )
    clean = {k: v for k, v in os.environ.items() if k not in inherited}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


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
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


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
    assert read - documented == set()

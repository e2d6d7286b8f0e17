"""Pick the settings module from DJANGO_ENV, so one variable switches environments."""

import os

ENVIRONMENTS = ("local", "test", "production")


def use_settings_from_environment(*, default: str = "local") -> None:
    """Set DJANGO_SETTINGS_MODULE from DJANGO_ENV unless it is already set.

    `default` applies when DJANGO_ENV is unset: `local` for manage.py (developers), `production`
    for what serves the site (wsgi, asgi, the Celery worker), so that forgetting the variable on
    a server never runs it with DEBUG on and the public development key: production settings
    refuse to start without SECRET_KEY and ALLOWED_HOSTS instead."""
    name = os.environ.get("DJANGO_ENV", default)
    if name not in ENVIRONMENTS:
        raise SystemExit(f"DJANGO_ENV must be one of {', '.join(ENVIRONMENTS)}, not {name!r}.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"config.settings.{name}")

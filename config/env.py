"""Pick the settings module from DJANGO_ENV, so one variable switches environments."""

import os

ENVIRONMENTS = ("local", "test", "production")


def use_settings_from_environment() -> None:
    """Set DJANGO_SETTINGS_MODULE from DJANGO_ENV (default ``local``) unless it is already set."""
    name = os.environ.get("DJANGO_ENV", "local")
    if name not in ENVIRONMENTS:
        raise SystemExit(f"DJANGO_ENV must be one of {', '.join(ENVIRONMENTS)}, not {name!r}.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"config.settings.{name}")

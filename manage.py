#!/usr/bin/env python
"""Django's command-line utility. DJANGO_ENV (local, test, production) picks the settings."""

import os
import sys

# Unset, local: manage.py is for developers. Set before `config` loads, since its Celery app,
# like the other serving entry points, defaults to production (config.env).
os.environ.setdefault("DJANGO_ENV", "local")

from config.env import use_settings_from_environment


def main() -> None:
    use_settings_from_environment()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

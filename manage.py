#!/usr/bin/env python
"""Django's command-line utility. DJANGO_ENV (local, test, production) picks the settings."""

import sys

from config.env import use_settings_from_environment


def main() -> None:
    use_settings_from_environment()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

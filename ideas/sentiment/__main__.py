"""Allows `python -m ideas.sentiment ...`."""

import sys

from ideas.sentiment.cli import main

sys.exit(main())

"""Allows `python -m ideas.pii ...`."""

import sys

from ideas.pii.cli import main

sys.exit(main())

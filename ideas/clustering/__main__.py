"""Allows `python -m ideas.clustering ...`."""

import sys

from ideas.clustering.cli import main

sys.exit(main())

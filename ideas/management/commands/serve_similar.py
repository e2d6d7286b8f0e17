import contextlib
import signal
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ideas.themes.similar import parse_address
from ideas.themes.similar_server import serve


class Command(BaseCommand):
    help = (
        "Serve similar-ideas searches to the web workers: loads the sentence encoders and the "
        "stored idea vectors once, and keeps them fresh (docs/operations.md)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--listen",
            default=None,
            help="unix:///path.sock or http://host:port (default: SIMILAR_SEARCH_URL)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["listen"] or settings.SIMILAR_SEARCH_URL
        try:
            address = parse_address(url)
        except ValueError as exc:
            raise CommandError(f"{exc} (set SIMILAR_SEARCH_URL or --listen)") from exc
        # SIGTERM (systemd, docker stop) ends it like Ctrl-C: the unix socket file is removed.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        with contextlib.suppress(KeyboardInterrupt):
            serve(address, refresh_seconds=settings.SIMILAR_SEARCH_REFRESH_SECONDS)

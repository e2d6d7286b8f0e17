"""The similar-ideas search process: one `SimilarSearch` answering the web workers over HTTP.

    POST /search  {"text": "...", "k": 5, "exclude": 12}  ->  {"results": [[id, cosine], ...]}
    GET  /health                                          ->  {"status": "ready", "vectors": ...}

It listens on a unix socket (the default, under var/) or on a TCP address, answers 503
{"status": "loading"} until the encoders and vectors are loaded, and polls the database for
changed vectors every SIMILAR_SEARCH_REFRESH_SECONDS. Texts are never logged nor answered.
"""

import json
import logging
import os
import resource
import socketserver
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from django.db import close_old_connections, connection

from ideas.clustering.vectors import one_thread_each
from ideas.themes.similar import Address
from ideas.themes.similar_search import SimilarSearch, Unavailable

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 16_384  # the web side sends at most 300 characters of text
MAX_K = 50


def rss_mb() -> float:
    """Peak resident memory of this process (ru_maxrss is in kB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class Handler(BaseHTTPRequestHandler):
    server: "SearchServer"  # type: ignore[assignment]
    protocol_version = "HTTP/1.0"

    def address_string(self) -> str:  # a unix socket has no client address
        return "local"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per request would be noise; failures are logged below

    def answer(self, status: int, payload: dict[str, object]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path != "/health":
            self.answer(404, {"status": "not found"})
            return
        search = self.server.search
        ready = self.server.ready.is_set()
        status = "ready" if ready else "loading"
        if ready and search.embedder is None:
            status = "no sentence encoder"
        self.answer(
            200 if ready else 503, {"status": status, **search.status(), "rss_mb": rss_mb()}
        )

    def do_POST(self) -> None:
        if self.path != "/search":
            self.answer(404, {"status": "not found"})
            return
        if not self.server.ready.is_set():
            self.answer(503, {"status": "loading"})
            return
        try:
            length = int(self.headers.get("Content-Length", "0"))
            if not 0 < length <= MAX_BODY_BYTES:
                raise ValueError("body size")
            query = json.loads(self.rfile.read(length))
            text, k, exclude = query["text"], int(query.get("k", 5)), query.get("exclude")
            if not isinstance(text, str) or not 0 < k <= MAX_K:
                raise ValueError("text or k")
            exclude = int(exclude) if exclude is not None else None
        except (ValueError, KeyError, TypeError):
            self.answer(400, {"status": "expected {text, k, exclude}"})
            return
        try:
            results = self.server.search.search(text, k=k, exclude=exclude)
        except Unavailable as exc:
            self.answer(503, {"status": str(exc)})
            return
        except Exception:
            logger.exception("Similar-ideas search failed")
            self.answer(500, {"status": "search failed"})
            return
        self.answer(200, {"results": [[pk, round(score, 4)] for pk, score in results]})


class _ErrorsLogged:
    """A web worker that stopped waiting (its timeout, the member typed on) closes the socket
    before the answer: one log line, not the traceback socketserver prints on stderr."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):  # broken pipe, reset, aborted
            logger.info("Similar-ideas search: the caller stopped waiting before the answer")
        else:
            logger.exception("Similar-ideas search: error while answering")


class SearchServer(_ErrorsLogged, ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], search: SimilarSearch) -> None:
        self.search = search
        self.ready = threading.Event()
        super().__init__(address, Handler)


class UnixSearchServer(_ErrorsLogged, socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def __init__(self, path: str, search: SimilarSearch) -> None:
        self.search = search
        self.ready = threading.Event()
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).unlink(missing_ok=True)  # left by a process that was killed
        old_umask = os.umask(0o177)  # rw for the site's own user only
        try:
            super().__init__(path, Handler)
        finally:
            os.umask(old_umask)


def make_server(address: Address, search: SimilarSearch) -> SearchServer | UnixSearchServer:
    if address.path:
        return UnixSearchServer(address.path, search)
    return SearchServer((address.host, address.port), search)


def keep_fresh(search: SimilarSearch, every: float, stop: threading.Event) -> None:
    """Poll for changed vectors until stopped; a database outage only delays the next look."""
    while not stop.wait(every):
        try:
            close_old_connections()
            changed = search.refresh()
            if changed:
                logger.info("Similar-ideas search: %d vectors changed", changed)
        except Exception:
            logger.warning("Similar-ideas refresh failed; retrying", exc_info=True)
            connection.close()


# One query in each language before answering: the first real query would otherwise pay for
# the encoders' and the index's first touch.
WARM_UP_TEXTS = ("Recevoir une alerte quand mon salaire arrive", "Notify me when my salary lands")


def warm_up(search: SimilarSearch) -> None:
    for text in WARM_UP_TEXTS:
        try:
            search.search(text, k=5, exclude=None)
        except Exception:  # a query that fails now fails again, answered, when someone asks
            logger.warning("Similar-ideas warm-up query failed", exc_info=True)
            return


def serve(address: Address, *, refresh_seconds: float) -> None:
    """Listen at once (answering "loading"), load, then answer and keep fresh until stopped."""
    one_thread_each()  # one query per core, side by side: see its docstring
    search = SimilarSearch()
    server = make_server(address, search)
    listener = threading.Thread(target=server.serve_forever, name="similar-http", daemon=True)
    listener.start()
    logger.info("Similar-ideas search listening on %s, loading", address)
    stop = threading.Event()
    try:
        search.load()
        warm_up(search)
        connection.close()  # the loading thread's connection is not used again
        server.ready.set()
        logger.info("Similar-ideas search ready: %s, %s MB", search.status(), rss_mb())
        keep_fresh(search, refresh_seconds, stop)
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        if address.path:
            Path(address.path).unlink(missing_ok=True)

"""Similar ideas for a text being typed, asked of the similar-ideas search process.

The web workers hold neither the sentence encoders nor the stored vectors: one search process
(`manage.py serve_similar`, ideas/themes/similar_server.py) does, and answers ids and cosines
over a socket. When it does not answer within SIMILAR_SEARCH_TIMEOUT, the page still gets
suggestions from shared title words, and the log says why (once a minute at most).
SIMILAR_SEARCH_URL=inprocess (the test settings) runs the process's own search object here.
"""

import http.client
import json
import logging
import socket
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q

from ideas.models import Idea
from ideas.themes.similar_query import MIN_TEXT_CHARS

if TYPE_CHECKING:
    from ideas.themes.similar_search import SimilarSearch

logger = logging.getLogger(__name__)

# Hidden, pending or merged ideas are dropped here, after the search: ask for a few more.
EXTRA_CANDIDATES = 5
WARN_EVERY_SECONDS = 60.0


@dataclass(frozen=True)
class Address:
    """Where the search process listens: a unix socket path, or a TCP host and port."""

    path: str = ""
    host: str = ""
    port: int = 0

    def __str__(self) -> str:
        return f"unix://{self.path}" if self.path else f"http://{self.host}:{self.port}"


def parse_address(url: str) -> Address:
    """`unix:///abs/path.sock` or `http://host:port`; anything else raises ValueError."""
    if url.startswith("unix://"):
        path = url.removeprefix("unix://")
        if not path.startswith("/"):
            raise ValueError(f"unix socket path must be absolute: {url!r}")
        return Address(path=path)
    if url.startswith("http://"):
        host, _, port = url.removeprefix("http://").rstrip("/").rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"expected http://host:port, got {url!r}")
        return Address(host=host.strip("[]"), port=int(port))
    raise ValueError(f"expected unix:///path or http://host:port, got {url!r}")


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


class SearchUnavailable(Exception):
    """The search process did not answer, or answered that it cannot search."""


def request(
    method: str, route: str, payload: dict[str, object] | None = None, *, timeout: float
) -> dict[str, object]:
    """One JSON request to the search process; SearchUnavailable on any failure."""
    address = parse_address(settings.SIMILAR_SEARCH_URL)
    connection = (
        _UnixConnection(address.path, timeout)
        if address.path
        else http.client.HTTPConnection(address.host, address.port, timeout=timeout)
    )
    body = json.dumps(payload).encode() if payload is not None else None
    try:
        connection.request(method, route, body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        answer = json.loads(response.read())
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise SearchUnavailable(f"{type(exc).__name__} from {address}") from exc
    finally:
        connection.close()
    if response.status != 200:
        raise SearchUnavailable(f"{answer.get('status', response.status)} from {address}")
    return dict(answer)


_inprocess: "SimilarSearch | None" = None
_inprocess_lock = threading.Lock()


def _search_ids(text: str, *, k: int, exclude: int | None) -> list[tuple[int, float]]:
    if settings.SIMILAR_SEARCH_URL == "inprocess":
        # Imported here, in the test settings' path only: the web workers never load the
        # encoders and the stored vectors (the search process does).
        from ideas.themes.similar_search import SimilarSearch, Unavailable

        global _inprocess
        with _inprocess_lock:
            if _inprocess is None:
                _inprocess = SimilarSearch()
                _inprocess.load()
            _inprocess.refresh()  # the process polls; here, the test's own writes are seen at once
        try:
            return _inprocess.search(text, k=k, exclude=exclude)
        except Unavailable as exc:
            raise SearchUnavailable(str(exc)) from exc
    answer = request(
        "POST",
        "/search",
        {"text": text, "k": k, "exclude": exclude},
        timeout=settings.SIMILAR_SEARCH_TIMEOUT,
    )
    return [(int(pk), float(score)) for pk, score in answer["results"]]  # type: ignore[attr-defined]


_last_warning = 0.0


def similar_ideas(*, text: str, k: int = 5, exclude: int | None = None) -> list[tuple[Idea, float]]:
    """Up to k public ideas most similar to `text`, best first, with their cosine.

    Without the search process, ideas sharing the longer words of the text, scored 0.
    """
    global _last_warning
    text = text.strip()
    if len(text) < MIN_TEXT_CHARS:
        return []
    try:
        scored = _search_ids(text, k=k + EXTRA_CANDIDATES, exclude=exclude)
    except SearchUnavailable as exc:
        now = time.monotonic()
        if now - _last_warning > WARN_EVERY_SECONDS:
            _last_warning = now
            logger.warning("Similar ideas by shared words: the search process failed (%s)", exc)
        return _similar_by_words(text, k=k, exclude=exclude)
    ideas = Idea.objects.public().select_related("category").in_bulk([pk for pk, _ in scored])
    return [(ideas[pk], score) for pk, score in scored if pk in ideas][:k]


def _similar_by_words(text: str, *, k: int, exclude: int | None) -> list[tuple[Idea, float]]:
    """Fallback without the search process: ideas whose title shares the longer words."""
    words = sorted({w for w in text.lower().split() if len(w) >= 5}, key=len, reverse=True)[:4]
    if not words:
        return []
    query = Q()
    for word in words:
        query |= Q(title__icontains=word)
    ideas = Idea.objects.public().filter(query).order_by("-vote_count")
    if exclude is not None:
        ideas = ideas.exclude(pk=exclude)
    return [(idea, 0.0) for idea in ideas[:k]]

"""Outgoing requests go only where they were told (community.webhooks.network): no private or
loopback address unless allowed, never a redirect, a timeout, a bounded answer. Real sockets on
127.0.0.1; no request leaves the machine."""

import ipaddress
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from community.webhooks import network

STRICT = network.Policy(timeout=1.0)
LOCAL = network.Policy(timeout=1.0, allow_http=True, allow_private=True)


class _Server:
    """An HTTP server on 127.0.0.1 answering every POST with `reply(handler)`; counts hits."""

    def __init__(self, reply):  # type: ignore[no-untyped-def]
        self.hits = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                outer.hits += 1
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                reply(self)

            def log_message(self, *args):  # type: ignore[no-untyped-def]
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server_factory():  # type: ignore[no-untyped-def]
    made: list[_Server] = []

    def make(reply):  # type: ignore[no-untyped-def]
        made.append(_Server(reply))
        return made[-1]

    yield make
    for server in made:
        server.close()


def _answer(status: int, body: bytes = b"", headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    def reply(handler):  # type: ignore[no-untyped-def]
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return reply


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://172.16.5.4/hook",
        "https://169.254.169.254/latest/meta-data",  # cloud metadata
        "https://100.64.0.1/hook",  # shared address space
        "https://0.0.0.0/hook",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[fd00::1]/hook",
        "https://224.0.0.1/hook",
        # IPv4 addresses inside IPv6 ones: NAT64, IPv4-compatible, 6to4, Teredo, local-use NAT64
        "https://[64:ff9b::a9fe:a9fe]/latest/meta-data",
        "https://[64:ff9b::a00:1]/hook",
        "https://[64:ff9b::7f00:1]/hook",
        "https://[::7f00:1]/hook",
        "https://[::ffff:0:a9fe:a9fe]/hook",  # IPv4-translated
        "https://[2002:a9fe:a9fe::1]/hook",
        "https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/hook",  # Teredo, client 10.0.0.1
        "https://[64:ff9b:1::808:808]/hook",
    ],
)
def test_private_loopback_and_reserved_addresses_are_refused(url):
    with pytest.raises(network.Refused, match="not allowed"):
        network.resolve(url, STRICT)


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "64:ff9b::808:808", "2002:808:808::1", "2a00:1450:4007:80c::200e"]
)
def test_public_addresses_are_allowed_however_they_are_written(address):
    assert network.address_allowed(ipaddress.ip_address(address), STRICT)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://example.com/hook", "must use https"),
        ("ftp://example.com/hook", "must start with https"),
        ("https://user:pass@example.com/hook", "user name or password"),
        ("https:///hook", "no host"),
    ],
)
def test_urls_of_the_wrong_shape_are_refused(url, why):
    with pytest.raises(network.Refused, match=why):
        network.check_url(url, STRICT)


def test_a_refused_address_is_never_contacted(server_factory):
    server = server_factory(_answer(204))
    outcome = network.post(server.url, body=b"{}", headers={}, policy=STRICT.__class__(
        timeout=1.0, allow_http=True
    ))  # fmt: skip
    assert outcome.status_code is None
    assert outcome.error.startswith("Refused:")
    assert server.hits == 0


def test_listed_networks_are_allowed_without_allowing_every_private_address(server_factory):
    server = server_factory(_answer(204))
    listed = network.Policy(
        timeout=1.0, allow_http=True, allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),)
    )
    assert network.post(server.url, body=b"{}", headers={}, policy=listed).status_code == 204
    with pytest.raises(network.Refused):
        network.resolve("http://10.0.0.1/", listed)


def test_a_redirect_is_a_failure_and_is_not_followed(server_factory):
    elsewhere = server_factory(_answer(204))
    redirecting = server_factory(_answer(307, headers={"Location": elsewhere.url}))
    outcome = network.post(redirecting.url, body=b"{}", headers={}, policy=LOCAL)
    assert outcome.status_code == 307
    assert not outcome.ok
    assert "not followed" in outcome.error
    assert elsewhere.hits == 0


def test_a_slow_receiver_times_out():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()  # accepts the connection, never answers
    try:
        policy = network.Policy(timeout=0.3, allow_http=True, allow_private=True)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        outcome = network.post(url, body=b"{}", headers={}, policy=policy)
    finally:
        listener.close()
    assert outcome.status_code is None
    assert outcome.error == "Timed out"
    assert outcome.duration_ms < 1500


def test_only_the_start_of_a_long_answer_is_read(server_factory):
    server = server_factory(_answer(200, body=b"x" * 500_000))
    outcome = network.post(server.url, body=b"{}", headers={}, policy=LOCAL, excerpt_chars=100)
    assert outcome.ok
    assert outcome.response_excerpt == "x" * 100


def test_the_signature_headers_and_body_are_sent(server_factory):
    seen = {}

    def reply(handler):  # type: ignore[no-untyped-def]
        seen.update(handler.headers)
        _answer(204)(handler)

    server = server_factory(reply)
    outcome = network.post(
        server.url, body=b'{"a":1}', headers={"webhook-id": "msg_1"}, policy=LOCAL
    )
    assert outcome.ok
    assert seen["webhook-id"] == "msg_1"
    assert seen["Content-Type"] == "application/json"

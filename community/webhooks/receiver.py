"""A tiny webhook receiver to try Ruche's webhooks by hand, without Django:

    python -m community.webhooks.receiver --port 9001 --secret whsec_...

It prints each delivery whose signature checks out (community.webhooks.signing), answers 204,
and answers 401 to anything else. During a secret's rotation Ruche lists two signatures (new and
old secret) and one match is enough; give `--secret` twice to accept either secret yourself.
It listens on 127.0.0.1 only: register http://127.0.0.1:9001/ with
WEBHOOK_ALLOW_PRIVATE_NETWORKS=true and WEBHOOK_ALLOW_HTTP=true (docs/webhooks.md). The tests
start the same server in a thread (`serve`).
"""

import argparse
import contextlib
import json
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from community.webhooks.signing import VerificationError, verify

MAX_BODY = 1024 * 1024


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: bool
    error: str = ""

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """What the server does: check each request with `secret` (or any of several), keep it in
    `received`, answer with `status` (or a function of the request's number, from 1)."""

    secret: str | list[str]
    status: int | Callable[[int], int] = 204
    received: list[Received] = field(default_factory=list)
    on_receive: Callable[[Received], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self) -> int:
        count = len(self.received)
        return self.status(count) if callable(self.status) else self.status


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            try:
                verify(secret=receiver.secret, headers=headers, body=body)
                item = Received(headers=headers, body=body, verified=True)
            except VerificationError as error:
                item = Received(headers=headers, body=body, verified=False, error=str(error))
            with receiver.lock:
                receiver.received.append(item)
                status = receiver.answer() if item.verified else 401
            if receiver.on_receive:
                receiver.on_receive(item)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def serve(receiver: Receiver, *, port: int = 0) -> ThreadingHTTPServer:
    """A server on 127.0.0.1 (port 0: any free one, see `server.server_port`) running in a
    daemon thread; stop it with `server.shutdown()`."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(receiver))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _print(item: Received) -> None:
    if not item.verified:
        print(f"REFUSED ({item.error})", flush=True)
        return
    message = item.json()
    print(f"{item.headers.get('webhook-id')} {message.get('type')}", flush=True)
    print(json.dumps(message.get("data"), indent=2, ensure_ascii=False), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print Ruche webhook deliveries that verify.")
    parser.add_argument("--port", type=int, default=9001)
    parser.add_argument(
        "--secret",
        required=True,
        action="append",
        help="the endpoint's whsec_... secret (twice: accept either, e.g. while rotating)",
    )
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer(
        ("127.0.0.1", args.port), _handler(Receiver(secret=args.secret, on_receive=_print))
    )
    print(f"Listening on http://127.0.0.1:{args.port}/ (Ctrl-C stops)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())

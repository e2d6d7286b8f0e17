"""Standard Webhooks signatures (https://www.standardwebhooks.com), without Django: the sender
signs with it, and receivers (community.webhooks.receiver, the tests, the bank's own code, which
may copy this file) verify with it.

A message is signed over `{webhook-id}.{webhook-timestamp}.{body}` with HMAC-SHA256 and the
endpoint's secret (`whsec_` + base64 of 32 random bytes); the signature travels as
`webhook-signature: v1,<base64>`. Several signatures may be listed, separated by spaces: while
an endpoint's secret is being rotated Ruche signs with the new and the old secret, so a receiver
still holding the old one (or already holding the new one) verifies either way; one match is
enough. A receiver may itself know several secrets (`verify(secret=[new, old], ...)`).
"""

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping, Sequence

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
SECRET_BYTES = 32
# How far a message's timestamp may be from the receiver's clock (replayed messages are older).
TOLERANCE_SECONDS = 5 * 60


class VerificationError(Exception):
    """The message is not signed by this secret, is too old or too new, or lacks a header."""


def secret_generate() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def _key(secret: str) -> bytes:
    try:
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except ValueError:
        raise VerificationError("the secret is not whsec_ followed by base64") from None


def sign(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The value of the `webhook-signature` header: `v1,<base64 HMAC-SHA256>`."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def _secrets(secret: str | Sequence[str]) -> list[str]:
    return [secret] if isinstance(secret, str) else list(secret)


def headers(
    *, secret: str | Sequence[str], message_id: str, body: bytes, timestamp: int | None = None
) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt (a fresh timestamp each time), signed
    with `secret`, or with each of several secrets (space-separated signatures, in order)."""
    when = int(time.time()) if timestamp is None else timestamp
    signatures = [
        sign(secret=one, message_id=message_id, timestamp=when, body=body)
        for one in _secrets(secret)
    ]
    if not signatures:
        raise ValueError("at least one secret is needed to sign")
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(when),
        "webhook-signature": " ".join(signatures),
    }


def verify(
    *,
    secret: str | Sequence[str],
    headers: Mapping[str, str],
    body: bytes,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> None:
    """Raise VerificationError unless `body` with these headers was signed with `secret` (or one
    of several secrets) within `tolerance` seconds of `now`: one of the listed signatures must
    match. Header names are matched without regard to case."""
    lowered = {name.lower(): value for name, value in headers.items()}
    try:
        message_id = lowered["webhook-id"]
        timestamp_text = lowered["webhook-timestamp"]
        signatures = lowered["webhook-signature"]
    except KeyError as missing:
        raise VerificationError(f"missing header {missing.args[0]}") from None
    try:
        timestamp = int(timestamp_text)
    except ValueError:
        raise VerificationError("webhook-timestamp is not a number") from None
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise VerificationError("webhook-timestamp is too far from now (a replay?)")
    listed = [c for c in signatures.split() if c.startswith("v1,")]
    for one in _secrets(secret):
        expected = sign(secret=one, message_id=message_id, timestamp=timestamp, body=body)
        if any(hmac.compare_digest(candidate, expected) for candidate in listed):
            return
    raise VerificationError("no signature matches")

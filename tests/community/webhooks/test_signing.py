"""Standard Webhooks signatures: what the sender makes, a receiver verifies."""

import base64
import hashlib
import hmac
import subprocess
import sys

import pytest

from community.webhooks import signing


def test_a_signed_message_verifies_with_its_secret():
    secret = signing.secret_generate()
    body = b'{"type":"idea.created"}'
    headers = signing.headers(secret=secret, message_id="msg_1", body=body, timestamp=1_700_000_000)
    signing.verify(secret=secret, headers=headers, body=body, now=1_700_000_010)


def test_the_signature_is_hmac_sha256_over_id_timestamp_and_body():
    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    expected = hmac.new(b"k" * 32, b"msg_1.1700000000.{}", hashlib.sha256).digest()
    signature = signing.sign(secret=secret, message_id="msg_1", timestamp=1_700_000_000, body=b"{}")
    assert signature == "v1," + base64.b64encode(expected).decode()


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"body": b'{"type":"idea.deleted"}'}, "no signature matches"),
        ({"secret": "other"}, "no signature matches"),
        ({"now": 1_700_000_000 + 600}, "too far"),
        ({"drop": "webhook-signature"}, "missing header"),
    ],
)
def test_a_changed_message_does_not_verify(change, why):
    secret = signing.secret_generate()
    body = b'{"type":"idea.created"}'
    headers = signing.headers(secret=secret, message_id="msg_1", body=body, timestamp=1_700_000_000)
    headers.pop(change.get("drop", ""), None)
    with pytest.raises(signing.VerificationError, match=why):
        signing.verify(
            secret=signing.secret_generate() if change.get("secret") else secret,
            headers=headers,
            body=change.get("body", body),
            now=change.get("now", 1_700_000_000),
        )


def test_one_matching_signature_among_several_is_enough():
    old, new = signing.secret_generate(), signing.secret_generate()
    body = b"{}"
    headers = signing.headers(secret=old, message_id="msg_1", body=body, timestamp=1_700_000_000)
    fresh = signing.sign(secret=new, message_id="msg_1", timestamp=1_700_000_000, body=body)
    headers["webhook-signature"] = f"{headers['webhook-signature']} {fresh}"
    signing.verify(secret=new, headers=headers, body=body, now=1_700_000_000)


def test_receivers_can_verify_without_django():
    code = (
        "import sys; from community.webhooks import signing, receiver; "
        "assert 'django' not in sys.modules, 'Django was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603 (our own interpreter)


def test_signed_with_two_secrets_the_header_lists_two_signatures_either_verifies():
    old, new, other = (signing.secret_generate() for _ in range(3))
    body = b'{"a":1}'
    headers = signing.headers(
        secret=[new, old], message_id="msg_1", body=body, timestamp=1_700_000_000
    )
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new, [other, old]):
        signing.verify(secret=secret, headers=headers, body=body, now=1_700_000_000)
    with pytest.raises(signing.VerificationError):
        signing.verify(secret=other, headers=headers, body=body, now=1_700_000_000)

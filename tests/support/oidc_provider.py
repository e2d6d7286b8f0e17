"""A small, real OpenID Connect identity provider for tests and for trying single sign-on by hand.

It serves on 127.0.0.1 in a thread: the discovery document, an authorization endpoint that
signs in the person chosen beforehand (no login form) and redirects back with a code, a token
endpoint that checks the client's secret, the code, the redirect URI and PKCE and returns an
RS256-signed id_token, userinfo and the public keys (JWKS). No Django here.

    python tests/support/oidc_provider.py --port 9002 --user alice@bank.example \
        --groups ruche-moderators --client-id ruche --client-secret dev-secret

Tests change `idp.person` (email, groups, amr) between sign-ins, and `idp.tamper` to send a
token with a bad signature, another audience, another nonce or another issuer.
"""

import argparse
import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

TAMPERS = ("signature", "audience", "nonce", "issuer", "expired", "userinfo_sub")


@dataclass
class Person:
    sub: str
    email: str
    name: str = ""
    groups: list[str] = field(default_factory=list)
    amr: list[str] = field(default_factory=lambda: ["pwd"])


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class TestIdentityProvider:
    __test__ = False  # not a test class, for pytest

    def __init__(
        self,
        *,
        client_id: str = "ruche",
        client_secret: str = "test-secret",  # noqa: S107 (a test provider's)
        person: Person | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        groups_in: str = "id_token",  # or "userinfo"
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.person = person or Person(sub="alice-1", email="alice@bank.example", name="Alice")
        self.groups_in = groups_in
        self.tamper = ""
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "ruche-test-key"
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.requests: list[str] = []  # paths served, for tests to see real traffic
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self.issuer = f"http://{host}:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- life -------------------------------------------------------------------------------

    def start(self) -> "TestIdentityProvider":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "TestIdentityProvider":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- documents --------------------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile", "email", "groups"],
        }

    def jwks(self) -> dict[str, Any]:
        numbers = self.key.public_key().public_numbers()
        key = {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid}
        return {"keys": [key | {"n": _b64(numbers.n), "e": _b64(numbers.e)}]}

    def _claims(self, person: Person) -> dict[str, Any]:
        return {"sub": person.sub, "email": person.email, "name": person.name}

    def id_token(self, person: Person, *, nonce: str) -> str:
        now = int(time.time())
        claims = self._claims(person) | {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "amr": list(person.amr),
            "jti": secrets.token_hex(8),
        }
        if self.groups_in == "id_token":
            claims["groups"] = list(person.groups)
        key = self.key
        if self.tamper == "signature":
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        elif self.tamper == "audience":
            claims["aud"] = "another-client"
        elif self.tamper == "nonce":
            claims["nonce"] = "not-the-nonce-that-was-sent"
        elif self.tamper == "issuer":
            claims["iss"] = "http://127.0.0.1:1/another-issuer"
        elif self.tamper == "expired":
            claims |= {"iat": now - 3600, "exp": now - 1800}
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})

    # --- HTTP -------------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                idp.requests.append(url.path)
                if url.path == "/.well-known/openid-configuration":
                    return self._json(200, idp.discovery())
                if url.path == "/jwks":
                    return self._json(200, idp.jwks())
                if url.path == "/authorize":
                    return self._authorize(parse_qs(url.query))
                if url.path == "/userinfo":
                    return self._userinfo()
                return self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                url = urlsplit(self.path)
                idp.requests.append(url.path)
                if url.path != "/token":
                    return self._json(404, {"error": "not_found"})
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                return self._token(form)

            def _authorize(self, query: dict[str, list[str]]) -> None:
                params = {k: v[0] for k, v in query.items()}
                if params.get("client_id") != idp.client_id or "redirect_uri" not in params:
                    return self._json(400, {"error": "invalid_request"})
                if "openid" not in params.get("scope", "").split():
                    return self._json(400, {"error": "invalid_scope"})
                code = secrets.token_urlsafe(16)
                idp.codes[code] = {
                    "redirect_uri": params["redirect_uri"],
                    "nonce": params.get("nonce", ""),
                    "challenge": params.get("code_challenge", ""),
                    "person": Person(**vars(idp.person)),
                }
                back = {"code": code, "state": params.get("state", "")}
                self.send_response(302)
                self.send_header("Location", f"{params['redirect_uri']}?{urlencode(back)}")
                self.end_headers()

            def _client_ok(self, form: dict[str, str]) -> bool:
                client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
                header = self.headers.get("Authorization", "")
                if header.startswith("Basic "):
                    decoded = base64.b64decode(header[6:]).decode()
                    client_id, _, secret = decoded.partition(":")
                return client_id == idp.client_id and secrets.compare_digest(
                    secret, idp.client_secret
                )

            def _token(self, form: dict[str, str]) -> None:
                if not self._client_ok(form):
                    return self._json(401, {"error": "invalid_client"})
                grant = idp.codes.pop(form.get("code", ""), None)  # a code works once
                if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
                    return self._json(400, {"error": "invalid_grant"})
                if grant["challenge"]:
                    digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
                    if computed != grant["challenge"]:
                        return self._json(400, {"error": "invalid_grant"})
                access_token = secrets.token_urlsafe(24)
                idp.tokens[access_token] = {"person": grant["person"]}
                body = {
                    "access_token": access_token,
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": idp.id_token(grant["person"], nonce=grant["nonce"]),
                }
                return self._json(200, body)

            def _userinfo(self) -> None:
                header = self.headers.get("Authorization", "")
                token = idp.tokens.get(header.removeprefix("Bearer "))
                if token is None:
                    return self._json(401, {"error": "invalid_token"})
                person: Person = token["person"]
                claims = idp._claims(person) | {"email_verified": True}
                if idp.groups_in == "userinfo":
                    claims["groups"] = list(person.groups)
                if idp.tamper == "userinfo_sub":
                    claims["sub"] = "someone-else"
                return self._json(200, claims)

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=9002)
    parser.add_argument("--user", default="alice@bank.example", help="email of who signs in")
    parser.add_argument("--name", default="", help="display name (default: from the email)")
    parser.add_argument(
        "--groups", default="", help="comma-separated groups, e.g. ruche-moderators"
    )
    parser.add_argument("--amr", default="pwd", help="comma-separated amr values, e.g. pwd,mfa")
    parser.add_argument("--client-id", default="ruche")
    parser.add_argument("--client-secret", default="dev-secret")
    args = parser.parse_args()
    person = Person(
        sub=hashlib.sha256(args.user.encode()).hexdigest()[:16],
        email=args.user,
        name=args.name or args.user.split("@")[0].title(),
        groups=[g for g in args.groups.split(",") if g],
        amr=[a for a in args.amr.split(",") if a],
    )
    idp = TestIdentityProvider(
        client_id=args.client_id, client_secret=args.client_secret, person=person, port=args.port
    )
    print(f"Test identity provider at {idp.issuer} signs in {person.email}, groups {person.groups}")
    print(
        f"  SSO_OIDC_SERVER_URL={idp.issuer} SSO_OIDC_CLIENT_ID={args.client_id} "
        f"SSO_OIDC_CLIENT_SECRET={args.client_secret}"
    )
    idp.start()
    try:
        idp._thread.join()
    except KeyboardInterrupt:
        idp.stop()


if __name__ == "__main__":
    main()

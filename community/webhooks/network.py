"""Outgoing webhook requests that go only where they were told, without Django.

1. The URL is checked: http(s), a host, no user name or password in it; https unless the
   policy allows plain http.
2. The host is resolved once, and every address it resolves to must be public (not private,
   loopback, link-local, multicast, reserved, shared or unspecified; IPv4-mapped IPv6 checked
   as IPv4) unless the policy allows private networks, or the address is in one of the
   networks it lists.
3. The connection goes to that checked address (TLS still verifies the certificate for the
   host name), so a DNS answer that changes between the check and the request (DNS
   rebinding) changes nothing.
4. Redirects are never followed: a 3xx answer is a failure, whatever its Location.
5. Every socket operation has the policy's timeout, the whole request a deadline of twice
   that, and at most `max_response_bytes` of the answer is read.
"""

import ipaddress
import socket
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPException, HTTPResponse, HTTPSConnection
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Refused(Exception):
    """The URL or the address it resolves to is not allowed; the message says why."""


@dataclass(frozen=True)
class Policy:
    timeout: float = 5.0
    allow_http: bool = False
    allow_private: bool = False
    allowed_networks: Sequence[Network] = field(default_factory=tuple)
    max_response_bytes: int = 64 * 1024
    user_agent: str = "Ruche-Webhooks/1"


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query string
    address: Address


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    duration_ms: int
    response_excerpt: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


# IPv6 addresses that reach an IPv4 address through a translator or a tunnel: NAT64's well-known
# prefix, IPv4-compatible and IPv4-translated addresses hold it in their last 32 bits, 6to4 and
# Teredo name it (`ipaddress` reads both). A local-use NAT64 prefix (RFC 8215) embeds it where
# its operator chose, so it is refused unless listed.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL_USE = ipaddress.ip_network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # SIIT (RFC 7915)


def _ipv4_inside(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    inside = [address.sixtofour] if address.sixtofour is not None else []
    if address.teredo is not None:
        inside.extend(address.teredo)  # the relay, and the client behind it
    if any(address in network for network in (_NAT64, _IPV4_COMPATIBLE, _IPV4_TRANSLATED)):
        inside.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return inside


def address_allowed(address: Address, policy: Policy) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in network for network in policy.allowed_networks):
        return True
    if policy.allow_private:
        return not address.is_multicast and not address.is_unspecified
    if isinstance(address, ipaddress.IPv6Address) and (
        address in _NAT64_LOCAL_USE
        or not all(address_allowed(inside, policy) for inside in _ipv4_inside(address))
    ):
        return False
    return address.is_global and not address.is_multicast


def check_url(url: str, policy: Policy) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of a URL the policy accepts; Refused otherwise. No DNS."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise Refused(f"not a valid URL ({error})") from None
    if parts.scheme not in ("http", "https"):
        raise Refused("the URL must start with https://")
    if parts.scheme == "http" and not policy.allow_http:
        raise Refused("the URL must use https (plain http is not allowed by the settings)")
    if not parts.hostname:
        raise Refused("the URL has no host")
    if parts.username or parts.password:
        raise Refused("the URL must not hold a user name or password")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default = 443 if parts.scheme == "https" else 80
    return parts.scheme, parts.hostname, port or default, path


def resolve(url: str, policy: Policy) -> Target:
    """The URL checked and its host resolved to one allowed address (Refused otherwise)."""
    scheme, host, port, path = check_url(url, policy)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Refused(f"the host {host} cannot be resolved ({error})") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise Refused(f"the host {host} has no address")
    # Every address must be allowed: a name resolving to one public and one private address
    # would otherwise reach the private one on some attempts.
    for address in addresses:
        if not address_allowed(address, policy):
            raise Refused(
                f"{host} resolves to {address}, a private, loopback, link-local or reserved "
                "address (not allowed by the settings)"
            )
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])


class _PinnedHTTPConnection(HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = str(target.address)

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = str(target.address)

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        # Certificate checked against the host name of the URL, not the address.
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def _read_bounded(response: HTTPResponse, limit: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        if time.monotonic() > deadline:
            break
        chunk = response.read1(min(8192, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def post(
    url: str, *, body: bytes, headers: dict[str, str], policy: Policy, excerpt_chars: int = 1000
) -> Outcome:
    """POST `body` to `url` under the policy. Never raises: a refusal, a network error, a
    timeout or a non-2xx answer is an Outcome with its error."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = resolve(url, policy)
    except Refused as refused:
        return Outcome(status_code=None, duration_ms=elapsed(), error=f"Refused: {refused}")
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(target, policy.timeout)
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": policy.user_agent,
                **headers,
            },
        )
        response = connection.getresponse()
        data = _read_bounded(response, policy.max_response_bytes, started + 2 * policy.timeout)
        excerpt = data.decode("utf-8", "replace")[:excerpt_chars]
        status = response.status
        error = ""
        if 300 <= status < 400:
            location = response.getheader("Location", "")
            error = f"Redirect to {location[:200]!r} not followed"
        elif not 200 <= status < 300:
            error = f"HTTP {status}"
        return Outcome(
            status_code=status, duration_ms=elapsed(), response_excerpt=excerpt, error=error
        )
    except TimeoutError:
        return Outcome(status_code=None, duration_ms=elapsed(), error="Timed out")
    except (OSError, ValueError, HTTPException) as error:
        return Outcome(
            status_code=None, duration_ms=elapsed(), error=f"{type(error).__name__}: {error}"[:500]
        )
    finally:
        connection.close()

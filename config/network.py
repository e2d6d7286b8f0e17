"""The network a request comes from, as a keyed hash: enough to see many accounts voting from
one network, never the address itself.

An IPv4 address is cut to its /24 and an IPv6 address to its /48 (one home or office network),
then hashed with HMAC-SHA256 keyed by SECRET_KEY and cut to 16 hex characters. Without the key
the hash cannot be matched back to a network by trying all 2^24 IPv4 prefixes.
"""

import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest

from config.ratelimit import client_ip

IPV4_PREFIX = 24
IPV6_PREFIX = 48
KEY_LENGTH = 16  # hex characters; Vote.network has room for exactly this


def network_key(ip: str, *, secret: str | None = None) -> str:
    """The keyed hash of the /24 (IPv4) or /48 (IPv6) around `ip`; "" if it is not an address."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:192.0.2.7 is the IPv4 client 192.0.2.7
    prefix = IPV4_PREFIX if address.version == 4 else IPV6_PREFIX
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    key = (secret if secret is not None else settings.SECRET_KEY).encode()
    message = f"ruche-vote-network:{network}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:KEY_LENGTH]


def client_network(request: HttpRequest) -> str:
    """The network key of the client that sent `request` (its address read as the rate limit
    reads it)."""
    return network_key(client_ip(request))

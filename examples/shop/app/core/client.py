"""Who sent a request, and over which scheme, believing proxy headers only from trusted proxies.

With no TRUSTED_PROXIES the peer address is the client and X-Forwarded-* headers are ignored:
anyone can send them. Behind a proxy, list its addresses (or networks) in TRUSTED_PROXIES;
then the client is the right-most X-Forwarded-For address that is not a trusted proxy.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from starlette.types import Scope

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN_CLIENT = "unknown"


@lru_cache(maxsize=16)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _peer(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else UNKNOWN_CLIENT


def client_address(scope: Scope, trusted_proxies: Iterable[str] = ()) -> str:
    """The client's address: the peer, or the forwarded address when the peer is trusted."""
    peer = _peer(scope)
    trusted = tuple(trusted_proxies)
    if not trusted:
        return peer
    networks = _networks(trusted)
    if not _is_trusted(peer, networks):
        return peer
    forwarded = _header(scope, b"x-forwarded-for")
    if not forwarded:
        return peer
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return hop
    return hops[0] if hops else peer


def is_https(scope: Scope, trusted_proxies: Iterable[str] = ()) -> bool:
    """Whether the client reached us over HTTPS (directly or through a trusted proxy)."""
    if scope.get("scheme") == "https":
        return True
    trusted = tuple(trusted_proxies)
    if not trusted or not _is_trusted(_peer(scope), _networks(trusted)):
        return False
    proto = _header(scope, b"x-forwarded-proto")
    return proto is not None and proto.split(",")[0].strip().lower() == "https"

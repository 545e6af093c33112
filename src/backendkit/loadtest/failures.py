"""How a request that got no HTTP reply is classed in the report."""

from __future__ import annotations

import asyncio
import ssl

from backendkit.loadtest.http import ProtocolError

# Error kinds, as reported: a transport error is a request that got no HTTP reply.
TIMEOUT = "timeout"
REFUSED = "refused"
CONNECT = "connect"
CLOSED = "closed"
TLS = "tls"
PROTOCOL = "protocol"


def error_kind(exc: BaseException) -> str:
    """The reported class of a transport failure."""
    if isinstance(exc, TimeoutError):
        return TIMEOUT
    if isinstance(exc, ConnectionRefusedError):
        return REFUSED
    if isinstance(exc, ssl.SSLError):
        return TLS
    if isinstance(exc, ProtocolError):
        return PROTOCOL
    if isinstance(exc, asyncio.IncompleteReadError | ConnectionError):
        return CLOSED
    return CONNECT

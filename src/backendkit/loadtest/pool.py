"""A bounded pool of keep-alive connections to one origin, and request error classes.

The most recently returned connection is handed out first, so a light load keeps a few warm
connections instead of opening the whole pool. A request that finds every connection busy
waits in line; the scheduler counts the line and bounds it.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque

from backendkit.loadtest.http import (
    Connection,
    Origin,
    ProtocolError,
    Response,
    StaleConnectionError,
)

# Error kinds, as reported: a transport error is a request that got no HTTP reply.
TIMEOUT = "timeout"
REFUSED = "refused"
CONNECT = "connect"
CLOSED = "closed"
TLS = "tls"
PROTOCOL = "protocol"


class Slot:
    """Permission to use one of the pool's connections; `connection` is None until opened."""

    __slots__ = ("connection",)

    def __init__(self, connection: Connection | None) -> None:
        self.connection = connection


class ConnectionPool:
    """At most SIZE connections to ORIGIN; `acquire` waits when all are busy."""

    def __init__(
        self, origin: Origin, size: int, tls: ssl.SSLContext | None, *, keepalive: bool = True
    ) -> None:
        self.origin = origin
        self.size = size
        self.tls = tls
        self.keepalive = keepalive
        self.opened = 0  # slots handed out or idle with a connection
        self.waiting = 0
        self._idle: list[Connection] = []
        self._waiters: deque[asyncio.Future[Slot]] = deque()

    @property
    def busy(self) -> bool:
        """Whether an `acquire` now would have to wait."""
        return not self._idle and self.opened >= self.size

    async def acquire(self) -> Slot:
        """A slot: an idle connection, a fresh one to open, or the next one released."""
        if self._idle:
            return Slot(self._idle.pop())
        if self.opened < self.size:
            self.opened += 1
            return Slot(None)
        future: asyncio.Future[Slot] = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        self.waiting += 1
        try:
            return await future
        finally:
            self.waiting -= 1

    def release(self, slot: Slot) -> None:
        """Give the slot back; a broken connection is dropped and its slot reopens later."""
        connection = slot.connection
        if connection is not None and not (connection.reusable and self.keepalive):
            connection.close()
            slot.connection = connection = None
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(slot)
                return
        if connection is None:
            self.opened -= 1
        else:
            self._idle.append(connection)

    async def send(self, slot: Slot, payload: bytes, *, head: bool = False) -> Response:
        """PAYLOAD over the slot's connection; once more on a new one if a reused one was stale."""
        if slot.connection is None:
            slot.connection = await Connection.open(self.origin, self.tls)
        try:
            return await slot.connection.request(payload, head=head)
        except StaleConnectionError:
            slot.connection.close()
            slot.connection = await Connection.open(self.origin, self.tls)
            return await slot.connection.request(payload, head=head)

    def close(self) -> None:
        """Close every idle connection."""
        for connection in self._idle:
            connection.close()
        self._idle.clear()


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

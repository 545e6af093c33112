"""The epoll engine's sockets (engine.py): an open connection's transport, and a connection
being opened with a non-blocking connect."""

from __future__ import annotations

import contextlib
import select
import socket
from typing import TYPE_CHECKING

from backendkit.loadtest.buffered_socket import BufferedSocket
from backendkit.loadtest.wire import LoadConnection, Request

if TYPE_CHECKING:
    from backendkit.loadtest.engine import Engine

IN = select.EPOLLIN | select.EPOLLERR | select.EPOLLHUP
OUT = select.EPOLLOUT


class EpollSocket(BufferedSocket):
    """The transport calls a LoadConnection makes, on the engine's epoll."""

    __slots__ = ("connection", "engine")

    def __init__(self, engine: Engine, sock: socket.socket, connection: LoadConnection) -> None:
        super().__init__(sock)
        self.engine = engine
        self.connection = connection

    def _watch_writable(self, on: bool) -> None:
        self.engine.epoll.modify(self.fd, IN | OUT if on else IN)

    def _close(self, exc: Exception | None) -> None:
        sock = self.sock
        if sock is None:
            return
        self.sock = None
        engine = self.engine
        engine.sockets.pop(self.fd, None)
        with contextlib.suppress(OSError, ValueError):  # already closed
            engine.epoll.unregister(self.fd)
        sock.close()
        engine.soon.append((self.connection, exc))  # as asyncio: reported after the call


class Opening:
    """A connection being opened for REQUEST (non-blocking connect)."""

    __slots__ = ("addresses", "request", "retry", "sock", "started")

    def __init__(self, request: Request, retry: bool, started: float) -> None:
        self.request = request
        self.retry = retry
        self.started = started
        self.sock: socket.socket | None = None
        self.addresses: list[tuple[int, int, int, object]] = []

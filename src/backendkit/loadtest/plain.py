"""Plain-http connections on the loop's own readiness callbacks, without asyncio's transports.

A reply costs one reader callback that reads into the shared buffer and hands the bytes to the
connection (asyncio's socket transport adds three Python calls and its checks on each read and
each write, a sixth of the client's CPU per request at a few thousand requests per second).
TLS keeps asyncio's transport. This transport keeps asyncio's contract where the connection
relies on it: close() and abort() report connection_lost soon, not from inside the call;
end of stream and socket errors close it and report connection_lost the same way.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from backendkit.loadtest.buffered_socket import BufferedSocket
from backendkit.loadtest.wire import READ_BUFFER, LoadConnection

Address = tuple[int, int, int, Any]  # family, type, proto, sockaddr


class SocketTransport(BufferedSocket):
    """The few transport calls a LoadConnection makes, on a connected non-blocking socket."""

    __slots__ = ("loop", "protocol")

    def __init__(
        self, loop: asyncio.AbstractEventLoop, sock: socket.socket, protocol: LoadConnection
    ) -> None:
        super().__init__(sock)
        self.loop = loop
        self.protocol = protocol
        loop.add_reader(self.fd, self._readable)
        protocol.connection_made(self)  # type: ignore[arg-type]

    def _readable(self) -> None:
        sock = self.sock
        if sock is None:
            return
        try:
            nbytes = sock.recv_into(READ_BUFFER)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self._close(exc)
            return
        if nbytes:
            self.protocol.buffer_updated(nbytes)
        else:
            self._close(None)  # end of stream: the reply ends here, if it is close-delimited

    def _watch_writable(self, on: bool) -> None:
        if on:
            self.loop.add_writer(self.fd, self.writable)
        else:
            self.loop.remove_writer(self.fd)

    def _close(self, exc: Exception | None) -> None:
        sock = self.sock
        if sock is None:
            return
        self.sock = None
        self.loop.remove_reader(self.fd)
        if self.pending:
            self.loop.remove_writer(self.fd)
        sock.close()
        self.loop.call_soon(self.protocol.connection_lost, exc)


async def resolve(host: str, port: int) -> list[Address]:
    """HOST's stream addresses (resolved once per run: a load run's target does not move)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not infos:
        raise OSError(f"no address for {host}")
    return [(family, kind, proto, address) for family, kind, proto, _, address in infos]


async def connect(addresses: list[Address], protocol: LoadConnection) -> SocketTransport:
    """A connection to the first of ADDRESSES that accepts, reported to PROTOCOL."""
    loop = asyncio.get_running_loop()
    error: OSError | None = None
    for family, kind, proto, address in addresses:
        sock = socket.socket(family, kind, proto)
        try:
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as asyncio does
            await loop.sock_connect(sock, address)
        except OSError as exc:
            sock.close()
            error = exc
            continue
        except BaseException:
            sock.close()
            raise
        return SocketTransport(loop, sock, protocol)
    assert error is not None
    raise error

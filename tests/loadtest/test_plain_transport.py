"""The plain-http socket transport: writes the socket cannot take at once, end of stream."""

from __future__ import annotations

import asyncio
import socket

from backendkit.loadtest.plain import SocketTransport
from backendkit.loadtest.wire import READ_BUFFER


class _Receiver:
    """Collects what the transport reports, as a LoadConnection would see it."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.lost: list[Exception | None] = []

    def connection_made(self, transport: object) -> None:
        self.transport = transport

    def buffer_updated(self, nbytes: int) -> None:
        self.data += READ_BUFFER[:nbytes]

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost.append(exc)


def test_a_write_larger_than_the_socket_buffer_arrives_whole_and_eof_reports_loss() -> None:
    async def scenario() -> tuple[bytes, list[Exception | None]]:
        loop = asyncio.get_running_loop()
        ours, theirs = socket.socketpair()
        ours.setblocking(False)
        theirs.setblocking(False)
        receiver = _Receiver()
        transport = SocketTransport(loop, ours, receiver)  # type: ignore[arg-type]
        payload = bytes(range(256)) * 16 * 1024  # 4 MiB: more than the socket takes at once
        transport.write(payload)
        assert transport.pending  # the rest waits for the socket to drain
        received = bytearray()
        while len(received) < len(payload):
            received += await loop.sock_recv(theirs, 1 << 16)
        await loop.sock_sendall(theirs, b"reply")
        theirs.close()
        for _ in range(100):
            if receiver.lost:
                break
            await asyncio.sleep(0.01)
        assert received == payload
        return bytes(receiver.data), receiver.lost

    data, lost = asyncio.run(scenario())
    assert data == b"reply"
    assert lost == [None]

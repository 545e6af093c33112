"""Writes on a connected non-blocking socket, shared by both plain-http engines: what the
socket does not take at once is kept and sent when it is writable again. Each engine says how
it waits for that (asyncio's writer callback, or its own epoll) and how a socket closes."""

from __future__ import annotations

import socket


class BufferedSocket:
    """The write side of the transport a LoadConnection uses."""

    __slots__ = ("fd", "pending", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock: socket.socket | None = sock
        self.fd = sock.fileno()
        self.pending = b""  # bytes the socket did not take yet

    def write(self, data: bytes) -> None:
        sock = self.sock
        if sock is None:
            return
        if self.pending:
            self.pending += data
            return
        try:
            sent = sock.send(data)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError as exc:
            self._close(exc)
            return
        if sent < len(data):
            self.pending = data[sent:]
            self._watch_writable(True)

    def writable(self) -> None:
        """The socket can take more: send what is kept."""
        sock = self.sock
        if sock is None or not self.pending:
            return
        try:
            sent = sock.send(self.pending)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self._close(exc)
            return
        self.pending = self.pending[sent:]
        if not self.pending:
            self._watch_writable(False)

    def close(self) -> None:
        self._close(None)

    def abort(self) -> None:
        self._close(None)

    def _watch_writable(self, on: bool) -> None:
        raise NotImplementedError

    def _close(self, exc: Exception | None) -> None:
        raise NotImplementedError

"""One keep-alive connection of a load run, as an asyncio Protocol: no task per request.

A reply is parsed as its bytes arrive (Content-Length, chunked and close-delimited bodies,
HEAD, 1xx, 204 and 304) and handed to the OWNER's callbacks; the body itself is not kept.
Reading replies as they arrive instead of through a StreamReader and a task per request,
into one reused buffer, is what lets one core send as fast as wrk does
(see benchmarks/loadtest_vs_wrk.py).
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from backendkit.loadtest.http import ProtocolError

_HEAD_LIMIT = 1 << 20
_NO_BODY_STATUSES = frozenset({204, 304})
_HEAD, _LENGTH, _CHUNKED, _UNTIL_CLOSE = range(4)

_Parsed = tuple[int, bool | None, int, int]  # status, reusable, body framing, length
# A load run reads the same few response heads over and over: parse each once.
_PARSED: dict[tuple[bytes, bool], _Parsed] = {}
_PARSED_LIMIT = 1024

Request = tuple[int, float, bool]  # endpoint index, due time, measured

# Replies are read into this one buffer (the loop reads one socket at a time, and each read
# is copied out before the next): asyncio's own reads allocate 256 KiB each, which the C
# allocator maps and unmaps for every reply, three system calls per request (strace -c).
_READ_SIZE = 64 * 1024
READ_BUFFER = memoryview(bytearray(_READ_SIZE))


class Owner(Protocol):
    """What a connection reports to: the pool."""

    def replied(self, connection: LoadConnection, request: Request, status: int) -> None: ...
    def failed(
        self, connection: LoadConnection, request: Request, error: BaseException | None
    ) -> None: ...


class LoadConnection(asyncio.BufferedProtocol):
    """Sends one request at a time and reads its reply; `request` is the one in flight."""

    __slots__ = (
        "buffer",
        "head",
        "owner",
        "received",
        "remaining",
        "request",
        "reusable",
        "sent_at",
        "state",
        "status",
        "timed_out",
        "transport",
        "used",
    )

    def __init__(self, owner: Owner) -> None:
        self.owner = owner
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.state = _HEAD
        self.status = 0
        self.remaining = 0
        self.head = False  # the request in flight is a HEAD: its reply has no body
        self.request: Request | None = None
        self.sent_at = 0.0
        self.reusable = True
        self.used = False  # a request went out on it before the current one
        self.received = False  # some bytes of the current reply arrived
        self.timed_out = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def send(self, request: Request, payload: bytes, *, head: bool, now: float) -> None:
        """Write PAYLOAD; the reply is reported to the owner."""
        self.request = request
        self.head = head
        self.sent_at = now
        self.received = False
        self.state = _HEAD
        assert self.transport is not None
        self.transport.write(payload)

    def get_buffer(self, sizehint: int) -> memoryview:
        return READ_BUFFER

    def buffer_updated(self, nbytes: int) -> None:
        data = READ_BUFFER[:nbytes].tobytes()
        # The usual case, in one step: a whole reply, its head seen before, its body sized.
        if not self.buffer and self.state == _HEAD and self.request is not None:
            end = data.find(b"\r\n\r\n")
            parsed = _PARSED.get((data[:end], self.head)) if end > 0 else None
            if parsed is not None and parsed[2] == _LENGTH and nbytes == end + 4 + parsed[3]:
                self.received = True
                self.status, reusable = parsed[0], parsed[1]
                if reusable is not None:
                    self.reusable = reusable
                self._complete(b"")
                return
        self.data_received(data)

    def data_received(self, data: bytes) -> None:
        self.received = True
        buffer: bytes | None = self.buffer + data if self.buffer else data
        try:
            while buffer and self.request is not None:
                buffer = self._advance(buffer)
                if buffer is None:
                    return
        except ProtocolError as exc:
            self.reusable = False
            self.buffer = b""
            self.abort(exc)
            return
        self.buffer = buffer or b""

    def _advance(self, buffer: bytes) -> bytes | None:
        """Consume what BUFFER holds of the reply; None when more bytes are needed."""
        state = self.state
        if state == _HEAD:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > _HEAD_LIMIT:
                    raise ProtocolError("response head over 1 MiB")
                self.buffer = buffer
                return None
            self._read_head(buffer[:end])
            buffer = buffer[end + 4 :]
            if self.state == _HEAD:  # 1xx, or a reply without a body
                return buffer if self.status < 200 else self._complete(buffer)
            if self.state == _LENGTH and self.remaining == 0:
                return self._complete(buffer)
            return buffer
        if state == _LENGTH:
            if len(buffer) < self.remaining:
                self.remaining -= len(buffer)
                self.buffer = b""
                return None
            return self._complete(buffer[self.remaining :])
        if state == _CHUNKED:
            chunked_end = _chunked_end(buffer)
            if chunked_end is None:
                self.buffer = buffer
                return None
            return self._complete(buffer[chunked_end:])
        self.buffer = b""  # until close: bytes are the body
        return None

    def _read_head(self, head: bytes) -> None:
        key = (head, self.head)
        parsed = _PARSED.get(key)
        if parsed is None:
            parsed = _parse_head(head, head_request=self.head)
            if len(_PARSED) >= _PARSED_LIMIT:
                _PARSED.clear()
            _PARSED[key] = parsed
        self.status, reusable, self.state, self.remaining = parsed
        if reusable is not None:
            self.reusable = reusable

    def _complete(self, rest: bytes) -> bytes | None:
        request = self.request
        assert request is not None
        self.state = _HEAD
        self.request = None
        self.buffer = b""
        self.used = True
        self.owner.replied(self, request, self.status)
        return rest if self.request is not None else None  # pipelined bytes: none expected

    def connection_lost(self, exc: Exception | None) -> None:
        self.reusable = False
        self.transport = None
        request = self.request
        if request is None:
            return
        if self.state == _UNTIL_CLOSE and exc is None:
            self._complete(b"")
            return
        self.request = None
        self.owner.failed(self, request, exc)

    def eof_received(self) -> bool | None:
        return None  # let the transport close; connection_lost reports it

    def abort(self, error: BaseException | None = None) -> None:
        """Drop the connection now; a request in flight fails with ERROR."""
        transport, request = self.transport, self.request
        self.reusable = False
        self.transport = self.request = None
        if transport is not None:
            transport.abort()
        if request is not None:
            self.owner.failed(self, request, error)

    def close(self) -> None:
        """Close without waiting for the peer."""
        self.reusable = False
        if self.transport is not None:
            self.transport.close()


def _parse_head(head: bytes, *, head_request: bool) -> _Parsed:
    """Status, whether the connection stays open (None: not known yet), body framing, length."""
    line_end = head.find(b"\r\n")
    status_line = head if line_end < 0 else head[:line_end]
    version, _, tail = status_line.partition(b" ")
    if not version.startswith(b"HTTP/1.") or len(tail) < 3 or not tail[:3].isdigit():
        raise ProtocolError(f"not an HTTP/1.x status line: {status_line[:40]!r}")
    status = int(tail[:3])
    if status < 200:
        return status, None, _HEAD, 0
    fields = head.lower()
    connection = _field(fields, b"\r\nconnection:")
    reusable = b"close" not in connection and (
        version == b"HTTP/1.1" or b"keep-alive" in connection
    )
    if head_request or status in _NO_BODY_STATUSES:
        return status, reusable, _HEAD, 0
    if b"chunked" in _field(fields, b"\r\ntransfer-encoding:"):
        return status, reusable, _CHUNKED, 0
    length = _field(fields, b"\r\ncontent-length:")
    if length:
        try:
            return status, reusable, _LENGTH, int(length)
        except ValueError:
            raise ProtocolError(f"bad Content-Length {length!r}") from None
    return status, False, _UNTIL_CLOSE, 0


def _field(fields: bytes, marker: bytes) -> bytes:
    start = fields.find(marker)
    if start < 0:
        return b""
    start += len(marker)
    end = fields.find(b"\r\n", start)
    return (fields[start:] if end < 0 else fields[start:end]).strip()


def _chunked_end(buffer: bytes) -> int | None:
    """Where a complete chunked body (trailers included) ends in BUFFER, or None."""
    position = 0
    while True:
        line_end = buffer.find(b"\r\n", position)
        if line_end < 0:
            return None
        try:
            size = int(buffer[position:line_end].split(b";", 1)[0], 16)
        except ValueError:
            raise ProtocolError(f"bad chunk size {buffer[position:line_end][:20]!r}") from None
        position = line_end + 2
        if size == 0:
            while True:  # trailers, up to an empty line
                line_end = buffer.find(b"\r\n", position)
                if line_end < 0:
                    return None
                if line_end == position:
                    return position + 2
                position = line_end + 2
        position += size + 2
        if position > len(buffer):
            return None

"""A bounded pool of keep-alive connections to one origin, its line of waiting requests.

At most SIZE connections are open; a due request goes out at once on an idle one (the most
recently used first, so a light load keeps a few warm connections instead of opening the whole
pool) or on a new one, and otherwise waits in line, in due order, for the next connection to
come free. Nothing is dropped: a request that waited is a request that waited, and its
latency counts from its due time. Only a request still in line after --timeout is given up,
as a timeout whose latency is its wait. Timeouts are swept by one timer rather than one per
request.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import deque

from backendkit.loadtest import plain
from backendkit.loadtest.failures import CLOSED, TIMEOUT, error_kind
from backendkit.loadtest.http import Origin, ProtocolError
from backendkit.loadtest.recorder import Recorder
from backendkit.loadtest.wire import LoadConnection, Request

_monotonic = time.monotonic  # what asyncio's loop.time() returns
_SWEEP_EVERY = 0.05  # seconds between timeout sweeps: a timeout is noticed this late at most


class Pool:
    """Sends the requests it is given, records their outcomes; `outstanding` are not done."""

    def __init__(
        self,
        origin: Origin,
        size: int,
        tls: ssl.SSLContext | None,
        *,
        payloads: list[bytes],
        heads: list[bool],
        recorder: Recorder,
        timeout: float,
        keepalive: bool = True,
    ) -> None:
        self.origin = origin
        self.size = size
        self.tls = tls if origin.scheme == "https" else None
        self.payloads = payloads
        self.heads = heads
        self.recorder = recorder
        self._record_wait = recorder.line_wait.record  # once per queued request
        self.timeout = timeout
        self.keepalive = keepalive
        self.loop = asyncio.get_running_loop()
        self.opened = 0  # connections open or opening
        self.outstanding = 0  # requests given and not yet ended
        self.line: deque[Request] = deque()
        self._idle: list[LoadConnection] = []
        self._busy: set[LoadConnection] = set()
        self._addresses: list[plain.Address] | None = None  # plain http: resolved once
        self._tasks: set[asyncio.Task[None]] = set()
        self._settled: asyncio.Future[None] | None = None
        self._sweeper = self.loop.call_later(_SWEEP_EVERY, self._sweep)

    def submit(self, request: Request, now: float) -> None:
        """Send REQUEST now if a connection is free or may be opened, else put it in line."""
        self.outstanding += 1
        idle = self._idle
        while idle and idle[-1].transport is None:  # closed by the server while idle
            idle.pop()
            self.opened -= 1
        if idle:
            self._send(idle.pop(), request, now)
        elif self.opened < self.size:
            self.opened += 1
            self._open(request)
        else:
            self.line.append(request)
            if request[2]:
                self.recorder.queued += 1

    def _send(
        self, connection: LoadConnection, request: Request, now: float, *, retry: bool = False
    ) -> None:
        endpoint, intended, measured = request
        if measured and not retry:
            self.recorder.sent(endpoint, intended)
        if connection.transport is None:  # the server closed it before anything was sent
            self.failed(connection, request, ConnectionResetError())
            return
        self._busy.add(connection)
        connection.send(request, self.payloads[endpoint], head=self.heads[endpoint], now=now)

    def _open(self, request: Request, *, retry: bool = False) -> None:
        task = self.loop.create_task(self._connect_and_send(request, retry=retry))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _connect_and_send(self, request: Request, *, retry: bool) -> None:
        try:
            async with asyncio.timeout(self.timeout):
                if self.tls is None:
                    connection = LoadConnection(self)
                    if self._addresses is None:
                        self._addresses = await plain.resolve(self.origin.host, self.origin.port)
                    await plain.connect(self._addresses, connection)
                else:
                    _, connection = await self.loop.create_connection(
                        lambda: LoadConnection(self),
                        self.origin.host,
                        self.origin.port,
                        ssl=self.tls,
                        server_hostname=self.origin.host,
                    )
        except Exception as exc:  # every failure is a measured outcome, not a crash
            self.opened -= 1
            self._end_failed(request, error_kind(exc))
            self._next_after_free_slot()
            return
        self._send(connection, request, self.loop.time(), retry=retry)

    def replied(self, connection: LoadConnection, request: Request, status: int) -> None:
        """CONNECTION's REQUEST got a reply: record it and hand the connection on."""
        now = _monotonic()  # the loop's clock, without its method call
        endpoint, intended, measured = request
        if measured:
            origin = min(intended, connection.sent_at)  # early: timed from the send
            self.recorder.reply(endpoint, intended, now - origin, status)
        self.outstanding -= 1
        if self.outstanding == 0:
            self._settle_one(already_counted=True)
        self._busy.discard(connection)
        if connection.reusable and self.keepalive:
            if self.line:
                self._hand_on(connection, now)
            else:
                self._idle.append(connection)
        else:
            connection.close()
            self.opened -= 1
            self._next_after_free_slot()

    def failed(
        self, connection: LoadConnection, request: Request, error: BaseException | None
    ) -> None:
        """CONNECTION's REQUEST ended without a reply (or the stale connection is retried)."""
        self._busy.discard(connection)
        connection.close()
        if (
            connection.used
            and not connection.received
            and not connection.timed_out
            and not isinstance(error, ProtocolError)
        ):
            self._open(request, retry=True)  # a kept-alive connection closed while idle
            return
        self.opened -= 1
        kind = TIMEOUT if connection.timed_out else error_kind(error) if error else CLOSED
        self._end_failed(request, kind, sent_at=connection.sent_at or None)
        self._next_after_free_slot()

    def _end_failed(self, request: Request, kind: str, *, sent_at: float | None = None) -> None:
        endpoint, intended, measured = request
        if measured:
            now = self.loop.time()
            origin = intended if sent_at is None else min(intended, sent_at)
            self.recorder.failure(endpoint, intended, now - origin, kind)
        self._settle_one()

    def _hand_on(self, connection: LoadConnection, now: float) -> None:
        request = self._next_in_line(now)
        if request is None:
            self._idle.append(connection)
        else:
            self._send(connection, request, now)

    def _next_after_free_slot(self) -> None:
        request = self._next_in_line(self.loop.time())
        if request is not None:
            self.opened += 1
            self._open(request)

    def _next_in_line(self, now: float) -> Request | None:
        line = self.line
        deadline = now - self.timeout
        while line:
            request = line.popleft()
            if request[1] > deadline:
                if request[2]:
                    self._record_wait(int((now - request[1]) * 1e6))
                return request
            self._give_up(request, now)
        return None

    def _give_up(self, request: Request, now: float) -> None:
        if request[2]:
            self.recorder.gave_up += 1
        self._end_failed(request, TIMEOUT)

    def _sweep(self) -> None:
        now = self.loop.time()
        deadline = now - self.timeout
        line = self.line
        while line and line[0][1] <= deadline:
            self._give_up(line.popleft(), now)
        for connection in [c for c in self._busy if c.sent_at <= deadline]:
            connection.timed_out = True
            connection.abort(TimeoutError())
        self._sweeper = self.loop.call_later(_SWEEP_EVERY, self._sweep)

    def _settle_one(self, *, already_counted: bool = False) -> None:
        if not already_counted:
            self.outstanding -= 1
        if self.outstanding == 0 and self._settled is not None and not self._settled.done():
            self._settled.set_result(None)

    async def settle(self) -> None:
        """Wait until every submitted request has ended, then close every connection."""
        if self.outstanding:
            self._settled = self.loop.create_future()
            await self._settled
        self._sweeper.cancel()
        for connection in self._idle:
            connection.close()
        self._idle.clear()

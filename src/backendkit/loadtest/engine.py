"""The plain-http run on its own loop over select.epoll: no asyncio, no callback per event.

One loop waits on epoll with the next due time (or the next timeout sweep) as its timeout,
then reads every ready socket, completes replies, and launches what fell due. A reply whose
head was seen before and whose body is sized by Content-Length and arrives whole (the usual
case) is completed inline: one recv, one find, one dict look-up, one record. Any other reply
goes through LoadConnection's full parser (wire.py), unchanged. TLS runs keep the asyncio
engine (scheduler.py, pool.py).

The semantics are the asyncio engine's, point by point: request i is due at start + i / rate
and timed from the earlier of its due time and its send; when every connection is busy it
waits in line, in due order, still timed from its due time; a request still in line after
--timeout is given up as a timeout whose latency is its wait; a kept-alive connection the
server closed while idle is retried once on a new connection. Requests of a run shared by
several processes are split as in scheduler.Share and the recorders merge exactly.

Why it is faster: asyncio spends, per reply, a selector call that builds key objects, a
Handle per ready socket, the loop's _run_once bookkeeping, and a timer heap entry per
scheduler wake. Here a reply costs the recv, the parse look-up and the record; and when the
line is long (asked for more than the server gives) a due request costs one deque append
instead of a pool call and its checks.
"""

from __future__ import annotations

import datetime as dt
import errno
import select
import socket
import time
from collections import deque
from collections.abc import Callable

from backendkit.loadtest.epoll_socket import IN, OUT, EpollSocket, Opening
from backendkit.loadtest.failures import CLOSED, TIMEOUT, error_kind
from backendkit.loadtest.http import ProtocolError
from backendkit.loadtest.plan import LoadPlan, weighted_cycle
from backendkit.loadtest.recorder import Recorder
from backendkit.loadtest.scheduler import Progress, RunResult, Share, finished, progress_at
from backendkit.loadtest.wire import _HEAD, _LENGTH, _PARSED, LoadConnection, Request

_LEAD = 0.02  # seconds between set-up and the first due time (as scheduler.py)
_EARLY = 0.001  # epoll's timeout resolution: launch what falls due within it
_SWEEP_EVERY = 0.05  # seconds between timeout sweeps (as pool.py)
_RECV = 64 * 1024
_monotonic = time.monotonic

AVAILABLE = hasattr(select, "epoll")


class Engine:
    """One process's share of a plain-http run."""

    def __init__(self, plan: LoadPlan, share: Share) -> None:
        self.plan = plan
        self.share = share
        self.interval = 1.0 / plan.rate
        self.warm = plan.warmup_requests
        self.total = self.warm + plan.measured_requests
        # Resolved once per run; a name that does not resolve fails each request as a connect
        # error, as on the asyncio engine (pool.py), rather than the run.
        self.resolve_error: OSError | None = None
        try:
            infos = socket.getaddrinfo(plan.origin.host, plan.origin.port, type=socket.SOCK_STREAM)
        except OSError as exc:
            infos, self.resolve_error = [], exc
        self.addresses = [(f, k, p, a) for f, k, p, _, a in infos]
        self.epoll = select.epoll()
        self.sockets: dict[int, EpollSocket] = {}
        self.openings: dict[int, Opening] = {}
        self.soon: list[tuple[LoadConnection, Exception | None]] = []
        self.payloads = plan.payloads()
        self.heads = [e.method == "HEAD" for e in plan.endpoints]
        self.size = share.connections(plan.concurrency)
        self.timeout = plan.timeout
        self.keepalive = plan.keepalive
        self.opened = 0
        self.outstanding = 0
        self.line: deque[Request] = deque()
        self.idle: list[LoadConnection] = []
        self.busy: set[LoadConnection] = set()
        now = _monotonic()
        self.start = now + (_LEAD if share.start is None else share.start - time.time())
        self.recorder = Recorder(len(plan.endpoints), self.start + self.warm * self.interval)
        self.last_send = self.recorder.window_start
        self.launches = 0
        # Heads completed inline: head bytes -> (status, reusable, body length); filled from
        # the full parser's cache for non-HEAD, Content-Length replies.
        self.fast: dict[bytes, tuple[int, bool | None, int]] = {}

    # -- the loop -------------------------------------------------------------------------

    def run(self, on_progress: Callable[[Progress], None] | None, every: float) -> None:
        order = weighted_cycle([e.weight for e in self.plan.endpoints])
        cycle = len(order)
        start, interval, total = self.start, self.interval, self.total
        warm, step = self.warm, self.share.count
        i = self.share.index
        recorder = self.recorder
        record_lag = recorder.scheduler_lag.record
        poll = self.epoll.poll
        sockets = self.sockets
        openings = self.openings
        line = self.line
        submit = self._submit
        read = self._read
        next_sweep = _monotonic() + _SWEEP_EVERY
        next_progress = _monotonic() + every if on_progress else float("inf")
        previous = (0, _monotonic())
        while True:
            now = _monotonic()
            if i < total:
                horizon = now + _EARLY
                while i < total:
                    intended = start + i * interval
                    if intended > horizon:
                        break
                    measured = i >= warm
                    self.launches += 1
                    if line:  # every connection busy: wait in line without the pool's checks
                        # It joins the line when the loop next wakes (a reply, or the sweep):
                        # it could not leave before a connection comes free, its wait is the
                        # line's (line_wait, from its due time), not the scheduler's lag.
                        self.outstanding += 1
                        line.append((order[i % cycle], intended, measured))
                        if measured:
                            recorder.queued += 1
                            self.last_send = now
                    else:
                        if measured:
                            record_lag(int((now - intended) * 1e6) if now > intended else 0)
                            self.last_send = now
                        submit((order[i % cycle], intended, measured), now)
                    i += step
                # Every connection busy: what falls due now can only join the line, and a
                # connection coming free wakes the loop anyway. No wake per due time then.
                wake = start + i * interval - _EARLY if i < total and not line else float("inf")
            elif self.outstanding == 0 and not self.soon:
                break
            else:
                wake = float("inf")
            if now >= next_sweep:
                self._sweep(now)
                next_sweep = now + _SWEEP_EVERY
            if now >= next_progress and on_progress is not None:
                previous = self._progress(on_progress, now, previous)
                next_progress = now + every
            if self.soon:
                self._report_lost()
                continue
            timeout = min(wake, next_sweep, next_progress) - now
            events = poll(timeout if timeout > 0 else 0)
            for fd, mask in events:
                transport = sockets.get(fd)
                if transport is not None:
                    if mask & OUT:
                        transport.writable()
                    if mask & IN:
                        read(transport)
                elif fd in openings:
                    self._connected(fd)
        for connection in self.idle:
            connection.close()
        self.idle.clear()
        self._report_lost()
        self.epoll.close()

    def _read(self, transport: EpollSocket) -> None:
        sock = transport.sock
        if sock is None:
            return
        try:
            data = sock.recv(_RECV)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            transport._close(exc)
            return
        if not data:
            transport._close(None)  # end of stream: a close-delimited reply ends here
            return
        connection = transport.connection
        request = connection.request
        # The usual case, inline: a whole reply, its head seen before, its body sized.
        if request is not None and not connection.buffer and connection.state == _HEAD:
            end = data.find(b"\r\n\r\n")
            known = self.fast.get(data[:end]) if end > 0 and not connection.head else None
            if known is not None and len(data) == end + 4 + known[2]:
                connection.received = True
                connection.request = None
                connection.used = True
                status, reusable, _ = known
                if reusable is not None:
                    connection.reusable = reusable
                self.replied(connection, request, status)
                return
        head_request = connection.head
        connection.data_received(data)
        if not head_request:
            self._learn(data)

    def _learn(self, data: bytes) -> None:
        """Remember a Content-Length head the full parser just read, to complete it inline."""
        end = data.find(b"\r\n\r\n")
        if end <= 0:
            return
        head = data[:end]
        parsed = _PARSED.get((head, False))
        if parsed is not None and parsed[2] == _LENGTH and parsed[0] >= 200:
            if len(self.fast) >= 1024:
                self.fast.clear()
            self.fast[head] = (parsed[0], parsed[1], parsed[3])

    def _report_lost(self) -> None:
        while self.soon:
            soon, self.soon = self.soon, []
            for connection, exc in soon:
                connection.connection_lost(exc)

    # -- the pool (pool.py's rules) ---------------------------------------------------------

    def _submit(self, request: Request, now: float) -> None:
        self.outstanding += 1
        idle = self.idle
        while idle and idle[-1].transport is None:  # closed by the server while idle
            idle.pop()
            self.opened -= 1
        if idle:
            self._send(idle.pop(), request, now)
        elif self.opened < self.size:
            self.opened += 1
            self._open(request, now)
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
        transport = connection.transport
        if transport is None:  # the server closed it before anything was sent
            self.failed(connection, request, ConnectionResetError())
            return
        self.busy.add(connection)
        connection.request = request
        connection.head = self.heads[endpoint]
        connection.sent_at = now
        connection.received = False
        connection.state = _HEAD
        transport.write(self.payloads[endpoint])

    def _open(self, request: Request, now: float, *, retry: bool = False) -> None:
        opening = Opening(request, retry, now)
        opening.addresses = list(self.addresses)
        self._try_next(opening, None)

    def _try_next(self, opening: Opening, error: BaseException | None) -> None:
        while opening.addresses:
            family, kind, proto, address = opening.addresses.pop(0)
            sock = socket.socket(family, kind, proto)
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            code = sock.connect_ex(address)  # type: ignore[arg-type]
            if code in (0, errno.EINPROGRESS, errno.EAGAIN):
                opening.sock = sock
                self.openings[sock.fileno()] = opening
                self.epoll.register(sock.fileno(), OUT | select.EPOLLERR | select.EPOLLHUP)
                return
            sock.close()
            error = OSError(code, errno.errorcode.get(code, "connect"))
            if code == errno.ECONNREFUSED:
                error = ConnectionRefusedError(code, "Connection refused")
        self._open_failed(opening, error or self.resolve_error or OSError("no address"))

    def _connected(self, fd: int) -> None:
        opening = self.openings.pop(fd)
        sock = opening.sock
        assert sock is not None
        code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        self.epoll.unregister(fd)
        if code:
            sock.close()
            error: OSError = OSError(code, errno.errorcode.get(code, "connect"))
            if code == errno.ECONNREFUSED:
                error = ConnectionRefusedError(code, "Connection refused")
            self._try_next(opening, error)
            return
        connection = LoadConnection(self)
        transport = EpollSocket(self, sock, connection)
        self.sockets[fd] = transport
        self.epoll.register(fd, IN)
        connection.connection_made(transport)  # type: ignore[arg-type]
        self._send(connection, opening.request, _monotonic(), retry=opening.retry)

    def _open_failed(self, opening: Opening, error: BaseException) -> None:
        self.opened -= 1
        self._end_failed(opening.request, error_kind(error))
        self._next_after_free_slot()

    def replied(self, connection: LoadConnection, request: Request, status: int) -> None:
        """CONNECTION's REQUEST got a reply: record it and hand the connection on."""
        now = _monotonic()
        endpoint, intended, measured = request
        if measured:
            sent_at = connection.sent_at
            self.recorder.reply(
                endpoint, intended, now - (intended if intended < sent_at else sent_at), status
            )
        self.outstanding -= 1
        self.busy.discard(connection)
        if connection.reusable and self.keepalive:
            line = self.line
            if line:
                deadline = now - self.timeout
                while line:
                    waiting = line.popleft()
                    if waiting[1] > deadline:
                        if waiting[2]:
                            self.recorder.line_wait.record(int((now - waiting[1]) * 1e6))
                        self._send(connection, waiting, now)
                        return
                    self._give_up(waiting)
            self.idle.append(connection)
        else:
            connection.close()
            self.opened -= 1
            self._next_after_free_slot()

    def failed(
        self, connection: LoadConnection, request: Request, error: BaseException | None
    ) -> None:
        """CONNECTION's REQUEST ended without a reply (or the stale connection is retried)."""
        self.busy.discard(connection)
        connection.close()
        if (
            connection.used
            and not connection.received
            and not connection.timed_out
            and not isinstance(error, ProtocolError)
        ):
            self._open(request, _monotonic(), retry=True)  # kept alive, closed while idle
            return
        self.opened -= 1
        kind = TIMEOUT if connection.timed_out else error_kind(error) if error else CLOSED
        self._end_failed(request, kind, sent_at=connection.sent_at or None)
        self._next_after_free_slot()

    def _end_failed(self, request: Request, kind: str, *, sent_at: float | None = None) -> None:
        endpoint, intended, measured = request
        if measured:
            now = _monotonic()
            origin = intended if sent_at is None else min(intended, sent_at)
            self.recorder.failure(endpoint, intended, now - origin, kind)
        self.outstanding -= 1

    def _next_after_free_slot(self) -> None:
        now = _monotonic()
        line = self.line
        deadline = now - self.timeout
        while line:
            request = line.popleft()
            if request[1] > deadline:
                if request[2]:
                    self.recorder.line_wait.record(int((now - request[1]) * 1e6))
                self.opened += 1
                self._open(request, now)
                return
            self._give_up(request)

    def _give_up(self, request: Request) -> None:
        if request[2]:
            self.recorder.gave_up += 1
        self._end_failed(request, TIMEOUT)

    def _sweep(self, now: float) -> None:
        deadline = now - self.timeout
        line = self.line
        while line and line[0][1] <= deadline:
            self._give_up(line.popleft())
        for connection in [c for c in self.busy if c.sent_at <= deadline]:
            connection.timed_out = True
            connection.abort(TimeoutError())
        for fd, opening in list(self.openings.items()):
            if opening.started <= deadline:
                del self.openings[fd]
                self.epoll.unregister(fd)
                if opening.sock is not None:
                    opening.sock.close()
                self._open_failed(opening, TimeoutError())

    def _progress(
        self, callback: Callable[[Progress], None], now: float, previous: tuple[int, float]
    ) -> tuple[int, float]:
        sent_before, time_before = previous
        rate = (self.launches - sent_before) / max(now - time_before, 1e-9)
        callback(progress_at(self.plan, self.recorder, self.start, now, rate))
        return self.launches, now


def run_epoll(
    plan: LoadPlan,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    progress_every: float = 1.0,
    share: Share | None = None,
) -> RunResult:
    """Run PLAN (plain http) or this process's SHARE of it on the epoll engine."""
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    engine = Engine(plan, share or Share())
    engine.run(on_progress, progress_every)
    window_end = engine.start + engine.total * engine.interval
    return finished(plan, engine.recorder, started_at, window_end, engine.last_send)

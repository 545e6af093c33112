"""A cheap HTTP/1.1 server on 127.0.0.1 for the load and health tests, run as a subprocess.

It is a raw asyncio protocol so that it costs the machine far less than the load generator
under test. It prints "PORT <n>" once it listens and stops when its stdin closes (so it never
outlives the test that started it) or after --lifetime seconds.

Paths: /fast (200 at once), /slow (200 after 20 ms), /cpu (200 after 0.1 ms of CPU, like a small
real handler: the server rather than the load generator sets the top rate), /stall (200; the
--stall-after'th request blocks the whole server for 1 s, once), /status/<code>, /health
(health+json pass), /ready (health+json fail, 503), /warn (health+json warn, 200), /hang (never
answers), /connections (how many connections were accepted so far).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

_REASONS = {200: "OK", 404: "Not Found", 500: "Internal Server Error", 503: "Service Unavailable"}


def _response(status: int, body: bytes, content_type: str = "text/plain") -> bytes:
    head = (
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _health(status: str, code: int) -> bytes:
    checks = {
        "database:connections": [
            {"componentType": "datastore", "status": status, "output": f"database {status}"}
        ],
        "cache:responseTime": [{"componentType": "datastore", "status": "pass"}],
    }
    body = json.dumps({"status": status, "checks": checks}).encode()
    return _response(code, body, "application/health+json")


FAST = _response(200, b"ok")
NOT_FOUND = _response(404, b"not found")
FIXED = {
    b"/fast": FAST,
    b"/health": _health("pass", 200),
    b"/ready": _health("fail", 503),
    b"/warn": _health("warn", 200),
}


class State:
    connections = 0
    stall_after = 100
    stall_seen = 0
    stalled = False


class Handler(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        self.buffer = b""
        State.connections += 1

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end]
            length = 0
            lower = head.lower()
            marker = lower.find(b"\r\ncontent-length:")
            if marker >= 0:
                length = int(lower[marker + 17 :].split(b"\r\n", 1)[0])
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            self.handle(head.split(b" ", 2)[1])

    def handle(self, path: bytes) -> None:
        fixed = FIXED.get(path)
        if fixed is not None:
            self.transport.write(fixed)
        elif path == b"/cpu":
            spent = time.thread_time() + 0.0001
            while time.thread_time() < spent:
                pass
            self.transport.write(FAST)
        elif path == b"/slow":
            asyncio.get_running_loop().call_later(0.02, self.reply, FAST)
        elif path == b"/stall":
            State.stall_seen += 1
            if State.stall_seen == State.stall_after and not State.stalled:
                State.stalled = True
                time.sleep(1.0)  # blocks the loop: every request in flight waits
            self.transport.write(FAST)
        elif path.startswith(b"/status/"):
            self.transport.write(_response(int(path[8:]), b"status"))
        elif path == b"/hang":
            pass
        elif path == b"/connections":
            self.transport.write(_response(200, str(State.connections).encode()))
        else:
            self.transport.write(NOT_FOUND)

    def reply(self, payload: bytes) -> None:
        if not self.transport.is_closing():
            self.transport.write(payload)


async def serve(port: int, lifetime: float) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Handler, "127.0.0.1", port, backlog=1024)
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    stdin_closed = loop.run_in_executor(None, sys.stdin.read)
    await asyncio.wait({stdin_closed}, timeout=lifetime)
    server.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--stall-after", type=int, default=100)
    parser.add_argument("--lifetime", type=float, default=300.0)
    args = parser.parse_args()
    State.stall_after = args.stall_after
    asyncio.run(serve(args.port, args.lifetime))


if __name__ == "__main__":
    main()

"""The raw HTTP/1.1 client reads every body framing a server may use."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from backendkit.errors import UsageError
from backendkit.loadtest.engine import run_epoll
from backendkit.loadtest.failures import error_kind
from backendkit.loadtest.http import (
    Connection,
    Origin,
    ProtocolError,
    encode_request,
    split_url,
)
from backendkit.loadtest.plan import Endpoint, LoadPlan
from backendkit.loadtest.report import summarize
from backendkit.loadtest.scheduler import run_load

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def _serve_replies(*replies: bytes) -> Handler:
    """A handler that answers each request on a connection with the next reply, then closes."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for reply in replies:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(reply)
            await writer.drain()
        writer.close()

    return handler


async def _with_server(handler: Handler, body: Callable[[Origin], Awaitable[None]]) -> None:
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        await asyncio.wait_for(body(Origin("http", "127.0.0.1", port)), 5)
    finally:
        server.close()


def _get(origin: Origin) -> bytes:
    return encode_request(origin, "GET", "/", {}, None)


@pytest.mark.parametrize(
    ("reply", "body", "reusable"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", b"hello", True),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n",
            b"hello world",
            True,
        ),
        (b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end", b"until the end", False),
        (b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", b"ok", False),
        (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", b"", True),
    ],
)
def test_body_framings(reply: bytes, body: bytes, reusable: bool) -> None:
    async def body_check(origin: Origin) -> None:
        connection = await Connection.open(origin, None)
        response = await connection.request(_get(origin))
        assert response.body == body
        assert connection.reusable is reusable
        connection.close()

    asyncio.run(_with_server(_serve_replies(reply), body_check))


def test_a_bad_status_line_is_a_protocol_error() -> None:
    async def body_check(origin: Origin) -> None:
        connection = await Connection.open(origin, None)
        with pytest.raises(ProtocolError):
            await connection.request(_get(origin))
        connection.close()

    asyncio.run(_with_server(_serve_replies(b"SSH-2.0-OpenSSH\r\n\r\n"), body_check))


ENGINES = ("asyncio", "epoll")  # plain http runs on the epoll engine; TLS on asyncio's


def _load(origin: Origin, rate: float, requests: int, engine: str = "asyncio") -> dict[str, Any]:
    endpoint = Endpoint("GET /", "GET", "/")
    plan = LoadPlan(origin, (endpoint,), rate=rate, duration=requests / rate, timeout=2)
    if engine == "epoll":
        return summarize(run_epoll(plan))

    async def run() -> dict[str, Any]:
        return summarize(await run_load(plan))

    return asyncio.run(run())


@pytest.mark.parametrize(
    "reply",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end",
        b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    ],
)
@pytest.mark.parametrize("engine", ENGINES)
def test_the_load_run_reads_every_body_framing_in_pieces(reply: bytes, engine: str) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                for i in range(0, len(reply), 7):  # the reply arrives in small pieces
                    writer.write(reply[i : i + 7])
                    await writer.drain()
                    await asyncio.sleep(0.001)
                if b"close" in reply or b"HTTP/1.0" in reply:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    async def body_check(origin: Origin) -> None:
        summary = await asyncio.to_thread(_load, origin, 100, 10, engine)
        assert summary["status_codes"] == {"200": 10}, summary["errors"]
        assert summary["errors"]["transport"] == 0

    asyncio.run(_with_server(handler, body_check))


@pytest.mark.parametrize("engine", ENGINES)
def test_a_keepalive_connection_the_server_closed_is_not_reused(engine: str) -> None:
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"

    async def body_check(origin: Origin) -> None:
        # the server closes after each reply, as an idle timeout would, without saying so
        summary = await asyncio.to_thread(_load, origin, 20, 3, engine)
        assert summary["status_codes"] == {"200": 3}, summary["errors"]
        assert summary["schedule"]["sent"] == 3

    asyncio.run(_with_server(_serve_replies(ok), body_check))


def test_encode_request_lets_user_headers_win() -> None:
    origin = Origin("http", "example.test", 8080)
    payload = encode_request(origin, "POST", "/x", {"user-agent": "me"}, b"{}", keepalive=False)
    text = payload.decode()
    assert text.startswith("POST /x HTTP/1.1\r\nHost: example.test:8080\r\n")
    assert "user-agent: me" in text and "backendkit/" not in text
    assert "Content-Length: 2" in text and "Connection: close" in text
    assert text.endswith("\r\n\r\n{}")


def test_split_url() -> None:
    assert split_url("https://h/a?b=1") == (Origin("https", "h", 443), "/a?b=1")
    assert split_url("http://[::1]:81")[0].host_header == "[::1]:81"
    with pytest.raises(UsageError, match="not an http"):
        split_url("ftp://h/")


def test_error_kinds() -> None:
    assert error_kind(TimeoutError()) == "timeout"
    assert error_kind(ConnectionRefusedError()) == "refused"
    assert error_kind(ConnectionResetError()) == "closed"
    assert error_kind(asyncio.IncompleteReadError(b"", 10)) == "closed"
    assert error_kind(ProtocolError("x")) == "protocol"
    assert error_kind(OSError("no route")) == "connect"


@pytest.mark.parametrize("engine", ENGINES)
def test_a_server_that_closes_every_connection_at_once_ends_the_run_with_closed_errors(
    engine: str,
) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    async def body_check(origin: Origin) -> None:
        summary = await asyncio.to_thread(_load, origin, 50, 5, engine)
        assert summary["errors"]["by_kind"] == {"closed": 5}
        assert summary["replies"] == 0
        assert summary["schedule"]["achieved_rps"] > 0

    asyncio.run(_with_server(handler, body_check))


@pytest.mark.parametrize("engine", ENGINES)
def test_a_reply_that_is_not_http_is_a_protocol_error_in_a_load_run(engine: str) -> None:
    async def body_check(origin: Origin) -> None:
        summary = await asyncio.to_thread(_load, origin, 50, 3, engine)
        assert summary["errors"]["by_kind"] == {"protocol": 3}

    asyncio.run(_with_server(_serve_replies(b"SSH-2.0-OpenSSH\r\n\r\n"), body_check))


@pytest.mark.parametrize("engine", ENGINES)
def test_a_port_nobody_listens_on_is_refused(engine: str) -> None:
    with socket.socket() as probe:  # a port just freed: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    summary = _load(Origin("http", "127.0.0.1", port), 50, 3, engine)
    assert summary["errors"]["by_kind"] == {"refused": 3}
    assert summary["replies"] == 0

"""Judging replies and resolving services, without the command line."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from backendkit.errors import UsageError
from backendkit.health.checker import check_all
from backendkit.health.services import Probe, Service, load_services


def _reply(status: str, body: bytes = b"", content_type: str = "text/plain") -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}"
    return head.encode() + b"\r\n\r\n" + body


_REPLIES = {
    b"/plain": _reply("200 OK", b"ok"),
    b"/up": _reply("200 OK", b'{"status":"UP"}', "application/json"),
    b"/down-json": _reply("200 OK", b'{"status":"down"}', "application/json; charset=utf-8"),
    b"/not-json": _reply("200 OK", b"{x}", "application/json"),
    b"/checks-object": _reply(
        "200 OK",
        b'{"status":"warn","checks":{"disk":{"status":"warn","output":"90%"}}}',
        "application/health+json",
    ),
    b"/teapot": _reply("418 I'm a teapot"),
}


async def _handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    head = await reader.readuntil(b"\r\n\r\n")
    path = head.split(b" ")[1]
    if path == b"/slow":
        await asyncio.sleep(5)
    writer.write(_REPLIES.get(path, _reply("404 Not Found")))
    await writer.drain()
    writer.close()


def _check(paths: dict[str, set[int]], timeout: float = 2.0) -> dict[str, tuple[str, str | None]]:
    async def run() -> dict[str, tuple[str, str | None]]:
        server = await asyncio.start_server(_handler, "127.0.0.1", 0)
        base = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        services = [
            Service(path, (Probe("check", base + path, frozenset(codes)),), timeout)
            for path, codes in paths.items()
        ]
        try:
            results = await check_all(services)
        finally:
            server.close()
        return {r.name: (r.status, r.probes[0].error or r.probes[0].health_status) for r in results}

    return asyncio.run(run())


def test_reply_judgements() -> None:
    found = _check(
        {
            "/plain": {200},
            "/up": {200},
            "/down-json": {200},
            "/not-json": {200},
            "/checks-object": {200},
            "/teapot": {200},
            "/missing": {404},
        }
    )
    assert found == {
        "/plain": ("pass", None),
        "/up": ("pass", "up"),
        "/down-json": ("fail", "down"),
        "/not-json": ("pass", None),
        "/checks-object": ("warn", "warn"),
        "/teapot": ("fail", "HTTP 418, expected 200"),
        "/missing": ("pass", None),
    }


def test_a_slow_service_costs_its_timeout_and_no_more() -> None:
    started = time.monotonic()
    found = _check({"/slow": {200}, "/plain": {200}}, timeout=0.3)
    assert time.monotonic() - started < 1.5
    assert found["/slow"] == ("fail", "no reply within 0.3 s")
    assert found["/plain"] == ("pass", None)


def test_defaults_are_inherited(tmp_path: Path) -> None:
    path = tmp_path / "services.yml"
    path.write_text(
        "defaults: {timeout: 500ms, headers: {X-Probe: bk}, expect: [200, 204]}\n"
        "services:\n"
        "  - {base_url: 'http://127.0.0.1:9/', readiness: null}\n"
        "  - {name: b, url: 'http://127.0.0.1:9/z', timeout: 3, headers: {X-Probe: own}}\n"
    )
    first, second = load_services(path)
    assert first.name == "http://127.0.0.1:9"
    assert [p.url for p in first.probes] == ["http://127.0.0.1:9/health"]
    assert first.timeout == 0.5 and first.probes[0].expect == {200, 204}
    assert dict(first.headers) == {"X-Probe": "bk"}
    assert second.timeout == 3 and dict(second.headers) == {"X-Probe": "own"}


def test_repeated_names_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "services.yml"
    path.write_text("- {name: a, url: 'http://h/'}\n- {name: a, url: 'http://g/'}\n")
    with pytest.raises(UsageError, match="service names repeat: a"):
        load_services(path)

"""Keep-alive reuse, one connection per request, and TLS."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from backendkit.loadtest import LoadPlan, endpoint_from_url, run_load, summarize
from backendkit.loadtest.command import LoadtestOptions, run_loadtest


def _connections(url: str) -> int:
    with urllib.request.urlopen(f"{url}/connections", timeout=5) as reply:
        return int(reply.read())


def test_keepalive_reuses_few_connections_and_no_keepalive_opens_one_each(
    fresh_server: Callable[..., str],
) -> None:
    url = fresh_server()
    before = _connections(url)
    run_loadtest(LoadtestOptions(url=f"{url}/fast", rps=100, requests=50))
    reused = _connections(url) - before - 1
    run_loadtest(LoadtestOptions(url=f"{url}/fast", rps=100, requests=50, keepalive=False))
    fresh = _connections(url) - before - reused - 2
    assert reused <= 5, reused  # the most recently used connection is handed out first
    assert fresh == 50, fresh


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_https_with_and_without_certificate_checks(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            writer.close()

    async def run(verify: bool) -> dict[str, object]:
        server = await asyncio.start_server(handler, "127.0.0.1", 0, ssl=context)
        port = server.sockets[0].getsockname()[1]
        origin, endpoint = endpoint_from_url(
            f"https://127.0.0.1:{port}/", method="GET", headers={}, body=None
        )
        plan = LoadPlan(origin, (endpoint,), rate=50, duration=0.2, timeout=2, verify_tls=verify)
        try:
            return summarize(await run_load(plan))
        finally:
            server.close()

    insecure = asyncio.run(run(verify=False))
    assert insecure["status_codes"] == {"200": 10}
    checked = asyncio.run(run(verify=True))
    assert checked["errors"]["by_kind"] == {"tls": 10}  # type: ignore[index]

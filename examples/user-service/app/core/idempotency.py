"""``Idempotency-Key`` on POST: a retried request gets the first answer, not a second effect.

A key is scoped to its caller and remembered for IDEMPOTENCY_TTL_SECONDS with a fingerprint of
the request (method, path, query and a hash of the body) and the response it got (status, body,
Content-Type, Location).

- same key, same request: the stored response again, marked ``Idempotent-Replayed: true``;
- same key, another request: 422, nothing executed;
- same key while the first request is still running: 409, try again later.

The caller is the account a valid access token names (with ``authenticate``), else a hash of
the Authorization header, else the client address. A request whose token is not valid passes
through untouched, so the route answers it (401) before any key is looked at. Paths under
``excluded`` (sign-in, refresh: their answers hold tokens) are never remembered. Responses of
401, 403 and 500 and above are not remembered either, so such a request can be retried. With
REDIS_URL the keys live in Redis and every replica sees them; without it (or while Redis
is down) each process remembers its own, in a bounded dictionary.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.client import client_address
from app.core.errors import error_response
from app.core.shared_store import SharedStore

HEADER = b"idempotency-key"
MAX_KEY_LENGTH = 255
# How long a claim survives a process that died while running the request.
IN_FLIGHT_SECONDS = 60
# Larger responses are answered but not remembered (a retry then runs again).
MAX_STORED_BODY = 1024 * 1024
_REPLAYED_HEADERS = frozenset({b"content-type", b"location"})
# Answers about the caller's credentials, not the request: the next try is answered afresh.
_NOT_REMEMBERED = frozenset({401, 403})
# The Authorization header's value -> the account its valid token names, or None.
Authenticator = Callable[[bytes], str | None]


@dataclass
class Record:
    """What is known about a key: the request's fingerprint and, once done, its response."""

    fingerprint: str
    status: int | None = None
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytes = b""

    def dumps(self) -> str:
        return json.dumps(
            {
                "f": self.fingerprint,
                "s": self.status,
                "h": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in self.headers],
                "b": base64.b64encode(self.body).decode(),
            }
        )

    @classmethod
    def loads(cls, raw: bytes | str) -> Record:
        data: dict[str, Any] = json.loads(raw)
        return cls(
            fingerprint=data["f"],
            status=data["s"],
            headers=[(k.encode("latin-1"), v.encode("latin-1")) for k, v in data["h"]],
            body=base64.b64decode(data["b"]),
        )


class MemoryRecords:
    """Records in this process: at most MAX_KEYS, each until it expires."""

    def __init__(self, max_keys: int = 10_000) -> None:
        self.max_keys = max_keys
        self._records: dict[str, tuple[float, Record]] = {}

    def claim(self, key: str, fingerprint: str) -> Record | None:
        """None when KEY is now ours; the existing record otherwise."""
        now = time.monotonic()
        existing = self._records.get(key)
        if existing is not None and existing[0] > now:
            return existing[1]
        if existing is None and len(self._records) >= self.max_keys:
            self._evict(now)
        self._records[key] = (now + IN_FLIGHT_SECONDS, Record(fingerprint))
        return None

    def store(self, key: str, record: Record, ttl: int) -> None:
        self._records.pop(key, None)
        if len(self._records) >= self.max_keys:
            self._evict(time.monotonic())
        self._records[key] = (time.monotonic() + ttl, record)

    def release(self, key: str) -> None:
        self._records.pop(key, None)

    def _evict(self, now: float) -> None:
        # Expired records first; then the oldest tenth at once (one sweep per many keys).
        for key in [k for k, (expires, _) in self._records.items() if expires <= now]:
            del self._records[key]
        if len(self._records) >= self.max_keys:
            for key in list(self._records)[: max(1, self.max_keys // 10)]:
                del self._records[key]


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming a key, and which store holds it."""

    existing: Record | None
    shared: bool


class IdempotencyStore:
    """Records in the shared store when it is usable, in this process otherwise."""

    def __init__(self, shared: SharedStore, ttl: int, local: MemoryRecords | None = None) -> None:
        self.shared = shared
        self.ttl = ttl
        self.local = local or MemoryRecords()

    async def claim(self, key: str, fingerprint: str) -> Claim:
        if self.shared.usable:
            try:
                return Claim(await self._shared_claim(key, fingerprint), shared=True)
            except Exception as error:  # an outage must never fail the request
                self.shared.failed(error)
        return Claim(self.local.claim(key, fingerprint), shared=False)

    async def _shared_claim(self, key: str, fingerprint: str) -> Record | None:
        client = self.shared.client
        assert client is not None
        name = self.shared.key("idempotency", key)
        pending = Record(fingerprint).dumps()
        for _ in range(3):  # the existing record may expire between SET NX and GET
            if await client.set(name, pending, nx=True, ex=IN_FLIGHT_SECONDS):
                return None
            raw = await client.get(name)
            if raw is not None:
                return Record.loads(raw)
        return None

    async def store(self, key: str, record: Record, claim: Claim) -> None:
        if not claim.shared:
            self.local.store(key, record, self.ttl)
            return
        try:
            name = self.shared.key("idempotency", key)
            await self._client().set(name, record.dumps(), ex=self.ttl)
        except Exception as error:
            self.shared.failed(error)

    async def release(self, key: str, claim: Claim) -> None:
        if not claim.shared:
            self.local.release(key)
            return
        try:
            await self._client().delete(self.shared.key("idempotency", key))
        except Exception as error:
            self.shared.failed(error)

    def _client(self) -> Any:
        assert self.shared.client is not None
        return self.shared.client


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _fingerprint(scope: Scope, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (scope["method"], scope["path"], scope.get("query_string", b"").decode("latin-1")):
        digest.update(part.encode() + b"\0")
    digest.update(body)
    return digest.hexdigest()


class IdempotencyMiddleware:
    """Replay, refuse or run a POST that carries an Idempotency-Key; others pass untouched."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        store: IdempotencyStore,
        trusted_proxies: Sequence[str] = (),
        excluded: Sequence[str] = (),
        authenticate: Authenticator | None = None,
    ) -> None:
        self.app = app
        self.store = store
        self.trusted_proxies = tuple(trusted_proxies)
        self.excluded = tuple(excluded)
        self.authenticate = authenticate

    def _caller(self, scope: Scope) -> str | None:
        """Whose keys these are; None for a token that is not valid (nothing is remembered)."""
        authorization = _header(scope, b"authorization")
        if not authorization:
            return "client:" + client_address(scope, self.trusted_proxies)
        if self.authenticate is None:
            return "auth:" + hashlib.sha256(authorization).hexdigest()
        account = self.authenticate(authorization)
        return None if account is None else "account:" + account

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or scope["path"].startswith(self.excluded)
        ):
            await self.app(scope, receive, send)
            return
        raw_key = _header(scope, HEADER)
        if raw_key is None:
            await self.app(scope, receive, send)
            return
        if not raw_key.strip() or len(raw_key) > MAX_KEY_LENGTH:
            response = error_response(
                400,
                "VALIDATION_ERROR",
                f"The Idempotency-Key header must have 1 to {MAX_KEY_LENGTH} characters",
            )
            await response(scope, receive, send)
            return
        caller = self._caller(scope)
        if caller is None:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        fingerprint = _fingerprint(scope, body)
        scoped = hashlib.sha256(caller.encode() + b"\0" + raw_key).hexdigest()
        claim = await self.store.claim(scoped, fingerprint)
        if claim.existing is not None:
            await self._answer_existing(claim.existing, fingerprint, scope, receive, send)
            return
        await self._run(scope, body, receive, send, scoped, fingerprint, claim)

    async def _answer_existing(
        self, record: Record, fingerprint: str, scope: Scope, receive: Receive, send: Send
    ) -> None:
        if record.fingerprint != fingerprint:
            response = error_response(
                422,
                "IDEMPOTENCY_KEY_REUSED",
                "This Idempotency-Key was used for a different request",
            )
        elif record.status is None:
            response = error_response(
                409,
                "IDEMPOTENCY_IN_PROGRESS",
                "A request with this Idempotency-Key is still in progress",
                headers={"Retry-After": "1"},
            )
        else:
            headers = [*record.headers, (b"idempotent-replayed", b"true")]
            await send({"type": "http.response.start", "status": record.status, "headers": headers})
            await send({"type": "http.response.body", "body": record.body})
            return
        await response(scope, receive, send)

    async def _run(
        self,
        scope: Scope,
        body: bytes,
        receive: Receive,
        send: Send,
        key: str,
        fingerprint: str,
        claim: Claim,
    ) -> None:
        delivered = False

        async def replay_receive() -> Message:
            # The body was read to fingerprint it: hand it over once, then the real stream.
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        record = Record(fingerprint)
        chunks: list[bytes] = []
        settled = False

        async def settle() -> None:
            # Before the last byte reaches the client: a retry it sends at once must see it.
            nonlocal settled
            settled = True
            record.body = b"".join(chunks)
            if (
                record.status is None
                or record.status >= 500
                or record.status in _NOT_REMEMBERED
                or len(record.body) > MAX_STORED_BODY
            ):
                await self.store.release(key, claim)
            else:
                await self.store.store(key, record, claim)

        async def capturing_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                record.status = message["status"]
                record.headers = [
                    (k, v) for k, v in message.get("headers", ()) if k.lower() in _REPLAYED_HEADERS
                ]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await settle()
            await send(message)

        try:
            await self.app(scope, replay_receive, capturing_send)
        except BaseException:
            if not settled:
                await self.store.release(key, claim)
            raise
        if not settled:
            await settle()

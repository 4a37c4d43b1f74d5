"""Who may do what, and how much.

- Tokens: ``Authorization: Bearer psk_...`` (``propscope token create``; only their SHA-256 is
  stored). Roles: ``reader`` reads, ``reviewer`` also writes (store, jobs, corrections, deletes),
  ``admin`` also imports into the KB and sees every token's jobs.
- Without a token a client is the anonymous reader ``local`` when the server listens on a loopback
  address; on any other address every request but ``/health`` needs a token.
- Rate limit: a token bucket per token (per client address without one); over it: 429 ``E603``.
- Request size: bodies over ``max_request_bytes`` are refused with 413 ``E604`` (by
  ``Content-Length`` when given, else while reading).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from propscope.errors import Forbidden, RateLimited, RequestTooLarge, Unauthorized

RANK = {"reader": 0, "reviewer": 1, "admin": 2}


@dataclass(frozen=True, slots=True)
class Principal:
    name: str
    role: str
    token_id: int | None  # None: the anonymous loopback reader

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class RateLimiter:
    """Token buckets: ``rate_per_minute`` requests a minute, bursts up to the same number."""

    def __init__(self, rate_per_minute: int) -> None:
        self.capacity = float(max(1, rate_per_minute))
        self.refill = self.capacity / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.refill)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                raise RateLimited(f"more than {int(self.capacity)} requests a minute; retry in {int((1 - tokens) / self.refill) + 1} s")
            self._buckets[key] = (tokens - 1.0, now)


def principal(request: Request) -> Principal:
    """The caller, authenticated and rate-limited (a FastAPI dependency of every /v1 route)."""
    state = request.app.state.propscope
    header = request.headers.get("authorization", "")
    found: Principal | None = None
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("use 'Authorization: Bearer TOKEN'")
        info = state.store.authenticate(token.strip())
        if info is None:
            raise Unauthorized("unknown or revoked token")
        found = Principal(info.name, info.role, info.id)
    elif state.config.tokens_required:
        raise Unauthorized("this server needs a token: 'Authorization: Bearer TOKEN' (propscope token create)")
    else:
        found = Principal("local", "reader", None)
    client = request.client.host if request.client else "unknown"
    state.limiter.check(f"token:{found.token_id}" if found.token_id is not None else f"addr:{client}")
    return found


def require(role: str) -> Any:
    """A dependency that lets through callers with at least ``role``."""

    def check(who: Principal = Depends(principal)) -> Principal:
        if RANK[who.role] < RANK[role]:
            if who.token_id is None:
                raise Unauthorized(f"this needs a {role} or admin token ('Authorization: Bearer TOKEN')")
            raise Forbidden(f"this needs the {role} role; token '{who.name}' is a {who.role}")
        return who

    return check


class BodyLimit:
    """ASGI middleware refusing request bodies over ``limit`` bytes before the app reads them."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.limit:
                    await _too_large(scope, send, self.limit)
                    return
        if any(name == b"content-length" for name, _ in scope.get("headers", [])):
            await self.app(scope, receive, send)
            return
        # No Content-Length (chunked): read the body here, up to the limit, then replay it.
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            received += len(chunks[-1])
            if received > self.limit:
                await _too_large(scope, send, self.limit)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _too_large(scope: Scope, send: Send, limit: int) -> None:
    import json

    message = f"the request body is over {limit} bytes"
    accept = b"".join(value for name, value in scope.get("headers", []) if name == b"accept")
    if b"text/html" in accept:  # a browser's form post (the web app's upload without its script): a page
        body = (f'<!DOCTYPE html><html lang="en"><meta charset="utf-8"><title>propscope: too large</title>'
                f'<h1>Too large</h1><p role="alert"><strong>{RequestTooLarge.code}</strong> {message}: split the file '
                f'into smaller ones.</p><p><a href="/">Back to the analyse page</a></p></html>').encode()
        kind = b"text/html; charset=utf-8"
    else:
        body = json.dumps({"code": RequestTooLarge.code, "message": message}).encode()
        kind = b"application/json"
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})

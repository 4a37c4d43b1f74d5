"""Web sessions as signed cookies, so that every worker process and a restarted server read them.

The cookie holds ``{csrf, token id, expiry}`` as base64 JSON with an HMAC-SHA256 of it; nothing is
kept in a process's memory. The API token itself never enters the cookie: a session names the
token's row, and every request checks that the row is still there and not revoked, so a revoked
token signs its sessions out at once. Signing out replaces the cookie; a copy taken before stays
valid until its expiry (``MAX_AGE_S``) unless the token is revoked.

The key: ``$PROPSCOPE_WEB_SECRET`` when set (servers on several hosts share it), else a random key
in a file beside the SQLite database (``<db>.web-key``), or ``$PROPSCOPE_HOME/web-session.key`` for
another database, created once with mode 0600 (by whichever worker comes first).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from propscope.kb.paths import data_home

SECRET_ENV = "PROPSCOPE_WEB_SECRET"
MAX_AGE_S = 12 * 3600


@dataclass(slots=True)
class Session:
    csrf: str
    token_id: int | None = None
    expires: int = 0

    @classmethod
    def new(cls, token_id: int | None = None) -> Session:
        return cls(csrf=secrets.token_urlsafe(32), token_id=token_id, expires=int(time.time()) + MAX_AGE_S)


class SessionCodec:
    """Session <-> cookie value, signed with one key."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def dump(self, session: Session) -> str:
        body = base64.urlsafe_b64encode(
            json.dumps({"c": session.csrf, "t": session.token_id, "e": session.expires}, separators=(",", ":")).encode()
        ).decode().rstrip("=")
        return f"{body}.{self._sign(body)}"

    def load(self, value: str | None) -> Session | None:
        """The session of a cookie value; None when it is absent, forged, malformed or expired."""
        if not value or "." not in value or len(value) > 1000:
            return None
        body, _, signature = value.rpartition(".")
        if not hmac.compare_digest(signature, self._sign(body)):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            session = Session(csrf=str(data["c"]), token_id=None if data["t"] is None else int(data["t"]), expires=int(data["e"]))
        except (ValueError, KeyError, TypeError):
            return None
        return session if session.expires > time.time() else None

    def _sign(self, body: str) -> str:
        digest = hmac.new(self._key, body.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def session_key(store_url: str) -> bytes:
    """The signing key shared by every process serving the store at ``store_url``."""
    given = os.environ.get(SECRET_ENV)
    if given:
        return given.encode()
    path = key_path(store_url)
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    try:
        # O_EXCL: of two workers starting together one writes the key, the other reads it
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # the winner may not have written it yet
            found = path.read_bytes().strip()
            if found:
                return found
            time.sleep(0.02)
        raise
    with os.fdopen(fd, "wb") as out:
        out.write(key)
    return key


def key_path(store_url: str) -> Path:
    url = make_url(store_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database)
        return database.with_name(database.name + ".web-key")
    return data_home() / "web-session.key"

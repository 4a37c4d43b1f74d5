"""Web sessions across server processes, over real HTTP: two uvicorn processes on one SQLite store
share a sign-in, a restarted server keeps it, and a revoked token or a forged cookie signs nobody in."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

pytest.importorskip("jinja2")

from propscope.api.config import ENV, ServerConfig
from propscope.store import Store
from propscope.web.sessions import SECRET_ENV, key_path

SRC = Path(__file__).resolve().parents[2] / "src"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(db: str) -> Iterator[str]:
    """``propscope serve``'s app in its own uvicorn process (models not warmed: these pages need none)."""
    port = _free_port()
    env = {**os.environ, ENV: ServerConfig(db=db, port=port).to_env(), "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    env.pop(SECRET_ENV, None)
    process = subprocess.Popen(
        [sys.executable, "-c", "import uvicorn; from propscope.api.app import create_app; from propscope.api.config import ServerConfig; "
         f"uvicorn.run(create_app(ServerConfig.from_env()), host='127.0.0.1', port={port}, log_level='warning')"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {process.stdout.read().decode() if process.stdout else ''}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def signed_in_as(client: httpx.Client, url: str) -> str | None:
    page = client.get(f"{url}/articles").text
    found = re.search(r"<span>([^<]+) \((reader|reviewer|admin)\)</span>", page)
    return found.group(1) if found else None


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found
    return found.group(1)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[tuple[str, str, Store]]:
    url = f"sqlite:///{tmp_path / 'web.db'}"
    store = Store.open(url, migrate=True)
    token = store.create_token("rita", "reviewer")[0]
    yield url, token, store
    store.close()


def test_a_sign_in_holds_on_another_worker_and_after_a_restart(db: tuple[str, str, Store]) -> None:
    url, token, store = db
    with server(url) as first, server(url) as second, httpx.Client(timeout=30) as client:
        login = client.get(f"{first}/login").text
        reply = client.post(f"{first}/login", data={"csrf": csrf_of(login), "token": token, "next": "/articles"})
        assert reply.status_code == 303
        cookie = client.cookies["ps_session"]
        assert token not in cookie  # the token itself never enters the cookie
        assert signed_in_as(client, first) == "rita"
        assert signed_in_as(client, second) == "rita"
        assert key_path(url).stat().st_mode & 0o777 == 0o600  # one key beside the store, for its owner only
        # the other worker accepts the CSRF token the first one put in the session
        reply = client.post(f"{second}/articles/1/corrections", headers={"X-CSRF-Token": csrf_of(login)}, content=b"{}")
        assert reply.status_code == 403  # the pre-sign-in token is stale ...
        fresh = csrf_of(client.get(f"{first}/").text)
        reply = client.post(f"{second}/articles/999/corrections", headers={"X-CSRF-Token": fresh}, content=b'{"target":"technique","action":"accept","index":0}')
        assert reply.status_code == 404, reply.text  # ... the session's own passes (the article does not exist)
    with server(url) as restarted, httpx.Client(timeout=30, cookies={"ps_session": cookie}) as client:
        assert signed_in_as(client, restarted) == "rita"
        # a cookie with a changed payload (another token id) is not a session
        body, _, signature = cookie.rpartition(".")
        client.cookies.clear()
        client.cookies.set("ps_session", body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + signature)
        assert signed_in_as(client, restarted) is None
        client.cookies.clear()
        client.cookies.set("ps_session", cookie)
        store.revoke_token("rita")
        assert signed_in_as(client, restarted) is None  # revoked: signed out at once


def test_signing_out_replaces_the_cookie(db: tuple[str, str, Store]) -> None:
    url, token, _store = db
    with server(url) as site, httpx.Client(timeout=30) as client:
        client.post(f"{site}/login", data={"csrf": csrf_of(client.get(f"{site}/login").text), "token": token, "next": "/"})
        assert signed_in_as(client, site) == "rita"
        reply = client.post(f"{site}/logout", data={"csrf": csrf_of(client.get(f"{site}/").text)})
        assert reply.status_code == 303
        assert signed_in_as(client, site) is None

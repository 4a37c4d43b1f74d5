"""API fixtures: a store in a temporary SQLite file, tokens of each role, a running server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from propscope.api.app import create_app
from propscope.api.config import ServerConfig
from propscope.store import Store

from .server import Running, serve


@dataclass
class Api:
    url: str
    store: Store
    tokens: dict[str, str]  # name -> token: reader, reviewer, reviewer2, admin
    running: Running

    def client(self, who: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=120)


def start(tmp_path: Path, **config: object) -> Iterator[Api]:
    store = Store.open(f"sqlite:///{tmp_path / 'api.db'}", migrate=True)
    tokens = {name: store.create_token(name, role)[0] for name, role in
              (("reader", "reader"), ("reviewer", "reviewer"), ("reviewer2", "reviewer"), ("admin", "admin"))}
    app = create_app(ServerConfig(**config), store=store)  # type: ignore[arg-type]
    with serve(app) as running:
        yield Api(running.url, store, tokens, running)
    store.close()


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    yield from start(tmp_path_factory.mktemp("api"))

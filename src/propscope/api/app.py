"""The FastAPI application: ``create_app(config, store=None, analyzer=None)``.

Each group of endpoints is a router (:mod:`propscope.api.routes`); a module that adds pages or
endpoints includes its own router on the returned app (``app.include_router(...)``) and reaches the
shared state through :func:`propscope.api.state.get_state` (``state.store``, ``state.analyzer``,
``state.config``) and the :mod:`propscope.api.security` dependencies (``principal``, ``require``).

``app_from_env`` is the factory uvicorn's worker processes call (``propscope serve --workers N``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response

from propscope import __version__
from propscope.api import docs, errors
from propscope.api.config import ServerConfig
from propscope.api.jobs import JobRunner
from propscope.api.routes import analyze, articles, jobs, kb, meta, stats
from propscope.api.security import BodyLimit, RateLimiter
from propscope.api.state import AppState
from propscope.engine import Analyzer, default_analyzer
from propscope.store import Store

log = logging.getLogger("propscope.api")

DESCRIPTION = """Analyse news articles (persuasion techniques, check-worthy claims and speakers, known
debunked claims, cited sources), keep them in a shared store, search, correct and count them.

Send `Authorization: Bearer TOKEN` (`propscope token create`). Without a token, a loopback client
reads; every write needs a reviewer or admin token. Errors are JSON `{code, message}`."""


def create_app(config: ServerConfig | None = None, store: Store | None = None, analyzer: Analyzer | None = None) -> FastAPI:
    """The API over ``store`` (default: ``config.db``, migrated to the newest revision) and ``analyzer``
    (default: the process-wide one for the config's models)."""
    config = config or ServerConfig()
    store = store or Store.open(config.db, migrate=True)
    analyzer = analyzer or default_analyzer(config.engine_config())
    state = AppState(config=config, store=store, analyzer=analyzer, limiter=RateLimiter(config.rate_per_minute))
    state.jobs = JobRunner(state)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        state.jobs.start()  # type: ignore[union-attr]
        yield
        state.jobs.stop()  # type: ignore[union-attr]

    app = FastAPI(
        title="propscope",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # served from local assets by propscope.api.docs
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.propscope = state
    errors.install(app)
    for module in (meta, analyze, jobs, articles, stats, kb):
        app.include_router(module.router)
    docs.install(app)

    @app.middleware("http")
    async def access_log(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        # Method, path and status only: query strings and bodies (article text) stay out of the log.
        started = time.perf_counter()
        response = await call_next(request)
        log.info("%s %s %d %.0f ms", request.method, request.url.path, response.status_code,
                 1000 * (time.perf_counter() - started))
        return response

    if config.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(config.cors_origins), allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(BodyLimit, limit=config.max_request_bytes)
    return app


def app_from_env() -> FastAPI:
    """The app of one uvicorn worker process, configured by ``PROPSCOPE_SERVE_CONFIG``."""
    config = ServerConfig.from_env()
    app = create_app(config)
    app.state.propscope.analyzer.warm()
    return app

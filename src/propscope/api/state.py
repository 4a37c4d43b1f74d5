"""What every request handler shares: config, store, analyser, limiter, job runner."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastapi import Request

from propscope.api.config import ServerConfig
from propscope.api.security import RateLimiter
from propscope.engine import Analyzer
from propscope.store import Store

if TYPE_CHECKING:
    from propscope.api.jobs import JobRunner


@dataclass(slots=True)
class AppState:
    config: ServerConfig
    store: Store
    analyzer: Analyzer
    limiter: RateLimiter
    # One analysis at a time per process: the models already use every core (ONNX threads), and
    # spaCy and the KB's SQLite connection are not meant for concurrent use.
    analysis_lock: threading.Lock = field(default_factory=threading.Lock)
    jobs: JobRunner | None = None


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.propscope
    return state

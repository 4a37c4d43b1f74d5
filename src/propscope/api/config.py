"""What a server is told at start (``propscope serve`` options, or ``PROPSCOPE_SERVE_*`` variables
for uvicorn's worker processes)."""

from __future__ import annotations

import ipaddress
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from propscope.options import EngineConfig

ENV = "PROPSCOPE_SERVE_CONFIG"


@dataclass(frozen=True, slots=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    db: str | None = None  # None: PROPSCOPE_DB, else the SQLite file in $PROPSCOPE_HOME
    require_token: bool | None = None  # None: only when bound to a non-loopback address
    max_request_bytes: int = 4 * 1024 * 1024
    rate_per_minute: int = 120  # per token (per client address without one)
    allow_private_urls: bool = False  # the CLI's --allow-private, for URLs given to /v1/analyze
    url_timeout_s: float = 15.0
    max_job_documents: int = 1000
    cors_origins: tuple[str, ...] = ()
    technique_model: str | None = None
    claim_model: str | None = None
    kb_path: str | None = None
    threads: int | None = None
    languages: tuple[str, ...] = field(default=("en",))

    @property
    def loopback(self) -> bool:
        """Whether the server listens on a loopback address only (a host name other than
        ``localhost`` counts as not loopback: it may resolve anywhere)."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    @property
    def tokens_required(self) -> bool:
        return (not self.loopback) if self.require_token is None else self.require_token

    def engine_config(self) -> EngineConfig:
        return EngineConfig(
            technique_model=Path(self.technique_model) if self.technique_model else None,
            claim_model=Path(self.claim_model) if self.claim_model else None,
            kb_path=Path(self.kb_path) if self.kb_path else None,
            threads=self.threads,
            languages=tuple(self.languages),
        )

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> ServerConfig:
        raw = os.environ.get(ENV)
        if not raw:
            return cls()
        data = json.loads(raw)
        data["cors_origins"] = tuple(data.get("cors_origins") or ())
        data["languages"] = tuple(data.get("languages") or ("en",))
        return cls(**data)

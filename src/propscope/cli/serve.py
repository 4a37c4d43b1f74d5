"""``propscope serve [--host] [--port] [--db URL] [--workers N]``: the REST API under uvicorn."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from propscope.api.config import ENV, ServerConfig
from propscope.cli.db import DB_OPTION


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; any non-loopback address requires tokens."),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    db: str | None = DB_OPTION,
    workers: int = typer.Option(1, "--workers", min=1, max=16, help="Worker processes (each loads the models once)."),
    max_request_bytes: int = typer.Option(4 * 1024 * 1024, "--max-request-bytes", min=1024, help="Refuse larger request bodies."),
    rate: int = typer.Option(120, "--rate", min=1, help="Requests a minute per token (per address without one)."),
    require_token: bool = typer.Option(False, "--require-token", help="Require a token on loopback too."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Let /v1/analyze fetch private and loopback URLs."),
    cors_origin: list[str] = typer.Option([], "--cors-origin", help="Allow browser calls from this origin (repeatable; default: none)."),
    technique_model: Path | None = typer.Option(None, "--technique-model"),
    claim_model: Path | None = typer.Option(None, "--claim-model"),
    kb: Path | None = typer.Option(None, "--kb"),
    threads: int | None = typer.Option(None, "--threads", min=1),
) -> None:
    """Serve the REST API (docs at /docs, OpenAPI at /openapi.json)."""
    config = ServerConfig(
        host=host, port=port, db=db, require_token=True if require_token else None, max_request_bytes=max_request_bytes,
        rate_per_minute=rate, allow_private_urls=allow_private, cors_origins=tuple(cors_origin),
        technique_model=str(technique_model) if technique_model else None, claim_model=str(claim_model) if claim_model else None,
        kb_path=str(kb) if kb else None, threads=threads,
    )
    run_server(config, workers)


def run_server(config: ServerConfig, workers: int = 1) -> None:
    import uvicorn

    from propscope.cli.db import upgrade_database

    upgrade_database(config.db)  # once, before the workers start, not once per worker
    os.environ[ENV] = config.to_env()  # the worker processes read their config from here
    typer.echo(
        f"propscope: serving on http://{config.host}:{config.port} (docs: /docs; tokens "
        f"{'required' if config.tokens_required else 'needed for writes'})",
        err=True,
    )
    uvicorn.run(
        "propscope.api.app:app_from_env", factory=True, host=config.host, port=config.port, workers=workers,
        access_log=False, log_level="warning", server_header=False,
    )

"""``propscope batch INPUT... (--out DIR | --store URL) [--engine local|ray] [--workers N] [--resume]``."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from propscope.errors import BatchError
from propscope.options import DEFAULT_MAX_BYTES, EngineConfig, IngestOptions, RunSettings


class EngineName(str, Enum):
    local = "local"
    ray = "ray"


def batch(
    inputs: list[str] = typer.Argument(
        ...,
        help="Files (.txt, .html, .jsonl, .csv, .parquet), directories (also saved pages with .html.json metadata), URLs.",
        show_default=False,
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output folder (JSONL and Parquet chunks, the ledger)."),
    store: str | None = typer.Option(None, "--store", help="Save into the workspace store at this database URL."),
    ledger: Path | None = typer.Option(None, "--ledger", help="Ledger file with --store (default ./propscope-batch-ledger.sqlite)."),
    engine: EngineName = typer.Option(EngineName.local, "--engine", help="local worker processes, or Ray."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Worker processes (local) or actors (ray)."),
    resume: bool = typer.Option(False, "--resume", help="Continue an earlier run in the same folder: skip what is done."),
    retry_errors: bool = typer.Option(False, "--retry-errors", help="With --resume, analyse documents that failed again."),
    formats: str = typer.Option("jsonl,parquet", "--format", help="Outputs in the folder: jsonl, parquet or both."),
    ray_address: str | None = typer.Option(None, "--ray-address", help="Join this Ray cluster (default: a local Ray)."),
    components: str | None = typer.Option(None, "--components", help="Comma-separated components to run (default: all)."),
    technique_model: Path | None = typer.Option(None, "--technique-model", help="Technique model directory."),
    claim_model: Path | None = typer.Option(None, "--claim-model", help="Check-worthiness model directory."),
    kb: Path | None = typer.Option(None, "--kb", help="Knowledge base file (default: the shipped one)."),
    claim_threshold: float | None = typer.Option(None, "--claim-threshold", min=0.0, max=1.0, help="Claim score threshold."),
    technique_shift: float = typer.Option(0.0, "--technique-shift", min=-1.0, max=1.0, help="Add to every technique threshold."),
    force_language: bool = typer.Option(False, "--force-language", help="Analyse text in unsupported languages."),
    text_column: str = typer.Option("text", "--text-column", help="Column or key holding the text in CSV/JSONL/Parquet."),
    max_bytes: int = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", min=1, help="Refuse larger documents."),
    batch_size: int = typer.Option(8, "--batch-size", min=1, help="Documents per model batch."),
    chunk_size: int = typer.Option(64, "--chunk-size", min=1, help="Documents per output chunk (one ledger commit)."),
    threads: int | None = typer.Option(None, "--threads", min=1, help="Threads per worker (default: cores / workers)."),
    max_failure_share: float = typer.Option(
        0.0, "--max-failure-share", min=0.0, max=1.0, help="Exit 0 while at most this share of documents failed."
    ),
) -> None:
    """Analyse a corpus: resumable, one document's failure stays its own, progress and a summary."""
    from propscope.batch import BatchOptions, run_batch

    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in ("jsonl", "parquet")]
    if unknown or not chosen:
        raise BatchError(f"unknown --format '{','.join(unknown) or formats}'; choose jsonl, parquet or both")
    options = BatchOptions(
        out=out,
        store=store,
        ledger=ledger,
        engine=engine.value,
        workers=workers,
        resume=resume,
        retry_errors=retry_errors,
        batch_size=batch_size,
        chunk_size=chunk_size,
        formats=chosen,
        ray_address=ray_address,
        max_failure_share=max_failure_share,
    )
    config = EngineConfig(technique_model=technique_model, claim_model=claim_model, kb_path=kb, threads=threads)
    settings = RunSettings(
        components=tuple(c.strip() for c in components.split(",")) if components else None,
        claim_threshold=claim_threshold,
        technique_threshold_shift=technique_shift,
        force_language=force_language,
    )
    ingest = IngestOptions(max_bytes=max_bytes, text_column=text_column)
    summary = run_batch(list(inputs), options, config, settings, ingest)
    for line in summary.lines():
        typer.echo(f"propscope: {line}" if not line.startswith(" ") else line, err=True)
    if summary.interrupted:
        typer.echo("propscope: interrupted; what finished is kept: run again with --resume to continue", err=True)
    raise typer.Exit(summary.exit_code)

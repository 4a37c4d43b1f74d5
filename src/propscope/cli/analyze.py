"""``propscope analyze INPUT... [--format text|json|html] [--out PATH]``."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import TextIO

import typer

from propscope.errors import PropscopeError
from propscope.options import DEFAULT_MAX_BYTES, AnalyzeOptions, IngestOptions
from propscope.report import render_html, render_json_lines, render_text
from propscope.runner import Outcome, analyze_inputs


class Format(str, Enum):
    text = "text"
    json = "json"
    html = "html"


def analyze(
    inputs: list[str] = typer.Argument(
        ..., help="Files (.txt, .html, .jsonl, .csv), directories, http(s) URLs, or '-' for stdin.", show_default=False
    ),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="Report format."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the report here instead of stdout."),
    technique_model: Path | None = typer.Option(None, "--technique-model", help="Technique model directory."),
    claim_model: Path | None = typer.Option(None, "--claim-model", help="Check-worthiness model directory."),
    kb: Path | None = typer.Option(None, "--kb", help="Knowledge base file (default: the shipped one)."),
    claim_threshold: float | None = typer.Option(
        None, "--claim-threshold", min=0.0, max=1.0, help="Sentences scoring at least this are claims."
    ),
    technique_shift: float = typer.Option(
        0.0, "--technique-shift", min=-1.0, max=1.0, help="Add to every technique threshold (negative: more spans)."
    ),
    components: str | None = typer.Option(
        None, "--components", help="Comma-separated components to run (default: all)."
    ),
    max_bytes: int = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", min=1, help="Refuse larger inputs."),
    allow_private: bool = typer.Option(
        False, "--allow-private", help="Allow URLs on private, link-local and loopback addresses."
    ),
    timeout: float = typer.Option(15.0, "--timeout", min=0.1, help="Seconds to wait for a URL."),
    text_column: str = typer.Option("text", "--text-column", help="Column or key holding the text in CSV/JSONL."),
    force_language: bool = typer.Option(False, "--force-language", help="Analyse text in unsupported languages."),
    matches: int = typer.Option(3, "--matches", min=1, help="Known claims to show per claim, at most."),
    match_threshold: float | None = typer.Option(
        None, "--match-threshold", min=0.0, max=1.0, help="Cosine similarity for 'likely the same claim' (default: calibrated)."
    ),
    batch_size: int = typer.Option(8, "--batch-size", min=1, help="Articles per model batch."),
    threads: int | None = typer.Option(None, "--threads", min=1, help="CPU threads per model (default: up to 4)."),
    store: bool = typer.Option(False, "--store", help="Also keep the analyses in the store (see --db)."),
    db: str | None = typer.Option(None, "--db", help="Store database URL (default: $PROPSCOPE_DB, else $PROPSCOPE_HOME/propscope.db)."),
) -> None:
    """Analyse articles and report techniques, claims, known debunks and sources."""
    options = AnalyzeOptions(
        ingest=IngestOptions(
            max_bytes=max_bytes, allow_private=allow_private, timeout_s=timeout, text_column=text_column
        ),
        force_language=force_language,
        technique_model=technique_model,
        claim_model=claim_model,
        kb_path=kb,
        claim_threshold=claim_threshold,
        technique_threshold_shift=technique_shift,
        kb_top_k=matches,
        kb_min_similarity=match_threshold,
        threads=threads,
        components=tuple(c.strip() for c in components.split(",")) if components else None,
    )
    outcomes = _with_progress(analyze_inputs(inputs, options, batch_size=batch_size))
    if store:
        outcomes = _stored(outcomes, options, db)
    first = next(outcomes, None)
    second = next(outcomes, None)
    if first is not None and second is None and first.error is not None:
        # One document: its error is the command's error.
        raise first.error
    stream = itertools.chain([o for o in (first, second) if o is not None], outcomes)
    failed: list[Outcome] = []
    total = 0

    def counted() -> Iterator[Outcome]:
        nonlocal total
        for outcome in stream:
            total += 1
            if not outcome.ok:
                failed.append(outcome)
            yield outcome

    _write_report(counted(), fmt, out)
    for outcome in failed:
        typer.echo(f"propscope: skipped {outcome.source}: {outcome.error}", err=True)
    if total and len(failed) == total:
        raise typer.Exit(2)
    if failed:
        raise typer.Exit(1)


def _stored(outcomes: Iterator[Outcome], options: AnalyzeOptions, url: str | None) -> Iterator[Outcome]:
    """Each analysed document saved to the store as it is done (once per article and pipeline)."""
    from propscope.engine import default_analyzer
    from propscope.store import Store, save_outcome

    database = Store.open(url, migrate=True)
    signature = default_analyzer(options.config).signature(options.settings)
    added = known = 0
    try:
        for outcome in outcomes:
            saved = save_outcome(database, outcome, signature)
            if saved is not None:
                added, known = (added + 1, known) if saved.created else (added, known + 1)
            yield outcome
    finally:
        database.close()
    typer.echo(f"propscope: stored {added} new analyses ({known} already in the store)", err=True)


def _with_progress(outcomes: Iterator[Outcome]) -> Iterator[Outcome]:
    """A live count of analysed documents on stderr, when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield from outcomes
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.completed} documents analysed"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("analyse", total=None)
        for outcome in outcomes:
            progress.advance(task)
            yield outcome


def _write_report(outcomes: Iterator[Outcome], fmt: Format, out: Path | None) -> None:
    """JSON and text are written as each document is done (nothing is lost if a long batch stops);
    the HTML page needs every document first."""
    try:
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)
        sink: TextIO = sys.stdout if out is None else out.open("w", encoding="utf-8")
    except OSError as exc:
        raise PropscopeError(f"cannot write {out}: {exc.strerror}") from exc
    colour = out is None and sys.stdout.isatty()
    try:
        if fmt is Format.html:
            sink.write(render_html(list(outcomes)))
        else:
            for outcome in outcomes:
                if fmt is Format.json:
                    sink.write(render_json_lines([outcome]))
                else:
                    sink.write(render_text([outcome], colour=colour))
                sink.flush()
    finally:
        if sink is not sys.stdout:
            sink.close()
    if out is not None:
        typer.echo(f"propscope: wrote {out}", err=True)

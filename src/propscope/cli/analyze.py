"""``propscope analyze INPUT... [--format text|json|html] [--out PATH]``.

Options are checked here, before any input is read or model loaded, so that a mistake on the command
line is one line on stderr within a fraction of a second. This module imports only typer and the
standard library at import time: the reports (rich) and the pipeline (numpy, ONNX Runtime, spaCy) are
imported when the command runs.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import typer

from propscope.errors import OutputError, UsageError
from propscope.options import DEFAULT_MAX_BYTES, DEFAULT_MAX_CHARS, AnalyzeOptions, IngestOptions
from propscope.output import GracefulStop, ReportFile, check_output, completed_sources

if TYPE_CHECKING:
    from propscope.runner import Outcome


class Format(str, Enum):
    text = "text"
    json = "json"
    html = "html"


# The report format an output file's suffix stands for.
SUFFIX_FORMATS: dict[str, Format] = {
    ".html": Format.html,
    ".htm": Format.html,
    ".json": Format.json,
    ".jsonl": Format.json,
    ".ndjson": Format.json,
    ".txt": Format.text,
}


def report_format(fmt: Format | None, out: Path | None) -> Format:
    """``--format`` if given, else the one ``--out``'s suffix names, else text; a contradiction is an error."""
    implied = SUFFIX_FORMATS.get(out.suffix.lower()) if out is not None else None
    if fmt is None:
        return implied or Format.text
    if implied is not None and implied is not fmt:
        raise UsageError(
            f"--format {fmt.value} contradicts the output file {out} (a {implied.value} suffix): "
            f"use -f {implied.value}, or an output name that fits {fmt.value}"
        )
    return fmt


def component_names(value: str | None) -> tuple[str, ...] | None:
    """``--components a,b`` as names; unknown names are refused before anything loads."""
    if value is None:
        return None
    from propscope.components import check_component_names

    names = tuple(name.strip() for name in value.split(",") if name.strip())
    if not names:
        raise UsageError("--components names no component (e.g. --components segment,claims)")
    check_component_names(names)
    return names


def analyze(
    inputs: list[str] = typer.Argument(
        ..., help="Files (.txt, .html, .jsonl, .csv), directories, http(s) URLs, or '-' for stdin.",
        show_default=False,
        metavar="INPUT...",
    ),
    fmt: Format | None = typer.Option(
        None, "--format", "-f", help="Report format (default: from the --out suffix, else text).", show_default=False
    ),
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
    all_spans: bool = typer.Option(
        False,
        "--all-spans",
        help="Show every technique span of the F1-tuned decoder, including techniques hidden by default as unreliable.",
    ),
    technique_precision: float | None = typer.Option(
        None,
        "--technique-precision",
        min=0.0,
        max=1.0,
        help="Precision target of the technique spans shown (the model stores 0.6, the default, 0.5, 0.4, 0.3): lower shows more spans, fewer of them right.",
    ),
    components: str | None = typer.Option(
        None,
        "--components",
        help="Comma-separated components to run (default: all); those they need are added.",
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
    pager: bool = typer.Option(
        True, "--pager/--no-pager", help="Page a long text report on an interactive terminal."
    ),
    store: bool = typer.Option(False, "--store", help="Also keep the analyses in the store (see --db)."),
    db: str | None = typer.Option(None, "--db", help="Store database URL (default: $PROPSCOPE_DB, else $PROPSCOPE_HOME/propscope.db)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing --out file."),
    resume: bool = typer.Option(
        False, "--resume", help="Keep the finished documents of an existing --out JSON report and skip their inputs."
    ),
    max_chars: int = typer.Option(DEFAULT_MAX_CHARS, "--max-chars", min=1, help="Refuse texts longer than this."),
    follow_symlinks: bool = typer.Option(
        False, "--follow-symlinks", help="Read symlinks in input directories that point outside them."
    ),
) -> None:
    """Analyse articles and report techniques, claims, known debunks and sources."""
    chosen = report_format(fmt, out)
    kept, done = _prepare_output(out, inputs, chosen, force, resume)
    options = AnalyzeOptions(
        ingest=IngestOptions(
            max_bytes=max_bytes,
            allow_private=allow_private,
            timeout_s=timeout,
            text_column=text_column,
            max_chars=max_chars,
            follow_symlinks=follow_symlinks,
            skip_sources=frozenset(done),
        ),
        force_language=force_language,
        technique_model=technique_model,
        claim_model=claim_model,
        kb_path=kb,
        claim_threshold=claim_threshold,
        technique_threshold_shift=technique_shift,
        technique_all_spans=all_spans,
        technique_precision=technique_precision,
        kb_top_k=matches,
        kb_min_similarity=match_threshold,
        threads=threads,
        components=component_names(components),
    )
    stop = GracefulStop()
    with stop:
        code = _analyze_and_write(stop, inputs, options, batch_size, chosen, out, kept, pager, db if store else None, store)
    if stop.signal is not None:
        where = f"; {out} holds them" if out is not None else ""
        how = (
            "run the same command with --resume to skip them" if out is not None and chosen is Format.json
            else "re-run with -f json -o FILE, then --resume, to continue an interrupted batch"
        )
        documents = f"{stop.done} document{'' if stop.done == 1 else 's'}"
        typer.echo(f"propscope: interrupted by {stop.name} after {documents}{where}; {how}", err=True)
        raise typer.Exit(130)
    if code:
        raise typer.Exit(code)


def _prepare_output(
    out: Path | None, inputs: list[str], fmt: Format, force: bool, resume: bool
) -> tuple[list[str], set[str]]:
    """Check ``--out`` before any work; with ``--resume``, the report lines to keep and their sources."""
    if out is None:
        if resume:
            raise OutputError("--resume continues a report file: give it with --out (and --format json)")
        return [], set()
    check_output(out, inputs, force=force, resume=resume)
    if not resume:
        return [], set()
    if fmt is not Format.json:
        raise OutputError("--resume works with --format json (a text or HTML report cannot be continued)")
    return completed_sources(out)


def _analyze_and_write(
    stop: GracefulStop,
    inputs: list[str],
    options: AnalyzeOptions,
    batch_size: int,
    fmt: Format,
    out: Path | None,
    kept: list[str],
    pager: bool,
    db: str | None,
    store: bool,
) -> int:
    """Analyse and write the report; the exit code: 0, 1 (some documents failed) or 2 (all did)."""
    from propscope.runner import analyze_inputs

    outcomes = _with_progress(analyze_inputs(inputs, options, batch_size=batch_size))
    if store:
        outcomes = _stored(outcomes, options, db)
    outcomes = stop.until_stopped(outcomes)
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

    _write_report(counted(), fmt, out, pager, kept)
    for outcome in failed:
        typer.echo(f"propscope: skipped {outcome.source}: {outcome.error}", err=True)
    if total and len(failed) == total:
        return 2
    return 1 if failed else 0


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


def _write_report(
    outcomes: Iterator[Outcome], fmt: Format, out: Path | None, pager: bool, kept: list[str] | None = None
) -> None:
    """JSON and text are written as each document is done (nothing is lost if a long batch stops);
    the HTML page needs every document first, and so does a paged terminal report. A file is written
    beside ``out`` and renamed over it (``propscope.output.ReportFile``)."""
    if fmt is Format.text and out is None and pager and sys.stdout.isatty() and sys.stdin.isatty():
        _page_text(list(outcomes))
        return
    from propscope.report import render_html, render_json_lines, render_text

    sink: TextIO | ReportFile = sys.stdout if out is None else ReportFile(out, keep_lines=kept or [])
    colour = out is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    try:
        if fmt is Format.html:
            sink.write(render_html(list(outcomes)))
        else:
            for outcome in outcomes:
                if fmt is Format.json:
                    sink.write(render_json_lines([outcome]))
                else:
                    sink.write(render_text([outcome], colour=colour, width=_terminal_width() if out is None else None))
                sink.flush()
    except KeyboardInterrupt:
        # A second Ctrl-C: stop at once, but keep the JSON lines already written (each is complete).
        if isinstance(sink, ReportFile) and fmt is Format.json:
            sink.commit()
        elif isinstance(sink, ReportFile):
            sink.discard()
        raise
    except BaseException:
        if isinstance(sink, ReportFile):
            sink.discard()  # the earlier output, if any, stays as it was
        raise
    if isinstance(sink, ReportFile):
        sink.commit()
    if out is not None:
        typer.echo(f"propscope: wrote {out}", err=True)


def _terminal_width() -> int | None:
    """The terminal's width when stdout is one (``COLUMNS`` wins, as everywhere), else the report's default."""
    if "COLUMNS" in os.environ:
        try:
            return max(40, int(os.environ["COLUMNS"]))
        except ValueError:
            return None
    if not sys.stdout.isatty():
        return None
    try:
        return max(40, os.get_terminal_size(sys.stdout.fileno()).columns)
    except OSError:
        return None


def _page_text(outcomes: list[Outcome]) -> None:
    """The colour report through the user's pager (``$PAGER``, else ``less -R``) when it is taller than
    the terminal; short reports print directly."""
    from propscope.report import render_text

    colour = "NO_COLOR" not in os.environ
    report = render_text(outcomes, colour=colour, width=_terminal_width())
    height = os.get_terminal_size(sys.stdout.fileno()).lines
    if report.count("\n") < height - 1:
        sys.stdout.write(report)
        return
    import click

    if "PAGER" not in os.environ and "LESS" not in os.environ:
        os.environ["LESS"] = "-R"  # keep the colours; click's default pager call is plain 'less'
    click.echo_via_pager(report, color=colour)

"""A corpus run: documents streamed from the inputs, analysed by an engine, written in chunks that
commit together with their ledger rows, with progress and a summary.

The driver (this module) reads the inputs, decides per document from the ledger whether it is done
(skip), failed earlier (skip, or retry with ``retry_errors``), a duplicate of a text already written
(``skipped``), or to analyse; bad inputs are recorded at once and never enter a model batch, so the
batches stay full. Results come back from the engine in any order; every ``chunk_size`` documents
(or ``commit_s`` seconds) the finished ones are written as one chunk and recorded in one ledger
transaction. Ctrl-C or SIGTERM: what finished is committed, then the run stops (exit 130); a
re-run with ``resume`` continues it.
"""

from __future__ import annotations

import logging
import signal
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from propscope.batch.ledger import LEDGER_NAME, Ledger, Row, remove_orphans
from propscope.batch.local import AnalyzerFactory, Batch, LocalEngine
from propscope.batch.progress import Progress
from propscope.batch.sink import FORMATS, FolderSink, Sink, StoreSink
from propscope.batch.sources import estimate_total, iter_documents
from propscope.batch.work import Done, content_hash
from propscope.engine import Analyzer, check_language
from propscope.errors import BatchError, ComponentUnavailable, OutputInsideInput, PropscopeError
from propscope.options import EngineConfig, IngestOptions, RunSettings

log = logging.getLogger(__name__)


@dataclass(slots=True)
class BatchOptions:
    """How a corpus run goes (what it analyses with is the EngineConfig and RunSettings)."""

    out: Path | None = None
    store: str | None = None
    ledger: Path | None = None
    engine: str = "local"
    workers: int = 1
    resume: bool = False
    retry_errors: bool = False
    batch_size: int = 8
    chunk_size: int = 64
    commit_s: float = 30.0
    formats: tuple[str, ...] = FORMATS
    ray_address: str | None = None
    max_failure_share: float = 0.0
    progress: bool | None = None  # None: a bar on a terminal, periodic lines otherwise
    log_every_s: float = 10.0


@dataclass(slots=True)
class Summary:
    """What a run did: counts, failures by reason, where it wrote."""

    ok: int = 0
    failed: int = 0
    skipped_done: int = 0
    skipped_errors: int = 0
    duplicates: int = 0
    reasons: Counter[tuple[str, str]] = field(default_factory=Counter)
    seconds: float = 0.0
    interrupted: bool = False
    signature: str = ""
    where: str = ""
    max_failure_share: float = 0.0

    @property
    def attempted(self) -> int:
        return self.ok + self.failed

    @property
    def failure_share(self) -> float:
        return self.failed / self.attempted if self.attempted else 0.0

    @property
    def exit_code(self) -> int:
        """0: nothing failed (or no more than ``max_failure_share``); 1: more failed; 2: every
        document tried failed; 130: interrupted."""
        if self.interrupted:
            return 130
        if self.attempted and self.failed == self.attempted:
            return 2
        return 1 if self.failed and self.failure_share > self.max_failure_share else 0

    def lines(self) -> list[str]:
        rate = self.attempted / self.seconds if self.seconds > 0 else 0.0
        head = "interrupted" if self.interrupted else "done"
        out = [
            f"batch {head}: {self.ok} ok, {self.failed} failed, {self.skipped_done} skipped (done earlier), "
            f"{self.skipped_errors} skipped (failed earlier; --retry-errors), {self.duplicates} skipped (same text as "
            f"another document) in {self.seconds:.1f} s ({rate:.2f} documents/s); output: {self.where}"
        ]
        for (code, reason), count in self.reasons.most_common(10):
            out.append(f"  {count} failed with {code}: {reason}")
        if len(self.reasons) > 10:
            out.append(f"  ... and {len(self.reasons) - 10} other reasons (see the ledger)")
        return out


class _Stop:
    """SIGTERM becomes KeyboardInterrupt in the driver, so that a terminated run commits what is done."""

    def __enter__(self) -> None:
        self.previous = signal.getsignal(signal.SIGTERM)
        try:
            signal.signal(signal.SIGTERM, self._raise)
        except ValueError:  # not the main thread: leave signals alone
            self.previous = None

    def __exit__(self, *_: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)

    @staticmethod
    def _raise(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt


def check_out(out: Path, inputs: Iterable[str]) -> None:
    """Refuse an output folder inside an input folder (the next run would read the output)."""
    target = out.resolve()
    for item in inputs:
        path = Path(item)
        if path.is_dir() and (target == path.resolve() or path.resolve() in target.parents):
            raise OutputInsideInput(f"the output folder {out} lies inside the input folder {item}; write it elsewhere")


def run_batch(
    inputs: list[str],
    options: BatchOptions,
    config: EngineConfig | None = None,
    settings: RunSettings | None = None,
    ingest: IngestOptions | None = None,
    factory: AnalyzerFactory | None = None,
) -> Summary:
    """Analyse every document the inputs name into ``options.out`` or ``options.store``."""
    config = config or EngineConfig()
    settings = settings or RunSettings()
    ingest = ingest or IngestOptions()
    if (options.out is None) == (options.store is None):
        raise BatchError("give exactly one of --out DIR and --store URL")
    analyzer = factory(config) if factory else Analyzer(config)
    missing = analyzer.missing(settings)
    if missing:
        raise ComponentUnavailable(f"component {missing[0]} cannot run here (its model or KB is not installed)")
    signature = analyzer.signature(settings)

    sink: Sink
    if options.out is not None:
        check_out(options.out, inputs)
        ledger_path = options.out / LEDGER_NAME
        if ledger_path.exists() and not options.resume:
            raise BatchError(f"{options.out} holds an earlier run; use --resume to continue it, or a new --out folder")
        options.out.mkdir(parents=True, exist_ok=True)
        where = str(options.out)
    else:
        ledger_path = options.ledger or Path("propscope-batch-ledger.sqlite")
        if ledger_path.exists() and not options.resume:
            raise BatchError(f"the ledger {ledger_path} holds an earlier run; use --resume, or another --ledger")
        where = f"store ({ledger_path} is the ledger)"
    ledger = Ledger(ledger_path, signature)
    try:
        if options.out is not None:
            removed = remove_orphans(options.out, ledger.chunk_names())
            if removed:
                log.info("removed %d output files that no ledger row names (an interrupted chunk)", len(removed))
            sink = FolderSink(options.out, options.formats)
        else:
            sink = StoreSink(options.store or "")
        try:
            return _drive(inputs, options, config, settings, ingest, factory, analyzer, ledger, sink, signature, where)
        finally:
            sink.close()
    finally:
        ledger.close()


def _drive(
    inputs: list[str],
    options: BatchOptions,
    config: EngineConfig,
    settings: RunSettings,
    ingest: IngestOptions,
    factory: AnalyzerFactory | None,
    analyzer: Analyzer,
    ledger: Ledger,
    sink: Sink,
    signature: str,
    where: str,
) -> Summary:
    summary = Summary(signature=signature, where=where, max_failure_share=options.max_failure_share)
    earlier = ledger.status_of()
    written = ledger.known_hashes()
    chunk_number = ledger.next_chunk_number()
    pending_rows: list[Row] = []
    pending_done: list[Done] = []
    last_commit = time.monotonic()
    started = time.monotonic()
    progress = Progress(estimate_total(inputs), options.progress, options.log_every_s)

    def commit(force: bool = False) -> None:
        nonlocal chunk_number, last_commit, pending_rows, pending_done
        due = len(pending_done) + len(pending_rows) >= options.chunk_size or time.monotonic() - last_commit >= options.commit_s
        if not (pending_rows or pending_done) or not (force or due):
            return
        name = f"part-{chunk_number:06d}"
        wrote = sink.write(name, pending_done, signature)
        rows = pending_rows + [
            Row(d.source, d.content_hash, "ok" if d.ok else "error", d.code, d.reason, d.timings) for d in pending_done
        ]
        ledger.commit(name if wrote else None, rows)
        chunk_number += wrote
        pending_rows, pending_done = [], []
        last_commit = time.monotonic()

    def record(row: Row) -> None:
        pending_rows.append(row)
        if row.status == "error":
            summary.failed += 1
            summary.reasons[(row.code or "E000", row.reason or "")] += 1
        elif row.status == "skipped":
            summary.duplicates += 1
        progress.advance(summary)

    def documents() -> Iterator[tuple[str, Any]]:
        in_run: dict[str, str] = {}
        for result in iter_documents(inputs, ingest):
            before = earlier.get(result.source)
            if result.article is None:
                if before is not None and before[1] == "error" and not options.retry_errors:
                    summary.skipped_errors += 1
                    progress.advance(summary)
                    continue
                error = result.error or PropscopeError("no article and no error")
                record(Row(result.source, None, "error", error.code, error.message))
                continue
            digest = content_hash(result.article.text)
            if before is not None and before[0] == digest:
                if before[1] in ("ok", "skipped"):
                    summary.skipped_done += 1
                    progress.advance(summary)
                    continue
                if not options.retry_errors:
                    summary.skipped_errors += 1
                    progress.advance(summary)
                    continue
            first = written.get(digest) or in_run.get(digest)
            if first is not None and first != result.source:
                record(Row(result.source, digest, "skipped", None, f"same text as {first}"))
                continue
            try:
                check_language(result.article, config.languages, settings.force_language)
            except PropscopeError as exc:
                record(Row(result.source, digest, "error", exc.code, exc.message))
                continue
            in_run[digest] = result.source
            yield result.source, result.article

    def batches() -> Iterator[Batch]:
        batch: Batch = []
        for item in documents():
            batch.append(item)
            if len(batch) >= options.batch_size:
                yield batch
                batch = []
            commit()  # error rows of bad inputs commit on time even when no batch finishes
        if batch:
            yield batch

    engine = _engine(options, config, settings, factory)
    if options.engine == "ray":
        from propscope.batch.ray_engine import skip_map

        stream = engine.results(inputs, ingest, skip_map(earlier, options.retry_errors))
    else:
        stream = engine.map(batches())
    try:
        with _Stop(), progress:
            try:
                for done in stream:
                    for item in done:
                        if item.code == "skip":  # the Ray engine settles resumed documents in its actors
                            summary.skipped_done += 1
                            continue
                        if item.ok and written.get(item.content_hash, item.source) != item.source:
                            record(Row(item.source, item.content_hash, "skipped", None, f"same text as {written[item.content_hash]}"))
                            continue
                        pending_done.append(item)
                        if item.ok:
                            summary.ok += 1
                            written[item.content_hash] = item.source
                        else:
                            summary.failed += 1
                            summary.reasons[(item.code or "E000", item.reason or "")] += 1
                    progress.advance(summary)
                    commit()
            except KeyboardInterrupt:
                summary.interrupted = True
            commit(force=True)
    finally:
        summary.seconds = time.monotonic() - started
    return summary


def _engine(options: BatchOptions, config: EngineConfig, settings: RunSettings, factory: AnalyzerFactory | None) -> Any:
    if options.engine == "local":
        return LocalEngine(config, settings, options.workers, factory)
    if options.engine == "ray":
        from propscope.batch.ray_engine import RayEngine

        return RayEngine(config, settings, options.workers, options.batch_size, options.ray_address, factory)
    raise BatchError(f"unknown engine '{options.engine}'; choose local or ray")

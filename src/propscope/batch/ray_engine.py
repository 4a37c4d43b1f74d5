"""The Ray engine (extra ``[scale]``): Ray Data reads the inputs, a pool of actors analyses them.

``ray.data.read_text`` (JSONL, one record per line, so a broken line is that record's error and not
the block's) and ``ray.data.read_parquet`` read the inputs where they lie; ``map_batches`` runs
:class:`Analyse`, a callable class holding one long-lived :class:`~propscope.engine.Analyzer` per
actor, on ``compute=ray.data.ActorPoolStrategy(size=N)``. The driver iterates the results as they
stream out and writes them through the same sink and ledger as the local engine (JSONL and the
Parquet tables, each chunk committed with its ledger rows), so resume and exactly-once hold the
same way and the outputs are equal to the local engine's.

Sources are ``path#id`` (the record's ``id``, else the first 16 hex digits of its text's SHA-256):
Ray Data does not number lines, so a Ray run's ledger is its own (do not mix engines in one folder).
``--ray-address`` joins a running cluster (``ray start --head`` on one node, ``ray start
--address=HEAD:6379`` on the others; the inputs and output folder on storage every node sees).
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from propscope.batch.local import AnalyzerFactory, threads_per_worker
from propscope.batch.work import Done, analyze_batch, content_hash
from propscope.engine import Analyzer, check_language
from propscope.errors import BatchError, BadRecord, PropscopeError, ScaleDependencyMissing
from propscope.options import EngineConfig, IngestOptions, RunSettings


def _ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise ScaleDependencyMissing("the Ray engine needs ray: pip install 'propscope[scale]'") from None
    return ray


class Analyse:
    """One Ray actor: builds its analyser once, then parses and analyses batches of rows."""

    def __init__(
        self,
        config: EngineConfig,
        settings: RunSettings,
        ingest: IngestOptions,
        skip: dict[str, str],
        kind: str = "jsonl",
        factory: AnalyzerFactory | None = None,
    ) -> None:
        self.analyzer = factory(config) if factory else Analyzer(config)
        self.config, self.settings, self.ingest, self.skip, self.kind = config, settings, ingest, skip, kind

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        from propscope.ingest.dispatch import article_from_record
        from propscope.ingest.records import _to_article

        columns: dict[str, list[Any]] = {k: [] for k in ("source", "content_hash", "code", "reason", "article", "timings")}

        def emit(source: str, digest: str | None, code: str | None, reason: str | None, article: bytes | None, timings: str) -> None:
            for key, value in zip(columns, (source, digest, code, reason, article, timings), strict=True):
                columns[key].append(value)

        items = []
        for record, path in _records(batch, self.kind == "jsonl"):
            if isinstance(record[0], PropscopeError):
                error, raw = record
                source = f"{path}#line-{hashlib.sha256(raw.encode()).hexdigest()[:16]}"
                if self.skip.get(source) == "*":
                    emit(source, None, "skip", None, None, "{}")
                else:
                    emit(source, None, error.code, f"{path}: {error.message}", None, "{}")
                continue
            record = record[0]
            text = record.get(self.ingest.text_column)
            key = str(record.get("id") or (content_hash(text)[:16] if isinstance(text, str) else "?"))
            record.setdefault("id", key)
            source = f"{path}#{key}"
            where, article, error = _to_article(record, path, 0, self.ingest, article_from_record)
            if article is None:
                error = error or BadRecord("no article")
                emit(source, None, error.code, error.message.replace(" line 0", ""), None, "{}")
                continue
            article.metadata["source"] = source  # not "path:0": Ray Data does not number lines
            digest = content_hash(article.text)
            if self.skip.get(source) in (digest, "*"):
                emit(source, digest, "skip", None, None, "{}")
                continue
            try:
                check_language(article, self.config.languages, self.settings.force_language)
            except PropscopeError as exc:
                emit(source, digest, exc.code, exc.message, None, "{}")
                continue
            items.append((source, article))
        for done in analyze_batch(self.analyzer, items, self.settings):
            # A pickle, not the schema's JSON: the driver runs the same propscope, and the JSON round
            # trip costs about five times as much (5.1 against 1.1 ms per analysed PPN article).
            body = pickle.dumps(done.article, protocol=5) if done.article else None
            emit(done.source, done.content_hash, done.code, done.reason, body, json.dumps(done.timings))
        return columns


def _records(batch: dict[str, Any], jsonl: bool) -> Iterator[tuple[tuple[Any, str], str]]:
    """((record dict or the error that stopped it, raw line), path) per row of a text or Parquet batch."""
    paths = list(batch["path"])
    if jsonl:
        for line, path in zip(batch["text"], paths, strict=True):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield (BadRecord(f"invalid JSON ({exc.msg})"), line), path
                continue
            if not isinstance(record, dict):
                yield (BadRecord("a record must be a JSON object"), line), path
                continue
            yield (record, line), path
        return
    names = [k for k in batch if k != "path"]
    for index, path in enumerate(paths):
        yield ({name: _plain(batch[name][index]) for name in names}, ""), path


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


class RayEngine:
    """Analyses JSONL and Parquet inputs on a Ray cluster (local when no address is given)."""

    def __init__(
        self,
        config: EngineConfig,
        settings: RunSettings,
        actors: int = 1,
        batch_size: int = 8,
        address: str | None = None,
        factory: AnalyzerFactory | None = None,
    ) -> None:
        self.actors = max(1, actors)
        self.config = config if config.threads else replace(config, threads=threads_per_worker(self.actors))
        self.settings, self.batch_size, self.address, self.factory = settings, batch_size, address, factory

    def results(self, inputs: Iterable[str], ingest: IngestOptions, skip: dict[str, str]) -> Iterator[list[Done]]:
        """Every document's :class:`Done`, a batch at a time as the actors finish them."""
        ray = _ray()

        paths = [str(Path(p).resolve()) for p in inputs]
        kinds = {Path(p).suffix.lower() for p in paths}
        if not paths or not kinds <= {".jsonl", ".parquet"} or len(kinds) > 1:
            raise BatchError("the Ray engine reads JSONL or Parquet files (one kind per run); use --engine local for others")
        started_here = False
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        if not ray.is_initialized():
            # A local Ray gets a CPU for every actor's threads and one more for the read tasks.
            local_cpus = self.actors * (self.config.threads or 1) + 1
            # "local": a new Ray of our own, never one that happens to run on this machine.
            ray.init(address=self.address or "local", num_cpus=None if self.address else local_cpus, include_dashboard=False,
                     log_to_driver=False, ignore_reinit_error=True)
            started_here = True
        try:
            # Reading is light next to analysis: the read tasks ask for no CPU, so that actors holding
            # every CPU of a small node do not starve the reads that feed them.
            kind = "jsonl" if ".jsonl" in kinds else "parquet"
            if kind == "jsonl":
                dataset = ray.data.read_text(paths, include_paths=True, drop_empty_lines=True, num_cpus=0)
            else:
                dataset = ray.data.read_parquet(paths, include_paths=True, num_cpus=0)
            # Blocks of exactly one model batch of consecutive records (the last one shorter): a map
            # task is one batch, and the batches are those the local engine forms from the same
            # input, which matters because the quantised models' scores move slightly (by up to
            # about 0.01) with the texts that share a batch.
            dataset = dataset.repartition(target_num_rows_per_block=self.batch_size, strict=True)
            analysed = dataset.map_batches(
                Analyse,
                fn_constructor_kwargs={"config": self.config, "settings": self.settings, "ingest": ingest,
                                       "skip": skip, "kind": kind, "factory": self.factory},
                batch_size=self.batch_size,
                compute=ray.data.ActorPoolStrategy(size=self.actors),
                num_cpus=self.config.threads or 1,
                batch_format="numpy",
            )
            # batch_size=None: each output block as it arrives, not re-batched (which would wait
            # for the next block to fill a batch).
            for batch in analysed.iter_batches(batch_size=None, batch_format="pyarrow"):
                done = []
                for row in batch.to_pylist():
                    article = pickle.loads(row["article"]) if row["article"] else None
                    done.append(Done(row["source"], row["content_hash"] or "", article, row["code"], row["reason"],
                                     json.loads(row["timings"] or "{}")))
                yield done
        finally:
            if started_here:
                ray.shutdown()


def skip_map(status: dict[str, tuple[str | None, str]], retry_errors: bool) -> dict[str, str]:
    """source -> content hash (or '*': any content) of the documents an earlier run settled."""
    settled = {}
    for source, (digest, state) in status.items():
        if state in ("ok", "skipped") and digest:
            settled[source] = digest
        elif state == "error" and not retry_errors:
            settled[source] = digest or "*"
    return settled

"""The local engine: N worker processes, each with one long-lived analyser.

Workers are started with ``spawn`` (no forked copies of the driver's state, the same on every
platform), build their :class:`~propscope.engine.Analyzer` once in the initializer, and load each
model once, on first use. ONNX Runtime gets ``cores // workers`` threads per worker so that workers x
threads = cores. At most two batches per worker are in flight, so memory stays flat however long
the input is. With one worker the driver analyses in its own process (nothing to gain from a pool).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace

from propscope.batch.work import Done, analyze_batch
from propscope.document import Article
from propscope.engine import Analyzer
from propscope.errors import BatchError
from propscope.options import EngineConfig, RunSettings

AnalyzerFactory = Callable[[EngineConfig], Analyzer]
Batch = list[tuple[str, Article]]

_WORKER: Analyzer | None = None


def threads_per_worker(workers: int, cores: int | None = None) -> int:
    return max(1, (cores or os.cpu_count() or 1) // max(1, workers))


def _init(config: EngineConfig, factory: AnalyzerFactory | None) -> None:
    global _WORKER
    # Ctrl-C reaches the whole process group: the driver alone handles it (commits what finished,
    # shuts the pool down), workers do not die mid-batch with a traceback each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER = factory(config) if factory else Analyzer(config)


def _work(batch: Batch, settings: RunSettings) -> list[Done]:
    assert _WORKER is not None, "worker not initialised"
    return analyze_batch(_WORKER, batch, settings)


class LocalEngine:
    """Maps batches of documents to their results, in completion order."""

    def __init__(
        self, config: EngineConfig, settings: RunSettings, workers: int = 1, factory: AnalyzerFactory | None = None
    ) -> None:
        self.workers = max(1, workers)
        self.config = config if config.threads else replace(config, threads=threads_per_worker(self.workers))
        self.settings = settings
        self.factory = factory
        self.pool: ProcessPoolExecutor | None = None

    def map(self, batches: Iterable[Batch]) -> Iterator[list[Done]]:
        if self.workers == 1:
            analyzer = self.factory(self.config) if self.factory else Analyzer(self.config)
            for batch in batches:
                yield analyze_batch(analyzer, batch, self.settings)
            return
        context = multiprocessing.get_context("spawn")
        self.pool = ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=_init, initargs=(self.config, self.factory)
        )
        pending: set[Future[list[Done]]] = set()
        try:
            for batch in batches:
                pending.add(self.pool.submit(_work, batch, self.settings))
                if len(pending) >= 2 * self.workers:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    yield from (future.result() for future in finished)
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (future.result() for future in finished)
        except BrokenProcessPool as exc:
            raise BatchError(
                f"a worker process died ({exc}); what was committed is kept: run again with --resume"
            ) from None
        finally:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None

    def pids(self) -> list[int]:
        """Worker process ids (empty when the driver analyses itself)."""
        if self.pool is None:
            return [os.getpid()]
        return list(getattr(self.pool, "_processes", {}) or {})

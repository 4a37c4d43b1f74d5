"""Corpus runs (``propscope batch``): resumable, error-isolated, streamed, on local workers or Ray.

    from propscope.batch import BatchOptions, run_batch
    summary = run_batch(["corpus.jsonl"], BatchOptions(out=Path("run1"), workers=2))
    summary.ok, summary.failed, summary.reasons, summary.exit_code

Modules: :mod:`~propscope.batch.run` (the driver), :mod:`~propscope.batch.ledger` (what is done),
:mod:`~propscope.batch.sources` (streamed inputs), :mod:`~propscope.batch.work` (one batch with error
isolation), :mod:`~propscope.batch.local` and :mod:`~propscope.batch.ray_engine` (engines),
:mod:`~propscope.batch.sink` (JSONL/Parquet chunks, the store).
"""

from __future__ import annotations

from propscope.batch.run import BatchOptions, Summary, run_batch

__all__ = ["BatchOptions", "Summary", "run_batch"]

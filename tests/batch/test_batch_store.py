"""``propscope batch --store``: documents saved into the workspace store, once, however often re-run."""

from __future__ import annotations

from pathlib import Path

import pytest

from propscope.batch import BatchOptions, run_batch

from .test_batch import annotating_analyzer, write_corpus

store_module = pytest.importorskip("propscope.store", reason="the workspace store (engine branch) is not here")
pytest.importorskip("sqlalchemy")


def test_batch_into_the_store_is_idempotent_and_feeds_corpus_stats(tmp_path: Path) -> None:
    from propscope.corpus.stats import corpus_stats

    url = f"sqlite:///{tmp_path / 'work.db'}"
    corpus = write_corpus(tmp_path / "in.jsonl", 8, bad=[3])
    summary = run_batch([str(corpus)], BatchOptions(store=url, ledger=tmp_path / "l1.sqlite"), factory=annotating_analyzer)
    assert (summary.ok, summary.failed) == (7, 1)
    # A crash after the store saved a chunk but before the ledger recorded it: a new ledger re-runs
    # everything and the store keeps one analysis per (article, pipeline).
    run_batch([str(corpus)], BatchOptions(store=url, ledger=tmp_path / "l2.sqlite"), factory=annotating_analyzer)
    store = store_module.Store.open(url)
    try:
        assert store.count_articles() == 7
    finally:
        store.close()
    rows = corpus_stats(store=url, by="outlet")
    assert sum(row["articles"] for row in rows) == 7
    assert all(row["technique_spans"] == 3 * row["articles"] for row in rows)

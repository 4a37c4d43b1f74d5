"""KB writes with other processes about: busy time-out, a coded error when locked, imports that
interleave, embeddings committed batch by batch (an interrupted import resumes), truthful metadata."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import propscope
from propscope.errors import KnowledgeBaseLocked
from propscope.kb import store as store_module
from propscope.kb.record import KBRecord
from propscope.kb.search import KnowledgeBase
from propscope.kb.store import KBStore

ENV = {**os.environ, "PYTHONPATH": str(Path(propscope.__file__).parents[1])}


def records(prefix: str, n: int) -> list[KBRecord]:
    return [
        KBRecord(id=f"{prefix}{i}", claim=f"Claim {prefix} number {i} says the pictures were staged", source="T", importer="csv")
        for i in range(n)
    ]


def hold_write_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process that takes the KB's write lock and keeps it for ``seconds``."""
    code = textwrap.dedent(f"""
        import sqlite3, sys, time
        conn = sqlite3.connect({str(path)!r}, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        print("locked", flush=True)
        time.sleep({seconds})
        conn.execute("COMMIT")
    """)
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "locked"
    return process


def test_a_lock_held_past_the_busy_timeout_is_a_coded_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "kb.sqlite"
    KBStore(path).close()
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.5)
    holder = hold_write_lock(path, 10)
    try:
        with pytest.raises(KnowledgeBaseLocked) as caught, KBStore(path) as store:
            store.upsert(records("a", 3))
        assert caught.value.code == "E320" and "locked by another process" in caught.value.message
    finally:
        holder.kill()
        holder.wait()


def test_a_short_lock_is_waited_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "kb.sqlite"
    KBStore(path).close()
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 10.0)
    holder = hold_write_lock(path, 1.0)
    started = time.monotonic()
    with KBStore(path) as store:
        assert store.upsert(records("a", 3)).added == 3
        assert time.monotonic() - started >= 0.5
    holder.wait(timeout=10)


IMPORT = """
import sys
from propscope.kb.record import KBRecord
from propscope.kb.store import KBStore
prefix = sys.argv[2]
rows = [KBRecord(id=f"{prefix}{i}", claim=f"Claim {prefix} {i}", source="T", importer="csv") for i in range(20000)]
with KBStore(sys.argv[1]) as store:
    print(store.upsert(rows, batch=500).added)
"""


def test_two_imports_into_one_kb_at_once_both_succeed(tmp_path: Path) -> None:
    path = tmp_path / "kb.sqlite"
    KBStore(path).close()
    runs = [
        subprocess.Popen([sys.executable, "-c", IMPORT, str(path), prefix], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
        for prefix in ("a", "b")
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert [out.strip() for out, _ in outputs] == ["20000", "20000"]
    with KBStore(path, readonly=True) as store:
        assert store.count() == 40000


class Interrupt(Exception):
    pass


def test_an_interrupted_embedding_resumes_where_it_stopped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "kb.sqlite"
    with KnowledgeBase.open(path, readonly=False) as kb:
        kb.store.upsert(records("a", 40))

        def stop_after_two_batches(phase: str, done: int, total: int) -> None:
            if done >= 20:
                raise Interrupt  # as a kill would, between two batches

        with pytest.raises(Interrupt):
            kb.embed_missing(stop_after_two_batches, batch=10)
    with KBStore(path, readonly=True) as store:
        # The two finished batches are on disk, and the metadata names the model that made them.
        assert store.embedding_coverage() == (20, 40)
        assert store.meta("embedder") is not None
    with caplog.at_level(logging.WARNING), KnowledgeBase.open(path, readonly=False) as kb:
        assert "20 of 40 records have no vector" in caplog.text
        assert kb.embed_missing(batch=10) == 20  # only the rest
        assert kb.store.embedding_coverage() == (40, 40)


def test_dropping_embeddings_forgets_their_model_in_the_same_transaction(tmp_path: Path) -> None:
    path = tmp_path / "kb.sqlite"
    with KnowledgeBase.open(path, readonly=False) as kb:
        kb.import_rows(records("a", 3))
        assert kb.store.embedding_coverage() == (3, 3)
        kb.store.drop_embeddings()
        assert kb.store.meta("embedder") is None and kb.store.embedding_coverage() == (0, 3)

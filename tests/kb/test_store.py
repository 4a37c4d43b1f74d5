"""The KB file: idempotent imports, updates, bad rows, persisted embeddings, read-only opening."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from propscope.errors import KnowledgeBaseError
from propscope.kb.importers import read_source
from propscope.kb.record import KBRecord
from propscope.kb.search import KnowledgeBase
from propscope.kb.store import KBStore


def test_reimport_adds_nothing(tmp_path: Path, kb_fixtures: Path) -> None:
    path = tmp_path / "kb.sqlite"
    with KnowledgeBase.open(path, readonly=False) as kb:
        first = kb.import_rows(read_source("euvsdisinfo", kb_fixtures / "posts.csv"))
        second = kb.import_rows(read_source("euvsdisinfo", kb_fixtures / "posts.csv"))
        assert (first.added, first.updated, first.unchanged, len(first.bad)) == (3, 0, 0, 2)
        assert (second.added, second.updated, second.unchanged, len(second.bad)) == (3 - 3, 0, 3, 2)
        assert kb.store.count() == 3
        assert kb.embed_missing() == 0


def test_changed_record_is_updated_and_reembedded(tmp_path: Path) -> None:
    path = tmp_path / "kb.sqlite"
    record = KBRecord(id="x1", claim="The moon is made of cheese.", source="Test", importer="csv")
    with KnowledgeBase.open(path, readonly=False) as kb:
        kb.import_rows([record])
        before = kb.search("moon cheese", k=1)[0].similarity
        record.claim = "Vaccines contain microchips."
        report = kb.import_rows([record])
        assert (report.added, report.updated) == (0, 1)
        hit = kb.search("microchips in vaccines", k=1)[0]
        assert hit.record.claim == "Vaccines contain microchips."
        assert hit.similarity > 0.5 and before > 0.5
        assert kb.store.stats()["embedded"] == 1


def test_one_wal_file_and_embeddings_survive_restart(tmp_path: Path, kb_fixtures: Path) -> None:
    path = tmp_path / "kb.sqlite"
    with KnowledgeBase.open(path, readonly=False) as kb:
        kb.import_rows(read_source("checkthat2022", kb_fixtures / "vclaims"))
        vectors = kb._matrix.copy()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with KnowledgeBase.open(path, readonly=True) as kb:
        assert kb.dense_ready
        assert kb.store.missing_embeddings() == []
        # int8 storage with a per-vector scale: cosine to the float vectors stays above 0.999.
        assert np.min(np.sum(kb._matrix * vectors, axis=1)) > 0.999


def test_readonly_refuses_writes_and_missing_files(tmp_path: Path, kb_fixtures: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="no knowledge base"):
        KBStore(tmp_path / "absent.sqlite", readonly=True)
    path = tmp_path / "kb.sqlite"
    KBStore(path).close()
    with KBStore(path, readonly=True) as store, pytest.raises(KnowledgeBaseError, match="read-only"):
        store.upsert(read_source("euvsdisinfo", kb_fixtures / "posts.csv"))


def test_not_a_kb(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)").connection.commit()
    with pytest.raises(KnowledgeBaseError, match="schema"):
        KBStore(path, readonly=True)


def test_embedder_change_switches_dense_off_until_reembedded(tmp_path: Path, kb_fixtures: Path) -> None:
    path = tmp_path / "kb.sqlite"
    with KnowledgeBase.open(path, readonly=False) as kb:
        kb.import_rows(read_source("checkthat2022", kb_fixtures / "vclaims"))
        kb.store.set_meta("embedder", "another-model")
        kb.store.commit()
    with KnowledgeBase.open(path, readonly=False) as kb:
        assert not kb.dense_ready
        assert kb.search("Lady Gaga Oreo cookies", k=1)[0].record.id == "vclaim-sno-lady-gaga-oreo"  # lexical
        assert kb.embed_missing() == 2
        assert kb.dense_ready

"""The ledger of a corpus run: what became of every document, committed with the output it wrote.

One SQLite file per run (``ledger.sqlite`` in the output folder). A row per document: its source,
the SHA-256 of its text, the pipeline signature, the status (``ok``, ``error``, ``skipped``), the
reason and error code, the output chunk that holds it, and its seconds per component.

Exactly-once output rests on one rule: an output chunk is renamed into place *before* the
transaction that records it and its documents commits, and on opening the ledger every chunk file
that no committed row names is deleted. A kill -9 at any point therefore leaves either a chunk
and its rows, or neither; the re-run skips what the ledger holds and redoes the rest.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from propscope.errors import LedgerMismatch

LEDGER_NAME = "ledger.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (name TEXT PRIMARY KEY, documents INTEGER NOT NULL, committed REAL NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    source TEXT PRIMARY KEY,
    content_hash TEXT,
    signature TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'error', 'skipped')),
    code TEXT,
    reason TEXT,
    chunk TEXT REFERENCES chunks(name),
    timings TEXT,
    updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_hash ON documents(content_hash);
"""


@dataclass(slots=True)
class Row:
    """One document's entry in the ledger."""

    source: str
    content_hash: str | None
    status: str
    code: str | None = None
    reason: str | None = None
    timings: dict[str, float] = field(default_factory=dict)


class Ledger:
    """The run's ledger; used by one process (the batch's driver), never by the workers."""

    def __init__(self, path: Path, signature: str) -> None:
        self.path = path
        self.signature = signature
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        stored = self._db.execute("SELECT value FROM meta WHERE key = 'signature'").fetchone()
        if stored is None:
            self._db.execute("INSERT INTO meta VALUES ('signature', ?)", (signature,))
        elif stored[0] != signature:
            raise LedgerMismatch(
                f"{path} was written by another pipeline (signature {stored[0][:12]}, this run {signature[:12]}: "
                "other models, settings or components); write to a new --out folder"
            )

    def close(self) -> None:
        self._db.close()

    # -- reading ---------------------------------------------------------------------------------
    def status_of(self) -> dict[str, tuple[str | None, str]]:
        """source -> (content hash, status) of every recorded document."""
        return {s: (h, st) for s, h, st in self._db.execute("SELECT source, content_hash, status FROM documents")}

    def known_hashes(self) -> dict[str, str]:
        """content hash -> source of every document written to the output (for duplicates)."""
        rows = self._db.execute("SELECT content_hash, source FROM documents WHERE status = 'ok'")
        return {h: s for h, s in rows if h}

    def chunk_names(self) -> set[str]:
        return {name for (name,) in self._db.execute("SELECT name FROM chunks")}

    def next_chunk_number(self) -> int:
        return len(self.chunk_names()) + 1

    def counts(self) -> dict[str, int]:
        return dict(self._db.execute("SELECT status, COUNT(*) FROM documents GROUP BY status").fetchall())

    def reasons(self) -> list[tuple[str, str, int]]:
        """(code, reason, count) of the documents that failed, most frequent first."""
        return self._db.execute(
            "SELECT code, reason, COUNT(*) FROM documents WHERE status = 'error' GROUP BY code, reason "
            "ORDER BY COUNT(*) DESC"
        ).fetchall()

    # -- writing ---------------------------------------------------------------------------------
    def commit(self, chunk: str | None, rows: Sequence[Row]) -> None:
        """Record a chunk (already renamed into place, or None when it wrote nothing) and its rows in
        one transaction: after a crash, both are there or neither is."""
        now = time.time()
        with _transaction(self._db):
            if chunk is not None:
                self._db.execute(
                    "INSERT INTO chunks VALUES (?, ?, ?)", (chunk, sum(r.status == "ok" for r in rows), now)
                )
            self._db.executemany(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        r.source,
                        r.content_hash,
                        self.signature,
                        r.status,
                        r.code,
                        r.reason,
                        chunk if r.status == "ok" else None,
                        json.dumps(r.timings) if r.timings else None,
                        now,
                    )
                    for r in rows
                ],
            )


class _transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *_: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def remove_orphans(out: Path, committed: Iterable[str]) -> list[Path]:
    """Delete output chunks no committed ledger row names (a kill between rename and commit) and
    temporary files of unfinished chunks; returns what was removed."""
    keep = set(committed)
    removed = []
    for path in sorted(out.rglob("*part-*")):
        # Temporary files start with '.' (readers such as pyarrow.dataset skip hidden files).
        stem = path.name.lstrip(".").split(".")[0]
        if path.is_file() and (path.name.startswith(".") or stem not in keep):
            path.unlink()
            removed.append(path)
    return removed

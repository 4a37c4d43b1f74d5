"""The knowledge base file: one SQLite database (WAL) with records, a full-text index and embeddings.

Tables:
- ``records``: the fields of :class:`KBRecord`, the importer, and a content hash; ``id`` is unique, so
  importing the same data again adds nothing (a changed record with the same id is updated);
- ``records_fts``: an FTS5 index over claim, title and summary (Porter stemming), kept in sync by
  triggers, ranked with FTS5's built-in BM25;
- ``embeddings``: one int8 vector (with its scale) per record, so that a restart never re-embeds;
  ``meta.embedder`` names the model that computed them (a KB embedded by another model is re-embedded
  on the next import, and its dense index is not used until then).

Writes are safe with several processes: the connection waits up to ``BUSY_TIMEOUT_S`` for another
writer, each write transaction takes the write lock up front (``BEGIN IMMEDIATE``: a deferred one that
upgrades from reading fails at once with "database is locked", whatever the time-out), imports commit
every batch so that a second import can interleave, and a lock held past the time-out is one coded
error (E320). Vectors are committed batch by batch together with ``meta.embedder``, so an interrupted
import resumes where it stopped and the metadata always names the model of the vectors stored;
:meth:`KBStore.embedding_coverage` says how many records have one.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from propscope.errors import KnowledgeBaseError, KnowledgeBaseLocked
from propscope.kb.lexical import LexicalIndex
from propscope.kb.record import BadRow, KBRecord

SCHEMA_VERSION = "1"
BUSY_TIMEOUT_S = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    claim TEXT NOT NULL,
    title TEXT,
    summary TEXT,
    rating TEXT,
    source TEXT NOT NULL,
    url TEXT,
    date TEXT,
    language TEXT,
    keywords TEXT NOT NULL DEFAULT '[]',
    outlets TEXT NOT NULL DEFAULT '[]',
    importer TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS records_fts USING fts5(
    claim, title, summary, content='records', content_rowid='rowid',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS records_ai AFTER INSERT ON records BEGIN
    INSERT INTO records_fts(rowid, claim, title, summary) VALUES (new.rowid, new.claim, new.title, new.summary);
END;
CREATE TRIGGER IF NOT EXISTS records_ad AFTER DELETE ON records BEGIN
    INSERT INTO records_fts(records_fts, rowid, claim, title, summary)
    VALUES ('delete', old.rowid, old.claim, old.title, old.summary);
    DELETE FROM embeddings WHERE rowid = old.rowid;
END;
CREATE TRIGGER IF NOT EXISTS records_au AFTER UPDATE ON records BEGIN
    INSERT INTO records_fts(records_fts, rowid, claim, title, summary)
    VALUES ('delete', old.rowid, old.claim, old.title, old.summary);
    INSERT INTO records_fts(rowid, claim, title, summary) VALUES (new.rowid, new.claim, new.title, new.summary);
    DELETE FROM embeddings WHERE rowid = old.rowid;
END;
CREATE TABLE IF NOT EXISTS embeddings (rowid INTEGER PRIMARY KEY, scale REAL NOT NULL, vector BLOB NOT NULL);
"""

_COLUMNS = ("id", "claim", "title", "summary", "rating", "source", "url", "date", "language", "keywords", "outlets",
            "importer")


@dataclass(slots=True)
class ImportReport:
    """What an import did; ``bad`` lists the rows that were skipped, with their line and reason."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    bad: list[BadRow] = field(default_factory=list)

    @property
    def read(self) -> int:
        return self.added + self.updated + self.unchanged


class KBStore:
    """Low-level access to one KB file; :class:`propscope.kb.search.KnowledgeBase` sits on top."""

    def __init__(self, path: Path, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        if readonly:
            if not self.path.is_file():
                raise KnowledgeBaseError(f"no knowledge base at {self.path} (build one with 'propscope kb import')")
            uri = f"file:{self.path.resolve()}?mode=ro"
            # A shipped KB sits in a read-only package folder: 'immutable' needs no -wal/-shm files.
            if not _writable_dir(self.path.parent):
                uri += "&immutable=1"
            self.conn = _connect(uri, uri=True)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit: every write below opens its own BEGIN IMMEDIATE transaction.
            self.conn = _connect(str(self.path), isolation_level=None)
            with self._locked_is_coded():
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")
                with self._transaction():
                    for statement in _schema_statements():
                        self.conn.execute(statement)
            if self.meta("schema") is None:
                self.set_meta("schema", SCHEMA_VERSION)
        schema = self.meta("schema")
        if schema != SCHEMA_VERSION:
            raise KnowledgeBaseError(f"{self.path} is not a propscope knowledge base of schema {SCHEMA_VERSION}")
        self._lexical: LexicalIndex | None = None
        self._lexical_lock = threading.Lock()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> KBStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # meta
    def meta(self, key: str) -> str | None:
        try:
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError as exc:
            raise KnowledgeBaseError(f"{self.path} is not a propscope knowledge base: {exc}") from exc
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._locked_is_coded():
            self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # transactions
    @contextmanager
    def _locked_is_coded(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise KnowledgeBaseLocked(
                    f"{self.path} is locked by another process (an import?) for more than {BUSY_TIMEOUT_S:g} s; "
                    "wait for it to finish and run the command again"
                ) from None
            raise KnowledgeBaseError(f"{self.path}: {exc}") from None

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction with the write lock taken up front; committed, or rolled back on error."""
        with self._locked_is_coded():
            if self.conn.in_transaction:  # a caller's transaction is already open: join it
                yield
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.conn.rollback()
                raise
            self.conn.commit()

    # records
    def upsert(self, rows: Iterable[KBRecord | BadRow], batch: int = 2000) -> ImportReport:
        """Add new records, update changed ones, skip unchanged ones; bad rows are collected, not raised.

        Each batch is one transaction: an interrupted import keeps the batches before it."""
        self._require_writable()
        report = ImportReport()
        pending: list[KBRecord] = []
        for row in rows:
            if isinstance(row, BadRow):
                report.bad.append(row)
                continue
            pending.append(row)
            if len(pending) >= batch:
                self._upsert_batch(pending, report)
                pending = []
        if pending:
            self._upsert_batch(pending, report)
        return report

    def _upsert_batch(self, records: list[KBRecord], report: ImportReport) -> None:
        with self._transaction():
            self._upsert_rows(records, report)

    def _upsert_rows(self, records: list[KBRecord], report: ImportReport) -> None:
        ids = [r.id for r in records]
        known: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            known.update(self.conn.execute(f"SELECT id, hash FROM records WHERE id IN ({marks})", chunk).fetchall())
        for record in records:
            digest = record.content_hash()
            values = _record_values(record)
            if record.id not in known:
                self.conn.execute(
                    f"INSERT INTO records({','.join(_COLUMNS)}, hash) VALUES ({','.join('?' * (len(_COLUMNS) + 1))})",
                    (*values, digest),
                )
                report.added += 1
            elif known[record.id] != digest:
                assignments = ",".join(f"{c} = ?" for c in _COLUMNS[1:])
                self.conn.execute(
                    f"UPDATE records SET {assignments}, hash = ? WHERE id = ?", (*values[1:], digest, record.id)
                )
                report.updated += 1
            else:
                report.unchanged += 1
            known[record.id] = digest

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM records").fetchone()[0])

    def records_by_rowid(self, rowids: list[int]) -> dict[int, KBRecord]:
        if not rowids:
            return {}
        marks = ",".join("?" * len(rowids))
        cursor = self.conn.execute(f"SELECT rowid, {','.join(_COLUMNS)} FROM records WHERE rowid IN ({marks})", rowids)
        return {row[0]: _record_from_row(row[1:]) for row in cursor}

    def iter_records(self) -> Iterator[tuple[int, KBRecord]]:
        for row in self.conn.execute(f"SELECT rowid, {','.join(_COLUMNS)} FROM records ORDER BY rowid"):
            yield row[0], _record_from_row(row[1:])

    def rowids_for(self, ids: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            out.update(self.conn.execute(f"SELECT id, rowid FROM records WHERE id IN ({marks})", chunk).fetchall())
        return out

    def stats(self) -> dict[str, object]:
        by_source = self.conn.execute("SELECT source, count(*) FROM records GROUP BY source ORDER BY 2 DESC").fetchall()
        by_importer = self.conn.execute(
            "SELECT importer, count(*) FROM records GROUP BY importer ORDER BY 2 DESC"
        ).fetchall()
        dates = self.conn.execute("SELECT min(date), max(date) FROM records WHERE date IS NOT NULL").fetchone()
        embedded = int(self.conn.execute("SELECT count(*) FROM embeddings").fetchone()[0])
        return {
            "path": str(self.path),
            "records": self.count(),
            "embedded": embedded,
            "embedder": self.meta("embedder"),
            "sources": dict(by_source),
            "importers": dict(by_importer),
            "first_date": dates[0],
            "last_date": dates[1],
            "bytes": self.path.stat().st_size if self.path.is_file() else 0,
        }

    # lexical index
    def lexical_search(self, terms: list[str], limit: int, weights: tuple[float, float, float]) -> list[tuple[int, float]]:
        """BM25 over claim/title/summary for any of ``terms``: (rowid, score), best first, score > 0."""
        if not terms:
            return []
        query = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
        sql = (
            "SELECT rowid, -bm25(records_fts, ?, ?, ?) AS score FROM records_fts "
            "WHERE records_fts MATCH ? ORDER BY bm25(records_fts, ?, ?, ?) LIMIT ?"
        )
        try:
            rows = self.conn.execute(sql, (*weights, query, *weights, limit)).fetchall()
        except sqlite3.OperationalError as exc:
            raise KnowledgeBaseError(f"full-text search failed in {self.path}: {exc}") from exc
        return [(int(r), float(s)) for r, s in rows]

    def lexical_index(self, weights: tuple[float, ...]) -> LexicalIndex:
        """The in-memory BM25 index for ``weights``, built now if there is none or the KB changed."""
        with self._lexical_lock:
            index = self._lexical
            if index is None or index.weights != tuple(weights) or not index.current():
                index = self._lexical = LexicalIndex.build(self.conn, tuple(weights))
            return index

    def lexical_search_many(
        self, queries: list[list[str]], limit: int, weights: tuple[float, float, float], per_statement: int = 100
    ) -> list[list[tuple[int, float]]]:
        """``lexical_search`` for many term lists. Scored in memory by :class:`LexicalIndex` (FTS5's own
        BM25 on FTS5's own tokens, built on first use and again after the KB changes); queries it cannot
        answer exactly (a word SQLite splits into a phrase) go to FTS5, in one SQL statement per
        ``per_statement`` queries (a UNION ALL of per-query FTS5 selects)."""
        index = self.lexical_index(weights)
        out: list[list[tuple[int, float]]] = [[] for _ in queries]
        asked = []
        for i, terms in enumerate(queries):
            if not terms:
                continue
            if index.answerable(terms):
                out[i] = index.search(terms, limit)
            else:
                asked.append((i, " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)))
        select = (
            "SELECT * FROM (SELECT ? AS q, rowid, -bm25(records_fts, ?, ?, ?) AS score FROM records_fts "
            "WHERE records_fts MATCH ? ORDER BY bm25(records_fts, ?, ?, ?) LIMIT ?)"
        )
        for begin in range(0, len(asked), per_statement):
            chunk = asked[begin : begin + per_statement]
            sql = " UNION ALL ".join([select] * len(chunk))
            params: list[object] = []
            for index_, query in chunk:
                params += [index_, *weights, query, *weights, limit]
            try:
                rows = self.conn.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:
                raise KnowledgeBaseError(f"full-text search failed in {self.path}: {exc}") from exc
            fresh: dict[int, list[tuple[int, float]]] = {}
            for q, rowid, score in rows:
                fresh.setdefault(int(q), []).append((int(rowid), float(score)))
            for q, hits in fresh.items():  # UNION ALL keeps each select's rows together, not their order
                out[q] = sorted(hits, key=lambda r: (-round(r[1], 9), r[0]))
        return out

    # dense index
    def missing_embeddings(self) -> list[tuple[int, KBRecord]]:
        cursor = self.conn.execute(
            f"SELECT r.rowid, {','.join('r.' + c for c in _COLUMNS)} FROM records r "
            "LEFT JOIN embeddings e ON e.rowid = r.rowid WHERE e.rowid IS NULL ORDER BY r.rowid"
        )
        return [(row[0], _record_from_row(row[1:])) for row in cursor]

    def put_embeddings(self, rowids: list[int], vectors: np.ndarray, embedder: str | None = None) -> None:
        """Store one batch of vectors, committed at once; ``embedder`` (the model's fingerprint) is
        recorded in the same transaction, so the metadata never names a model whose vectors are not there."""
        self._require_writable()
        scale = np.maximum(np.abs(vectors).max(axis=1), 1e-12) / 127.0
        quantised = np.clip(np.rint(vectors / scale[:, None]), -127, 127).astype(np.int8)
        with self._transaction():
            self.conn.executemany(
                "INSERT OR REPLACE INTO embeddings(rowid, scale, vector) VALUES (?, ?, ?)",
                [(rid, float(s), q.tobytes()) for rid, s, q in zip(rowids, scale, quantised, strict=True)],
            )
            if embedder is not None:
                self.set_meta("embedder", embedder)

    def drop_embeddings(self) -> None:
        """Delete every vector and the name of the model that made them, in one transaction."""
        self._require_writable()
        with self._transaction():
            self.conn.execute("DELETE FROM embeddings")
            self.conn.execute("DELETE FROM meta WHERE key = 'embedder'")

    def embedding_coverage(self) -> tuple[int, int]:
        """(records with a vector, records): the truth about the dense index, counted, not remembered."""
        embedded = int(self.conn.execute(
            "SELECT count(*) FROM embeddings e JOIN records r ON r.rowid = e.rowid"
        ).fetchone()[0])
        return embedded, self.count()

    def load_embeddings(self, dimension: int) -> tuple[np.ndarray, np.ndarray]:
        """(rowids, float32 matrix of unit vectors) of every embedded record."""
        rows = self.conn.execute("SELECT rowid, scale, vector FROM embeddings ORDER BY rowid").fetchall()
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros((0, dimension), dtype=np.float32)
        rowids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        scales = np.fromiter((r[1] for r in rows), dtype=np.float32, count=len(rows))
        matrix = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.int8).reshape(len(rows), dimension)
        vectors = matrix.astype(np.float32) * scales[:, None]
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return rowids, vectors

    def compact(self) -> None:
        """Fold the WAL into the file and switch to a rollback journal: one file, fit to ship read-only."""
        self._require_writable()
        with self._transaction():
            self.conn.execute("INSERT INTO records_fts(records_fts) VALUES ('optimize')")
        with self._locked_is_coded():
            self.conn.execute("PRAGMA journal_mode=DELETE")
            self.conn.execute("VACUUM")

    def commit(self) -> None:
        """Writes commit by themselves (batch by batch); kept for callers that group a few statements."""
        if self.conn.in_transaction:
            with self._locked_is_coded():
                self.conn.commit()

    def _require_writable(self) -> None:
        if self.readonly:
            raise KnowledgeBaseError(f"{self.path} is opened read-only")


def _connect(target: str, uri: bool = False, isolation_level: str | None = "") -> sqlite3.Connection:
    try:
        return sqlite3.connect(
            target, uri=uri, check_same_thread=False, timeout=BUSY_TIMEOUT_S, isolation_level=isolation_level
        )
    except sqlite3.Error as exc:
        raise KnowledgeBaseError(f"cannot open knowledge base {target}: {exc}") from exc


def _writable_dir(path: Path) -> bool:
    import os

    return os.access(path, os.W_OK)


def _record_values(record: KBRecord) -> tuple[object, ...]:
    return (
        record.id,
        record.claim,
        record.title,
        record.summary,
        record.rating,
        record.source,
        record.url,
        record.date,
        record.language,
        json.dumps(record.keywords, ensure_ascii=False),
        json.dumps(record.outlets, ensure_ascii=False),
        record.importer,
    )


def _record_from_row(row: tuple[object, ...]) -> KBRecord:
    values = dict(zip(_COLUMNS, row, strict=True))
    values["keywords"] = json.loads(str(values["keywords"] or "[]"))
    values["outlets"] = json.loads(str(values["outlets"] or "[]"))
    return KBRecord(**values)  # type: ignore[arg-type]


def _schema_statements() -> list[str]:
    """The schema as single statements (``executescript`` would commit the open transaction first)."""
    statements: list[str] = []
    current: list[str] = []
    for line in _SCHEMA.strip().splitlines():
        current.append(line)
        text = "\n".join(current)
        if sqlite3.complete_statement(text):
            statements.append(text)
            current = []
    return statements

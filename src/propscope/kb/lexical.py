"""FTS5's BM25 over the KB, computed in memory from FTS5's own index: the same scores, far fewer calls.

``SELECT ... bm25(records_fts) ... MATCH '"a" OR "b"' ORDER BY ... LIMIT 500`` costs about 3 ms a query
on the shipped KB (the auxiliary function is called once per matching row and the rows are sorted in
SQLite), so the 35 claims of an 800-word article spent 100 ms there. This index reads the term
instances of the FTS5 index once (``fts5vocab``, so tokenisation, Porter stemming and diacritic folding
are SQLite's own, not a re-implementation), keeps a sparse term x row matrix of column-weighted term
frequencies (CSR arrays in numpy, :class:`Postings`: scipy is not a dependency of the base install, and
its import cost the first article 0.13 s), and scores a query with FTS5's formula
(``fts5Bm25Function`` in SQLite's fts5_aux.c):

    idf(t)  = log((N - n_t + 0.5) / (n_t + 0.5)), at least 1e-6
    score   = sum over query terms t of idf(t) * f(t) * (k1 + 1) / (f(t) + k1 * (1 - b + b * |D| / avgdl))

with ``f(t)`` the weighted count of ``t`` in the row, ``|D|`` the row's tokens over all columns,
``avgdl`` the mean of ``|D|``, k1 = 1.2, b = 0.75. A query term that SQLite's tokenizer splits into
several tokens is a phrase in FTS5 (its tokens adjacent); such queries are left to SQLite, so results
never differ. Ties are broken by rowid.
"""

from __future__ import annotations

import math
import re
import sqlite3
from dataclasses import dataclass

import numpy as np

K1 = 1.2
B = 0.75


@dataclass(frozen=True, slots=True)
class Postings:
    """A term x document matrix in compressed sparse rows: the documents of term ``t`` are
    ``indices[indptr[t]:indptr[t + 1]]``, ascending, with their summed weights in ``data``."""

    indptr: np.ndarray  # [terms + 1]
    indices: np.ndarray  # [entries] document column
    data: np.ndarray  # [entries] summed weight
    n_docs: int

    @classmethod
    def of(cls, terms: np.ndarray, docs: np.ndarray, weights: np.ndarray, n_terms: int, n_docs: int) -> Postings:
        """From one (term, doc, weight) triple per instance; repeated (term, doc) pairs are summed."""
        key = terms * max(n_docs, 1) + docs
        order = np.argsort(key, kind="stable")
        unique, first = np.unique(key[order], return_index=True)
        data = np.add.reduceat(weights[order], first) if len(first) else np.zeros(0, dtype=np.float64)
        term_of = unique // max(n_docs, 1)
        indptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(np.bincount(term_of, minlength=n_terms), out=indptr[1:])
        return cls(indptr, (unique % max(n_docs, 1)).astype(np.int64), data, n_docs)


@dataclass(slots=True)
class LexicalIndex:
    """Column-weighted term frequencies of every row of ``records_fts``, for one set of field weights."""

    conn: sqlite3.Connection
    weights: tuple[float, ...]
    version: tuple[int, int]  # see :func:`_version`
    tokenizer: sqlite3.Connection  # a private in-memory database that tokenises query words
    terms: dict[str, int]  # indexed token -> row of ``freq``
    freq: Postings  # [terms, docs] weighted term frequency
    hits: np.ndarray  # [terms] rows holding the term (any column)
    rowids: np.ndarray  # [docs] FTS5 rowid of each document column
    norm: np.ndarray  # [docs] k1 * (1 - b + b * |D| / avgdl)
    n_rows: int  # rows of the table, N of the idf
    _tokens: dict[str, tuple[str, ...]]  # query word -> SQLite's tokens of it

    @classmethod
    def build(cls, conn: sqlite3.Connection, weights: tuple[float, ...], table: str = "records_fts") -> LexicalIndex:
        version = _version(conn)
        vocab = f"temp.{table}_instances"
        conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {vocab} USING fts5vocab(main, {table}, instance)")
        rows = conn.execute(f"SELECT term, doc, col FROM {vocab}").fetchall()
        columns = [r[1] for r in conn.execute(f"SELECT * FROM pragma_table_info('{table}')")]
        col_weight = {name: float(weights[i]) if i < len(weights) else 1.0 for i, name in enumerate(columns)}
        terms: dict[str, int] = {}
        docs: dict[int, int] = {}
        t_index = np.fromiter((terms.setdefault(t, len(terms)) for t, _, _ in rows), dtype=np.int64, count=len(rows))
        d_index = np.fromiter((docs.setdefault(d, len(docs)) for _, d, _ in rows), dtype=np.int64, count=len(rows))
        weight = np.fromiter((col_weight[c] for _, _, c in rows), dtype=np.float64, count=len(rows))
        freq = Postings.of(t_index, d_index, weight, len(terms), len(docs))
        hits = np.diff(freq.indptr).astype(np.float64)
        length = np.bincount(d_index, minlength=len(docs)).astype(np.float64)
        # FTS5 counts every row of the table, also rows without a token (they never match).
        n_rows = int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        total = float(length.sum())
        avgdl = total / n_rows if n_rows else 1.0
        norm = K1 * (1.0 - B + B * length / avgdl) if avgdl > 0 else np.full(len(docs), K1)
        rowids = np.fromiter(docs, dtype=np.int64, count=len(docs))
        tokenizer = sqlite3.connect(":memory:", check_same_thread=False)
        tokenizer.execute(f"CREATE VIRTUAL TABLE words USING fts5(w, tokenize={_tokenize_option(conn, table)})")
        tokenizer.execute("CREATE VIRTUAL TABLE words_v USING fts5vocab(words, instance)")
        return cls(conn, tuple(weights), version, tokenizer, terms, freq, hits, rowids, norm, n_rows, {})

    def current(self) -> bool:
        """False once the database has changed since the index was built (by any connection)."""
        return _version(self.conn) == self.version

    def tokens(self, words: list[str]) -> dict[str, tuple[str, ...]]:
        """SQLite's tokens of each word, with the table's tokenizer (asked once per word and process)."""
        missing = [w for w in dict.fromkeys(words) if w not in self._tokens]
        if missing:
            db = self.tokenizer
            db.executemany("INSERT INTO words(rowid, w) VALUES (?, ?)", list(enumerate(missing, start=1)))
            found: dict[int, list[tuple[int, str]]] = {}
            for term, doc, offset in db.execute("SELECT term, doc, offset FROM words_v"):
                found.setdefault(int(doc), []).append((int(offset), str(term)))
            db.execute("DELETE FROM words")
            for i, word in enumerate(missing, start=1):
                self._tokens[word] = tuple(t for _, t in sorted(found.get(i, [])))
        return {w: self._tokens[w] for w in words}

    def answerable(self, terms: list[str]) -> bool:
        """True when every term is one token for SQLite (no phrase query), so :meth:`search` is exact."""
        tokens = self.tokens(terms)
        return all(len(tokens[t]) == 1 for t in terms)

    def search(self, terms: list[str], limit: int) -> list[tuple[int, float]]:
        """(rowid, BM25) of the ``limit`` best rows holding any of ``terms``, best first."""
        tokens = self.tokens(terms)
        # One FTS5 phrase per query term: two words with one stem ("attack", "attacks") count twice there.
        ids = [self.terms[tokens[t][0]] for t in terms if len(tokens[t]) == 1 and tokens[t][0] in self.terms]
        if not ids:
            return []
        parts_docs, parts_scores = [], []
        for term in ids:
            begin, end = self.freq.indptr[term], self.freq.indptr[term + 1]
            docs = self.freq.indices[begin:end]
            f = self.freq.data[begin:end]
            n = self.hits[term]
            idf = max(math.log((self.n_rows - n + 0.5) / (n + 0.5)), 1e-6)
            parts_docs.append(docs)
            parts_scores.append(idf * f * (K1 + 1.0) / (f + self.norm[docs]))
        every = np.concatenate(parts_docs)
        total = np.bincount(every, weights=np.concatenate(parts_scores), minlength=self.freq.n_docs)
        docs = np.flatnonzero(np.bincount(every, minlength=self.freq.n_docs))
        scores = total[docs]
        # Ties (to 1e-9: sums in another order differ in the last bits) are decided by rowid; FTS5's
        # LIMIT keeps an arbitrary few of the rows tied at the cut.
        rounded = np.round(scores, 9)
        if len(docs) > limit:  # keep the best ``limit`` and every row tied with the last of them
            keep = rounded >= np.partition(rounded, len(rounded) - limit)[len(rounded) - limit]
            docs, scores, rounded = docs[keep], scores[keep], rounded[keep]
        order = np.lexsort((self.rowids[docs], -rounded))[:limit]
        chosen = docs[order]
        scores = scores[order]
        return list(zip(self.rowids[chosen].tolist(), scores.tolist(), strict=True))


def _version(conn: sqlite3.Connection) -> tuple[int, int]:
    """``PRAGMA data_version`` changes when another connection commits; ``total_changes`` counts this
    connection's own writes (which do not change ``data_version``)."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0]), conn.total_changes


_TOKENIZE = re.compile(r"tokenize\s*=\s*('(?:[^']|'')*'|\"[^\"]*\")", re.IGNORECASE)


def _tokenize_option(conn: sqlite3.Connection, table: str) -> str:
    """The ``tokenize=`` argument the FTS5 table was created with (FTS5's default when none)."""
    row = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    match = _TOKENIZE.search(row[0] if row and row[0] else "")
    return match.group(1) if match else "'unicode61'"

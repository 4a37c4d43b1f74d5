"""Search the knowledge base: BM25 (SQLite FTS5) and dense (MiniLM, exact dot product), fused.

Both retrievers propose candidates; every candidate then gets both scores exactly (the cosine from the
in-memory matrix, the BM25 score from a restricted FTS5 query), and the ranking score is a linear mix
of the cosine and the BM25 score divided by the query's best BM25 score. The mix weight (0.9 on the
cosine) was chosen on the CheckThat! 2022 Task 2A dev split with the shipped embedder (MAP@5: 0.6 ->
0.956, 0.7 -> 0.959, 0.8 -> 0.966, 0.9 -> 0.971; reciprocal-rank fusion 0.957-0.962); the reported
``similarity`` is the cosine.

A second stage decides whether a hit makes the *same claim* as the query, not only one on the same
topic: the same-claim re-ranker (``kb/rerank.py``, a cross-encoder) re-scores each query's best
``candidates`` hits whose cosine reaches its ``min_similarity``, all pairs of one ``search_many`` call in
one batch. Every hit then carries ``rerank_score`` (the calibrated probability of "same claim", None
where the hit was not re-scored) and ``same_claim`` (``rerank_score`` >= the re-ranker's
``thresholds.same_claim``); with ``rerank_weight`` w > 0 in the re-ranker's config, re-scored hits are ordered by
``w * rerank_score + (1 - w) * score`` ahead of the rest; with w = 0 the retriever's order stands. Without a re-ranker, ``same_claim``
is today's test: cosine >= the embedder's calibrated ``thresholds.same_claim``.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from propscope.document import KnownClaimMatch
from propscope.errors import KnowledgeBaseError
from propscope.kb.embedder import DIMENSION, Embedder, load_embedder
from propscope.kb.record import BadRow, KBRecord
from propscope.kb.rerank import Reranker, load_reranker, reranker_available
from propscope.kb.store import ImportReport, KBStore
from propscope.kb.text import clean_query, query_terms

log = logging.getLogger(__name__)

Mode = Literal["hybrid", "lexical", "dense"]
Progress = Callable[[str, int, int], None]
COSINE_BLOCK = 256  # queries whose cosines against the whole KB are held at once


@dataclass(frozen=True, slots=True)
class SearchSettings:
    """How candidates are found and fused (defaults: tuned on the CheckThat! 2022 dev split)."""

    mode: Mode = "hybrid"
    candidates: int = 50
    lexical_pool: int = 500  # BM25 scores kept for fusing dense candidates (beyond it: counted as 0)
    dense_weight: float = 0.9
    fusion: Literal["linear", "rrf"] = "linear"
    rrf_k: int = 60
    collapse_duplicates: bool = True
    field_weights: tuple[float, float, float] = (1.0, 1.0, 0.5)  # BM25 weights of claim, title, summary
    rerank: bool = True  # use the same-claim re-ranker when one is installed


@dataclass(slots=True)
class Hit:
    """One search result: the record, the ranking score, the cosine, the BM25 score and the same-claim
    decision (``rerank_score``: calibrated probability, None where the re-ranker did not score the hit)."""

    record: KBRecord
    score: float
    similarity: float
    lexical: float
    rerank_score: float | None = None
    same_claim: bool = False

    def to_match(self) -> KnownClaimMatch:
        r = self.record
        return KnownClaimMatch(
            kb_id=r.id,
            claim=r.claim,
            source=r.source,
            url=r.url,
            date=r.date,
            similarity=round(float(self.similarity), 4),
            rating=r.rating,
        )


class KnowledgeBase:
    """A KB file opened for search (and, unless read-only, for imports)."""

    def __init__(
        self,
        store: KBStore,
        embedder: Embedder | None,
        settings: SearchSettings | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings or SearchSettings()
        self.reranker = reranker
        self.cosine_threshold = _embedder_threshold(embedder)
        self._rowids = np.zeros(0, dtype=np.int64)
        self._matrix = np.zeros((0, DIMENSION), dtype=np.float32)
        self._position: dict[int, int] = {}
        self._dense_ready = False
        self.load_seconds = 0.0
        self._load_dense()

    @classmethod
    def open(
        cls,
        path: Path,
        readonly: bool = True,
        embedder: Embedder | None = None,
        embedder_path: Path | None = None,
        settings: SearchSettings | None = None,
        reranker: Reranker | None = None,
        reranker_path: Path | None = None,
    ) -> KnowledgeBase:
        """Open a KB; the embedder and the re-ranker default to the shipped ones (the re-ranker only
        where ``settings.rerank`` and one is installed; ``reranker_path`` must hold one)."""
        start = time.perf_counter()
        store = KBStore(path, readonly=readonly)
        if embedder is None and (settings is None or settings.mode != "lexical"):
            embedder = load_embedder(embedder_path)
        if reranker is None and (settings is None or settings.rerank):
            if reranker_path is not None or reranker_available():
                reranker = load_reranker(reranker_path)
        kb = cls(store, embedder, settings, reranker)
        kb.load_seconds = time.perf_counter() - start
        return kb

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # dense index
    def _load_dense(self) -> None:
        self._dense_ready = False
        if self.embedder is None:
            return
        stored = self.store.meta("embedder")
        if stored is not None and stored != self.embedder.fingerprint:
            log.warning(
                "%s was embedded by another model (%s, not %s): dense search is off until it is re-embedded "
                "('propscope kb import' re-embeds)",
                self.store.path,
                stored,
                self.embedder.fingerprint,
            )
            return
        self._rowids, self._matrix = self.store.load_embeddings(DIMENSION)
        self._position = {int(r): i for i, r in enumerate(self._rowids)}
        self._dense_ready = len(self._rowids) > 0
        embedded, total = self.store.embedding_coverage()
        if embedded < total:
            log.warning(
                "%s: %d of %d records have no vector (an import was interrupted?): they are found by keywords "
                "only; 'propscope kb import' embeds them", self.store.path, total - embedded, total,
            )

    @property
    def dense_ready(self) -> bool:
        return self._dense_ready

    def embed_missing(self, progress: Progress | None = None, batch: int = 512) -> int:
        """Embed records that have no vector (all of them if the embedder changed); returns how many."""
        if self.embedder is None:
            raise KnowledgeBaseError("no embedder loaded: cannot build the dense index")
        if self.store.meta("embedder") not in (None, self.embedder.fingerprint):
            self.store.drop_embeddings()
        todo = self.store.missing_embeddings()
        done = 0
        for begin in range(0, len(todo), batch):
            chunk = todo[begin : begin + batch]
            vectors = self.embedder.encode([record.dense_text() for _, record in chunk])
            # committed batch by batch, with the model's name: a kill loses one batch, not all
            self.store.put_embeddings([rowid for rowid, _ in chunk], vectors, embedder=self.embedder.fingerprint)
            done += len(chunk)
            if progress is not None:
                progress("embedding", done, len(todo))
        self.store.set_meta("embedder", self.embedder.fingerprint)
        self.store.commit()
        self._load_dense()
        return done

    def import_rows(self, rows: Iterable[KBRecord | BadRow], progress: Progress | None = None) -> ImportReport:
        report = self.store.upsert(rows)
        if self.embedder is not None:
            self.embed_missing(progress)
        return report

    # search
    def search(self, text: str, k: int = 5) -> list[Hit]:
        return self.search_many([text], k)[0]

    def prepare(self) -> None:
        """Build what the first search would build (the in-memory BM25 index), e.g. ahead of time."""
        if self.settings.mode != "dense":
            self.store.lexical_index(self.settings.field_weights)

    def search_many(self, texts: list[str], k: int = 5, vectors: np.ndarray | None = None) -> list[list[Hit]]:
        """Top ``k`` hits for each text; the dense part embeds all texts in one batch."""
        if not texts:
            return []
        cleaned = [clean_query(t) for t in texts]
        mode = self.settings.mode
        if mode != "lexical" and not self._dense_ready:
            if mode == "dense":
                raise KnowledgeBaseError(f"{self.store.path} has no dense index for this embedder")
            mode = "lexical"
        if mode != "lexical":
            assert self.embedder is not None
            if vectors is None:
                vectors = self.embedder.encode(cleaned)
        depth = k if self.reranker is None else max(k, self.reranker.candidates)
        # One SQL statement for the BM25 side of every query and one for the records of every window.
        pools: list[list[tuple[int, float]]] = [[] for _ in cleaned]
        if mode != "dense":
            pool_size = max(depth, self.settings.candidates, self.settings.lexical_pool)
            pools = self.store.lexical_search_many(
                [query_terms(t) for t in cleaned], pool_size, self.settings.field_weights
            )
        # The cosines against the whole KB for a block of queries at a time, keeping each query's candidates'
        # only: all at once, the claims of a 2 MB article raised the peak by 0.4 GB.
        ranked: list[tuple[list[tuple[int, float, float]], dict[int, float], dict[int, float] | None]] = []
        block = None
        for index in range(len(cleaned)):
            if mode != "lexical" and index % COSINE_BLOCK == 0:
                block = vectors[index : index + COSINE_BLOCK] @ self._matrix.T  # type: ignore[index]
            row = None if block is None else block[index % COSINE_BLOCK]
            window, lexical = self._rank(pools[index], row, depth, mode)
            kept = None if row is None else {
                rowid: float(row[self._position[rowid]]) for rowid, _, _ in window if rowid in self._position}
            ranked.append((window, lexical, kept))
        records = self.store.records_by_rowid(sorted({rowid for window, _, _ in ranked for rowid, _, _ in window}))
        results = [self._hits(window, depth, kept, lexical, records) for window, lexical, kept in ranked]
        if self.reranker is None:
            for hits in results:
                for hit in hits:
                    hit.same_claim = self.cosine_threshold is not None and hit.similarity >= self.cosine_threshold
            return results
        return self._rerank(cleaned, results, k, dense=mode != "lexical")

    def _rerank(self, texts: list[str], results: list[list[Hit]], k: int, dense: bool) -> list[list[Hit]]:
        """Re-score the best candidates of every query in one batch, flag same-claim hits, re-order."""
        reranker = self.reranker
        assert reranker is not None
        pairs: list[tuple[str, str]] = []
        owners: list[Hit] = []
        for text, hits in zip(texts, results, strict=True):
            for hit in hits[: reranker.candidates]:
                # In lexical mode there is no cosine to pre-filter by: every candidate is re-scored.
                if not dense or hit.similarity >= reranker.min_similarity:
                    pairs.append((text, hit.record.dense_text()))
                    owners.append(hit)
        for hit, probability in zip(owners, reranker.probabilities(pairs), strict=True):
            hit.rerank_score = round(float(probability), 4)
            hit.same_claim = hit.rerank_score >= reranker.threshold
        w = reranker.weight
        ordered = []
        for hits in results:
            if w > 0:  # w = 0: the re-ranker only decides same_claim, the retriever's order stands
                for hit in hits:
                    hit.score = w * (hit.rerank_score or 0.0) + (1 - w) * hit.score
                # Stable sort: hits the re-ranker did not score keep the retriever's order behind the others.
                hits.sort(key=lambda h: (h.rerank_score is None, -h.score))
            ordered.append(hits[:k])
        return ordered

    def _rank(
        self, ranked: list[tuple[int, float]], cosine_row: np.ndarray | None, k: int, mode: Mode
    ) -> tuple[list[tuple[int, float, float]], dict[int, float]]:
        """The best candidates of one query as (rowid, score, bm25), before records are read, and the
        BM25 scores of the candidates. ``ranked`` is the query's BM25 pool, best first."""
        settings = self.settings
        depth = max(k, settings.candidates)
        pool: dict[int, float] = dict(ranked)
        lexical: dict[int, float] = dict(ranked[:depth])
        dense_candidates: list[int] = []
        if cosine_row is not None:
            top = min(depth, len(cosine_row))
            best = np.argpartition(-cosine_row, top - 1)[:top] if top < len(cosine_row) else np.arange(len(cosine_row))
            dense_candidates = [int(self._rowids[i]) for i in best]
        if mode == "lexical":
            return self._window([(rowid, s, s) for rowid, s in lexical.items()], k), lexical
        if mode == "dense":
            scored = [(rowid, float(cosine_row[self._position[rowid]]), 0.0) for rowid in dense_candidates]  # type: ignore[index]
            return self._window(scored, k), lexical
        assert cosine_row is not None
        for rowid in dense_candidates:
            if rowid not in lexical and rowid in pool:
                lexical[rowid] = pool[rowid]
        candidates = set(lexical) | set(dense_candidates)
        w = settings.dense_weight
        scored = []
        if settings.fusion == "rrf":
            lexical_rank = {r: i for i, r in enumerate(sorted(lexical, key=lambda r: -lexical[r]), start=1)}
            dense_sorted = sorted(candidates, key=lambda r: -float(cosine_row[self._position[r]]) if r in self._position else 1.0)
            dense_rank = {r: i for i, r in enumerate(dense_sorted, start=1)}
            for rowid in candidates:
                fused = w / (settings.rrf_k + dense_rank[rowid])
                if rowid in lexical_rank:
                    fused += (1 - w) / (settings.rrf_k + lexical_rank[rowid])
                scored.append((rowid, fused, lexical.get(rowid, 0.0)))
            return self._window(scored, k), lexical
        top_lexical = max(lexical.values(), default=0.0) or 1.0
        for rowid in candidates:
            position = self._position.get(rowid)
            cosine = float(cosine_row[position]) if position is not None else 0.0
            bm25 = lexical.get(rowid, 0.0)
            scored.append((rowid, w * cosine + (1 - w) * bm25 / top_lexical, bm25))
        return self._window(scored, k), lexical

    def _window(self, scored: list[tuple[int, float, float]], k: int) -> list[tuple[int, float, float]]:
        """The best scored candidates, with room for duplicates to collapse."""
        scored.sort(key=lambda x: (-x[1], x[0]))
        return scored[: k * 3] if self.settings.collapse_duplicates else scored[:k]

    def _hits(
        self,
        window: list[tuple[int, float, float]],
        k: int,
        cosines: dict[int, float] | None,
        lexical: dict[int, float],
        records: dict[int, KBRecord],
    ) -> list[Hit]:
        """The best ``k`` hits; records with the same claim text (re-published or re-imported fact-checks)
        collapse into one hit, the record imported first, with the group's best score."""
        groups: dict[str, list[tuple[int, float]]] = {}
        for rowid, score, _ in window:
            key = claim_key(records[rowid].claim) if self.settings.collapse_duplicates else str(rowid)
            groups.setdefault(key, []).append((rowid, score))
        best = sorted(groups.values(), key=lambda members: (-members[0][1], members[0][0]))[:k]
        hits = []
        for members in best:
            rowid = min(r for r, _ in members)
            cosine = cosines.get(rowid, 0.0) if cosines is not None else 0.0
            hits.append(Hit(records[rowid], float(members[0][1]), cosine, lexical.get(rowid, 0.0)))
        return hits


def _embedder_threshold(embedder: Embedder | None) -> float | None:
    """The cosine from which a hit is "likely the same claim" without a re-ranker (the embedder's)."""
    thresholds = getattr(getattr(embedder, "model_dir", None), "thresholds", None) or {}
    value = thresholds.get("same_claim")
    return None if value is None else float(value)


_NON_WORD = re.compile(r"\W+")


def claim_key(claim: str) -> str:
    """Claims equal up to case, quotes and punctuation share this key."""
    return _NON_WORD.sub(" ", claim.lower()).strip()

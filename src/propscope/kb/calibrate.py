"""Calibrate the cosine threshold that means "likely the same claim" on labelled query/claim pairs.

For each query with a known match, two decisions are simulated: the KB contains the claim (a positive,
scored by the cosine of the matching claim when the search ranks it first), and the KB lacks it (a
negative, scored by the cosine of the best non-matching claim, the hit a user would see instead). The
threshold maximises F1 over both; its precision and recall are reported with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from propscope.errors import KnowledgeBaseError
from propscope.kb.search import KnowledgeBase, claim_key
from propscope.kb.text import clean_query


@dataclass(frozen=True, slots=True)
class Calibration:
    threshold: float
    precision: float
    recall: float
    f1: float
    positives: int
    negatives: int

    def as_dict(self) -> dict[str, float | int]:
        return {
            "threshold": round(self.threshold, 4),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "positives": self.positives,
            "negatives": self.negatives,
        }


def calibrate(
    kb: KnowledgeBase, queries: list[tuple[str, str]], qrels: dict[str, set[str]], threshold: float | None = None
) -> Calibration:
    """The max-F1 threshold, or (``threshold`` given) precision and recall at that threshold."""
    if not kb.dense_ready or kb.embedder is None:
        raise KnowledgeBaseError("calibration needs a KB with a dense index")
    items = [(qid, text) for qid, text in queries if qrels.get(qid)]
    if not items:
        raise KnowledgeBaseError("no query of the queries file has a relevant claim in the qrels")
    rowid_of = kb.store.rowids_for(sorted({d for q, _ in items for d in qrels[q]}))
    vectors = kb.embedder.encode([clean_query(text) for _, text in items])
    top = kb.search_many([text for _, text in items], k=1, vectors=vectors)
    cosines = vectors @ kb._matrix.T
    # A record with the same claim text as the match is the same claim (collections hold duplicates):
    # it is neither a negative nor a positive.
    by_key: dict[str, list[int]] = {}
    for rowid, record in kb.store.iter_records():
        if rowid in kb._position:
            by_key.setdefault(claim_key(record.claim), []).append(kb._position[rowid])
    key_of = {position: key for key, positions in by_key.items() for position in positions}
    positives: list[float] = []
    negatives: list[float] = []
    for index, (qid, _) in enumerate(items):
        gold = {kb._position[rowid_of[d]] for d in qrels[qid] if d in rowid_of and rowid_of[d] in kb._position}
        if not gold:
            continue
        gold |= {p for g in list(gold) for p in by_key[key_of[g]]}
        row = cosines[index].copy()
        if top[index] and top[index][0].record.id in qrels[qid]:
            positives.append(float(row[list(gold)].max()))
        row[list(gold)] = -1.0
        negatives.append(float(row.max()))
    if not positives:
        raise KnowledgeBaseError("no query ranked its claim first: nothing to calibrate on")
    pos = np.asarray(positives)
    neg = np.asarray(negatives)
    candidates = [threshold] if threshold is not None else np.unique(np.concatenate([pos, neg]))
    best = Calibration(1.0, 0.0, 0.0, -1.0, len(pos), len(neg))
    for value in candidates:
        tp = float((pos >= value).sum())
        fp = float((neg >= value).sum())
        # Recall counts every query with a known match, ranked first or not.
        recall = tp / len(neg)
        precision = tp / (tp + fp) if tp + fp else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 > best.f1:
            best = Calibration(float(value), precision, recall, f1, len(pos), len(neg))
    return best

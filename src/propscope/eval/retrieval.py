"""Ranking metrics of the CheckThat! claim-retrieval tasks (2020 Task 2, 2022 Task 2A), on TREC files.

The lab's scorer reads the run and qrels with trectools in trec_eval mode, which means:
- a run is ordered by score (descending), not by its rank column; ties go to the larger docid;
- AP@k = (sum of precision@i over the relevant documents found at ranks i <= k) / (number of relevant
  documents of the query in the qrels);
- RR = 1 / rank of the first relevant document (0 if none is retrieved).
Means are taken over the queries of the qrels; a query the run lacks counts 0 (the lab's runs cover
every query, where this is the same as trec_eval's mean over the run's queries).

Qrels lines: ``qid 0 docid relevance``; run lines: ``qid Q0 docid rank score tag`` (tabs or spaces).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from propscope.errors import BadRecord, InputNotFound

DEPTHS = (1, 3, 5, 10)

Qrels = dict[str, set[str]]
Run = dict[str, list[tuple[str, float]]]


@dataclass(frozen=True, slots=True)
class RunLine:
    qid: str
    docid: str
    rank: int
    score: float
    tag: str

    def format(self) -> str:
        return f"{self.qid}\tQ0\t{self.docid}\t{self.rank}\t{self.score:.6f}\t{self.tag}"


def _lines(path: Path) -> Iterable[tuple[int, list[str]]]:
    if not path.is_file():
        raise InputNotFound(f"{path} does not exist")
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line.split()


_HEADER_IDS = {"", "id", "qid", "query_id", "tweet_id", "iclaim_id"}


def read_queries(path: Path) -> list[tuple[str, str]]:
    """``id<TAB>text`` lines (quoted TSV, as the CheckThat! files are); a header line is allowed."""
    import csv

    if not path.is_file():
        raise InputNotFound(f"{path} does not exist")
    queries: list[tuple[str, str]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        for cells in reader:
            if not cells or not any(c.strip() for c in cells):
                continue
            if not queries and cells[0].strip().lower() in _HEADER_IDS:
                continue
            if len(cells) < 2 or not cells[0].strip():
                raise BadRecord(f"{path.name} line {reader.line_num}: expected id<TAB>text")
            queries.append((cells[0].strip(), " ".join(cells[1].split())))
    if not queries:
        raise BadRecord(f"{path.name} holds no queries")
    return queries


def read_qrels(path: Path) -> Qrels:
    qrels: Qrels = defaultdict(set)
    for number, cells in _lines(path):
        if len(cells) != 4:
            raise BadRecord(f"{path.name} line {number}: expected 'qid 0 docid relevance', got {len(cells)} fields")
        try:
            relevant = int(cells[3]) > 0
        except ValueError as exc:
            raise BadRecord(f"{path.name} line {number}: relevance '{cells[3]}' is not an integer") from exc
        if relevant:
            qrels[cells[0]].add(cells[2])
        else:
            qrels.setdefault(cells[0], set())
    return dict(qrels)


def read_run(path: Path) -> Run:
    run: Run = defaultdict(list)
    for number, cells in _lines(path):
        if len(cells) != 6:
            raise BadRecord(f"{path.name} line {number}: expected 'qid Q0 docid rank score tag', got {len(cells)} fields")
        try:
            int(cells[3])
            score = float(cells[4])
        except ValueError as exc:
            raise BadRecord(f"{path.name} line {number}: rank or score is not a number") from exc
        run[cells[0]].append((cells[2], score))
    return dict(run)


def write_run(lines: Iterable[RunLine], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(line.format() + "\n")
            count += 1
    return count


def ranked(docs: Sequence[tuple[str, float]]) -> list[str]:
    """trec_eval order: score descending, ties broken by docid descending."""
    return [doc for doc, _ in sorted(docs, key=lambda d: (d[1], d[0]), reverse=True)]


def average_precision(relevant: set[str], ranking: Sequence[str], depth: int | None = None) -> float:
    if not relevant:
        return 0.0
    found = 0
    total = 0.0
    for index, doc in enumerate(ranking[:depth] if depth else ranking, start=1):
        if doc in relevant:
            found += 1
            total += found / index
    return total / len(relevant)


def reciprocal_rank(relevant: set[str], ranking: Sequence[str], depth: int | None = None) -> float:
    for index, doc in enumerate(ranking[:depth] if depth else ranking, start=1):
        if doc in relevant:
            return 1.0 / index
    return 0.0


def score_run(qrels: Qrels, run: Run, depths: Sequence[int] = DEPTHS) -> dict[str, float]:
    """MAP@k for each depth and MRR, averaged over the queries of the qrels that have a relevant document."""
    queries = [q for q, rel in qrels.items() if rel]
    if not queries:
        raise BadRecord("the qrels name no relevant document")
    scores: dict[str, float] = {}
    rankings = {q: ranked(run.get(q, [])) for q in queries}
    for depth in depths:
        scores[f"MAP@{depth}"] = sum(average_precision(qrels[q], rankings[q], depth) for q in queries) / len(queries)
    scores["MRR"] = sum(reciprocal_rank(qrels[q], rankings[q]) for q in queries) / len(queries)
    scores["queries"] = float(len(queries))
    scores["queries_in_run"] = float(sum(1 for q in queries if q in run))
    return scores


def format_scores(scores: dict[str, float]) -> str:
    metrics = [k for k in scores if k.startswith("MAP@")] + ["MRR"]
    head = "\t".join(metrics)
    values = "\t".join(f"{scores[k]:.4f}" for k in metrics)
    return f"{head}\n{values}\n({int(scores['queries'])} queries, {int(scores['queries_in_run'])} in the run)"

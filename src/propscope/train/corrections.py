"""Reviewer corrections of technique spans, read as training data (the export's directory format).

``propscope corrections export --kind techniques`` writes a directory with
- ``articles/article{ID}.txt``: the reviewed texts (offsets count characters read with ``newline=''``);
- ``labels.tsv``: the corrected positive spans, PTC TC format ``ID\\tTECHNIQUE\\tSTART\\tEND``;
- ``decisions.jsonl``: one JSON per decision (``accept``, ``reject`` or ``add``, with author and time).

Positives are the spans of ``labels.tsv``. A span whose latest decision is ``reject`` is an explicit
negative for its technique ("reviewed, not this technique"); a negative that ``labels.tsv`` also holds
is dropped (the label file is the export's merged truth). The rest of a corrected article was never
reviewed: ``scope="reviewed"`` leaves it out of the loss, ``scope="article"`` trains it as "no
technique", as the fully annotated PTC articles are (right only where the reviewer added every miss).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from propscope.errors import BadRecord, DataError, InputNotFound
from propscope.ptc import tagging
from propscope.ptc.corpus import article_id_of, read_article, read_labels
from propscope.techniques import TECHNIQUE_NAMES

ARTICLES_DIR = "articles"
LABELS_FILE = "labels.tsv"
DECISIONS_FILE = "decisions.jsonl"
SCOPES = ("reviewed", "article")
DECISIONS = ("accept", "reject", "add")


@dataclass(slots=True)
class CorrectedArticle:
    """One reviewed article: its text, positive spans and rejected spans as ``(technique index, start, end)``."""

    article_id: str
    text: str
    positives: list[tuple[int, int, int]] = field(default_factory=list)
    negatives: list[tuple[int, int, int]] = field(default_factory=list)


@dataclass(slots=True)
class Corrections:
    articles: dict[str, CorrectedArticle]
    path: Path | None = None

    @property
    def n_positive(self) -> int:
        return sum(len(a.positives) for a in self.articles.values())

    @property
    def n_negative(self) -> int:
        return sum(len(a.negatives) for a in self.articles.values())

    def summary(self) -> dict[str, int | str | None]:
        return {
            "path": str(self.path) if self.path else None,
            "articles": len(self.articles),
            "positive_spans": self.n_positive,
            "rejected_spans": self.n_negative,
        }


def _technique_index(name: str, where: str) -> int:
    try:
        return TECHNIQUE_NAMES.index(name)
    except ValueError:
        raise BadRecord(f"{where}: unknown technique '{name}'") from None


def _check_span(text: str, start: int, end: int, where: str) -> None:
    if not 0 <= start < end <= len(text):
        raise BadRecord(f"{where}: span {start}-{end} lies outside the article ({len(text)} characters)")


def read_decisions(path: Path) -> list[dict[str, object]]:
    """The technique decisions of ``decisions.jsonl`` in file order (other kinds are skipped)."""
    records: list[dict[str, object]] = []
    if not path.is_file():
        return records
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BadRecord(f"{path}:{number}: not JSON: {exc}") from exc
            if not isinstance(record, dict):
                raise BadRecord(f"{path}:{number}: a decision must be a JSON object")
            if record.get("kind", "technique") != "technique":
                continue
            missing = [k for k in ("article", "start", "end", "technique", "decision") if k not in record]
            if missing:
                raise BadRecord(f"{path}:{number}: a technique decision lacks {missing}")
            if record["decision"] not in DECISIONS:
                raise BadRecord(f"{path}:{number}: decision must be one of {DECISIONS}, not {record['decision']!r}")
            record["_line"] = number
            records.append(record)
    return records


def read_corrections(path: Path) -> Corrections:
    """Read and check a corrections directory (see the module docstring)."""
    folder = path / ARTICLES_DIR
    if not folder.is_dir():
        raise InputNotFound(f"no corrections at {path}: {ARTICLES_DIR}/ is missing")
    articles: dict[str, CorrectedArticle] = {}
    for file in sorted(folder.glob("article*.txt")):
        article_id = article_id_of(file)
        if article_id is not None:
            articles[article_id] = CorrectedArticle(article_id, read_article(file))
    labels = path / LABELS_FILE
    positives: set[tuple[str, int, int, int]] = set()
    if labels.is_file():
        for span in read_labels(labels):
            where = f"{labels} ({span.article_id})"
            if span.article_id not in articles:
                raise DataError(f"{where}: the article is not in {folder}")
            if span.technique is None:
                raise BadRecord(f"{where}: corrections need the technique column (TC format)")
            _check_span(articles[span.article_id].text, span.start, span.end, where)
            positives.add((span.article_id, _technique_index(span.technique, where), span.start, span.end))
    latest: dict[tuple[str, int, int, int], str] = {}
    for record in read_decisions(path / DECISIONS_FILE):
        where = f"{path / DECISIONS_FILE}:{record['_line']}"
        article_id = str(record["article"])
        if article_id not in articles:
            raise DataError(f"{where}: article {article_id} is not in {folder}")
        start, end = int(record["start"]), int(record["end"])  # type: ignore[call-overload]
        _check_span(articles[article_id].text, start, end, where)
        key = (article_id, _technique_index(str(record["technique"]), where), start, end)
        latest[key] = str(record["decision"])  # file order is time order; a later decision wins
    negatives = {key for key, decision in latest.items() if decision == "reject"} - positives
    for article_id, technique, start, end in sorted(positives):
        articles[article_id].positives.append((technique, start, end))
    for article_id, technique, start, end in sorted(negatives):
        articles[article_id].negatives.append((technique, start, end))
    reviewed = {a: art for a, art in articles.items() if art.positives or art.negatives}
    return Corrections(reviewed, path)


def correction_targets(
    offsets: np.ndarray, article: CorrectedArticle, n_techniques: int, bio: bool, scope: str
) -> tuple[np.ndarray, np.ndarray]:
    """Token targets and a per-token, per-column loss mask of a corrected article.

    ``scope="article"``: every token and column is scored (the positives, and "no technique" elsewhere).
    ``scope="reviewed"``: a positive span scores its technique's columns and the "any" columns on its
    tokens; a rejected span scores its technique's columns only (it says nothing about other techniques).
    """
    if scope not in SCOPES:
        raise DataError(f"corrections scope must be one of {SCOPES}, not '{scope}'")
    targets = tagging.token_targets(offsets, article.positives, n_techniques, bio)
    if scope == "article":
        return targets, np.ones_like(targets)
    mask = np.zeros_like(targets)
    n_inside = n_techniques + 1
    begins = [0, n_inside] if bio else [0]
    for technique, start, end in [*article.positives, *article.negatives]:
        a, b = tagging.token_range(offsets, start, end)
        for base in begins:
            mask[a:b, base + technique] = 1.0
    for technique, start, end in article.positives:
        a, b = tagging.token_range(offsets, start, end)
        for base in begins:
            mask[a:b, base + n_techniques] = 1.0
    return targets, mask


def without_reviewed(texts: dict[str, str], corrections: Corrections) -> dict[str, str]:
    """``texts`` less the articles a correction holds (the reviewed version wins; corrected articles
    train under their own ids, ``correction_key``, so they never clash with PTC ids)."""
    reviewed = {a.text for a in corrections.articles.values()}
    return {i: t for i, t in texts.items() if t not in reviewed}


def correction_key(article_id: str) -> str:
    return f"c:{article_id}"

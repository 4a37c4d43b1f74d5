"""A simulated reviewer for the feedback study: gold labels correct the model's output.

On each article the reviewer sees the spans the model reported and
- accepts a span that overlaps a gold span of the same technique,
- rejects every other reported span (an explicit negative for its technique),
- adds each gold span that no accepted span of its technique overlaps.

``write_corrections`` stores the decisions in the directory format of ``propscope corrections export
--kind techniques`` (``articles/``, ``labels.tsv``, ``decisions.jsonl``), which
``propscope.train.corrections.read_corrections`` reads back: the study goes through the same files as a
team's real corrections.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from propscope.corrections.decisions import input_hash, task_hash
from propscope.ptc.corpus import LabelledSpan
from propscope.train.corrections import ARTICLES_DIR, DECISIONS_FILE, LABELS_FILE

REVIEWER = "simulated-gold"


@dataclass(frozen=True, slots=True)
class Decision:
    article: str
    start: int
    end: int
    technique: str
    decision: str  # accept | reject | add


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def review(article_id: str, predicted: Sequence[tuple[str, int, int]], gold: Sequence[LabelledSpan]) -> list[Decision]:
    """The reviewer's decisions on one article; ``predicted`` holds ``(technique, start, end)``."""
    decisions: list[Decision] = []
    accepted: list[tuple[str, int, int]] = []
    for technique, start, end in sorted(set(predicted), key=lambda p: (p[1], p[2], p[0])):
        right = any(g.technique == technique and _overlaps(start, end, g.start, g.end) for g in gold)
        decisions.append(Decision(article_id, start, end, technique, "accept" if right else "reject"))
        if right:
            accepted.append((technique, start, end))
    for g in sorted(gold):
        found = any(t == g.technique and _overlaps(s, e, g.start, g.end) for t, s, e in accepted)
        if not found:
            decisions.append(Decision(article_id, g.start, g.end, str(g.technique), "add"))
    return decisions


def write_corrections(path: Path, texts: Mapping[str, str], decisions: Sequence[Decision], created: str) -> Path:
    """The corrections directory of ``decisions`` (positives = accepted and added spans)."""
    (path / ARTICLES_DIR).mkdir(parents=True, exist_ok=True)
    for article_id in sorted({d.article for d in decisions} | set(texts)):
        with open(path / ARTICLES_DIR / f"article{article_id}.txt", "w", encoding="utf-8", newline="") as handle:
            handle.write(texts[article_id])
    positives = sorted({(d.article, d.technique, d.start, d.end) for d in decisions if d.decision != "reject"})
    with open(path / LABELS_FILE, "w", encoding="utf-8", newline="\n") as handle:
        handle.writelines(f"{a}\t{t}\t{s}\t{e}\n" for a, t, s, e in positives)
    with open(path / DECISIONS_FILE, "w", encoding="utf-8") as handle:
        for d in decisions:
            text = texts[d.article]
            digest = input_hash(text)
            record = {
                "kind": "technique",
                "article": d.article,
                "input_hash": digest,
                "task_hash": task_hash(digest, d.start, d.end, d.technique),
                "start": d.start,
                "end": d.end,
                "technique": d.technique,
                "decision": d.decision,
                "author": REVIEWER,
                "created": created,
                "excerpt": text[d.start : d.end][:200],
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def counts(decisions: Sequence[Decision]) -> dict[str, int]:
    result = {"accept": 0, "reject": 0, "add": 0}
    for d in decisions:
        result[d.decision] += 1
    return result

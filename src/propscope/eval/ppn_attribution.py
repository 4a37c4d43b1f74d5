"""Draw the claim sentences of the PPN attribution set again (``tests/fixtures/attribution/ppn.jsonl``).

``python -m propscope.eval.ppn_attribution ../shared/data/ppn/articles-en.jsonl sheet.txt`` writes the
annotation sheet: the articles chosen by the fixed seed, every unit of the sentence segmenter numbered,
claim units (the shipped claims model at its threshold; attribution is not run) marked with ``*``.
:func:`draw` gives the same articles, units and split to code; the labels live in the fixture.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

SEED = 10
MIN_WORDS = 150
TARGET_CLAIMS = 250
DEV_ARTICLES = 12


@dataclass(slots=True)
class DrawnArticle:
    id: str
    units: list[str]
    claims: list[int]
    split: str


def draw(path: Path, seed: int = SEED) -> list[DrawnArticle]:
    """Articles of at least ``MIN_WORDS`` words, shuffled by ``seed``, one per title, until
    ``TARGET_CLAIMS`` claim units; the first ``DEV_ARTICLES`` of a second shuffle are ``ppn-dev``."""
    from propscope.claims.scorer import ClaimScorer
    from propscope.components.segment import segment_text

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if len(r["text"].split()) >= MIN_WORDS]
    random.Random(seed).shuffle(rows)
    scorer = ClaimScorer.load(threads=1)
    drawn: list[DrawnArticle] = []
    titles: set[str] = set()
    total = 0
    for row in rows:
        if total >= TARGET_CLAIMS:
            break
        if row["title"] in titles:
            continue
        titles.add(row["title"])
        sentences, _ = segment_text(row["text"])
        units = [row["text"][s.start : s.end] for s in sentences]
        scores = scorer.score(units)
        claims = [i for i, score in enumerate(scores) if score >= scorer.threshold]
        if claims:
            drawn.append(DrawnArticle(row["id"], units, claims, ""))
            total += len(claims)
    order = list(range(len(drawn)))
    random.Random(seed).shuffle(order)
    dev = set(order[:DEV_ARTICLES])
    for index, article in enumerate(drawn):
        article.split = "ppn-dev" if index in dev else "ppn-test"
    return drawn


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m propscope.eval.ppn_attribution", description=__doc__.split("\n")[0])
    parser.add_argument("articles", type=Path, help="ppn/articles-en.jsonl")
    parser.add_argument("sheet", type=Path, help="where to write the annotation sheet")
    args = parser.parse_args(argv)
    lines = []
    for number, article in enumerate(draw(args.articles)):
        lines.append(f"=== A{number} {article.id} [{article.split}]")
        lines.extend(f"{'*' if i in article.claims else ' '}{i:3d} {unit}" for i, unit in enumerate(article.units))
    args.sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

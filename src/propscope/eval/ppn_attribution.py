"""Draw the claim sentences of the PPN attribution set again (``tests/fixtures/attribution/ppn.jsonl``).

``python -m propscope.eval.ppn_attribution ../shared/data/ppn/articles-en.jsonl sheet.txt`` writes the
annotation sheet: the articles chosen by the fixed seed, every unit of the sentence segmenter numbered,
claim units (the shipped claims model at its threshold; attribution is not run) marked with ``*``.
:func:`draw` gives the same articles, units, offsets and split to code; the labels live in the fixture,
which, like every PPN fixture, holds offsets and a hash of each unit instead of its text (see below).

``--heldout2 FIXTURE`` draws the second held-out part (split ``ppn-test2``) instead: articles not in
``FIXTURE`` (the first 28) nor quoted in the project's code, shuffled with ``random.Random(SEED2)``,
one per title, URL and opening, until at least ``TARGET_CLAIMS2`` claim units from at least
``MIN_ARTICLES2`` articles. With ``--labels LABELS`` (one line per claim unit of the sheet:
``A<n> <unit> <voice> | speaker | alternative; alternative | first context unit``) it writes the
fixture records instead of the sheet: the labels, the character offsets of the claim unit and of the
units before it that serve as context (the two before, or from the given unit on) in the article's
``text``, and a hash of the unit, but not the text itself (PPN is CC BY-NC and stays out of the
repository; :func:`propscope.eval.attribution.read_gold` fills the text in from ``articles-en.jsonl``).

``--heldout3 FIXTURE [FIXTURE ...]`` draws the third held-out set (split ``ppn-test3``): articles in
none of the given fixtures (all the attribution fixtures before it), shuffled with
``random.Random(SEED3)``, one per title, URL and opening, until at least ``TARGET_CLAIMS3`` claim units
from at least ``MIN_ARTICLES3`` articles; ``--labels`` works as for ``--heldout2``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from propscope.document import text_hash  # the hash stored beside a unit's offsets

if TYPE_CHECKING:
    from propscope.claims.scorer import ClaimScorer

SEED = 10
MIN_WORDS = 150
TARGET_CLAIMS = 250
DEV_ARTICLES = 12
SEED2 = 20261202
TARGET_CLAIMS2 = 200
MIN_ARTICLES2 = 15
TARGET_CLAIMS_DEV2 = 80
SEED3 = 20261203
TARGET_CLAIMS3 = 200
MIN_ARTICLES3 = 15
SEED4 = 20261204  # ppn-test4: drawn like ppn-test3, with the same targets
SEED5 = 20261205  # ppn-test5: the same again
# the seeds of the held-out sets drawn like ppn-test3 (--heldout3/4/5 are kept for the commands the
# fixture README quotes; --heldout-set N FIXTURE ... draws set N)
HELDOUT_SEEDS = {3: SEED3, 4: SEED4, 5: SEED5, 6: 20261206, 7: 20261207, 8: 20261208}
# the seeds of the training sets of the learned speaker finder (ppn-trainN, drawn like ppn-test3; set N
# leaves out every fixture before it, ppn-test7 leaves out ppn-train1..3 as well)
TRAIN_SEEDS = {1: 20261301, 2: 20261302, 3: 20261303}
# articles whose sentences the project's code or tests already quote (read while writing it)
SEEN_ARTICLES = frozenset({"rrn.media/__1694610042", "rrn.media/__1694617609"})


@dataclass(slots=True)
class DrawnArticle:
    id: str
    units: list[str]
    claims: list[int]
    split: str
    spans: list[tuple[int, int]] = field(default_factory=list)  # character offsets of the units in the text


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
        scores = scorer.score(units, batch_size=32)  # as the fixtures were drawn
        claims = [i for i, score in enumerate(scores) if score >= scorer.threshold]
        if claims:
            drawn.append(DrawnArticle(row["id"], units, claims, "", [(s.start, s.end) for s in sentences]))
            total += len(claims)
    order = list(range(len(drawn)))
    random.Random(seed).shuffle(order)
    dev = set(order[:DEV_ARTICLES])
    for index, article in enumerate(drawn):
        article.split = "ppn-dev" if index in dev else "ppn-test"
    return drawn


def draw_heldout2(path: Path, fixture: Path, seed: int = SEED2, block: int = 0) -> list[DrawnArticle]:
    """The ``ppn-test2`` articles: like :func:`draw`, without the articles of ``fixture`` and
    :data:`SEEN_ARTICLES`, deduplicated by title, URL and the first 200 characters of the text.
    ``block`` 1, 2, ...: the next blocks of articles in the same order, each until ``TARGET_CLAIMS_DEV2``
    more claim units (``ppn-dev2``, ``ppn-dev3``, ...: drawn after ``ppn-test2`` was annotated and
    measured, for development)."""
    from propscope.claims.scorer import ClaimScorer

    rows, seen_keys = _unused_articles(path, [fixture], seed)
    scorer = ClaimScorer.load(threads=1)
    drawn: list[DrawnArticle] = []
    current, total = 0, 0
    for row in rows:
        full = total >= TARGET_CLAIMS2 and len(drawn) >= MIN_ARTICLES2 if current == 0 else total >= TARGET_CLAIMS_DEV2
        if full:
            if current == block:
                break
            current, total, drawn = current + 1, 0, []
        split = "ppn-test2" if current == 0 else f"ppn-dev{current + 1}"
        keys = (row["title"], row["url"], row["text"][:200])
        if any(key in seen_keys for key in keys):
            continue
        seen_keys.update(keys)
        article = _claim_units(row, scorer, split)
        if article.claims:
            drawn.append(article)
            total += len(article.claims)
    return drawn


def _unused_articles(path: Path, fixtures: list[Path], seed: int) -> tuple[list[dict[str, str]], set[str]]:
    """Articles of ``MIN_WORDS`` words in none of ``fixtures`` nor :data:`SEEN_ARTICLES`, shuffled by
    ``seed``, and the titles, URLs and openings of the left-out ones (an article sharing one is skipped)."""
    used = set(SEEN_ARTICLES)
    for fixture in fixtures:
        used |= {json.loads(line)["article_id"] for line in fixture.read_text(encoding="utf-8").splitlines() if line.strip()}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    seen_keys = {key for r in rows if r["id"] in used for key in (r["title"], r["url"], r["text"][:200])}
    rows = [r for r in rows if r["id"] not in used and len(r["text"].split()) >= MIN_WORDS]
    random.Random(seed).shuffle(rows)
    return rows, seen_keys


def _claim_units(row: dict[str, str], scorer: "ClaimScorer", split: str) -> DrawnArticle:
    """The article segmented, with its claim units: those the claims model scores at its threshold."""
    from propscope.components.segment import segment_text

    sentences, _ = segment_text(row["text"])
    units = [row["text"][s.start : s.end] for s in sentences]
    scores = scorer.score(units, batch_size=32)  # as the fixtures were drawn
    claims = [i for i, score in enumerate(scores) if score >= scorer.threshold]
    return DrawnArticle(row["id"], units, claims, split, [(s.start, s.end) for s in sentences])


def draw_heldout3(path: Path, fixtures: list[Path], seed: int = SEED3, split: str = "ppn-test3") -> list[DrawnArticle]:
    """The ``ppn-test3`` articles: as :func:`draw_heldout2`, leaving out every article of ``fixtures``
    (all the attribution fixtures drawn before) and :data:`SEEN_ARTICLES`, shuffled by ``seed``,
    until at least ``TARGET_CLAIMS3`` claim units from at least ``MIN_ARTICLES3`` articles. With
    ``SEED4`` and ``split="ppn-test4"`` (``--heldout4``), the fourth held-out set."""
    from propscope.claims.scorer import ClaimScorer

    rows, seen_keys = _unused_articles(path, fixtures, seed)
    scorer = ClaimScorer.load(threads=1)
    drawn: list[DrawnArticle] = []
    total = 0
    for row in rows:
        if total >= TARGET_CLAIMS3 and len(drawn) >= MIN_ARTICLES3:
            break
        keys = (row["title"], row["url"], row["text"][:200])
        if any(key in seen_keys for key in keys):
            continue
        seen_keys.update(keys)
        article = _claim_units(row, scorer, split)
        if article.claims:
            drawn.append(article)
            total += len(article.claims)
    return drawn


def records_from_labels(drawn: list[DrawnArticle], labels: str) -> list[dict[str, object]]:
    """Fixture records for every claim unit of ``drawn``; ``labels`` must label each one exactly once."""
    by_key: dict[tuple[int, int], list[str]] = {}
    for line in labels.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        head, *fields = [part.strip() for part in line.split("|")]
        name, unit, voice = head.split()
        by_key[(int(name.removeprefix("A")), int(unit))] = [voice, *fields]
    wanted = {(number, unit) for number, article in enumerate(drawn) for unit in article.claims}
    if set(by_key) != wanted:
        raise ValueError(f"labels do not match the claim units: missing {sorted(wanted - set(by_key))}, "
                         f"extra {sorted(set(by_key) - wanted)}")
    records: list[dict[str, object]] = []
    for number, article in enumerate(drawn):
        for unit in article.claims:
            voice, speaker, alternatives, start = (by_key[(number, unit)] + ["", "", ""])[:4]
            first = int(start) if start else max(0, unit - 2)
            record: dict[str, object] = {"article_id": article.id, "unit": unit,
                                         "sentence_span": list(article.spans[unit]),
                                         "sentence_sha1": text_hash(article.units[unit]),
                                         "context_spans": [list(span) for span in article.spans[first:unit]],
                                         "speaker": speaker or None, "voice": voice, "split": article.split}
            if alternatives:
                record["speaker_alternatives"] = [a.strip() for a in alternatives.split(";") if a.strip()]
            records.append(record)
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m propscope.eval.ppn_attribution", description=__doc__.split("\n")[0])
    parser.add_argument("articles", type=Path, help="ppn/articles-en.jsonl")
    parser.add_argument("sheet", type=Path, help="where to write the annotation sheet")
    parser.add_argument("--heldout2", type=Path, metavar="FIXTURE",
                        help="draw the ppn-test2 articles, leaving out those of this fixture (ppn.jsonl)")
    parser.add_argument("--dev", type=int, default=0, metavar="N",
                        help="with --heldout2: the N-th block of development articles that follow (1: ppn-dev2)")
    parser.add_argument("--heldout3", type=Path, nargs="+", metavar="FIXTURE",
                        help="draw the ppn-test3 articles, leaving out those of every FIXTURE given")
    parser.add_argument("--heldout4", type=Path, nargs="+", metavar="FIXTURE",
                        help="draw the ppn-test4 articles (seed SEED4), leaving out those of every FIXTURE given")
    parser.add_argument("--heldout5", type=Path, nargs="+", metavar="FIXTURE",
                        help="draw the ppn-test5 articles (seed SEED5), leaving out those of every FIXTURE given")
    parser.add_argument("--heldout-set", type=int, metavar="N", choices=sorted(HELDOUT_SEEDS),
                        help="with --exclude: draw held-out set N (ppn-testN, seed HELDOUT_SEEDS[N])")
    parser.add_argument("--train-set", type=int, metavar="N", choices=sorted(TRAIN_SEEDS),
                        help="with --exclude: draw training set N (ppn-trainN, seed TRAIN_SEEDS[N])")
    parser.add_argument("--exclude", type=Path, nargs="+", metavar="FIXTURE",
                        help="with --heldout-set or --train-set: fixtures whose articles to leave out")
    parser.add_argument("--labels", type=Path, help="write fixture records from this label sheet to SHEET instead")
    args = parser.parse_args(argv)
    numbered = {3: args.heldout3, 4: args.heldout4, 5: args.heldout5}
    if (args.heldout_set or args.train_set) and not args.exclude:
        parser.error("--heldout-set and --train-set need --exclude FIXTURE ...")
    if args.heldout_set and args.train_set:
        parser.error("give --heldout-set or --train-set, not both")
    if args.heldout_set:
        numbered[args.heldout_set] = args.exclude
    chosen = next(((n, fixtures) for n, fixtures in sorted(numbered.items(), reverse=True) if fixtures), None)
    if args.train_set:
        drawn = draw_heldout3(args.articles, args.exclude, seed=TRAIN_SEEDS[args.train_set], split=f"ppn-train{args.train_set}")
    elif chosen is not None:
        number, fixtures = chosen
        drawn = draw_heldout3(args.articles, fixtures, seed=HELDOUT_SEEDS[number], split=f"ppn-test{number}")
    elif args.heldout2:
        drawn = draw_heldout2(args.articles, args.heldout2, block=args.dev)
    else:
        drawn = draw(args.articles)
    if args.labels:
        records = records_from_labels(drawn, args.labels.read_text(encoding="utf-8"))
        args.sheet.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        return 0
    lines = []
    for number, article in enumerate(drawn):
        lines.append(f"=== A{number} {article.id} [{article.split}]")
        lines.extend(f"{'*' if i in article.claims else ' '}{i:3d} {unit}" for i, unit in enumerate(article.units))
    args.sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

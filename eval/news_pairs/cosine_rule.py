"""How well a cosine threshold alone tells "same claim" on the labelled news pairs.

    python eval/news_pairs/cosine_rule.py [eval/news_pairs/pairs.jsonl]

Prints, per split and threshold, how many pairs the rule would show as the same claim, how many of
them are labelled "same" (precision) and how many "same" pairs it finds (recall). The matcher's
default (no same-claim match by cosine on news) rests on this table. It reads only labels, splits and
cosines, so it runs without the PPN and PTC articles that the pairs' offsets point into.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

THRESHOLDS = (0.57, 0.60, 0.65, 0.70, 0.75, 0.78, 0.80)


def main(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for split in ("calibration", "held_out", "all"):
        part = [r for r in rows if split == "all" or r["split"] == split]
        same = sum(r["label"] == "same" for r in part)
        print(f"{split}: {len(part)} pairs, {same} same")
        for threshold in THRESHOLDS:
            shown = [r for r in part if r["cosine"] >= threshold]
            hits = sum(r["label"] == "same" for r in shown)
            precision = hits / len(shown) if shown else float("nan")
            print(f"  cosine >= {threshold:.2f}: shown {len(shown):3d}, same {hits:2d}, "
                  f"precision {precision:.3f}, recall {hits / max(1, same):.3f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("pairs.jsonl"))

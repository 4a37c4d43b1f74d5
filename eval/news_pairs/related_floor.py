"""How often a top hit is at least related to the news sentence, per cosine band (the floor of the
"related known claims" list, ``NEWS_RELATED_FLOOR`` in ``propscope.components.matching``).

    python eval/news_pairs/related_floor.py [eval/news_pairs/pairs.jsonl]

Reads only labels, splits and cosines. The pairs are top-2 (first draw) and top-1 (second draw, cosine
>= 0.66) hits of the hybrid retriever, drawn in cosine strata, so each band's share is an estimate for
that band; the shares above a floor mix strata and are rough.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BANDS = ((0.45, 0.57), (0.57, 0.60), (0.60, 0.65), (0.65, 0.70), (0.70, 1.01))
FLOORS = (0.57, 0.60, 0.65, 0.70)


def main(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for split in ("calibration", "held_out", "all"):
        part = [r for r in rows if split == "all" or r["split"] == split]
        print(f"{split}: {len(part)} pairs")
        for low, high in BANDS:
            band = [r for r in part if low <= r["cosine"] < high]
            linked = sum(r["label"] != "different" for r in band)
            print(f"  cosine {low:.2f}-{min(high, 1):.2f}: {len(band):3d} pairs, same or related {linked / len(band):.2f}")
        everything = sum(r["label"] != "different" for r in part if r["cosine"] >= FLOORS[0])
        for floor in FLOORS:
            shown = [r for r in part if r["cosine"] >= floor]
            linked = sum(r["label"] != "different" for r in shown)
            print(f"  floor {floor:.2f}: shown {len(shown):3d}, same or related {linked / len(shown):.2f}, "
                  f"keeps {linked / everything:.2f} of those from {FLOORS[0]:.2f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("pairs.jsonl"))

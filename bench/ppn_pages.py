"""How our HTML extraction compares with news-please's ``maintext`` on the saved PPN pages.

Usage: python bench/ppn_pages.py [../shared/data/ppn/html-en]

For each saved page: the character-level overlap (2 * matched characters / both lengths, difflib,
whitespace collapsed) of our text with the ``maintext`` beside it, raw and with the same furniture
lines removed from the ``maintext``; how many pages differ badly (overlap below 0.5), and of those how
many have the site's news ticker as their ``maintext`` (news-please took the wrong block); and how
many of our texts still hold a byline, footer, credit or date line (the shared-data test's pattern).
The last line is JSON.
"""

from __future__ import annotations

import difflib
import json
import re
import statistics
import sys
import time
from pathlib import Path

from propscope.errors import EmptyInput
from propscope.ingest.boilerplate import strip_boilerplate
from propscope.ingest.html import extract_html

# The first line of rrn.media's "latest news" ticker, which news-please took for 331 articles' text.
TICKER = "US Air Force Secretary Frank Kendall"
NOISE = re.compile(
    r"(?im)^(?:RRN Staff|By [A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3}|Source: .{0,40}|SIMILAR"
    r"|\d\d\.\d\d\.\d{4}(?: - \d\d\.\d\d\.\d{4})?(?: \d\d:\d\d(?: [AP]M)?)?)\s*$"
    r"|THANK YOU FOR READING|SHARE INFORMATION ON SOCIAL|Subscribe to|Getty Images|/AFP\b|/Sputnik\b|/TASS\b|Photo: "
)


def overlap(ours: str, theirs: str) -> float:
    a, b = " ".join(ours.split()), " ".join(theirs.split())
    matched = sum(block.size for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return 2 * matched / max(1, len(a) + len(b))


def main(folder: Path) -> dict[str, object]:
    rows = []
    started = time.perf_counter()
    empty = noisy = 0
    for path in sorted(folder.glob("*.html")):
        meta = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
        reference = meta.get("maintext") or ""
        try:
            ours = extract_html(path.read_text(encoding="utf-8"), str(path)).text
        except EmptyInput:
            ours, empty = "", empty + 1
        noisy += bool(NOISE.search(ours))
        cleaned = strip_boilerplate(reference, title=meta.get("title")).text
        rows.append((overlap(ours, reference), overlap(ours, cleaned), TICKER in reference and TICKER not in ours))
    raw, clean = [r[0] for r in rows], [r[1] for r in rows]
    bad = [r for r in rows if r[1] < 0.5]
    summary = {
        "pages": len(rows),
        "no_text": empty,
        "with_furniture_left": noisy,
        "overlap_raw_median": round(statistics.median(raw), 3),
        "overlap_raw_mean": round(statistics.mean(raw), 3),
        "overlap_cleaned_median": round(statistics.median(clean), 3),
        "overlap_cleaned_mean": round(statistics.mean(clean), 3),
        "below_0.9_cleaned": sum(x < 0.9 for x in clean),
        "below_0.5_cleaned": len(bad),
        "below_0.5_maintext_is_ticker": sum(r[2] for r in bad),
        "seconds": round(time.perf_counter() - started, 1),
    }
    return summary


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/ppn/html-en")
    result = main(folder)
    for key, value in result.items():
        print(f"{key:32} {value}")
    print(json.dumps(result))

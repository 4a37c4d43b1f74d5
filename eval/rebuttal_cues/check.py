"""Would cue words tell that an article rebuts a known claim? Checked on real pro-Kremlin pages (PPN).

Finds the sentences of PPN's English articles whose own words (outside quotation marks) carry a
rebuttal cue, looks each up in a KB, and prints those whose best hit reaches the same-claim cosine
threshold, with what a cue rule would call the relation. The rule: a cue in the narration, and a known
claim that is not itself a denial ("staged", "fake", "no", ...). The pairs are then read by hand
(README.md). Run: ``python eval/rebuttal_cues/check.py --data ../shared/data [--kb KB]``.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

REBUTTAL = re.compile(
    r"\b(?:falsely|false (?:claims?|reports?|allegations?|narratives?|stor(?:y|ies))|debunk(?:ed|s|ing)?"
    r"|no evidence|without (?:any )?evidence|disprov(?:ed|en)|(?:is|was|are|were) (?:not true|untrue|false)"
    r"|baseless claims?|conspiracy theor(?:y|ies))\b",
    re.IGNORECASE,
)
DENIAL = re.compile(
    r"\b(?:stag(?:ed|ing)|fake[ds]?|hoax|fabricat\w*|provocation|lies?|myths?|false\w*|untrue|not|never|no"
    r"|den(?:y|ied|ies)|invent\w*|propaganda|disinformation|conspirac\w*|baseless)\b|n't\b",
    re.IGNORECASE,
)
QUOTED = re.compile(r"[\"\u201c\u201e\u00ab][^\"\u201c\u201d\u201e\u00ab\u00bb]*[\"\u201d\u00bb]")
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder (holding ppn/)")
    parser.add_argument("--kb", type=Path, default=None, help="KB file (default: the shipped one)")
    args = parser.parse_args()

    from propscope.components.matching import same_claim_threshold
    from propscope.kb.paths import shipped_kb_path
    from propscope.kb.search import KnowledgeBase

    sentences = []
    with (args.data / "ppn" / "articles-en.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            for sentence in SENTENCE.split(json.loads(line).get("text") or ""):
                if len(sentence.split()) > 4 and REBUTTAL.search(QUOTED.sub(" ", sentence)):
                    sentences.append(sentence)
    with KnowledgeBase.open(args.kb or shipped_kb_path(), readonly=True) as kb:
        threshold = same_claim_threshold(kb.embedder)
        results = kb.search_many(sentences, 1)
    matched = [(s, hits[0]) for s, hits in zip(sentences, results, strict=True) if hits and hits[0].similarity >= threshold]
    rebuts = 0
    for sentence, hit in matched:
        label = "rebuts" if not DENIAL.search(hit.record.claim) else "repeats"
        rebuts += label == "rebuts"
        print(f"{label}\t{hit.similarity:.2f}\t{sentence[:160]}\t{hit.record.claim}")
    print(f"{len(sentences)} sentences with a cue; {len(matched)} reach the threshold {threshold:.2f}; "
          f"the cue rule calls {rebuts} of them rebuttals")


if __name__ == "__main__":
    main()

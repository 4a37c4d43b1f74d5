"""Rules against rules + learned ranker, article-grouped 5-fold cross-validation over the given fixtures.

    python eval/speaker_ranker/run.py --articles ../shared/data/ppn/articles-en.jsonl \
        tests/fixtures/attribution/ppn-test{4,5,6}.jsonl tests/fixtures/attribution/ppn-train{1,2,3}.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from fit import cross_validate, oracle, outcome, parse_examples, summary  # noqa: E402

from propscope.eval.attribution import read_gold  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fixtures", type=Path, nargs="+")
    parser.add_argument("--articles", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    examples = parse_examples([r for f in args.fixtures for r in read_gold(f, args.articles)])
    print(json.dumps({"units": len(examples), "oracle_speech": oracle(examples)}))
    print(json.dumps({"rules": summary([outcome(e, None) for e in examples])}))
    for scope in ("all", "speech"):
        for c in (0.3, 1.0, 3.0):
            print(json.dumps({"scope": scope, "C": c, "ranker": summary(cross_validate(examples, c, 5, args.seed, scope))}), flush=True)


if __name__ == "__main__":
    main()

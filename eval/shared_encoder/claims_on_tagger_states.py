"""Could check-worthiness read the technique tagger's encoder states, saving the claims model's pass?

Usage: python eval/shared_encoder/claims_on_tagger_states.py --data ../shared/data/checkworthiness

The analysis runs three MiniLM encoders; the claims model's is about 80 ms wall (180 ms CPU) of an
800-word article's 430 ms. The tagger already computes every token's state for its span classifier,
so a check-worthiness head over those states (mean and max over the sentence's tokens, logistic
regression) would cost next to nothing. This measures it against the shipped claims model on the same
held-out data (its card): ClaimBuster test F1, and MAP over the 7 held-out CheckThat! 2019 debates
(sentences in context: 12 consecutive lines per text, as an article's sentences share windows).
ClaimBuster sentences are encoded alone. The best F1 over thresholds on the test set itself is given,
an optimistic figure for the head. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, f1_score
from sklearn.preprocessing import StandardScaler

from propscope.claims.data import load_claimbuster, load_clef2019
from propscope.claims.splits import TEST_DEBATES, VAL_DEBATES
from propscope.components.techniques import TechniqueModel
from propscope.models import packaged_model_path

LINES_PER_TEXT = 12
CLEF_POSITIVE_WEIGHT = 5.0


def pooled(model: TechniqueModel, docs: list[list[str]]) -> np.ndarray:
    """Mean and max of the tagger's states over each sentence's tokens; ``docs`` are sentences in order."""
    texts, ranges = [], []
    for sentences in docs:
        spans, position = [], 0
        for sentence in sentences:
            spans.append((position, position + len(sentence)))
            position += len(sentence) + 1
        texts.append(" ".join(sentences))
        ranges.append(spans)
    rows = []
    for first in range(0, len(texts), 16):
        for out, spans in zip(model.outputs(texts[first : first + 16], with_hidden=True), ranges[first : first + 16],
                              strict=True):
            assert out.hidden is not None
            for a, b in spans:
                inside = (out.offsets[:, 0] >= a) & (out.offsets[:, 1] <= b)
                states = out.hidden[inside] if inside.any() else np.zeros((1, out.hidden.shape[1]), np.float32)
                rows.append(np.concatenate([states.mean(0), states.max(0)]))
    return np.stack(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True, help="the checkworthiness folder of the shared data")
    parser.add_argument("--C", type=float, nargs="+", default=[0.01, 0.1, 1.0])
    args = parser.parse_args()
    start = time.perf_counter()
    model = TechniqueModel.load(packaged_model_path("techniques"), threads=2)
    cb_train = load_claimbuster(args.data / "claimbuster" / "train.json")
    cb_test = load_claimbuster(args.data / "claimbuster" / "test.json")
    clef = load_clef2019(args.data / "clef2019-t1" / "CT19-T1-Training.csv")
    x_train, x_test = pooled(model, [[r.text] for r in cb_train]), pooled(model, [[r.text] for r in cb_test])
    y_train, y_test = np.array([r.label for r in cb_train]), np.array([r.label for r in cb_test])
    debates = np.array([r.group.split(":", 1)[1] for r in clef])
    y_clef = np.array([r.label for r in clef])
    x_clef = np.zeros((len(clef), x_train.shape[1]), np.float32)
    for debate in dict.fromkeys(debates):
        ids = np.flatnonzero(debates == debate)
        chunks = [ids[k : k + LINES_PER_TEXT] for k in range(0, len(ids), LINES_PER_TEXT)]
        x_clef[np.concatenate(chunks)] = pooled(model, [[clef[i].text for i in chunk] for chunk in chunks])
    encode_s = time.perf_counter() - start
    train = ~np.isin(debates, list(TEST_DEBATES)) & ~np.isin(debates, list(VAL_DEBATES))
    scaler = StandardScaler().fit(np.concatenate([x_train, x_clef[train]]))
    results = []
    for c in args.C:
        head = LogisticRegression(C=c, max_iter=3000).fit(scaler.transform(x_train), y_train)
        p = head.predict_proba(scaler.transform(x_test))[:, 1]
        best_f1 = max(f1_score(y_test, p >= t) for t in np.arange(0.2, 0.8, 0.02))
        x2, y2 = np.concatenate([x_train, x_clef[train]]), np.concatenate([y_train, y_clef[train]])
        weight = np.concatenate([np.ones(len(y_train)), np.where(y_clef[train] == 1, CLEF_POSITIVE_WEIGHT, 1.0)])
        clef_head = LogisticRegression(C=c, max_iter=3000).fit(scaler.transform(x2), y2, sample_weight=weight)
        pc = clef_head.predict_proba(scaler.transform(x_clef))[:, 1]
        aps = {d: float(average_precision_score(y_clef[debates == d], pc[debates == d])) for d in sorted(TEST_DEBATES)}
        row = {"C": c, "claimbuster_f1_at_0.5": round(float(f1_score(y_test, p >= 0.5)), 3),
               "claimbuster_best_f1_on_test": round(float(best_f1), 3), "test_debates_map": round(float(np.mean(list(aps.values()))), 3)}
        results.append(row)
        print(row, flush=True)
    print(json.dumps({"encode_s": round(encode_s, 1), "shipped_claims_model": {"claimbuster_f1": 0.881, "test_debates_map": 0.295},
                      "tagger_state_heads": results}))


if __name__ == "__main__":
    main()

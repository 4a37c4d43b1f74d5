"""Whole-phrase rules for technique spans, measured on the technique model's held-out PTC articles.

Usage:
    python bench/technique_phrases.py --data PTC_DIR [--model DIR] [--threads 2]

For each rule (none; function-word trimming; noun-chunk snapping from spaCy's parse; both): the
report operating point cross-fitted over the split seeds of ``propscope.ptc.report_point`` (FLC
precision and recall of the spans ``analyze`` would show, mean ± sd), the FLC precision/recall and the
SI F1 of every span of the F1 decoder, the share of one-word spans, and the cost of the spaCy parse in
milliseconds per 800 words. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from propscope.components.techniques import TechniqueModel
from propscope.models import load_model_dir, packaged_model_path
from propscope.ptc import report_point as rp
from propscope.ptc.corpus import load_corpus
from propscope.ptc.operating import PhraseRules


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    model_path = args.model or packaged_model_path("techniques")
    ids = json.loads((model_path / "metrics.json").read_text(encoding="utf-8"))["val_ids"]
    corpus = load_corpus(args.data)
    model_dir = load_model_dir(model_path, task="techniques")
    tagger = TechniqueModel(model_dir, threads=args.threads)
    texts = [corpus.texts[i] for i in ids]
    outputs = dict(zip(ids, tagger.outputs(texts, with_hidden=True), strict=True))

    import spacy

    from propscope.components.attribution import SPACY_MODEL

    # Noun chunks need the parser and coarse POS tags (the attribute ruler), unlike the attribution rules.
    nlp = spacy.load(SPACY_MODEL, exclude=["ner", "lemmatizer"])
    started = time.perf_counter()
    docs = list(nlp.pipe(texts))
    parse_seconds = time.perf_counter() - started
    words = sum(len(t.split()) for t in texts)
    chunks = {i: [(c.start_char, c.end_char) for c in doc.noun_chunks] for i, doc in zip(ids, docs, strict=True)}
    results: dict[str, object] = {
        "articles": len(ids),
        "spacy_parse_ms_per_800_words": round(1000 * parse_seconds / words * 800, 1),
    }
    variants = {
        "none": (PhraseRules(False), None),
        "trim_function_words": (PhraseRules(True), None),
        "noun_chunks": (PhraseRules(False), chunks),
        "noun_chunks + trim": (PhraseRules(True), chunks),
    }
    for name, (rules, variant_chunks) in variants.items():
        rows = rp.candidate_table(
            outputs, corpus, ids, tagger.labels, model_dir.thresholds, tagger.bio, tagger.gap, tagger.span_head, rules, variant_chunks
        )
        runs = [rp.cross_fit(rows, corpus, ids, tagger.labels, rules, seed) for seed in rp.CROSS_FIT_SEEDS]
        precision = [r["report"]["precision"] for r in runs]
        recall = [r["report"]["recall"] for r in runs]
        every = runs[0]["all_spans"]
        one_word = float(np.mean([len(corpus.texts[r.article][r.candidate.start : r.candidate.end].split()) == 1 for r in rows]))
        results[name] = {
            "report_precision": [round(float(np.mean(precision)), 4), round(float(np.std(precision, ddof=1)), 4)],
            "report_recall": [round(float(np.mean(recall)), 4), round(float(np.std(recall, ddof=1)), 4)],
            "all_spans_flc": [round(every["precision"], 4), round(every["recall"], 4), round(every["f1"], 4)],
            "all_spans_si_f1_union": round(runs[0]["si_f1_union_all_spans"], 4),
            "one_word_share": round(one_word, 3),
        }
        print(name, json.dumps(results[name]), flush=True)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

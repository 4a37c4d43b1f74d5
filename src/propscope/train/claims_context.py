"""Train and validate the check-worthiness-in-context model (:mod:`propscope.claims.context`).

``python -m propscope.train.claims_context --data ../shared/data/checkworthiness --out DIR
[--base-scores clef_scores.npy]`` (needs the ``[train]`` extra: scikit-learn):

1. reads the CheckThat! 2019 Task 1 training debates (19 debates and speeches, speaker per line);
   a speaker turn is a run of lines of one speaker;
2. debate-grouped cross-validation, one debate held out at a time: a logistic regression over the
   sentence's word n-grams, the previous sentence's words and its place in the speaker turn, against
   the word n-gram baseline (the sentence's n-grams alone) on the same folds;
3. on the debates the shipped sentence model never saw in training (its test and validation debates),
   the blend of the two: standardised logits, weight ``BASE_WEIGHT`` for the sentence model, fixed
   before looking at results;
4. fits the word model on all 19 debates, calibrates the blend on the pooled out-of-fold blends, takes
   the F1-best threshold, and writes the model directory with its card.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from propscope.claims.context import TASK, TURN_FEATURES, WEIGHTS_FILE, ContextModel, logit, turn_features
from propscope.claims.data import LabelledSentence, load_claimbuster, load_clef2019
from propscope.claims.metrics import average_precision, best_f1_threshold, precision_recall_f1
from propscope.claims.splits import TEST_DEBATES, VAL_DEBATES
from propscope.models.modeldir import CONFIG_FILE, FORMAT_VERSION
from propscope.train.card import write_card

BASE_WEIGHT = 0.5
BASE_LABEL = "clef_check_worthy"
SENTENCE_NGRAMS = 2
PREVIOUS_NGRAMS = 1
PREVIOUS_SCALE = 0.5
C = 1.0
SEED = 13


def debates_of(rows: list[LabelledSentence]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        out[row.group.split(":", 1)[1]].append(index)
    return dict(out)


def turns_of(rows: list[LabelledSentence], indexes: list[int]) -> list[int]:
    turns, turn = [], 0
    for k, index in enumerate(indexes):
        if k and rows[index].speaker != rows[indexes[k - 1]].speaker:
            turn += 1
        turns.append(turn)
    return turns


class WordModel:
    """Sentence n-grams + previous sentence's words + turn features, one logistic regression."""

    def __init__(self, context: bool) -> None:
        self.context = context

    def _matrix(self, texts: list[str], turns: list[list[int]], fit: bool) -> Any:
        import scipy.sparse as sp

        flat = [t for doc in texts for t in doc]
        if fit:
            from sklearn.feature_extraction.text import TfidfVectorizer

            self.sentence = TfidfVectorizer(ngram_range=(1, SENTENCE_NGRAMS), min_df=2, sublinear_tf=True)
            self.sentence.fit(flat)
        blocks = [self.sentence.transform(flat)]
        if self.context:
            previous = [doc[k - 1] if k else "" for doc in texts for k in range(len(doc))]
            if fit:
                from sklearn.feature_extraction.text import TfidfVectorizer

                self.previous = TfidfVectorizer(ngram_range=(1, PREVIOUS_NGRAMS), min_df=2, sublinear_tf=True)
                self.previous.fit(previous)
            blocks.append(PREVIOUS_SCALE * self.previous.transform(previous))
            blocks.append(sp.csr_matrix(np.vstack([turn_features(t, d) for d, t in zip(texts, turns, strict=True)])))
        return sp.hstack(blocks).tocsr()

    def fit(self, texts: list[list[str]], turns: list[list[int]], labels: np.ndarray) -> WordModel:
        self.clf = _regression().fit(self._matrix(texts, turns, fit=True), labels)
        return self

    @property
    def sentence_columns(self) -> int:
        return len(self.sentence.vocabulary_)

    def decision(self, texts: list[list[str]], turns: list[list[int]]) -> np.ndarray:
        return self.clf.decision_function(self._matrix(texts, turns, fit=False))


def _regression() -> Any:
    from sklearn.linear_model import LogisticRegression

    # liblinear: seconds per fit on sparse n-grams where lbfgs took minutes on the shared cores
    return LogisticRegression(C=C, solver="liblinear", class_weight="balanced", random_state=SEED)


def cross_validate(rows: list[LabelledSentence], base: np.ndarray, log: Any = print) -> dict[str, Any]:
    debates = debates_of(rows)
    names = sorted(debates)
    texts = {d: [rows[i].text for i in debates[d]] for d in names}
    turns = {d: turns_of(rows, debates[d]) for d in names}
    labels = {d: np.array([rows[i].label for i in debates[d]]) for d in names}
    unseen = set(TEST_DEBATES) | set(VAL_DEBATES)
    per: dict[str, dict[str, float]] = {}
    pooled_blend: list[np.ndarray] = []
    pooled_labels: list[np.ndarray] = []
    for name in names:
        train = [n for n in names if n != name]
        y = np.concatenate([labels[n] for n in train])
        # one vectorisation per fold: the baseline is the same regression on the sentence columns alone
        words = WordModel(context=True)
        matrix = words._matrix([texts[n] for n in train], [turns[n] for n in train], fit=True)
        words.clf = _regression().fit(matrix, y)
        held = words._matrix([texts[name]], [turns[name]], fit=False)
        columns = words.sentence_columns
        baseline = _regression().fit(matrix[:, :columns], y)
        word_scores = words.clf.decision_function(held)
        row = {"word_ngrams": average_precision(labels[name], baseline.decision_function(held[:, :columns])),
               "words_in_context": average_precision(labels[name], word_scores)}
        if name in unseen:
            train_words = words.clf.decision_function(matrix)
            train_base = logit(np.concatenate([base[debates[n]] for n in train]))
            blended = blend(word_scores, logit(base[debates[name]]), train_words, train_base)
            row["sentence_model"] = average_precision(labels[name], base[debates[name]])
            row["blend"] = average_precision(labels[name], blended)
            pooled_blend.append(blended)
            pooled_labels.append(labels[name])
        per[name] = row
        log(f"{name}: " + ", ".join(f"{k} {v:.3f}" for k, v in row.items()))
    return {"per_debate": per, "pooled_blend": np.concatenate(pooled_blend), "pooled_labels": np.concatenate(pooled_labels)}


def blend(words: np.ndarray, base: np.ndarray, train_words: np.ndarray, train_base: np.ndarray) -> np.ndarray:
    """Standardised logits (with the training rows' mean and spread), weighted."""
    w = (words - train_words.mean()) / train_words.std()
    b = (base - train_base.mean()) / train_base.std()
    return BASE_WEIGHT * b + (1 - BASE_WEIGHT) * w


def summarise(per: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    unseen = [n for n in per if "blend" in per[n]]
    for key in ("word_ngrams", "words_in_context"):
        out.setdefault("all_debates", {})[key] = float(np.mean([per[n][key] for n in per]))
    for key in ("word_ngrams", "words_in_context", "sentence_model", "blend"):
        out.setdefault("unseen_debates", {})[key] = float(np.mean([per[n][key] for n in unseen]))
    return out


def export(out: Path, rows: list[LabelledSentence], base: np.ndarray, cv: dict[str, Any], info: dict[str, Any]) -> Path:
    from sklearn.linear_model import LogisticRegression

    debates = debates_of(rows)
    names = sorted(debates)
    texts = [[rows[i].text for i in debates[d]] for d in names]
    turns = [turns_of(rows, debates[d]) for d in names]
    labels = np.concatenate([[rows[i].label for i in debates[d]] for d in names])
    model = WordModel(context=True).fit(texts, turns, labels)
    train_words = model.decision(texts, turns)
    train_base = logit(np.concatenate([base[debates[d]] for d in names]))
    calibration = LogisticRegression(C=1e4, max_iter=1000).fit(cv["pooled_blend"].reshape(-1, 1), cv["pooled_labels"])
    slope, intercept = float(calibration.coef_[0, 0]), float(calibration.intercept_[0])
    calibrated = 1 / (1 + np.exp(-(slope * cv["pooled_blend"] + intercept)))
    threshold, f1 = best_f1_threshold(cv["pooled_labels"], calibrated)

    coef = model.clf.coef_.ravel()
    n_sentence = len(model.sentence.vocabulary_)
    n_previous = len(model.previous.vocabulary_)
    out.mkdir(parents=True, exist_ok=True)

    def terms(vectorizer: Any) -> np.ndarray:
        vocabulary = vectorizer.vocabulary_
        ordered = sorted(vocabulary, key=vocabulary.__getitem__)
        return np.array(ordered, dtype=np.str_)

    np.savez_compressed(
        out / WEIGHTS_FILE,
        sentence_vocabulary=terms(model.sentence), sentence_idf=model.sentence.idf_.astype(np.float32),
        sentence_coef=coef[:n_sentence].astype(np.float32),
        previous_vocabulary=terms(model.previous), previous_idf=model.previous.idf_.astype(np.float32),
        previous_coef=coef[n_sentence : n_sentence + n_previous].astype(np.float32),
        turn_coef=coef[n_sentence + n_previous :].astype(np.float64),
        intercept=np.float64(model.clf.intercept_[0]),
    )
    config = {
        "format_version": FORMAT_VERSION,
        "task": TASK,
        "labels": ["priority"],
        "onnx_file": "",
        "tokenizer_file": "",
        "max_length": 0,
        "stride": 0,
        "thresholds": {"priority": round(float(threshold), 4)},
        "sentence_ngrams": SENTENCE_NGRAMS,
        "previous_ngrams": PREVIOUS_NGRAMS,
        "previous_scale": PREVIOUS_SCALE,
        "turn_features": list(TURN_FEATURES),
        "blend": {
            "base_model": "claims", "base_fingerprint": base_fingerprint(), "base_label": BASE_LABEL,
            "base_weight": BASE_WEIGHT,
            "base_mean": float(train_base.mean()), "base_std": float(train_base.std()),
            "words_mean": float(train_words.mean()), "words_std": float(train_words.std()),
            "calibration_slope": slope, "calibration_intercept": intercept,
        },
        "training": info,
        "metrics": {**summarise(cv["per_debate"]), "pooled_out_of_fold_f1_at_threshold": f1},
    }
    (out / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    ContextModel.load(out)  # the directory must load with the inference code alone
    return out


def base_fingerprint() -> str:
    """The sentence model whose scores the blend was fitted on (the context model applies to it only)."""
    from propscope.claims.scorer import default_model_path
    from propscope.models.cache import file_fingerprint
    from propscope.models.modeldir import load_model_dir

    return file_fingerprint(load_model_dir(default_model_path(), task="claims").onnx_path)


def measure_speed(out: Path, article: Path, repeats: int = 21) -> dict[str, float]:
    """Median milliseconds of the context model on one article's sentences (the sentence model's
    scores are not part of it: they are computed anyway)."""
    from propscope.components.segment import segment_text

    text = article.read_text(encoding="utf-8")
    sentences, paragraphs = segment_text(text)
    texts = [text[s.start : s.end] for s in sentences]
    turns = [next((i for i, p in enumerate(paragraphs) if p.start <= s.start < p.end), 0) for s in sentences]
    model = ContextModel.load(out)
    base = np.full(len(texts), 0.1)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        model.priority(texts, turns, base)
        times.append(time.perf_counter() - started)
    return {"article_words": len(text.split()), "sentences": len(texts), "median_ms": round(1000 * float(np.median(times)), 2)}


def render_card(metrics: dict[str, Any], config: dict[str, Any]) -> str:
    """README.md of the model directory, from its metrics.json and config.json (``propscope.train.card``)."""
    per, summary, cb = metrics["per_debate"], metrics["summary"], metrics["claimbuster_test"]
    speed = metrics.get("speed")
    lines = [
        "# propscope claims-context model (check-worthiness in context)",
        "",
        "Ranks the sentences of a document by how likely fact-checkers are to check them: a logistic",
        "regression over the sentence's word n-grams (1-2), the previous sentence's words and the sentence's",
        "place in its speaker turn (a paragraph in an article), blended half and half (standardised logits)",
        f"with the `{config['blend']['base_label']}` head of the shipped `claims` sentence model, then calibrated",
        "(one logistic on the pooled out-of-fold blends). numpy only: `weights.npz` holds the vocabularies,",
        "idf and coefficients; the word features are computed exactly as scikit-learn's TfidfVectorizer.",
        f"Propscope shows it as each claim's `priority`; `priority` >= {config['thresholds']['priority']} is the",
        "threshold of best F1 on the pooled out-of-fold predictions. Which sentences are claims is still decided",
        "by the `claims` model's `check_worthy` head and threshold (unchanged).",
        "",
        "## Data and validation",
        f"- {config['training']['data']}; {config['training']['rows']} sentences; speaker turn = a run of lines of one",
        "  speaker. Leave-one-debate-out cross-validation; the word n-gram baseline (sentence n-grams alone,",
        "  same TF-IDF and regression settings) runs on the same folds.",
        "- The blend needs the sentence model's scores, and that model was trained on 9 of the 19 debates: the",
        "  blend is measured only on the 10 it never saw (its 7 test and 3 validation debates), each scored by a",
        "  word model trained on the other 18 debates.",
        f"- Seed {config['training']['seed']}, C {config['training']['C']}, training and CV "
        f"{config['training']['seconds']} s on 2 shared CPU cores (other jobs ran).",
        "",
        "| debate | word n-grams (baseline) | words in context | sentence model alone | blend (this model) |",
        "|---|---|---|---|---|",
    ]
    for name in sorted(per):
        row = per[name]
        cell = lambda key: f"{row[key]:.3f}" if key in row else "(trained on it)"  # noqa: E731
        lines.append(f"| {name} | {cell('word_ngrams')} | {cell('words_in_context')} | {cell('sentence_model')} | {cell('blend')} |")
    u, a = summary["unseen_debates"], summary["all_debates"]
    lines += [
        f"| **MAP, 10 debates unseen by the sentence model** | {u['word_ngrams']:.3f} | {u['words_in_context']:.3f} | {u['sentence_model']:.3f} | **{u['blend']:.3f}** |",
        f"| MAP, all 19 debates | {a['word_ngrams']:.3f} | {a['words_in_context']:.3f} | | |",
        "",
        "## ClaimBuster test (702 sentences, balanced)",
        f"- The claim list (sentence model, `check_worthy` head at its threshold): F1 {cb['claim_list_f1_sentence_model']:.3f}, unchanged.",
        f"- `priority` as a classifier of ClaimBuster's label (each sentence alone, no context): F1 {cb['priority_f1_at_threshold']:.3f}",
        f"  at its threshold, best F1 {cb['priority_best_f1']:.3f}. It learns CheckThat!'s label (which sentences were",
        "  checked), a different and rarer thing than ClaimBuster's check-worthy factual sentences.",
        "",
        "## Speed",
        (f"- {speed['median_ms']} ms (median of 21) for the {speed['sentences']} sentences of the {speed['article_words']}-word"
         " `bench/data/article_800.txt`, on top of the sentence model it blends with; 2 shared CPU cores." if speed else "- not measured"),
        "",
        "## Limits",
        "- Trained on US political debates and speeches; news paragraphs stand in for speaker turns.",
        "- Applies only to the sentence model it was fitted with (`blend.base_fingerprint`); with another claims",
        "  model no priority is given.",
        "",
        "## Sources and terms",
        "- CLEF CheckThat! 2019 Task 1: P. Atanasova et al., Overview of the CLEF-2019 CheckThat! Lab, Task 1:",
        "  Check-worthiness. CLEF 2019. Research use.",
        "- ClaimBuster (test split only, for the figure above): F. Arslan, N. Hassan, C. Li, M. Tremayne. A Benchmark",
        "  Dataset of Check-worthy Factual Claims. ICWSM 2020. GPL-3.0; the blended sentence model was trained on it.",
        "",
        f"Rebuild: `python -m propscope.train.claims_context --data ../shared/data/checkworthiness --out DIR`.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m propscope.train.claims_context", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, help="the checkworthiness data folder")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--base-scores", type=Path, help="cached sentence-model scores of the CLEF 2019 rows (.npy)")
    parser.add_argument("--card", action="store_true", help="only measure the speed and (re)write README.md of --out")
    parser.add_argument("--bench", type=Path, default=Path("bench/data/article_800.txt"))
    args = parser.parse_args(argv)
    if args.card:
        metrics_path = args.out / "metrics.json"
        metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
        if args.bench.is_file():
            metrics["speed"] = measure_speed(args.out, args.bench)
            metrics_path.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
        print(write_card(args.out))
        return 0
    if args.data is None:
        parser.error("--data is required")
    started = time.time()
    rows = load_clef2019(args.data / "clef2019-t1" / "CT19-T1-Training.csv")
    if args.base_scores and args.base_scores.is_file():
        scores = np.load(args.base_scores)
    else:
        from propscope.claims.scorer import ClaimScorer

        scores = ClaimScorer.load(threads=2).score_all([r.text for r in rows])
        if args.base_scores:
            np.save(args.base_scores, scores)
    from propscope.claims.scorer import ClaimScorer

    scorer = ClaimScorer.load(threads=2)
    base = scores[:, scorer.labels.index(BASE_LABEL)]
    cv = cross_validate(rows, base)
    info = {"data": "CheckThat! 2019 Task 1 training release (CT19-T1-Training.csv), 19 debates and speeches",
            "rows": len(rows), "seed": SEED, "C": C, "cv": "leave one debate out",
            "blend_evaluated_on": sorted(set(TEST_DEBATES) | set(VAL_DEBATES)),
            "seconds": round(time.time() - started, 1)}
    export(args.out, rows, base, cv, info)
    metrics = {"per_debate": cv["per_debate"], "summary": summarise(cv["per_debate"])}
    cb_test = load_claimbuster(args.data / "claimbuster" / "test.json")
    cb_scores = scorer.score_all([r.text for r in cb_test])
    model = ContextModel.load(args.out)
    cb_priority = np.array([model.priority([r.text], [0], cb_scores[k : k + 1, scorer.labels.index(BASE_LABEL)])[0]
                            for k, r in enumerate(cb_test)])
    cb_labels = [r.label for r in cb_test]
    metrics["claimbuster_test"] = {
        "claim_list_f1_sentence_model": precision_recall_f1(cb_labels, cb_scores[:, scorer.score_index], scorer.threshold)[2],
        "priority_f1_at_threshold": precision_recall_f1(cb_labels, cb_priority, model.threshold)[2],
        "priority_best_f1": best_f1_threshold(cb_labels, cb_priority)[1],
    }
    if args.bench.is_file():
        metrics["speed"] = measure_speed(args.out, args.bench)
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    write_card(args.out)
    print(json.dumps({"summary": metrics["summary"], "claimbuster_test": metrics["claimbuster_test"],
                      "seconds": round(time.time() - started, 1)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

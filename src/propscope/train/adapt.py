"""Head-only retraining of a technique model with reviewer corrections, on a CPU in minutes.

A full fine-tune of the encoder takes about 48 minutes on 2 cores; retraining only the heads does not
need the encoder's gradients at all. ``FeatureCache`` runs the model's frozen ONNX encoder once per
window and keeps its ``hidden`` states (float16); the token head (a linear map from those states to the
30 output columns) and the span head are then trained with torch on the cached states, starting from
the model's own head weights, on its PTC training articles plus the corrected articles
(``propscope.train.corrections``: positives, rejected spans as explicit negatives, a weight).

The new model directory is the old one with the head replaced inside the ONNX graph (``replace_head``:
the head's nodes, int8 or fp32, give way to one fp32 MatMul + Add), a new ``span_head.npz``, its own
file fingerprint, ``adapt.json`` and a model-card section. The thresholds and the report operating point
stay those of the source model (they were tuned on its held-out articles; retuning needs labelled
held-out articles, which a team's corrections are not).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from propscope.errors import BadModelDirectory, DataError
from propscope.ptc import tagging
from propscope.ptc.corpus import Corpus, split_ids
from propscope.ptc.tagging import ArticleOutputs
from propscope.train.corrections import CorrectedArticle, Corrections, correction_targets
from propscope.train.encoder import require_torch

Logger = Callable[[str], None]
ADAPT_FILE = "adapt.json"
SOURCE_METRICS = "source-metrics.json"
HEAD_NODE_PREFIX = "adapted_token_head"


@dataclass(slots=True)
class HeadSettings:
    """Every setting of a head-only run (recorded in ``adapt.json``); both arms of a study share them."""

    seed: int = 13
    steps: int = 300  # optimiser steps of the token head (fixed, so runs with and without corrections compare)
    batch_tokens: int = 4096
    lr: float = 5e-4
    weight_decay: float = 0.0
    dropout: float = 0.0  # 0.1 cost a fifth of the step time and no steps this short overfit
    pos_weight_cap: float = 10.0
    corrections_weight: float = 1.0  # loss weight of a corrected article's tokens and spans (PTC tokens weigh 1)
    scope: str = "reviewed"  # "reviewed" | "article", see propscope.train.corrections
    span_head: bool = True
    span_steps: int = 200
    span_batch: int = 256
    span_lr: float = 3e-4


# -- the head inside the ONNX graph ------------------------------------------------------------------


def _head_nodes(graph: Any, hidden: str = "hidden", logits: str = "token_logits") -> list[Any]:
    """The nodes between the ``hidden`` output and ``token_logits`` (the token head, quantised or not)."""
    producers = {out: node for node in graph.node for out in node.output}
    chosen: dict[int, Any] = {}
    stack = [logits]
    while stack:
        name = stack.pop()
        node = producers.get(name)
        if node is None or name == hidden or id(node) in chosen:
            continue
        chosen[id(node)] = node
        stack.extend(node.input)
    nodes = [n for n in graph.node if id(n) in chosen]
    if not any(hidden in n.input for n in nodes):
        raise BadModelDirectory(f"the ONNX graph has no head from '{hidden}' to '{logits}'")
    used_elsewhere = {i for n in graph.node if id(n) not in chosen for i in n.input}
    if any(out in used_elsewhere for n in nodes for out in n.output):
        raise BadModelDirectory("the token head's nodes feed other parts of the graph; cannot replace it")
    return nodes


def read_head(onnx_path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The token head ``(W [hidden, outputs], b [outputs])`` of a model file (int8 weights dequantised)."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(onnx_path))
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    nodes = _head_nodes(model.graph)
    weight = bias = None
    for node in nodes:
        if node.op_type == "MatMul" and node.input[1] in inits:
            weight = inits[node.input[1]].astype(np.float32)
        elif node.op_type == "MatMulInteger" and node.input[1] in inits:
            q = inits[node.input[1]].astype(np.float32)
            zero = inits[node.input[3]].astype(np.float32) if len(node.input) > 3 and node.input[3] in inits else 0.0
            scale_name = node.input[1][: -len("_quantized")] + "_scale" if node.input[1].endswith("_quantized") else ""
            if scale_name not in inits:
                raise BadModelDirectory(f"no weight scale {scale_name} for the quantised head of {onnx_path}")
            weight = (q - zero) * inits[scale_name].astype(np.float32)
        elif node.op_type == "Add":
            constant = [inits[i] for i in node.input if i in inits]
            if constant:
                bias = constant[0].astype(np.float32)
        elif node.op_type == "Gemm" and node.input[1] in inits:
            weight = inits[node.input[1]].astype(np.float32)
            weight = weight.T if any(a.name == "transB" and a.i for a in node.attribute) else weight
            bias = inits[node.input[2]].astype(np.float32) if len(node.input) > 2 else None
    if weight is None:
        raise BadModelDirectory(f"cannot read the token head's weights from {onnx_path}")
    if bias is None:
        bias = np.zeros(weight.shape[1], dtype=np.float32)
    return weight, bias


def replace_head(onnx_in: Path, onnx_out: Path, weight: np.ndarray, bias: np.ndarray) -> Path:
    """Write ``onnx_in`` with its token head replaced by ``hidden @ weight + bias`` (fp32)."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(onnx_in))
    graph = model.graph
    old = _head_nodes(graph)
    old_ids = {id(n) for n in old}
    kept = [n for n in graph.node if id(n) not in old_ids]
    w_name, b_name, mid = f"{HEAD_NODE_PREFIX}.weight", f"{HEAD_NODE_PREFIX}.bias", f"{HEAD_NODE_PREFIX}/MatMul_output"
    kept.append(helper.make_node("MatMul", ["hidden", w_name], [mid], name=f"{HEAD_NODE_PREFIX}/MatMul"))
    kept.append(helper.make_node("Add", [mid, b_name], ["token_logits"], name=f"{HEAD_NODE_PREFIX}/Add"))
    del graph.node[:]
    graph.node.extend(kept)
    used = {i for n in graph.node for i in n.input}
    keep_inits = [i for i in graph.initializer if i.name in used and i.name not in (w_name, b_name)]
    del graph.initializer[:]
    graph.initializer.extend(keep_inits)
    graph.initializer.append(numpy_helper.from_array(weight.astype(np.float32), w_name))
    graph.initializer.append(numpy_helper.from_array(bias.astype(np.float32), b_name))
    onnx.checker.check_model(model)
    onnx.save(model, str(onnx_out))
    return onnx_out


# -- cached encoder states ---------------------------------------------------------------------------


def _texts_digest(ids: Sequence[str], texts: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    for i in ids:
        digest.update(i.encode() + b"\0" + texts[i].encode("utf-8") + b"\0")
    return digest.hexdigest()


@dataclass(slots=True)
class FeatureCache:
    """The frozen encoder's states of every window of some articles, windowed exactly as at inference.

    ``hidden`` holds the content tokens of every window, window after window (float16); ``windows`` is
    ``[n_windows, 4]``: article index, first article token, content tokens, first row in ``hidden``.
    """

    ids: list[str]
    offsets: list[np.ndarray]
    windows: np.ndarray
    hidden: np.ndarray
    digest: str
    model_fingerprint: str

    @classmethod
    def build(
        cls, model_dir: Path, texts: Mapping[str, str], ids: Sequence[str], threads: int | None = 2, say: Logger = print
    ) -> FeatureCache:
        """The states of a technique model directory's ONNX encoder (its ``hidden`` output)."""
        from propscope.components.techniques import WINDOWS_PER_RUN, TechniqueModel
        from propscope.models.cache import dir_fingerprint

        model = TechniqueModel.load(model_dir, threads=threads)

        def run(input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
            return model.onnx.run({"input_ids": input_ids, "attention_mask": attention_mask}, ["hidden"])["hidden"]

        return cls.from_runner(
            run, model.tokenizer, model.model.max_length, model.model.stride, texts, ids, dir_fingerprint(model_dir),
            WINDOWS_PER_RUN, say,
        )

    @classmethod
    def from_runner(
        cls,
        run: Callable[[np.ndarray, np.ndarray], np.ndarray],
        tokenizer: Any,
        max_length: int,
        stride: int,
        texts: Mapping[str, str],
        ids: Sequence[str],
        fingerprint: str,
        windows_per_run: int = 8,
        say: Logger = print,
    ) -> FeatureCache:
        """The states ``run(input_ids, attention_mask) -> [windows, length, hidden]`` gives for every window."""
        ids = list(ids)
        articles = tagging.tokenise(tokenizer, [texts[i] for i in ids])
        cls_id, sep_id = int(tokenizer.token_to_id("[CLS]")), int(tokenizer.token_to_id("[SEP]"))
        batch = tagging.build_windows(articles, max_length, stride, cls_id, sep_id)
        rows = np.concatenate([[0], np.cumsum(batch.n_content)]).astype(np.int64)
        hidden = np.zeros((int(rows[-1]), 0), dtype=np.float16)
        started = time.perf_counter()
        for first in range(0, len(batch), windows_per_run):
            part = slice(first, first + windows_per_run)
            states = run(batch.input_ids[part], batch.attention_mask[part])
            if hidden.shape[1] == 0:
                hidden = np.zeros((int(rows[-1]), states.shape[-1]), dtype=np.float16)
            for k, window in enumerate(range(first, min(first + windows_per_run, len(batch)))):
                n = int(batch.n_content[window])
                hidden[rows[window] : rows[window] + n] = states[k, 1 : 1 + n]
            if first % (windows_per_run * 50) == 0:
                say(f"encoder states: {first}/{len(batch)} windows ({time.perf_counter() - started:.0f} s)")
        windows = np.stack([batch.article, batch.first_token, batch.n_content, rows[:-1]], axis=1).astype(np.int64)
        return cls(ids, [a.offsets for a in articles], windows, hidden, _texts_digest(ids, texts), fingerprint)

    def save(self, path: Path) -> Path:
        lengths = np.asarray([len(o) for o in self.offsets], dtype=np.int64)
        np.savez(
            path,
            ids=np.asarray(self.ids),
            lengths=lengths,
            offsets=np.concatenate(self.offsets) if self.offsets else np.zeros((0, 2), dtype=np.int64),
            windows=self.windows,
            hidden=self.hidden,
            digest=np.asarray(self.digest),
            model_fingerprint=np.asarray(self.model_fingerprint),
        )
        return path

    @classmethod
    def load(cls, path: Path) -> FeatureCache:
        with np.load(path, allow_pickle=False) as data:
            lengths = data["lengths"]
            bounds = np.concatenate([[0], np.cumsum(lengths)])
            offsets = data["offsets"]
            return cls(
                [str(i) for i in data["ids"]],
                [offsets[bounds[k] : bounds[k + 1]] for k in range(len(lengths))],
                data["windows"],
                data["hidden"],
                str(data["digest"]),
                str(data["model_fingerprint"]),
            )

    @classmethod
    def cached(
        cls, path: Path | None, model_dir: Path, texts: Mapping[str, str], ids: Sequence[str], threads: int | None = 2, say: Logger = print
    ) -> FeatureCache:
        """Load ``path`` when it holds the states of these texts under this model, else build (and save)."""
        from propscope.models.cache import dir_fingerprint

        ids = list(ids)
        found = cls.load_matching(path, texts, ids, dir_fingerprint(model_dir), say)
        if found is not None:
            return found
        cache = cls.build(model_dir, texts, ids, threads, say)
        if path is not None:
            cache.save(path)
        return cache

    @classmethod
    def load_matching(
        cls, path: Path | None, texts: Mapping[str, str], ids: Sequence[str], fingerprint: str, say: Logger = print
    ) -> FeatureCache | None:
        """The cache at ``path`` if it holds these texts under the encoder ``fingerprint``, else None."""
        if path is None or not path.is_file():
            return None
        cache = cls.load(path)
        if cache.ids == list(ids) and cache.digest == _texts_digest(ids, texts) and cache.model_fingerprint == fingerprint:
            say(f"encoder states loaded from {path}")
            return cache
        say(f"{path} holds other texts or another encoder; computing the states again")
        return None

    def index(self) -> dict[str, int]:
        return {i: k for k, i in enumerate(self.ids)}

    def article_windows(self, article_id: str) -> np.ndarray:
        k = self.index()[article_id]
        return self.windows[self.windows[:, 0] == k]

    def rows_of(self, article_ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For every cached row of these articles: its row in ``hidden``, its article (position in
        ``article_ids``) and its token index in the article."""
        index = self.index()
        rows, owners, tokens = [], [], []
        for position, article_id in enumerate(article_ids):
            mine = self.windows[self.windows[:, 0] == index[article_id]]
            for _, first, n, row in mine:
                rows.append(np.arange(row, row + n))
                tokens.append(np.arange(first, first + n))
                owners.append(np.full(n, position))
        if not rows:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        return np.concatenate(rows), np.concatenate(owners), np.concatenate(tokens)

    def outputs(
        self, article_id: str, text: str, weight: np.ndarray, bias: np.ndarray, with_hidden: bool = True
    ) -> ArticleOutputs:
        """The article's outputs under a token head, averaged over windows exactly as ``tagging.article_outputs``."""
        k = self.index()[article_id]
        offsets = self.offsets[k]
        n_tokens = len(offsets)
        mine = self.windows[self.windows[:, 0] == k]
        probs = np.zeros((n_tokens, weight.shape[1]), dtype=np.float32)
        logits = np.zeros_like(probs)
        hidden = np.zeros((n_tokens, self.hidden.shape[1]), dtype=np.float32) if with_hidden else None
        counts = np.zeros((n_tokens, 1), dtype=np.float32)
        for _, first, n, row in mine:
            states = self.hidden[row : row + n].astype(np.float32)
            window_logits = states @ weight + bias
            logits[first : first + n] += window_logits
            probs[first : first + n] += tagging.sigmoid(window_logits)
            if hidden is not None:
                hidden[first : first + n] += states
            counts[first : first + n] += 1.0
        counts = np.maximum(counts, 1.0)
        return ArticleOutputs(text, offsets, probs / counts, logits / counts, None if hidden is None else hidden / counts)


# -- training ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class TrainingArticle:
    """An article the heads learn from: the cache id, text, targets, loss mask, weight and span examples."""

    cache_id: str
    text: str
    positives: list[tuple[int, int, int]]
    negatives: list[tuple[int, int, int]]
    weight: float
    scope: str | None  # None: a fully annotated PTC article


def training_articles(
    corpus: Corpus, train_ids: Sequence[str], corrections: Corrections | None, settings: HeadSettings, key: Callable[[str], str]
) -> list[TrainingArticle]:
    """PTC training articles (every token scored) plus the corrected ones (``key`` maps a corrected
    article's id to its id in the cache); a PTC article that a correction holds is replaced by it."""
    reviewed = {a.text for a in corrections.articles.values()} if corrections else set()
    result = [
        TrainingArticle(i, corpus.texts[i], [(tagging_index(s.technique), s.start, s.end) for s in corpus.spans.get(i, [])], [], 1.0, None)
        for i in train_ids
        if corpus.texts[i] not in reviewed
    ]
    for article in (corrections.articles.values() if corrections else []):
        result.append(
            TrainingArticle(key(article.article_id), article.text, article.positives, article.negatives, settings.corrections_weight, settings.scope)
        )
    return result


def tagging_index(technique: str | None) -> int:
    from propscope.techniques import TECHNIQUE_NAMES

    if technique not in TECHNIQUE_NAMES:
        raise DataError(f"unknown technique '{technique}'")
    return TECHNIQUE_NAMES.index(technique)


def _token_table(
    cache: FeatureCache, articles: Sequence[TrainingArticle], n_techniques: int, bio: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows of ``cache.hidden``, their targets, loss masks, weights and whether they come from a corrected
    article, for every scored window token of ``articles``."""
    rows, owners, tokens = cache.rows_of([a.cache_id for a in articles])
    index = cache.index()
    per_article = []
    for article in articles:
        offsets = cache.offsets[index[article.cache_id]]
        if article.scope is None:
            targets = tagging.token_targets(offsets, article.positives, n_techniques, bio)
            mask = np.ones_like(targets)
        else:
            corrected = CorrectedArticle(article.cache_id, article.text, article.positives, article.negatives)
            targets, mask = correction_targets(offsets, corrected, n_techniques, bio, article.scope)
        per_article.append((targets, mask))
    targets = np.zeros((len(rows), per_article[0][0].shape[1]), dtype=np.uint8) if per_article else np.zeros((0, 0), np.uint8)
    masks = np.zeros_like(targets)
    for position, (t, m) in enumerate(per_article):
        mine = owners == position
        targets[mine] = t[tokens[mine]]
        masks[mine] = m[tokens[mine]]
    weights = np.asarray([a.weight for a in articles], dtype=np.float32)[owners] if len(rows) else np.zeros(0, np.float32)
    corrected = np.asarray([a.scope is not None for a in articles], dtype=bool)[owners] if len(rows) else np.zeros(0, bool)
    keep = masks.any(axis=1)
    return rows[keep], targets[keep], masks[keep], weights[keep], corrected[keep]


def _pos_weight(targets: np.ndarray, masks: np.ndarray, cap: float) -> np.ndarray:
    """sqrt(negatives / positives) per column over the scored tokens, between 1 and ``cap`` (as the full fine-tune)."""
    positives = (targets * masks).sum(axis=0).astype(np.float64)
    scored = masks.sum(axis=0).astype(np.float64)
    ratio = (scored - positives) / np.maximum(positives, 1.0)
    return np.clip(np.sqrt(ratio), 1.0, cap).astype(np.float32)


def train_token_head(
    cache: FeatureCache,
    articles: Sequence[TrainingArticle],
    weight: np.ndarray,
    bias: np.ndarray,
    n_techniques: int,
    bio: bool,
    settings: HeadSettings,
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Fine-tune the linear token head on cached states; returns the new ``(W, b)`` and a loss record."""
    torch = require_torch()
    rows, targets, masks, weights, corrected = _token_table(cache, articles, n_techniques, bio)
    if len(rows) == 0:
        raise DataError("no scored tokens to train the token head on")
    torch.manual_seed(settings.seed)
    generator = np.random.default_rng(settings.seed)
    head = torch.nn.Linear(weight.shape[0], weight.shape[1])
    with torch.no_grad():
        head.weight.copy_(torch.from_numpy(weight.T.copy()))
        head.bias.copy_(torch.from_numpy(bias.copy()))
    pos_weight = torch.from_numpy(_pos_weight(targets, masks, settings.pos_weight_cap))
    optimizer = torch.optim.AdamW(head.parameters(), lr=settings.lr, weight_decay=settings.weight_decay)
    dropout = torch.nn.Dropout(settings.dropout) if settings.dropout > 0 else torch.nn.Identity()
    losses = []
    started = time.perf_counter()
    for _ in range(settings.steps):
        pick = generator.integers(0, len(rows), settings.batch_tokens)
        x = torch.from_numpy(cache.hidden[rows[pick]].astype(np.float32))
        y = torch.from_numpy(targets[pick].astype(np.float32))
        m = torch.from_numpy(masks[pick].astype(np.float32)) * torch.from_numpy(weights[pick])[:, None]
        loss_matrix = torch.nn.functional.binary_cross_entropy_with_logits(head(dropout(x)), y, pos_weight=pos_weight, reduction="none")
        loss = (loss_matrix * m).sum() / m.sum().clamp(min=1e-6)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    new_weight = head.weight.detach().numpy().T.copy()
    new_bias = head.bias.detach().numpy().copy()
    record = {
        "tokens": int(len(rows)),
        "corrected_tokens": int(corrected.sum()),
        "first_loss": float(np.mean(losses[: max(1, len(losses) // 10)])),
        "last_loss": float(np.mean(losses[-max(1, len(losses) // 10) :])),
        "seconds": round(time.perf_counter() - started, 1),
    }
    return new_weight, new_bias, record


def _span_examples(
    cache: FeatureCache, articles: Sequence[TrainingArticle], weight: np.ndarray, bias: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Span-head features of every positive and rejected span, their technique, sign (1 positive, 0
    rejected) and weight; the features use the new token head's logits, as inference will."""
    features, classes, signs, weights = [], [], [], []
    for article in articles:
        spans = [(t, s, e, 1) for t, s, e in article.positives] + [(t, s, e, 0) for t, s, e in article.negatives]
        if not spans:
            continue
        out = cache.outputs(article.cache_id, article.text, weight, bias)
        if len(out.offsets) == 0:
            continue
        features.append(tagging.span_matrix(out, [(s, e) for _, s, e, _ in spans]))
        classes.extend(t for t, _, _, _ in spans)
        signs.extend(sign for _, _, _, sign in spans)
        weights.extend([article.weight] * len(spans))
    if not features:
        return np.zeros((0, 0), np.float32), np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0, np.float32)
    return (
        np.concatenate(features).astype(np.float32),
        np.asarray(classes, dtype=np.int64),
        np.asarray(signs, dtype=np.float32),
        np.asarray(weights, dtype=np.float32),
    )


def train_span_head(
    cache: FeatureCache,
    articles: Sequence[TrainingArticle],
    head: dict[str, np.ndarray],
    weight: np.ndarray,
    bias: np.ndarray,
    settings: HeadSettings,
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Fine-tune the span head: cross-entropy on positive spans, -log(1 - p(technique)) on rejected ones."""
    torch = require_torch()
    features, classes, signs, weights = _span_examples(cache, articles, weight, bias)
    if len(classes) == 0:
        return head, {"spans": 0}
    torch.manual_seed(settings.seed)
    generator = np.random.default_rng(settings.seed + 1)
    params = {name: torch.nn.Parameter(torch.from_numpy(value.astype(np.float32).copy())) for name, value in head.items()}
    optimizer = torch.optim.AdamW(params.values(), lr=settings.span_lr, weight_decay=settings.weight_decay)
    x_all, c_all = torch.from_numpy(features), torch.from_numpy(classes)
    s_all, w_all = torch.from_numpy(signs), torch.from_numpy(weights)
    started = time.perf_counter()
    losses = []
    for _ in range(settings.span_steps):
        pick = torch.from_numpy(generator.integers(0, len(classes), settings.span_batch))
        x, c, s, w = x_all[pick], c_all[pick], s_all[pick], w_all[pick]
        hidden = torch.nn.functional.gelu(x @ params["w1"] + params["b1"], approximate="tanh")
        hidden = torch.nn.functional.dropout(hidden, settings.dropout, training=True)
        log_p = torch.log_softmax(hidden @ params["w2"] + params["b2"], dim=-1).gather(1, c[:, None])[:, 0]
        rejected = torch.log1p(-log_p.exp().clamp(max=1 - 1e-6))
        loss = -(w * (s * log_p + (1 - s) * rejected)).sum() / w.sum()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    new = {name: p.detach().numpy().copy() for name, p in params.items()}
    return new, {
        "spans": int(len(classes)),
        "rejected_spans": int((signs == 0).sum()),
        "first_loss": float(np.mean(losses[: max(1, len(losses) // 10)])),
        "last_loss": float(np.mean(losses[-max(1, len(losses) // 10) :])),
        "seconds": round(time.perf_counter() - started, 1),
    }


@dataclass(slots=True)
class AdaptedHeads:
    weight: np.ndarray
    bias: np.ndarray
    span_head: dict[str, np.ndarray]
    record: dict[str, Any]


def retrain_heads(
    cache: FeatureCache,
    articles: Sequence[TrainingArticle],
    start: tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]],
    n_techniques: int,
    bio: bool,
    settings: HeadSettings,
) -> AdaptedHeads:
    """Both heads, from ``start`` (token W, b and span head), on ``articles`` (the study calls this directly)."""
    weight, bias, span_head = start
    new_weight, new_bias, token_record = train_token_head(cache, articles, weight, bias, n_techniques, bio, settings)
    span_record: dict[str, Any] = {"trained": False}
    if settings.span_head:
        span_head, span_record = train_span_head(cache, articles, span_head, new_weight, new_bias, settings)
    return AdaptedHeads(new_weight, new_bias, span_head, {"token_head": token_record, "span_head": span_record})


# -- the command -----------------------------------------------------------------------------------------


def source_train_ids(model_dir: Path, corpus: Corpus) -> tuple[list[str], list[str]]:
    """The source model's PTC training and validation articles (from its ``metrics.json``, or the
    ``source-metrics.json`` that a head-only model keeps of the model it came from)."""
    path = model_dir / "metrics.json"
    if not path.is_file():
        path = model_dir / SOURCE_METRICS
    if not path.is_file():
        raise BadModelDirectory(f"{model_dir} has no metrics.json naming its training split; head-only retraining needs it")
    metrics = json.loads(path.read_text(encoding="utf-8"))
    settings = metrics.get("settings", {})
    fraction, seed = float(settings.get("val_fraction", 0.15)), int(settings.get("split_seed", 2020))
    if fraction <= 0:
        return corpus.ids, corpus.ids
    train_ids, val_ids = split_ids(corpus.ids, fraction, seed)
    recorded = sorted(metrics.get("val_ids", val_ids))
    if recorded != sorted(val_ids):
        raise DataError(f"the PTC data at hand does not give {model_dir}'s validation split; is it the same release?")
    return train_ids, val_ids


def load_heads(model_dir: Path) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    from propscope.models import load_model_dir

    model = load_model_dir(model_dir, task="techniques")
    weight, bias = read_head(model.onnx_path)
    head_file = model.extra.get("span_head_file")
    if not head_file:
        raise BadModelDirectory(f"{model_dir} has no span head")
    with np.load(model_dir / head_file, allow_pickle=False) as data:
        span_head = {name: data[name].astype(np.float32) for name in data.files}
    return weight, bias, span_head


def write_adapted_model(
    source: Path, out: Path, heads: AdaptedHeads, summary: dict[str, Any]
) -> dict[str, Any]:
    """Copy ``source`` to ``out`` with the new heads, ``adapt.json`` and a model-card section."""
    from propscope.models import load_model_dir
    from propscope.models.cache import dir_fingerprint

    model = load_model_dir(source, task="techniques")
    if out.resolve() == source.resolve():
        raise DataError("--out must differ from the source model directory")
    out.mkdir(parents=True, exist_ok=True)
    for name in (model.tokenizer_file, "LICENSE"):
        if (source / name).is_file():
            shutil.copy(source / name, out / name)
    replace_head(model.onnx_path, out / model.onnx_file, heads.weight, heads.bias)
    np.savez(out / model.extra.get("span_head_file", "span_head.npz"), **heads.span_head)
    for name in ("metrics.json", SOURCE_METRICS):  # the split of the first model, kept through every round
        if (source / name).is_file():
            shutil.copy(source / name, out / SOURCE_METRICS)
            break
    config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    config["adapted_from"] = {"fingerprint": dir_fingerprint(source), "path": str(source), "method": "head-only"}
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    result = {**summary, "source_fingerprint": config["adapted_from"]["fingerprint"]}
    (out / ADAPT_FILE).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    card = (source / "README.md").read_text(encoding="utf-8") if (source / "README.md").is_file() else "# Technique model\n"
    (out / "README.md").write_text(adapt_card_section(result) + "\n" + card, encoding="utf-8")
    result["fingerprint"] = dir_fingerprint(out)
    return result


def adapt_card_section(result: dict[str, Any]) -> str:
    corrections = result.get("corrections") or {}
    token = result["heads"]["token_head"]
    span = result["heads"]["span_head"]
    lines = [
        "# Technique model, heads retrained with reviewer corrections",
        "",
        f"This directory is `{result['source']}` (fingerprint `{result['source_fingerprint'][:16]}`) with its token head "
        "and span head retrained on the frozen encoder (`propscope train techniques --head-only`); the encoder, "
        "tokenizer, thresholds and report operating point are the source model's. Everything below this section "
        "describes the source model: its validation figures are not this model's.",
        "",
        f"- corrections: {corrections.get('path')} ({corrections.get('articles', 0)} articles, "
        f"{corrections.get('positive_spans', 0)} positive spans, {corrections.get('rejected_spans', 0)} rejected spans), "
        f"weight {result['settings']['corrections_weight']}, scope `{result['settings']['scope']}`",
        f"- PTC training articles: {result['n_ptc_articles']} (the source model's own training split)",
        f"- token head: {result['settings']['steps']} steps of {result['settings']['batch_tokens']} tokens on "
        f"{token['tokens']} scored tokens, loss {token['first_loss']:.4f} -> {token['last_loss']:.4f}",
        f"- span head: {span.get('spans', 0)} spans ({span.get('rejected_spans', 0)} rejected)"
        + (f", loss {span['first_loss']:.4f} -> {span['last_loss']:.4f}" if "first_loss" in span else ", not retrained"),
        f"- run: {result['created']} on {result['host']}, {result['seconds']} s in all "
        f"({result['encoder_seconds']} s of it the encoder states)",
        "",
        "What retraining with corrections buys was measured in a simulated review study: see the section "
        "'Learning from corrections' of the shipped model's card and `eval/feedback/README.md`.",
        "",
    ]
    return "\n".join(lines)


def adapt_model(
    data: Path,
    source: Path,
    out: Path,
    corrections: Corrections | None,
    settings: HeadSettings,
    cache_path: Path | None = None,
    threads: int | None = 2,
    say: Logger = print,
) -> dict[str, Any]:
    """``propscope train techniques --head-only --from MODEL``: the documented head-only command."""
    import platform
    from datetime import datetime, timezone

    from propscope.models import load_model_dir
    from propscope.ptc.corpus import load_corpus
    from propscope.train.corrections import correction_key

    started = time.perf_counter()
    corpus = load_corpus(data)
    model = load_model_dir(source, task="techniques")
    bio = model.extra.get("label_scheme", "io") == "bio"
    train_ids, _ = source_train_ids(source, corpus)
    texts = {i: corpus.texts[i] for i in train_ids}
    if corrections is not None:
        texts.update({correction_key(a.article_id): a.text for a in corrections.articles.values()})
    ids = sorted(texts)
    cache = FeatureCache.cached(cache_path, source, texts, ids, threads, say)
    encoder_seconds = round(time.perf_counter() - started, 1)
    articles = training_articles(corpus, train_ids, corrections, settings, correction_key)
    say(f"retraining the heads on {len(articles)} articles ({len(corrections.articles) if corrections else 0} corrected)")
    heads = retrain_heads(cache, articles, load_heads(source), len(model.labels), bio, settings)
    summary = {
        "source": str(source),
        "settings": asdict(settings),
        "corrections": corrections.summary() if corrections else None,
        "n_ptc_articles": sum(1 for a in articles if a.scope is None),
        "heads": heads.record,
        "encoder_seconds": encoder_seconds,
        "seconds": round(time.perf_counter() - started, 1),
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "host": platform.platform(),
    }
    result = write_adapted_model(source, out, heads, summary)
    say(f"model directory written to {out} (fingerprint {result['fingerprint'][:16]})")
    return result

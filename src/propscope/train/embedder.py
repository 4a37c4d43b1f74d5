"""Fine-tune and export the sentence encoder used for dense known-claim retrieval.

The encoder is all-MiniLM-L6-v2 (mean pooling over the last hidden states, then L2 normalisation,
exactly as sentence-transformers computes it). Fine-tuning uses in-batch negatives (the
MultipleNegativesRanking loss): for a batch of (query, matching claim) pairs every other claim of the
batch is a negative, optionally with one mined hard negative per pair as an extra column.

Training data are CheckThat! TRAIN pairs only (2020 Task 2 train; the 2022 Task 2A train split
contains the 2020 dev tweets, so those are dropped by text). Dev and dev-test never train the model.

The export writes a self-describing model directory: ``model.onnx`` (int8 per-channel if it stays
within cosine 0.99 of fp32 on real claims, else fp32), ``tokenizer.json``, ``config.json`` with the
measured drift, and a ``README.md`` model card.
"""

from __future__ import annotations

import csv
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from propscope.errors import DataError

log = logging.getLogger(__name__)

EMBEDDER_TASK = "sentence-embedding"
OUTPUT_NAME = "sentence_embedding"
MIN_INT8_COSINE = 0.99


@dataclass(slots=True)
class EmbedderTrainConfig:
    epochs: int = 4
    batch_size: int = 64
    lr: float = 3e-5
    warmup: float = 0.1
    max_length: int = 128
    scale: float = 20.0
    symmetric: bool = True
    seed: int = 13
    hard_negatives: bool = True


@dataclass(slots=True)
class TrainPair:
    query: str
    positive: str
    negative: str | None = None


@dataclass(slots=True)
class TrainResult:
    steps: int
    seconds: float
    losses: list[float] = field(default_factory=list)


def read_pairs(path: Path) -> list[TrainPair]:
    """``query<TAB>positive[<TAB>negative]`` lines with a header, as written by ``write_pairs``."""
    if not path.is_file():
        raise DataError(f"no training pairs at {path}")
    pairs = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader, None)
        for row in reader:
            if len(row) < 2:
                continue
            pairs.append(TrainPair(row[0], row[1], row[2] if len(row) > 2 and row[2] else None))
    if not pairs:
        raise DataError(f"{path} holds no pairs")
    return pairs


def write_pairs(pairs: list[TrainPair], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("query\tpositive\tnegative\n")
        for pair in pairs:
            cells = [pair.query, pair.positive, pair.negative or ""]
            handle.write("\t".join(" ".join(c.split()) for c in cells) + "\n")


def _pooling_module(base: Any) -> Any:
    import torch

    class SentenceEncoder(torch.nn.Module):
        """Transformer + masked mean pooling + L2 norm: one traceable graph for ONNX."""

        def __init__(self, transformer: Any) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.transformer(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(input_ids),
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    return SentenceEncoder(base)


def train_embedder(
    pairs: list[TrainPair],
    config: EmbedderTrainConfig,
    base_path: Path | None = None,
    device: str | None = None,
    on_epoch: Any = None,
) -> tuple[Any, Any, TrainResult]:
    """Fine-tune the base encoder with in-batch negatives; returns (pooling module, tokenizer, result)."""
    from propscope.train import loop
    from propscope.train.encoder import load_base_encoder, pick_device, require_torch, set_seed

    torch = require_torch()
    set_seed(config.seed)
    device = device or pick_device()
    base, tokenizer = load_base_encoder(base_path)
    model = _pooling_module(base).to(device)
    # in-batch negatives want full batches (drop_last); the warm-up factor multiplies the decay factor
    run = loop.LoopSettings(
        epochs=config.epochs, batch_size=config.batch_size, lr=config.lr, weight_decay=0.01, warmup=config.warmup,
        seed=config.seed, schedule=loop.WARMUP_TIMES_DECAY, drop_last=True, shuffle="python",
    )

    def encode(texts: list[str]) -> Any:
        batch = tokenizer(texts, padding=True, truncation=True, max_length=config.max_length, return_tensors="pt")
        return model(batch["input_ids"].to(device), batch["attention_mask"].to(device))

    def step(rows: Any) -> tuple[Any, dict[str, float]]:
        batch = [pairs[i] for i in rows]
        # The same claim twice in a batch would be a false negative: keep its first pair only.
        seen: set[str] = set()
        batch = [p for p in batch if not (p.positive in seen or seen.add(p.positive))]  # type: ignore[func-returns-value]
        queries = encode([p.query for p in batch])
        docs = [p.positive for p in batch]
        if config.hard_negatives:
            docs += [p.negative for p in batch if p.negative and p.negative not in seen]
        doc_emb = encode(docs)
        scores = config.scale * queries @ doc_emb.T
        labels = torch.arange(len(batch), device=device)
        loss = torch.nn.functional.cross_entropy(scores, labels)
        if config.symmetric:
            loss = (loss + torch.nn.functional.cross_entropy(scores[:, : len(batch)].T, labels)) / 2
        return loss, {"loss": float(loss.detach())}

    def after_epoch(module: Any, end: loop.EpochEnd) -> None:
        log.info("epoch %d: mean loss %.4f", end.epoch, end.mean("loss"))
        if on_epoch is not None:
            on_epoch(end.epoch, module, tokenizer)

    fitted = loop.fit(model, len(pairs), step, run, on_epoch=after_epoch)
    result = TrainResult(steps=fitted.steps, seconds=fitted.seconds, losses=fitted.step_records("loss"))
    return model.to("cpu"), tokenizer, result


def load_finetuned(weights: Path, base_path: Path | None = None) -> Any:
    """The pooling module with fine-tuned transformer weights from a checkpoint (``propscope.train.checkpoint``;
    a single safetensors file, as older sweeps wrote, is read too)."""
    from propscope.train.checkpoint import load_state
    from propscope.train.encoder import load_base_encoder

    base, _ = load_base_encoder(base_path)
    state = load_state(weights)
    missing, unexpected = base.load_state_dict(state, strict=False)
    if unexpected or [m for m in missing if "position_ids" not in m]:
        raise DataError(f"{weights} does not fit the base encoder (missing {missing[:3]}, unexpected {unexpected[:3]})")
    return _pooling_module(base).eval()


def save_weights(module: Any, path: Path, meta: dict[str, Any] | None = None) -> Path:
    """The transformer's weights as a checkpoint folder (fp16 shards, to travel small)."""
    from propscope.train.checkpoint import save_checkpoint

    config = module.transformer.config.to_json_string()
    return save_checkpoint(path, module.transformer.state_dict(), meta or {}, encoder_config=config)


def quantize_embedder(fp32_path: Path, int8_path: Path) -> Path:
    """Dynamic int8 with per-channel weight scales, except the layers that carry the largest error.

    Measured on 3,000 real texts (EUvsDisinfo titles, Snopes claims, tweets), cosine to fp32 of the
    fine-tuned MiniLM: every MatMul + embedding Gather in int8: 23 MB, min 0.986 (base model); keeping the
    six feed-forward down-projections (``layer.N/output/dense``, whose inputs carry GELU outliers) in
    fp32: 33.6 MB, min 0.9872, one text under 0.99; keeping layer 0's feed-forward up-projection in fp32
    as well: 35.4 MB, min 0.9918, mean 0.9965, none under 0.99.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(fp32_path), load_external_data=False).graph
    keep = [
        n.name
        for n in graph.node
        if (n.name.endswith("/output/dense/MatMul") and "attention" not in n.name)
        or n.name.endswith("layer.0/intermediate/dense/MatMul")
    ]
    quantize_dynamic(
        str(fp32_path), str(int8_path), per_channel=True, weight_type=QuantType.QInt8, nodes_to_exclude=keep
    )
    return int8_path


def _cosines(path_a: Path, path_b: Path, tokenizer_path: Path, texts: list[str], max_length: int) -> np.ndarray:
    from propscope.kb.embedder import Embedder

    a = Embedder.from_files(path_a, tokenizer_path, max_length=max_length).encode(texts)
    b = Embedder.from_files(path_b, tokenizer_path, max_length=max_length).encode(texts)
    return np.sum(a * b, axis=1)


def export_embedder(
    module: Any,
    source_dir: Path,
    out_dir: Path,
    check_texts: list[str],
    card: dict[str, Any],
    max_length: int = 128,
) -> dict[str, Any]:
    """Export to ONNX, quantise int8 per-channel, keep int8 only if every check text stays >= 0.99 cosine."""
    from propscope.models.modeldir import ModelDir
    from propscope.train import finalise as rule
    from propscope.train.export import save_tokenizer

    candidates = rule.export_candidates(module, rule.scratch(out_dir), [OUTPUT_NAME], [(rule.INT8, quantize_embedder)])
    tokenizer_path = save_tokenizer(source_dir, out_dir)
    cosines = _cosines(candidates[rule.FP32], candidates[rule.INT8], tokenizer_path, check_texts, max_length)
    chosen = rule.choose({rule.INT8: rule.Drift(float(cosines.min()), MIN_INT8_COSINE, higher_is_closer=True)})
    use_int8 = chosen == rule.INT8
    rule.ship(candidates, chosen, out_dir)
    target = out_dir / rule.TARGET
    drift = {
        "texts": len(check_texts),
        "cosine_min": round(float(cosines.min()), 5),
        "cosine_mean": round(float(cosines.mean()), 5),
        "cosine_p01": round(float(np.percentile(cosines, 1)), 5),
    }
    model_dir = ModelDir(
        path=out_dir,
        task=EMBEDDER_TASK,
        labels=[],
        max_length=max_length,
        stride=0,
        extra={
            "dimension": 384,
            "pooling": "mean",
            "normalize": True,
            "output": OUTPUT_NAME,
            "precision": "int8-per-channel" if use_int8 else "fp32",
            "int8_vs_fp32": drift,
            "bytes": target.stat().st_size,
            **card,
        },
    )
    model_dir.save_config()
    return model_dir.to_config()


# --- CheckThat! training data -------------------------------------------------------------------------


def _tsv_rows(path: Path) -> list[list[str]]:
    if not path.is_file():
        raise DataError(f"{path} is missing")
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.reader(handle, delimiter="\t") if row]


def _queries(path: Path) -> dict[str, str]:
    rows = _tsv_rows(path)
    if rows and rows[0][0] == "":
        rows = rows[1:]
    return {row[0]: row[1] for row in rows if len(row) >= 2}


def _qrels(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in _tsv_rows(path):
        cells = row if len(row) == 4 else row[0].split()
        out.setdefault(cells[0], []).append(cells[2])
    return out


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def prepare_checkthat(data_dir: Path, out_dir: Path) -> dict[str, int]:
    """Write the training material as three small TSVs (they travel to a GPU machine as they are).

    - ``docs.tsv``: vclaim_id, dense text (as the KB embeds it), subtitle — the 2022 verified claims;
    - ``train.tsv``: cleaned query, vclaim_id — 2022 Task 2A TRAIN pairs minus every query whose cleaned
      text is a 2020 Task 2 dev, 2022 dev or 2022 dev-test query (the 2022 train split contains the 197
      2020 dev tweets, and one tweet of the 2022 dev split);
    - ``dev.tsv``: qid, cleaned query, vclaim_ids — 2022 Task 2A DEV, used only to choose the checkpoint.
    Dev-test and 2020 dev never enter.
    """
    from propscope.kb.importers import read_source
    from propscope.kb.record import KBRecord
    from propscope.kb.text import clean_query

    ct22 = data_dir / "checkthat-2022-t2a"
    ct20 = data_dir / "checkthat-2020-t2"
    records = [r for r in read_source("checkthat2022", ct22 / "vclaims") if isinstance(r, KBRecord)]
    queries = _queries(ct22 / "CT2022-Task2A-EN-Train-Dev_Queries.tsv")
    train = _qrels(ct22 / "CT2022-Task2A-EN-Train_QRELs.tsv")
    dev = _qrels(ct22 / "CT2022-Task2A-EN-Dev_QRELs.tsv")
    # Compared as the model sees them (cleaned): one 2022 train tweet equals a 2022 dev tweet once its
    # link is gone, and the 2022 train split holds all 2020 dev tweets.
    held_out = {_norm(clean_query(t)) for t in _queries(ct20 / "dev" / "tweets.queries.tsv").values()}
    held_out |= {_norm(clean_query(t)) for t in _queries(ct22 / "CT2022-Task2A-EN-Dev-Test_Queries.tsv").values()}
    held_out |= {_norm(clean_query(queries[q])) for q in dev if q in queries}
    out_dir.mkdir(parents=True, exist_ok=True)

    def line(*cells: str) -> str:
        return "\t".join(" ".join(c.split()) for c in cells) + "\n"

    with (out_dir / "docs.tsv").open("w", encoding="utf-8") as handle:
        for r in records:
            handle.write(line(r.id, r.dense_text(), r.summary or ""))
    kept = dropped = 0
    with (out_dir / "train.tsv").open("w", encoding="utf-8") as handle:
        for qid, docs in train.items():
            if qid not in queries or _norm(clean_query(queries[qid])) in held_out:
                dropped += 1
                continue
            kept += 1
            for doc in docs:
                handle.write(line(clean_query(queries[qid]), doc))
    with (out_dir / "dev.tsv").open("w", encoding="utf-8") as handle:
        for qid, docs in dev.items():
            handle.write(line(qid, clean_query(queries[qid]), ",".join(docs)))
    return {"docs": len(records), "train_queries": kept, "dropped_as_held_out": dropped, "dev_queries": len(dev)}


@dataclass(slots=True)
class Prepared:
    doc_ids: list[str]
    doc_texts: list[str]
    subtitles: list[str]
    train: list[tuple[str, str]]
    dev: list[tuple[str, str, set[str]]]


def load_prepared(path: Path) -> Prepared:
    docs = [row.rstrip("\n").split("\t") for row in (path / "docs.tsv").open(encoding="utf-8")]
    train = [tuple(row.rstrip("\n").split("\t")[:2]) for row in (path / "train.tsv").open(encoding="utf-8")]
    dev = []
    for row in (path / "dev.tsv").open(encoding="utf-8"):
        qid, query, ids = row.rstrip("\n").split("\t")
        dev.append((qid, query, set(ids.split(","))))
    return Prepared(
        doc_ids=[d[0] for d in docs],
        doc_texts=[d[1] for d in docs],
        subtitles=[d[2] if len(d) > 2 else "" for d in docs],
        train=train,  # type: ignore[arg-type]
        dev=dev,
    )


def torch_encode(model: Any, tokenizer: Any, texts: list[str], device: str, batch: int = 256, max_length: int = 128) -> Any:
    import torch

    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = torch.zeros((len(texts), 384), dtype=torch.float32)
    with torch.no_grad(), torch.autocast(device_type="cuda", dtype=torch.float16, enabled=device == "cuda"):
        for begin in range(0, len(order), batch):
            rows = order[begin : begin + batch]
            enc = tokenizer([texts[i] for i in rows], padding=True, truncation=True, max_length=max_length,
                            return_tensors="pt")
            vectors = model(enc["input_ids"].to(device), enc["attention_mask"].to(device)).float().cpu()
            out[rows] = vectors
    return out


def dense_map5(model: Any, tokenizer: Any, data: Prepared, device: str, doc_matrix: Any = None) -> tuple[float, Any]:
    """MAP@5 of dense retrieval on the prepared dev split (the CheckThat! definition)."""
    from propscope.eval.retrieval import average_precision

    if doc_matrix is None:
        doc_matrix = torch_encode(model, tokenizer, data.doc_texts, device)
    queries = torch_encode(model, tokenizer, [q for _, q, _ in data.dev], device)
    top = (queries @ doc_matrix.T).topk(min(5, len(data.doc_ids)), dim=1).indices.tolist()
    aps = [average_precision(rel, [data.doc_ids[j] for j in row], 5) for (_, _, rel), row in zip(data.dev, top)]
    return float(np.mean(aps)), doc_matrix


def mine_hard_negatives(data: Prepared, base_path: Path | None, device: str) -> dict[str, str]:
    """For each training query, the claim the base encoder ranks highest among the non-matching ones."""
    from propscope.train.encoder import load_base_encoder

    base, tokenizer = load_base_encoder(base_path)
    model = _pooling_module(base).to(device).eval()
    doc_matrix = torch_encode(model, tokenizer, data.doc_texts, device)
    queries = sorted({q for q, _ in data.train})
    gold: dict[str, set[str]] = {}
    for q, d in data.train:
        gold.setdefault(q, set()).add(d)
    top = (torch_encode(model, tokenizer, queries, device) @ doc_matrix.T).topk(min(10, len(data.doc_ids)), dim=1)
    top = top.indices.tolist()
    negatives = {}
    for query, row in zip(queries, top):
        for j in row:
            if data.doc_ids[j] not in gold[query]:
                negatives[query] = data.doc_texts[j]
                break
    return negatives


def build_pairs(data: Prepared, negatives: dict[str, str] | None, subtitles: bool) -> list[TrainPair]:
    text = dict(zip(data.doc_ids, data.doc_texts, strict=True))
    pairs = [TrainPair(q, text[d], (negatives or {}).get(q)) for q, d in data.train if d in text]
    if subtitles:
        pairs += [TrainPair(s, t) for s, t in zip(data.subtitles, data.doc_texts, strict=True) if s]
    return pairs


def dump_json(data: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


# --- one command: prepare, train, select, export ----------------------------------------------------


def train_and_export(
    data_dir: Path, out_dir: Path, config: EmbedderTrainConfig | None = None, device: str | None = None
) -> dict[str, Any]:
    """``propscope train embedder``: CheckThat! train pairs -> fine-tuned, exported embedder directory.

    The epoch with the best dense MAP@5 on the 2022 dev split is kept; the int8 export is checked
    against fp32 on real texts (KB claims and training tweets) and used only if it stays within 0.99.
    """
    from propscope.train import loop
    from propscope.train.card import write_card
    from propscope.train.encoder import base_encoder_path, git_commit, pick_device

    config = config or EmbedderTrainConfig()
    device = device or pick_device()
    prepared = out_dir / ".data"
    counts = prepare_checkthat(data_dir, prepared)
    data = load_prepared(prepared)
    negatives = mine_hard_negatives(data, None, device) if config.hard_negatives else None
    pairs = build_pairs(data, negatives, subtitles=False)
    best = loop.BestEpoch(key=-1.0, ties="earlier")

    def on_epoch(epoch: int, model: Any, tokenizer: Any) -> None:
        score, _ = dense_map5(model, tokenizer, data, device)
        log.info("epoch %d: dev MAP@5 %.4f", epoch, score)
        best.offer(score, epoch, lambda: loop.state_snapshot(model.transformer))

    model, _, result = train_embedder(pairs, config, device=device, on_epoch=on_epoch)
    model.transformer.load_state_dict(best.state)
    check = data.doc_texts[:2000] + [q for q, _ in data.train][:1000]
    card = {
        "base_model": "sentence-transformers/all-MiniLM-L6-v2",
        "fine_tuned": True,
        "training": {
            "data": counts,
            "epochs_run": config.epochs,
            "best_epoch": best.epoch,
            "dev_map5": round(best.key, 4),
            "lr": config.lr,
            "batch_size": config.batch_size,
            "hard_negatives": config.hard_negatives,
            "seed": config.seed,
            "steps": result.steps,
            "seconds": round(result.seconds, 1),
            "device": device,
            "commit": git_commit(),
        },
    }
    exported = export_embedder(model, base_encoder_path(), out_dir, check, card)
    for path in prepared.iterdir():
        path.unlink()
    prepared.rmdir()
    training = card["training"]
    metrics = {
        "training_data": counts,
        "training": {
            "scale": config.scale, "hard_negatives_per_pair": int(config.hard_negatives), "lr": config.lr,
            "batch_size": config.batch_size, "warmup": config.warmup, "epochs": config.epochs, "seed": config.seed,
            "device": device, "best_epoch": training["best_epoch"], "dev_map5": training["dev_map5"],
            "steps": training["steps"], "seconds": training["seconds"], "commit": training["commit"],
        },
        "int8_vs_fp32": exported["int8_vs_fp32"],
    }
    dump_json(metrics, out_dir / "metrics.json")
    write_card(out_dir)  # the retrieval scores and the same-claim threshold are measured later, not here
    return exported


# --- checkpoint selection on the dev split ----------------------------------------------------------

SWEEP: list[dict[str, Any]] = [
    {"name": "hn-lr3e-5", "epochs": 8, "lr": 3e-5, "hard_negatives": True, "subtitles": False},
    {"name": "inbatch-lr3e-5", "epochs": 8, "lr": 3e-5, "hard_negatives": False, "subtitles": False},
    {"name": "hn-lr1e-4", "epochs": 6, "lr": 1e-4, "hard_negatives": True, "subtitles": False},
    {"name": "hn-sub-lr3e-5", "epochs": 3, "lr": 3e-5, "hard_negatives": True, "subtitles": True},
]


def sweep(prepared_dir: Path, out_dir: Path, runs: list[dict[str, Any]] | None = None, seed: int = 13) -> dict[str, Any]:
    """Train each configuration, score every epoch on the dev split, keep the best checkpoint's weights."""
    import torch

    from propscope.train import loop
    from propscope.train.encoder import pick_device

    data = load_prepared(prepared_dir)
    device = pick_device()
    log_rows: list[dict[str, Any]] = []
    from propscope.train.encoder import load_base_encoder

    base, tokenizer = load_base_encoder()
    base_score, _ = dense_map5(_pooling_module(base).to(device).eval(), tokenizer, data, device)
    log_rows.append({"run": "base", "epoch": 0, "dev_map5": round(base_score, 4)})
    print(json.dumps(log_rows[-1]), flush=True)
    negatives = mine_hard_negatives(data, None, device)
    best = loop.BestEpoch(key=base_score, epoch=0, label={"name": "base"}, ties="earlier")
    for run in runs or SWEEP:
        config = EmbedderTrainConfig(epochs=run["epochs"], lr=run["lr"], hard_negatives=run["hard_negatives"], seed=seed)
        pairs = build_pairs(data, negatives if run["hard_negatives"] else None, run["subtitles"])

        def on_epoch(epoch: int, model: Any, tok: Any, run: dict[str, Any] = run) -> None:
            score, _ = dense_map5(model, tok, data, device)
            row = {"run": run["name"], "epoch": epoch, "dev_map5": round(score, 4), "pairs": len(pairs)}
            log_rows.append(row)
            print(json.dumps(row), flush=True)
            best.offer(score, epoch, lambda: loop.state_snapshot(model.transformer, torch.float16), label=run)

        train_embedder(pairs, config, device=device, on_epoch=on_epoch)
    winner = {"dev_map5": best.key, "run": best.label["name"], "epoch": best.epoch}
    if best.state is not None:
        winner["config"] = best.label
    summary = {"best": winner, "log": log_rows, "device": device,
               "train_queries": len({q for q, _ in data.train}), "hard_negatives": len(negatives)}
    out_dir.mkdir(parents=True, exist_ok=True)
    if best.state is not None:
        from propscope.train.checkpoint import save_checkpoint

        save_checkpoint(out_dir / "embedder-checkpoint", best.state, {"best": winner, "seed": seed})
    dump_json(summary, out_dir / "sweep.json")
    return summary


if __name__ == "__main__":  # a GPU machine without the CLI's dependencies: python -m propscope.train.embedder
    import sys

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    chosen = [run for run in SWEEP if run["name"] in sys.argv[3].split(",")] if len(sys.argv) > 3 else None
    print(json.dumps(sweep(Path(sys.argv[1]), Path(sys.argv[2]), chosen)["best"], indent=1))


# --- the model card (rendered from metrics.json by propscope.train.card) -------------------------------


def render_card(metrics: dict[str, Any], config: dict[str, Any]) -> str:
    """README.md of an embedder directory; sections whose figures metrics.json lacks are left out."""
    drift = metrics.get("int8_vs_fp32", {})
    int8 = config.get("precision", "").startswith("int8")
    size = f"{drift['model_megabytes']} MB, " if "model_megabytes" in drift else ""
    weights = ("dynamic int8 with per-channel weight scales; the six feed-forward\n  down-projections and layer 0's "
               "feed-forward up-projection stay fp32" if int8 else "fp32")
    lines = [
        "# propscope sentence embedder (dense known-claim retrieval)",
        "",
        f"- **Model**: {config.get('base_model', 'sentence-transformers/all-MiniLM-L6-v2')} (6 layers, "
        f"{config.get('dimension', 384)} dimensions, Apache-2.0), fine-tuned for",
        "  tweet -> fact-checked-claim retrieval. Mean pooling over the last hidden states and L2 normalisation are",
        f"  inside the ONNX graph (output `{config.get('output', OUTPUT_NAME)}`), as sentence-transformers computes them.",
        f"- **Files**: `model.onnx` ({size}{weights}), `tokenizer.json` (uncased",
        f"  WordPiece, truncation set to {config.get('max_length', 128)} tokens at load time), `config.json` (facts below, and the",
        "  `thresholds.same_claim` used by the matching component).",
        "- **Runtime**: ONNX Runtime + tokenizers + numpy (no PyTorch): `propscope.kb.embedder.load_embedder()`.",
    ]
    data = metrics.get("training_data")
    if data and "tweets" not in data:  # written by train_and_export: the counts of prepare_checkthat
        lines += [
            "",
            "## Training data",
            f"CheckThat! 2022 Task 2A train pairs: {data['train_queries']} training queries ({data['dropped_as_held_out']} left",
            f"out as held-out tweets), {data['docs']} verified claims; {data['dev_queries']} dev queries choose the checkpoint.",
        ]
    elif data:
        lines += [
            "",
            "## Training data",
            "CLEF CheckThat! 2022 Task 2A (English) **train** pairs — tweet -> Snopes verified claim — minus the "
            f"{data['dropped_2020_dev_tweets']}",
            "tweets that are the CheckThat! 2020 Task 2 dev queries (the 2022 train split contains them): "
            f"{data['tweets']} tweets,",
            f"{data['pairs']} pairs, i.e. the 2020 Task 2 train split. Verified claims are embedded as \"title. claim\", as the",
            "knowledge base embeds them. Dev-test and 2020 dev never entered training.",
            "",
            f"Known blemish: {'one' if data['shared_with_2022_dev'] == 1 else data['shared_with_2022_dev']} of the "
            f"{data['tweets']} training tweets equals one 2022 **dev** tweet once links are removed",
            "(the lab's splits share it). The dev split was used only to choose the checkpoint; the benchmark splits",
            "below (2020 dev, 2022 dev-test) share no tweet with the training data. `prepare_checkthat` now drops such",
            f"tweets ({data['tweets_after_fix']} remain); these weights were trained before that fix.",
            "",
            "Cite: Barrón-Cedeño et al., CheckThat! at CLEF 2020; Nakov et al., CheckThat! at CLEF 2022.",
        ]
    training = metrics.get("training")
    if training:
        others = []
        for run in training.get("other_runs", []):
            epoch = f" (epoch {run['best_epoch']})" if "best_epoch" in run else ""
            score = f"best {run['best_dev_map5']}" if "best_dev_map5" in run else str(run["dev_map5"])
            others.append(f"{run['run']}, {score}{epoch}")
        lines += [
            "",
            "## Training",
            f"In-batch negatives (MultipleNegativesRanking loss, symmetric, scale {training['scale']}) plus "
            f"{ {0: 'no', 1: 'one'}.get(training['hard_negatives_per_pair'], training['hard_negatives_per_pair'])} hard negative per pair",
            f"(the claim the base encoder ranks highest among the non-matching ones); AdamW, lr {training['lr']:.0e}, "
            f"batch {training['batch_size']},".replace("e-05", "e-5"),
            f"linear warm-up {training['warmup'] * 100:.0f} % and decay over {training['epochs']} epochs, seed "
            f"{training['seed']}, {training['device']} (`python -m propscope.train.embedder`,",
            "`propscope.train.embedder.sweep`). Checkpoint chosen by dense MAP@5 on the 2022 Task 2A dev split:",
            f"epoch {training['best_epoch']}, {training['dev_map5']:.4f} ("
            + (f"base model {training['base_dev_map5']:.4f}; " if "base_dev_map5" in training else "")
            + "torch, fp16 autocast)." + (" Other runs of the sweep: " if others else ""),
        ]
        if others:
            lines[-1] += others[0] + ";"
            lines.append("; ".join(others[1:]) + ".")
    if "cosine_min" in drift:
        every = drift.get("every_matmul_int8")
        lines += [
            "",
            "## int8 vs fp32",
            f"Cosine between int8 and fp32 embeddings of {drift['texts']:,} real texts ({drift.get('texts_from', 'real texts')}):",
            f"min {drift['cosine_min']:.4f}, 1st percentile {drift['cosine_p01']:.4f}, mean {drift['cosine_mean']:.4f}."
            + (f" (Quantising every MatMul:\n{every['megabytes']} MB but min {every['cosine_min']}; fp32: "
               f"{drift['fp32_megabytes']} MB.)" if every else ""),
        ]
        if "across_batches_cosine_min" in drift:
            lines[-1] += " int8 activations are quantised per batch, so a text's vector moves"
            lines.append(f"slightly with the batch it is embedded in (cosine >= {drift['across_batches_cosine_min']} in tests).")
    retrieval = metrics.get("retrieval")
    if retrieval:
        lines += [
            "",
            f"## Scores ({retrieval['scorer'].replace('propscope kb score', '`propscope kb score`')})",
            "Each benchmark's KB is that task's own verified-claims collection imported into a fresh KB; hybrid =",
            f"{retrieval['hybrid_dense_weight']} x cosine + {retrieval['hybrid_bm25_weight']} x BM25 / best BM25 of the "
            f"query (weight chosen on {retrieval['hybrid_weight_chosen_on']});",
            "records with the same claim text collapse into the first imported.",
            "",
            "| split | system | MAP@1 | MAP@3 | MAP@5 | MAP@10 | MRR |",
            "|---|---|---|---|---|---|---|",
        ]
        for split in retrieval["splits"]:
            for k, row in enumerate(split["rows"]):
                system = f"**{row['system']}**" if row["bold"] else row["system"]
                cells = [f"{row[key]:.4f}" for key in ("map_1", "map_3", "map_5", "map_10", "mrr")]
                if row["bold"]:
                    cells[2] = f"**{cells[2]}**"
                lines.append(f"| {split['split'] if k == 0 else ''} | {system} | {' | '.join(cells)} |".replace("|  |", "| |"))
    same = metrics.get("same_claim")
    if same:
        others = " and ".join(
            f"{'precision ' if k == 0 else ''}{o['precision']:.2f} / {'recall ' if k == 0 else ''}{o['recall']:.2f} on {o['split']}"
            for k, o in enumerate(same["at_the_same_threshold"])
        )
        lines += [
            "",
            "## \"Likely the same claim\"",
            f"`thresholds.same_claim = {same['threshold']}` (cosine), the max-F1 threshold on {same['calibrated_on']} "
            "(`propscope kb calibrate`):",
            f"precision {same['precision']:.2f}, recall {same['recall']:.2f} there; at the same threshold, {others}.",
            "Article sentences are not tweets: treat it as a starting point, and set",
            "`kb_min_similarity` where you need another trade-off.",
        ]
    return "\n".join(lines) + "\n"

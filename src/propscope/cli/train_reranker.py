"""``propscope train reranker`` and ``propscope train calibrate-reranker``: the same-claim re-ranker
(needs the [train] extra for training; calibration runs on ONNX Runtime)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import typer


def command(
    data: Path = typer.Option(..., "--data", help="Folder holding checkthat-2020-t2/ and checkthat-2022-t2a/."),
    out: Path = typer.Option(..., "--out", help="Model directory to write."),
    kb: Path | None = typer.Option(
        None, "--kb", help="KB of the CheckThat! 2022 verified claims to mine candidates from (default: built into --out/.data)."
    ),
    epochs: int = typer.Option(2, "--epochs", min=1, help="Epochs; the best epoch on 2022 dev is kept."),
    max_queries: int | None = typer.Option(None, "--max-queries", min=1, help="Train on a seeded subset of the train queries."),
    hard_negatives: int = typer.Option(3, "--hard-negatives", min=0, help="Retriever negatives per train query."),
    seed: int = typer.Option(13, "--seed", help="Seed of sampling, shuffling and initialisation."),
    threads: int = typer.Option(2, "--threads", min=1, help="Torch CPU threads."),
) -> None:
    """Fine-tune a MiniLM cross-encoder on CheckThat! train pairs with hard negatives from the retriever; export int8."""
    from propscope.train.encoder import require_torch

    require_torch()
    from propscope.train.reranker import RerankerTrainConfig, train_reranker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    config = RerankerTrainConfig(
        epochs=epochs, max_queries=max_queries, hard_negatives=hard_negatives, seed=seed, threads=threads
    )
    result = train_reranker(data, out, kb, config, log_fn=lambda message: typer.echo(message, err=True))
    typer.echo(json.dumps(result["training"], indent=2))


def calibrate(
    model: Path = typer.Option(..., "--model", help="The re-ranker model directory (its config.json is updated)."),
    pairs: Path = typer.Option(..., "--pairs", help="Labelled news pairs (eval/news_pairs/pairs.jsonl)."),
    min_precision: float = typer.Option(0.85, "--min-precision", min=0.0, max=1.0, help="Precision the threshold must reach on the calibration part."),
    min_similarity: float | None = typer.Option(None, "--min-similarity", help="Cosine pre-filter (default: the model's)."),
    data: Path | None = typer.Option(None, "--data", help="Data folder with ppn/ and ptc-2020/: the text of pairs stored as offsets."),
) -> None:
    """Fit the probability calibration and the "same claim" threshold on news pairs; print held-out precision/recall."""
    from propscope.train.reranker import calibrate_reranker

    typer.echo(json.dumps(calibrate_reranker(model, pairs, min_precision, min_similarity, data=data), indent=2))

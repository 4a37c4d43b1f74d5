"""``propscope train claims --data DIR --out MODEL_DIR [--seed N]``: fine-tune, export (fp32 and int8),
evaluate and write the check-worthiness model directory in one command (needs the [train] extra)."""

from __future__ import annotations

from pathlib import Path

import typer

from propscope.errors import DataError


def command(
    data: Path = typer.Option(..., "--data", help="The checkworthiness folder (claimbuster/, clef2019-t1/, clef2020-t5-debates/)."),
    out: Path = typer.Option(..., "--out", help="Model directory to write (with --checkpoint-only: the checkpoint)."),
    seed: int = typer.Option(13, "--seed", help="Seed of training, negative sampling and the ClaimBuster validation blocks."),
    epochs: int | None = typer.Option(None, "--epochs", min=1, help="Override the number of epochs (default 4)."),
    batch_size: int | None = typer.Option(None, "--batch-size", min=1, help="Override the batch size (default 32)."),
    max_train_rows: int | None = typer.Option(None, "--max-train-rows", min=1, help="Train on the first N shuffled rows only."),
    checkpoint_only: bool = typer.Option(False, "--checkpoint-only", help="Stop after fine-tuning; --out receives the checkpoint."),
    from_checkpoint: Path | None = typer.Option(
        None, "--from-checkpoint", help="Skip fine-tuning: export, evaluate and write the model directory from this checkpoint."
    ),
    threads: int | None = typer.Option(None, "--threads", min=1, help="ONNX Runtime threads for the evaluation."),
) -> None:
    """Fine-tune all-MiniLM-L6-v2 on ClaimBuster + CheckThat! 2019/2020, export ONNX, pick the threshold, write the model card."""
    from propscope.train.encoder import require_torch

    require_torch()
    from propscope.train.claims import ClaimTrainConfig, train_claims

    if checkpoint_only and from_checkpoint is not None:
        raise DataError("--checkpoint-only and --from-checkpoint exclude each other")
    config = ClaimTrainConfig(seed=seed, max_train_rows=max_train_rows)
    if epochs is not None:
        config.epochs = epochs
    if batch_size is not None:
        config.batch_size = batch_size
    train_claims(
        data,
        out,
        config,
        checkpoint_only=checkpoint_only,
        from_checkpoint=from_checkpoint,
        threads=threads,
        log=lambda message: typer.echo(message, err=True),
    )

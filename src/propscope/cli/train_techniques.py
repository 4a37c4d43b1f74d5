"""``propscope train techniques --data DIR --out MODEL_DIR [--seed N]``: train, export and evaluate the
technique tagger in one command (needs the [train] extra; about an hour on 2 CPU cores, see the model card)."""

from __future__ import annotations

import logging
from pathlib import Path

import typer

from propscope.errors import DataError

log = logging.getLogger(__name__)


def command(
    data: Path = typer.Option(..., "--data", help="The PTC release folder (train-articles/, train-task2-TC.labels)."),
    out: Path = typer.Option(..., "--out", help="Model directory to write."),
    seed: int = typer.Option(13, "--seed", help="Training seed (the validation split has its own fixed seed)."),
    epochs: int | None = typer.Option(None, "--epochs", min=1, help="Override the number of epochs."),
    checkpoint_only: bool = typer.Option(
        False, "--checkpoint-only", help="Stop after fine-tuning; --out receives the checkpoint."
    ),
    from_checkpoint: Path | None = typer.Option(
        None, "--from-checkpoint", help="Skip fine-tuning: export, evaluate and tune this checkpoint."
    ),
    setting: list[str] = typer.Option(
        [], "--set", help="Other hyperparameters as key=value (e.g. --set lr=8e-5); see the model card."
    ),
) -> None:
    """Fine-tune all-MiniLM-L6-v2 on PTC, export ONNX (fp32 and int8), tune thresholds, write the model card."""
    from propscope.train.encoder import require_torch

    require_torch()
    from propscope.train.techniques import TrainSettings, parse_overrides, train_techniques

    if checkpoint_only and from_checkpoint is not None:
        raise DataError("--checkpoint-only and --from-checkpoint exclude each other")
    values = parse_overrides(setting)
    values["seed"] = seed
    if epochs is not None:
        values["epochs"] = epochs
    settings = TrainSettings.from_dict(values)
    train_techniques(
        data,
        out,
        settings,
        checkpoint_only=checkpoint_only,
        from_checkpoint=from_checkpoint,
        say=lambda message: typer.echo(message, err=True),
    )

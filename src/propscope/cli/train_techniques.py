"""``propscope train techniques --data DIR --out MODEL_DIR [--seed N]``: train, export and evaluate the
technique tagger in one command (needs the [train] extra; about an hour on 2 CPU cores, see the model card).

``--corrections DIR`` adds reviewer corrections (``propscope corrections export --kind techniques``) to the
training data; ``--head-only --from MODEL_DIR`` keeps that model's encoder and retrains only its heads,
in minutes on a CPU (``propscope.train.adapt``)."""

from __future__ import annotations

import json
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
    corrections: Path | None = typer.Option(
        None, "--corrections", help="A corrections directory (articles/, labels.tsv, decisions.jsonl) to train on too."
    ),
    corrections_weight: float = typer.Option(1.0, "--corrections-weight", min=0.0, help="Loss weight of corrected articles."),
    corrections_scope: str = typer.Option(
        "reviewed", "--corrections-scope",
        help="'reviewed': only reviewed spans of a corrected article are trained; 'article': the rest counts as no technique.",
    ),
    head_only: bool = typer.Option(
        False, "--head-only", help="Retrain only the token and span heads of --from on its frozen encoder (minutes on a CPU)."
    ),
    source: Path | None = typer.Option(None, "--from", help="The model directory whose heads --head-only retrains."),
    steps: int | None = typer.Option(None, "--steps", min=1, help="--head-only: optimiser steps of the token head."),
    cache: Path | None = typer.Option(None, "--cache", help="--head-only: an .npz file that keeps the encoder states between runs."),
) -> None:
    """Fine-tune all-MiniLM-L6-v2 on PTC, export ONNX (fp32 and int8), tune thresholds, write the model card."""
    from propscope.train.encoder import require_torch

    require_torch()
    from propscope.train.corrections import SCOPES, read_corrections

    if corrections_scope not in SCOPES:
        raise DataError(f"--corrections-scope must be one of {', '.join(SCOPES)}")
    reviewed = read_corrections(corrections) if corrections is not None else None

    def say(message: str) -> None:
        typer.echo(message, err=True)

    if head_only:
        if source is None:
            raise DataError("--head-only needs --from MODEL_DIR (the model whose heads are retrained)")
        if checkpoint_only or from_checkpoint is not None or setting or epochs is not None:
            raise DataError("--head-only takes --steps, --seed and the corrections options, not the fine-tuning options")
        from propscope.train.adapt import HeadSettings, adapt_model

        head = HeadSettings(seed=seed, corrections_weight=corrections_weight, scope=corrections_scope)
        if steps is not None:
            head.steps = steps
        result = adapt_model(data, source, out, reviewed, head, cache_path=cache, say=say)
        typer.echo(json.dumps({k: result[k] for k in ("fingerprint", "source_fingerprint", "corrections", "seconds")}, indent=2))
        return
    if source is not None or steps is not None or cache is not None:
        raise DataError("--from, --steps and --cache belong to --head-only")
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
        say=say,
        corrections=reviewed,
        corrections_weight=corrections_weight,
        corrections_scope=corrections_scope,
    )

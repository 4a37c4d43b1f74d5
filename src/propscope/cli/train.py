"""``propscope train techniques|claims|embedder|reranker|calibrate-reranker``: one training command per model (needs the [train] extra)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from propscope.cli import train_claims, train_reranker, train_techniques

app = typer.Typer(help="Train the models (needs the [train] extra: pip install 'propscope[train]').", no_args_is_help=True)
app.command("techniques")(train_techniques.command)
app.command("claims")(train_claims.command)
app.command("reranker")(train_reranker.command)
app.command("calibrate-reranker")(train_reranker.calibrate)


@app.command("embedder")
def embedder(
    data: Path = typer.Option(..., "--data", help="Folder holding checkthat-2020-t2/ and checkthat-2022-t2a/."),
    out: Path = typer.Option(..., "--out", help="Model directory to write."),
    epochs: int = typer.Option(8, "--epochs", min=1, help="Epochs; the best epoch on 2022 dev is kept."),
) -> None:
    """Fine-tune the dense-retrieval embedder on CheckThat! train pairs (in-batch + hard negatives)."""
    from propscope.train.embedder import EmbedderTrainConfig, train_and_export

    typer.echo(json.dumps(train_and_export(data, out, EmbedderTrainConfig(epochs=epochs)), indent=2))

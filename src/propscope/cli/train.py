"""``propscope train techniques|claims``: one training command per model (needs the [train] extra)."""

from __future__ import annotations

import typer

from propscope.cli import train_claims, train_techniques

app = typer.Typer(help="Train the models (needs the [train] extra: pip install 'propscope[train]').", no_args_is_help=True)
app.command("techniques")(train_techniques.command)
app.command("claims")(train_claims.command)

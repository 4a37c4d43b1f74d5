"""`propscope claims ...` commands (filled in by the claims work)."""

from __future__ import annotations

import typer

app = typer.Typer(help="claims commands.", no_args_is_help=True)

"""`propscope ptc ...` commands (filled in by the ptc work)."""

from __future__ import annotations

import typer

app = typer.Typer(help="ptc commands.", no_args_is_help=True)

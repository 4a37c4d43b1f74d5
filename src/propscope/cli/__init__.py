"""Command-line interface: one module per command, each a thin typer function over library code."""

"""``python -m propscope`` runs the CLI."""

from propscope.cli.main import run

run()

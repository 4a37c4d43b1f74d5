"""The one model-card writer: every README.md of a model directory is rendered from its metrics.json.

A card's figures live in ``metrics.json`` (what the run measured) and ``config.json`` (what the model
is); the card is a rendering of the two, so it cannot drift from them. The renderer is chosen by the
``task`` of ``config.json``; each model kind keeps its template next to its trainer.

    python -m propscope.train.card MODEL_DIR            # (re)write MODEL_DIR/README.md
    python -m propscope.train.card MODEL_DIR --check    # exit 1 if README.md differs from the rendering

The trainers call ``write_card`` after they write ``metrics.json``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from propscope.errors import BadModelDirectory

CARD_FILE = "README.md"
METRICS_FILE = "metrics.json"
CONFIG_FILE = "config.json"

Renderer = Callable[[dict[str, Any], dict[str, Any]], str]  # (metrics, config) -> card text


def _techniques(metrics: dict[str, Any], config: dict[str, Any]) -> str:
    from propscope.ptc.card import render_model_card

    return render_model_card(metrics)


def _claims(metrics: dict[str, Any], config: dict[str, Any]) -> str:
    from propscope.train.claims import render_card

    return render_card(metrics, config)


def _claims_context(metrics: dict[str, Any], config: dict[str, Any]) -> str:
    from propscope.train.claims_context import render_card

    return render_card(metrics, config)


def _embedder(metrics: dict[str, Any], config: dict[str, Any]) -> str:
    from propscope.train.embedder import render_card

    return render_card(metrics, config)


RENDERERS: dict[str, Renderer] = {
    "techniques": _techniques,
    "claims": _claims,
    "claims-context": _claims_context,
    "sentence-embedding": _embedder,
}


def _read(model_dir: Path, name: str) -> dict[str, Any]:
    path = model_dir / name
    if not path.is_file():
        raise BadModelDirectory(f"{model_dir} has no {name}: the card is rendered from it")
    return json.loads(path.read_text(encoding="utf-8"))


def render_card(model_dir: Path) -> str:
    """The card of ``model_dir`` as its metrics.json and config.json give it."""
    config = _read(model_dir, CONFIG_FILE)
    metrics = _read(model_dir, METRICS_FILE)
    task = config.get("task")
    if task not in RENDERERS:
        raise BadModelDirectory(f"{model_dir}: no model card template for task '{task}' (known: {sorted(RENDERERS)})")
    return RENDERERS[task](metrics, config)


def write_card(model_dir: Path) -> Path:
    path = model_dir / CARD_FILE
    path.write_text(render_card(model_dir), encoding="utf-8")
    return path


def card_difference(model_dir: Path) -> str:
    """A unified diff from README.md to the rendering ('' when they are equal)."""
    rendered = render_card(model_dir)
    path = model_dir / CARD_FILE
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    if current == rendered:
        return ""
    lines = difflib.unified_diff(
        current.splitlines(keepends=True), rendered.splitlines(keepends=True), str(path), "rendered from metrics.json"
    )
    return "".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m propscope.train.card", description=__doc__.split("\n")[0])
    parser.add_argument("model_dirs", type=Path, nargs="+", metavar="MODEL_DIR")
    parser.add_argument("--check", action="store_true", help="only check that README.md equals the rendering")
    args = parser.parse_args(argv)
    status = 0
    for model_dir in args.model_dirs:
        try:
            if args.check:
                difference = card_difference(model_dir)
                if difference:
                    sys.stdout.write(difference)
                    print(f"{model_dir / CARD_FILE}: differs from its rendering", file=sys.stderr)
                    status = 1
                else:
                    print(f"{model_dir / CARD_FILE}: up to date")
            else:
                print(write_card(model_dir))
        except BadModelDirectory as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 2
    return status


if __name__ == "__main__":
    sys.exit(main())

"""Self-describing model directories.

A model directory holds ``config.json`` (task, labels, thresholds, tokenisation settings, file names),
``tokenizer.json``, the ONNX weights and a ``README.md`` model card. ``load_model_dir(path)`` needs
nothing else. Shipped models live in ``propscope/resources/models/<name>``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from propscope.errors import BadModelDirectory, ModelNotFound

CONFIG_FILE = "config.json"
FORMAT_VERSION = 1


@dataclass(slots=True)
class ModelDir:
    """The parsed ``config.json`` of a model directory."""

    path: Path
    task: str
    labels: list[str]
    onnx_file: str = "model.onnx"
    tokenizer_file: str = "tokenizer.json"
    max_length: int = 256
    stride: int = 64
    thresholds: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def onnx_path(self) -> Path:
        return self.path / self.onnx_file

    @property
    def tokenizer_path(self) -> Path:
        return self.path / self.tokenizer_file

    def to_config(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "task": self.task,
            "labels": self.labels,
            "onnx_file": self.onnx_file,
            "tokenizer_file": self.tokenizer_file,
            "max_length": self.max_length,
            "stride": self.stride,
            "thresholds": self.thresholds,
            **self.extra,
        }

    def save_config(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / CONFIG_FILE).write_text(json.dumps(self.to_config(), indent=2) + "\n", encoding="utf-8")


def load_model_dir(path: Path | str, task: str | None = None) -> ModelDir:
    """Read and check a model directory; ``task`` names the task the caller expects."""
    path = Path(path)
    config_path = path / CONFIG_FILE
    if not config_path.is_file():
        raise ModelNotFound(f"no model at {path}: {CONFIG_FILE} is missing")
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise BadModelDirectory(f"{config_path} is not valid JSON: {exc}") from exc
    known = {"format_version", "task", "labels", "onnx_file", "tokenizer_file", "max_length", "stride", "thresholds"}
    try:
        model = ModelDir(
            path=path,
            task=config["task"],
            labels=list(config["labels"]),
            onnx_file=config.get("onnx_file", "model.onnx"),
            tokenizer_file=config.get("tokenizer_file", "tokenizer.json"),
            max_length=int(config.get("max_length", 256)),
            stride=int(config.get("stride", 64)),
            thresholds={k: float(v) for k, v in (config.get("thresholds") or {}).items()},
            extra={k: v for k, v in config.items() if k not in known},
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BadModelDirectory(f"{config_path} lacks or mistypes a field: {exc}") from exc
    if task is not None and model.task != task:
        raise BadModelDirectory(f"{path} holds a '{model.task}' model, not a '{task}' model")
    for name in (model.onnx_file, model.tokenizer_file):  # "" where the model has no such file (numpy weights)
        if name and not (path / name).is_file():
            raise BadModelDirectory(f"{path} is incomplete: {name} is missing")
    return model


def packaged_model_path(name: str) -> Path:
    """Where a model shipped inside the package lives (it may be absent in a development tree)."""
    return Path(str(resources.files("propscope") / "resources" / "models" / name))

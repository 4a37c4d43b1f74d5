"""Model directories, ONNX Runtime sessions and tokenisation windows (no PyTorch needed).

The names below are imported on first use (PEP 562): ``propscope.models.cache`` is needed by every
pipeline, ONNX Runtime, numpy and tokenizers only once a model runs, and a command that stops at a
missing file should not pay for them.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "ModelDir": "propscope.models.modeldir",
    "load_model_dir": "propscope.models.modeldir",
    "packaged_model_path": "propscope.models.modeldir",
    "OnnxModel": "propscope.models.runtime",
    "Windows": "propscope.models.windows",
    "encode_windows": "propscope.models.windows",
    "load_tokenizer": "propscope.models.windows",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'propscope.models' has no attribute {name!r}")

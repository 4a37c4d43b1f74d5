"""Export a fine-tuned PyTorch model to ONNX, quantise it, and check the quantised model against fp32.

PRODUCT.md: per-channel int8 keeps MiniLM close to fp32 and roughly halves latency; per-tensor int8
loses accuracy. Every export therefore reports how far int8 drifts from fp32 on real inputs, and the
caller decides which file to ship.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

INPUT_NAMES = ["input_ids", "attention_mask"]


def export_onnx(module: Any, path: Path, output_names: list[str], vocab_size: int = 30522) -> Path:
    """Trace ``module(input_ids, attention_mask)`` to ONNX with dynamic batch and sequence axes."""
    import torch

    module = module.eval().to("cpu")
    dummy_ids = torch.randint(100, min(vocab_size, 1000), (2, 16), dtype=torch.long)
    dummy_mask = torch.ones((2, 16), dtype=torch.long)
    axes = {name: {0: "batch", 1: "sequence"} for name in INPUT_NAMES}
    for name in output_names:
        axes[name] = {0: "batch"}
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(
            module,
            (dummy_ids, dummy_mask),
            str(path),
            input_names=INPUT_NAMES,
            output_names=output_names,
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    return path


def quantize_int8(fp32_path: Path, int8_path: Path) -> Path:
    """Dynamic int8 quantisation with per-channel weight scales."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32_path), str(int8_path), per_channel=True, weight_type=QuantType.QInt8)
    return int8_path


def max_abs_difference(path_a: Path, path_b: Path, feeds: dict[str, np.ndarray]) -> dict[str, float]:
    """Largest absolute output difference between two ONNX models on the same inputs."""
    from propscope.models.runtime import OnnxModel

    a = OnnxModel(path_a).run(feeds)
    b = OnnxModel(path_b).run(feeds)
    return {name: float(np.max(np.abs(a[name] - b[name]))) for name in a}


def save_tokenizer(source_dir: Path, out_dir: Path) -> Path:
    """Copy ``tokenizer.json`` without the shipped truncation/padding (set at load time instead)."""
    data = json.loads((source_dir / "tokenizer.json").read_text(encoding="utf-8"))
    data["truncation"] = None
    data["padding"] = None
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "tokenizer.json"
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for name in ("LICENSE",):
        if (source_dir / name).is_file():
            shutil.copy(source_dir / name, out_dir / name)
    return target

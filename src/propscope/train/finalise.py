"""The one finalise rule of the trainers: export fp32 ONNX, quantise, measure, ship the smallest that holds.

PRODUCT.md: "Always check a quantised model against fp32 on real data." Every trainer therefore
exports fp32, builds its quantised candidates (per-channel dynamic int8; the embedder and re-ranker
also know a recipe that keeps the layers with outliers in fp32), measures how far each one drifts from
fp32 on real inputs, and ships the first candidate whose drift stays within the trainer's limit, else
fp32. What the drift is and where its limit lies is each trainer's own (and kept as it was):

- techniques: validation SI F1 and TC micro-F1 lost to int8, at most 0.01 each;
- claims: ClaimBuster validation best F1 lost to int8, at most 0.01;
- embedder: the smallest cosine between int8 and fp32 embeddings of real texts, at least 0.99;
- re-ranker: the largest change of a real pair's probability, at most 0.05.

The candidates live in a scratch folder inside the model directory (``scratch``) until ``ship``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from propscope.train.export import export_onnx, quantize_int8

FP32 = "fp32"
INT8 = "int8"
SCRATCH = ".export"
TARGET = "model.onnx"

Quantiser = Callable[[Path, Path], Path]  # (fp32 path, output path) -> output path


@dataclass(frozen=True, slots=True)
class Drift:
    """How far a quantised candidate moves from fp32 on real inputs, and the limit it must keep."""

    value: float
    limit: float
    higher_is_closer: bool = False  # a cosine: higher is closer; a loss or a difference: lower

    @property
    def within(self) -> bool:
        return self.value >= self.limit if self.higher_is_closer else self.value <= self.limit


def scratch(out: Path) -> Path:
    """``out/.export``: the candidates, until ``ship`` removes them."""
    path = out / SCRATCH
    path.mkdir(parents=True, exist_ok=True)
    return path


def export_candidates(
    module: Any,
    scratch: Path,
    output_names: list[str],
    quantisers: Sequence[tuple[str, Quantiser]] = ((INT8, quantize_int8),),
    vocab_size: int = 30522,
    after_export: Callable[[Path], None] | None = None,
) -> dict[str, Path]:
    """fp32 first, then each quantised candidate, in the order they are to be tried."""
    fp32 = export_onnx(module, scratch / f"model.{FP32}.onnx", output_names, vocab_size=vocab_size)
    if after_export is not None:
        after_export(fp32)
    paths = {FP32: fp32}
    for name, quantise in quantisers:
        paths[name] = quantise(fp32, scratch / f"model.{name}.onnx")
    return paths


def choose(drifts: Mapping[str, Drift]) -> str:
    """The first candidate (in the mapping's order) whose drift stays within its limit, else fp32."""
    for name, drift in drifts.items():
        if drift.within:
            return name
    return FP32


def ship(candidates: Mapping[str, Path], chosen: str, out: Path) -> dict[str, int]:
    """Copy the chosen file to ``out/model.onnx`` and remove the candidates; their sizes in bytes."""
    shutil.copy(candidates[chosen], out / TARGET)
    sizes = {name: path.stat().st_size for name, path in candidates.items()}
    for path in candidates.values():
        path.unlink()
    if (out / SCRATCH).is_dir() and not any((out / SCRATCH).iterdir()):
        (out / SCRATCH).rmdir()
    return sizes

"""One options object passed through every layer, instead of a growing list of keyword arguments."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_BYTES = 2 * 1024 * 1024


@dataclass(slots=True)
class IngestOptions:
    """How inputs are read."""

    max_bytes: int = DEFAULT_MAX_BYTES
    allow_private: bool = False
    timeout_s: float = 15.0
    text_column: str = "text"


@dataclass(slots=True)
class AnalyzeOptions:
    """What the analysis does, and with which models and thresholds."""

    ingest: IngestOptions = field(default_factory=IngestOptions)
    languages: tuple[str, ...] = ("en",)
    force_language: bool = False
    technique_model: Path | None = None
    claim_model: Path | None = None
    technique_thresholds: dict[str, float] = field(default_factory=dict)
    technique_threshold_shift: float = 0.0
    claim_threshold: float | None = None
    kb_path: Path | None = None
    kb_top_k: int = 3
    kb_min_similarity: float | None = None
    components: tuple[str, ...] | None = None
    threads: int | None = None

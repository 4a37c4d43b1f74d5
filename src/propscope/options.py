"""The options of an analysis, split by lifetime.

- :class:`EngineConfig`: what is loaded once per process (model directories, the KB, threads, the
  languages the models support). An :class:`~propscope.engine.Analyzer` is built from one.
- :class:`RunSettings`: what may change on every call without loading anything (components to run,
  thresholds, top-k, language forcing).
- :class:`IngestOptions`: how inputs are read.

:class:`AnalyzeOptions` is the older single object (all three in one); it stays for callers that
build one, and splits itself with ``.config`` and ``.settings``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
# Languages the shipped models were trained on; others are refused unless forced.
SUPPORTED_LANGUAGES: tuple[str, ...] = ("en",)
# Like spaCy's nlp.max_length: texts longer than this many characters are refused up front.
DEFAULT_MAX_CHARS = 2 * 1024 * 1024


@dataclass(slots=True)
class IngestOptions:
    """How inputs are read."""

    max_bytes: int = DEFAULT_MAX_BYTES
    allow_private: bool = False
    timeout_s: float = 15.0
    text_column: str = "text"
    max_chars: int = DEFAULT_MAX_CHARS
    follow_symlinks: bool = False  # read symlinks in input directories that point outside them
    skip_sources: frozenset[str] = frozenset()  # sources already done (``--resume``)


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """What an analyser loads once: models, the knowledge base, threads (``None``: defaults)."""

    technique_model: Path | None = None
    claim_model: Path | None = None
    kb_path: Path | None = None
    threads: int | None = None
    languages: tuple[str, ...] = ("en",)


@dataclass(frozen=True, slots=True)
class RunSettings:
    """What one call may choose without loading anything.

    ``technique_threshold_shift`` is the sensitivity of the technique tagger: added to every
    per-technique threshold (negative: more spans), unless ``technique_thresholds`` names one.
    """

    components: tuple[str, ...] | None = None
    technique_thresholds: dict[str, float] = field(default_factory=dict)
    technique_threshold_shift: float = 0.0
    # False: the report operating point (tuned for precision; unreliable techniques hidden);
    # True: every span of the F1-tuned decoder.
    technique_all_spans: bool = False
    # Another precision target of the operating point (the model stores 0.6, 0.5, 0.4, 0.3); None: default.
    technique_precision: float | None = None
    claim_threshold: float | None = None
    kb_top_k: int = 3
    kb_min_similarity: float | None = None
    force_language: bool = False


@dataclass(slots=True)
class AnalyzeOptions:
    """Every option in one object (kept for callers of the earlier API); see ``config`` and ``settings``."""

    ingest: IngestOptions = field(default_factory=IngestOptions)
    languages: tuple[str, ...] = SUPPORTED_LANGUAGES
    force_language: bool = False
    technique_model: Path | None = None
    claim_model: Path | None = None
    technique_thresholds: dict[str, float] = field(default_factory=dict)
    technique_threshold_shift: float = 0.0
    # False: the report operating point (tuned for precision; unreliable techniques hidden);
    # True: every span of the F1-tuned decoder.
    technique_all_spans: bool = False
    # Another precision target of the operating point (the model stores 0.6, 0.5, 0.4, 0.3); None: default.
    technique_precision: float | None = None
    claim_threshold: float | None = None
    kb_path: Path | None = None
    kb_top_k: int = 3
    kb_min_similarity: float | None = None
    components: tuple[str, ...] | None = None
    threads: int | None = None

    @property
    def config(self) -> EngineConfig:
        return EngineConfig(
            technique_model=self.technique_model,
            claim_model=self.claim_model,
            kb_path=self.kb_path,
            threads=self.threads,
            languages=tuple(self.languages),
        )

    @property
    def settings(self) -> RunSettings:
        return RunSettings(
            components=self.components,
            technique_thresholds=dict(self.technique_thresholds),
            technique_threshold_shift=self.technique_threshold_shift,
            technique_all_spans=self.technique_all_spans,
            technique_precision=self.technique_precision,
            claim_threshold=self.claim_threshold,
            kb_top_k=self.kb_top_k,
            kb_min_similarity=self.kb_min_similarity,
            force_language=self.force_language,
        )

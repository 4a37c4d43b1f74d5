"""Request bodies of the API (pydantic), with the bounds that keep a request cheap."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from propscope.options import RunSettings


class Settings(BaseModel):
    """Run settings of one call (any field left out: the default)."""

    model_config = ConfigDict(extra="forbid")

    components: list[Literal["segment", "techniques", "claims", "attribution", "citations", "matching"]] | None = None
    technique_thresholds: dict[str, float] = Field(default_factory=dict, max_length=20)
    technique_threshold_shift: float = Field(0.0, ge=-1.0, le=1.0)
    # As analyze's --all-spans and --technique-precision: every span of the F1 decoder, or another
    # precision target of the report operating point (the model stores 0.6, the default, 0.5, 0.4, 0.3).
    technique_all_spans: bool = False
    technique_precision: float | None = Field(None, ge=0.0, le=1.0)
    claim_threshold: float | None = Field(None, ge=0.0, le=1.0)
    kb_top_k: int = Field(3, ge=1, le=20)
    kb_min_similarity: float | None = Field(None, ge=0.0, le=1.0)
    force_language: bool = False

    def run_settings(self) -> RunSettings:
        return RunSettings(
            components=tuple(self.components) if self.components is not None else None,
            technique_thresholds={k: min(max(float(v), 0.0), 1.0) for k, v in self.technique_thresholds.items()},
            technique_threshold_shift=self.technique_threshold_shift,
            technique_all_spans=self.technique_all_spans,
            technique_precision=self.technique_precision,
            claim_threshold=self.claim_threshold,
            kb_top_k=self.kb_top_k,
            kb_min_similarity=self.kb_min_similarity,
            force_language=self.force_language,
        )


class Document(BaseModel):
    """One document: ``text`` or an http(s) ``url`` (fetched by the server), with optional metadata."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, max_length=2_000_000)
    url: str | None = Field(None, max_length=2000)
    title: str | None = Field(None, max_length=1000)
    outlet: str | None = Field(None, max_length=300)
    date: str | None = Field(None, max_length=40)
    id: str | None = Field(None, max_length=200)


class AnalyzeRequest(Document):
    settings: Settings = Field(default_factory=Settings)
    store: bool = False


class JobRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[Document] = Field(min_length=1, max_length=1000)
    settings: Settings = Field(default_factory=Settings)


class CorrectionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: Literal["technique", "claim", "match"]
    action: Literal[
        "accept", "reject", "relabel", "resize", "add", "checkworthy", "not_checkworthy", "speaker", "confirm"
    ]
    index: int | None = Field(None, ge=0, le=100_000)
    match_index: int | None = Field(None, ge=0, le=1000)
    technique: str | None = Field(None, max_length=80)
    start: int | None = Field(None, ge=0, le=10_000_000)
    end: int | None = Field(None, ge=0, le=10_000_000)
    speaker: str | None = Field(None, max_length=500)
    analysis_id: int | None = Field(None, ge=1, le=2_147_483_647)


def settings_dict(settings: Settings) -> dict[str, Any]:
    return settings.model_dump()

"""The typed document that flows through the pipeline.

An :class:`Article` holds the text exactly as ingested; every other object points into that text by
character offsets (``text[start:end]``). Components fill the slots (``sentences``, ``techniques``,
``claims``, ``citations``); data classes here know nothing about components or models.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

Voice = Literal["own", "direct", "reported"]
# How the article relates to a known claim it matches: it states it in its own voice, or attributes it
# to someone (quotes or reports it). "rebuts" (calls it false) is reserved: cue words cannot tell it
# (eval/rebuttal_cues), a later stance model may.
Relation = Literal["repeats", "reports", "rebuts"]


@dataclass(frozen=True, slots=True)
class Segment:
    """A half-open character range ``[start, end)`` of the article text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink kept from HTML input: anchor text offsets in the article text and its target."""

    start: int
    end: int
    href: str


@dataclass(slots=True)
class TechniqueSpan:
    """A persuasion technique carried by ``text[start:end]`` (official PTC technique name).

    ``score`` is calibrated where the model has a calibration: about that share of such spans are right.
    ``triggers``: the words of the span that the model's token scores for the technique rate highest,
    strongest first (why *this* passage was flagged).
    """

    technique: str
    start: int
    end: int
    score: float
    triggers: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class HiddenTechnique:
    """A technique the report does not show at its operating point, and why."""

    technique: str
    reason: str


@dataclass(slots=True)
class TechniqueReport:
    """Which spans the technique tagger reported: ``precision`` (the default operating point, tuned for
    precision; ``hidden`` names the techniques left out) or ``all_spans`` (every span of the F1 decoder)."""

    operating_point: str
    target_precision: float | None = None
    measured_precision: float | None = None  # share of shown spans right on held-out articles (cross-fitted)
    hidden: list[HiddenTechnique] = field(default_factory=list)


@dataclass(slots=True)
class KnownClaimMatch:
    """A claim of the knowledge base that matches a claim of the article.

    ``rating`` is the KB record's rating field as imported; ``verdict`` is what the source itself says
    of the claim, in its words (EUvsDisinfo: "disinformation case"; a ClaimReview: its
    ``reviewRating``), or None where the data has no verdict (the CheckThat! Snopes claims).
    ``same_claim`` is true for the same claim, false for a related one (same topic, not the same claim,
    so no verdict applies to the article's sentence). ``relation`` says whether the article repeats
    or reports the known claim (None where attribution did not run).
    """

    kb_id: str
    claim: str
    source: str
    url: str | None
    date: str | None
    similarity: float
    rating: str | None = None
    verdict: str | None = None
    same_claim: bool = True
    rerank_score: float | None = None
    relation: Relation | None = None


@dataclass(slots=True)
class Claim:
    """A check-worthy sentence, who makes it, and known fact-checks that match it."""

    start: int
    end: int
    text: str
    score: float
    speaker: str | None = None
    verb: str | None = None
    voice: Voice = "own"
    speaker_start: int | None = None
    speaker_end: int | None = None
    matches: list[KnownClaimMatch] = field(default_factory=list)
    priority: float | None = None  # how likely fact-checkers pick it, in context (claims-context model)
    related: list[KnownClaimMatch] = field(default_factory=list)  # same topic, not the same claim


@dataclass(slots=True)
class Citation:
    """A source the article leans on: a named outlet or a linked domain, with its reliability."""

    name: str
    domain: str | None
    reliability: float | None
    start: int
    end: int
    kind: Literal["named", "link"] = "named"


@dataclass(slots=True)
class Publisher:
    """The outlet that published the article itself, rated like a cited one.

    ``how`` says where it was read: ``url`` (the article's address), ``outlet`` (the outlet or site
    name given with the article); ``reliability`` is None where the ratings do not have it.
    """

    name: str | None
    domain: str | None
    reliability: float | None
    how: Literal["url", "outlet"] = "url"


@dataclass(frozen=True, slots=True)
class ComponentRun:
    """Which component ran on the article: its version, and the fingerprint of what it used (a digest
    of the version, the model/KB files and the settings that change its output; ``None`` in records
    written before schema 1.1)."""

    name: str
    version: str
    fingerprint: str | None = None


@dataclass(frozen=True, slots=True)
class KBSourceInfo:
    """One source of the knowledge base a match was looked up in, and its date range."""

    name: str
    records: int
    first_date: str | None = None
    last_date: str | None = None


@dataclass(slots=True)
class KnowledgeBaseInfo:
    """Which knowledge base the claims were looked up in, and what it covers.

    ``kind`` is ``shipped`` (the EUvsDisinfo KB inside the package), ``user`` (the user's default KB)
    or ``file`` (a KB given with ``--kb``); ``path`` is the file.
    """

    kind: str
    path: str
    records: int
    first_date: str | None = None
    last_date: str | None = None
    sources: list[KBSourceInfo] = field(default_factory=list)
    updated_at: str | None = None


@dataclass(slots=True)
class Article:
    """One article: its text as ingested, metadata, and the annotations components add."""

    text: str
    id: str = ""
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    date: str | None = None
    language: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    sentences: list[Segment] = field(default_factory=list)
    paragraphs: list[Segment] = field(default_factory=list)
    techniques: list[TechniqueSpan] = field(default_factory=list)
    technique_report: TechniqueReport | None = None
    claims: list[Claim] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    publisher: Publisher | None = None
    components: list[ComponentRun] = field(default_factory=list)
    knowledge_base: KnowledgeBaseInfo | None = None  # set by matching: the KB and what it covers

    def __post_init__(self) -> None:
        if not self.id:
            self.id = text_hash(self.text)

    def span_text(self, start: int, end: int) -> str:
        return self.text[start:end]

    def sentence_texts(self) -> list[str]:
        return [self.text[s.start : s.end] for s in self.sentences]

    def has_run(self, component_name: str) -> bool:
        return any(run.name == component_name for run in self.components)


def text_hash(text: str) -> str:
    """A stable short id for a text, so that the same article gets the same id in every run."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]

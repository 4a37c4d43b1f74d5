"""Known-claim matching: every claim of an article looked up in the knowledge base of fact-checks.

The KB is ``options.kb_path`` or the default one (the user's built KB, else the EUvsDisinfo KB that
ships with the package). All claim texts of a ``pipe`` call are embedded in one batch; each claim keeps
up to ``options.kb_top_k`` hits whose cosine similarity reaches the "likely the same claim" threshold:
``options.kb_min_similarity`` if given, else the threshold calibrated on the CheckThat! 2022 dev split
and stored in the embedder's model directory (``thresholds.same_claim``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from propscope.document import Article
from propscope.errors import KnowledgeBaseError
from propscope.options import AnalyzeOptions
from propscope.pipeline import Component

log = logging.getLogger(__name__)

FALLBACK_THRESHOLD = 0.7


class KnownClaimMatcher(Component):
    name = "matching"
    version = "1"
    requires = ("claims",)
    assigns = ("matches",)

    def __init__(self, options: AnalyzeOptions) -> None:
        super().__init__(options)
        from propscope.kb.paths import default_kb_path

        self.path: Path | None = options.kb_path or default_kb_path()
        self._kb = None
        self._threshold: float | None = options.kb_min_similarity

    def available(self) -> bool:
        return self.path is not None and self.path.is_file()

    def _knowledge_base(self):  # type: ignore[no-untyped-def]
        if self._kb is None:
            from propscope.kb.search import KnowledgeBase

            if self.path is None or not self.path.is_file():
                raise KnowledgeBaseError(f"no knowledge base at {self.path}")
            self._kb = KnowledgeBase.open(self.path, readonly=True)
            if self._threshold is None:
                self._threshold = same_claim_threshold(self._kb.embedder)
        return self._kb

    @property
    def threshold(self) -> float:
        self._knowledge_base()
        assert self._threshold is not None
        return self._threshold

    def __call__(self, article: Article) -> Article:
        return self.pipe([article])[0]

    def pipe(self, articles: Sequence[Article]) -> list[Article]:
        claims = [claim for article in articles for claim in article.claims]
        if not claims:
            return list(articles)
        kb = self._knowledge_base()
        top_k = max(1, self.options.kb_top_k)
        results = kb.search_many([claim.text for claim in claims], k=top_k)
        for claim, hits in zip(claims, results, strict=True):
            claim.matches = [hit.to_match() for hit in hits if hit.similarity >= self.threshold]
        return list(articles)


def same_claim_threshold(embedder: object) -> float:
    """The calibrated cosine threshold stored with the embedder, or a conservative fallback."""
    thresholds = getattr(getattr(embedder, "model_dir", None), "thresholds", None) or {}
    value = thresholds.get("same_claim")
    if value is None:
        log.warning("the embedder has no calibrated 'same_claim' threshold; using %.2f", FALLBACK_THRESHOLD)
        return FALLBACK_THRESHOLD
    return float(value)

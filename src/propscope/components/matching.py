"""Known-claim matching: every claim of an article looked up in the knowledge base of fact-checks.

The KB is ``config.kb_path`` or the default one (the user's built KB, else the EUvsDisinfo KB that
ships with the package). All claim texts of a ``pipe`` call are embedded in one batch; each claim keeps
up to ``settings.kb_top_k`` hits whose cosine similarity reaches the "likely the same claim" threshold:
``settings.kb_min_similarity`` if given, else the threshold calibrated on the CheckThat! 2022 dev split
and stored in the embedder's model directory (``thresholds.same_claim``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from propscope.document import Article
from propscope.errors import KnowledgeBaseError
from propscope.kb.text import clean_query
from propscope.models.cache import combine, dir_fingerprint, file_fingerprint, load_once
from propscope.models.tokens import shared_tokenizer
from propscope.options import AnalyzeOptions, EngineConfig, RunSettings
from propscope.pipeline import Component

log = logging.getLogger(__name__)

FALLBACK_THRESHOLD = 0.7


class KnownClaimMatcher(Component):
    name = "matching"
    version = "1"
    requires = ("claims",)
    assigns = ("matches",)

    def __init__(self, config: EngineConfig | AnalyzeOptions | None = None) -> None:
        super().__init__(config)
        from propscope.kb.paths import default_kb_path

        self.path: Path | None = self.config.kb_path or default_kb_path()

    def available(self) -> bool:
        return self.path is not None and self.path.is_file()

    def _knowledge_base(self):  # type: ignore[no-untyped-def]
        from propscope.kb.search import KnowledgeBase

        if self.path is None or not self.path.is_file():
            raise KnowledgeBaseError(f"no knowledge base at {self.path}")
        path = self.path
        return load_once("kb", path, lambda: KnowledgeBase.open(path, readonly=True))

    @property
    def threshold(self) -> float:
        """The threshold under the default settings."""
        return self.threshold_for(None)

    def threshold_for(self, settings: RunSettings | None) -> float:
        settings = self.settings_for(settings)
        if settings.kb_min_similarity is not None:
            return float(settings.kb_min_similarity)
        return same_claim_threshold(self._knowledge_base().embedder)

    def fingerprint(self, settings: RunSettings | None = None) -> str:
        from propscope.kb.embedder import default_embedder_path

        settings = self.settings_for(settings)
        kb = file_fingerprint(self.path) if self.available() and self.path is not None else None
        embedder = default_embedder_path()
        embedder_files = dir_fingerprint(embedder) if embedder.is_dir() else None
        return combine(self.name, self.version, kb, embedder_files, settings.kb_top_k, settings.kb_min_similarity)

    def __call__(self, article: Article, settings: RunSettings | None = None) -> Article:
        return self.pipe([article], settings)[0]

    def pipe(self, articles: Sequence[Article], settings: RunSettings | None = None) -> list[Article]:
        settings = self.settings_for(settings)
        claims = [claim for article in articles for claim in article.claims]
        if not claims:
            return list(articles)
        kb = self._knowledge_base()
        top_k = max(1, settings.kb_top_k)
        threshold = self.threshold_for(settings)
        results = kb.search_many([claim.text for claim in claims], k=top_k, vectors=self._claim_vectors(kb, articles))
        for claim, hits in zip(claims, results, strict=True):
            claim.matches = [hit.to_match() for hit in hits if hit.similarity >= threshold]
        return list(articles)


    @staticmethod
    def _claim_vectors(kb, articles: Sequence[Article]) -> np.ndarray | None:  # type: ignore[no-untyped-def]
        """The claims' embeddings from the article's tokens (the technique model tokenised it already).

        A claim that query cleaning changes beyond whitespace (links, @handles, #tags) is tokenised
        from its cleaned text, as the KB search would do it."""
        embedder = getattr(kb, "embedder", None)
        if embedder is None or not kb.dense_ready or getattr(embedder, "tokenizer_path", None) is None:
            return None  # the KB searches lexically, or embeds in its own way
        shared = shared_tokenizer(embedder.tokenizer_path)
        sequences = []
        for article in articles:
            for claim, ids in zip(article.claims, shared.pieces(article.text, [(c.start, c.end) for c in article.claims]), strict=True):
                cleaned = clean_query(claim.text)
                same = claim.text == article.text[claim.start : claim.end] and cleaned == " ".join(claim.text.split())
                sequences.append(ids if same else shared.encode(cleaned))
        return embedder.encode_tokens(sequences)


def same_claim_threshold(embedder: object) -> float:
    """The calibrated cosine threshold stored with the embedder, or a conservative fallback."""
    thresholds = getattr(getattr(embedder, "model_dir", None), "thresholds", None) or {}
    value = thresholds.get("same_claim")
    if value is None:
        log.warning("the embedder has no calibrated 'same_claim' threshold; using %.2f", FALLBACK_THRESHOLD)
        return FALLBACK_THRESHOLD
    return float(value)

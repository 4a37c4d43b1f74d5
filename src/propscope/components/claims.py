"""Check-worthy claims: every sentence scored by the claims model; claims are those at or above the
threshold (``options.claim_threshold``, else the model's own, chosen on validation data).

``pipe`` scores the sentences of all articles of a batch in one model call (batches of similar length).
The model loads lazily, once per process and model directory (:mod:`propscope.models.cache`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from propscope.claims.scorer import ClaimScorer, default_model_path
from propscope.document import Article, Claim
from propscope.errors import ModelNotFound
from propscope.models.cache import combine, dir_fingerprint, load_once
from propscope.options import AnalyzeOptions, EngineConfig, RunSettings
from propscope.pipeline import Component


class ClaimDetector(Component):
    name = "claims"
    version = "1"
    requires = ("sentences",)
    assigns = ("claims",)

    def __init__(self, config: EngineConfig | AnalyzeOptions | None = None) -> None:
        super().__init__(config)
        self.model_path = Path(self.config.claim_model) if self.config.claim_model else default_model_path()

    def available(self) -> bool:
        return (self.model_path / "config.json").is_file()

    @property
    def scorer(self) -> ClaimScorer:
        if not self.available():
            raise ModelNotFound(f"no claims model at {self.model_path}")
        threads = self.config.threads
        return load_once("claims", self.model_path, lambda: ClaimScorer.load(self.model_path.resolve(), threads=threads), threads)

    @property
    def threshold(self) -> float:
        """The threshold under the default settings."""
        return self.threshold_for(None)

    def threshold_for(self, settings: RunSettings | None) -> float:
        settings = self.settings_for(settings)
        if settings.claim_threshold is not None:
            return float(settings.claim_threshold)
        return self.scorer.threshold

    def fingerprint(self, settings: RunSettings | None = None) -> str:
        files = dir_fingerprint(self.model_path) if self.available() else None
        return combine(self.name, self.version, files, self.settings_for(settings).claim_threshold)

    def __call__(self, article: Article, settings: RunSettings | None = None) -> Article:
        return self.pipe([article], settings)[0]

    def pipe(self, articles: Sequence[Article], settings: RunSettings | None = None) -> list[Article]:
        texts: list[str] = []
        owners: list[tuple[int, int]] = []
        for a_index, article in enumerate(articles):
            for s_index, sentence in enumerate(article.sentences):
                text = article.text[sentence.start : sentence.end]
                if text.strip():
                    texts.append(text)
                    owners.append((a_index, s_index))
        scores = self.scorer.score(texts) if texts else []
        threshold = self.threshold_for(settings)
        claims: list[list[Claim]] = [[] for _ in articles]
        for (a_index, s_index), text, score in zip(owners, texts, scores, strict=True):
            if float(score) >= threshold:
                sentence = articles[a_index].sentences[s_index]
                claims[a_index].append(Claim(start=sentence.start, end=sentence.end, text=text, score=round(float(score), 4)))
        for article, found in zip(articles, claims, strict=True):
            article.claims = found
        return list(articles)

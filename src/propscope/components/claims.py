"""Check-worthy claims: every sentence scored by the claims model; claims are those at or above the
threshold (``options.claim_threshold``, else the model's own, chosen on validation data).

``pipe`` scores the sentences of all articles of a batch in one model call (batches of similar length).
The model loads lazily, once per process and model path.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from propscope.claims.scorer import ClaimScorer, default_model_path
from propscope.document import Article, Claim
from propscope.errors import ModelNotFound
from propscope.options import AnalyzeOptions
from propscope.pipeline import Component


@lru_cache(maxsize=4)
def _scorer(path: Path, threads: int | None) -> ClaimScorer:
    return ClaimScorer.load(path, threads=threads)


class ClaimDetector(Component):
    name = "claims"
    version = "1"
    requires = ("sentences",)
    assigns = ("claims",)

    def __init__(self, options: AnalyzeOptions) -> None:
        super().__init__(options)
        self.model_path = Path(options.claim_model) if options.claim_model else default_model_path()

    def available(self) -> bool:
        return (self.model_path / "config.json").is_file()

    @property
    def scorer(self) -> ClaimScorer:
        if not self.available():
            raise ModelNotFound(f"no claims model at {self.model_path}")
        return _scorer(self.model_path.resolve(), self.options.threads)

    @property
    def threshold(self) -> float:
        if self.options.claim_threshold is not None:
            return float(self.options.claim_threshold)
        return self.scorer.threshold

    def __call__(self, article: Article) -> Article:
        return self.pipe([article])[0]

    def pipe(self, articles: Sequence[Article]) -> list[Article]:
        texts: list[str] = []
        owners: list[tuple[int, int]] = []
        for a_index, article in enumerate(articles):
            for s_index, sentence in enumerate(article.sentences):
                text = article.text[sentence.start : sentence.end]
                if text.strip():
                    texts.append(text)
                    owners.append((a_index, s_index))
        scores = self.scorer.score(texts) if texts else []
        threshold = self.threshold
        claims: list[list[Claim]] = [[] for _ in articles]
        for (a_index, s_index), text, score in zip(owners, texts, scores, strict=True):
            if float(score) >= threshold:
                sentence = articles[a_index].sentences[s_index]
                claims[a_index].append(Claim(start=sentence.start, end=sentence.end, text=text, score=round(float(score), 4)))
        for article, found in zip(articles, claims, strict=True):
            article.claims = found
        return list(articles)

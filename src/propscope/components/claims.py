"""Check-worthy claims: every sentence scored by the claims model; claims are those at or above the
threshold (``options.claim_threshold``, else the model's own, chosen on validation data).

Where the context model (:mod:`propscope.claims.context`, trained on debates) is installed for this
claims model, each claim also gets a ``priority``: how likely fact-checkers are to pick it, from the
sentence, the sentence before it and its place in its paragraph.

``pipe`` scores the sentences of all articles of a batch in one model call (batches of similar length).
The model loads lazily, once per process and model directory (:mod:`propscope.models.cache`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from propscope.claims.context import ContextModel, default_context_model_path
from propscope.claims.scorer import ClaimScorer, default_model_path
from propscope.document import Article, Claim
from propscope.errors import ModelNotFound
from propscope.models.cache import combine, dir_fingerprint, file_fingerprint, load_once
from propscope.models.tokens import shared_tokenizer
from propscope.options import AnalyzeOptions, EngineConfig, RunSettings
from propscope.pipeline import Component


class ClaimDetector(Component):
    name = "claims"
    warm_cost = 0.18  # s of CPU, python bench/warm.py (2 cores, 2 December 2026)
    version = "2"
    requires = ("sentences",)
    assigns = ("claims",)

    def __init__(self, config: EngineConfig | AnalyzeOptions | None = None) -> None:
        super().__init__(config)
        self.model_path = Path(self.config.claim_model) if self.config.claim_model else default_model_path()
        self.context_path = default_context_model_path()

    def available(self) -> bool:
        return (self.model_path / "config.json").is_file()

    @property
    def scorer(self) -> ClaimScorer:
        if not self.available():
            raise ModelNotFound(f"no claims model at {self.model_path}")
        threads = self.config.threads
        return load_once("claims", self.model_path, lambda: ClaimScorer.load(self.model_path.resolve(), threads=threads), threads)

    def warm(self) -> None:
        self.context  # noqa: B018  (loads the sentence model too)

    @property
    def context(self) -> ContextModel | None:
        """The context model, where it is installed and was built on this claims model's scores."""
        if not (self.context_path / "config.json").is_file():
            return None
        model = load_once("claims-context", self.context_path, lambda: ContextModel.load(self.context_path))
        onnx = self.scorer.model_dir.onnx_path
        return model if model.base_fingerprint == file_fingerprint(onnx) else None

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
        context = dir_fingerprint(self.context_path) if (self.context_path / "config.json").is_file() else None
        return combine(self.name, self.version, files, context, self.settings_for(settings).claim_threshold)

    def __call__(self, article: Article, settings: RunSettings | None = None) -> Article:
        return self.pipe([article], settings)[0]

    def pipe(self, articles: Sequence[Article], settings: RunSettings | None = None) -> list[Article]:
        texts: list[str] = []
        owners: list[tuple[int, int]] = []
        sequences = []
        scorer = self.scorer
        shared = shared_tokenizer(scorer.model_dir.tokenizer_path)
        for a_index, article in enumerate(articles):
            ranges = []
            for s_index, sentence in enumerate(article.sentences):
                text = article.text[sentence.start : sentence.end]
                if text.strip():
                    texts.append(text)
                    owners.append((a_index, s_index))
                    ranges.append((sentence.start, sentence.end))
            # the sentences' tokens are sliced from the article's, which the technique model made already
            sequences.extend(shared.pieces(article.text, ranges) if ranges else [])
        # One sentence per model run (ClaimScorer): the int8 model quantises activations with one scale
        # per run, so a sentence's score depends on no other sentence, of its article or another.
        per_article = [[] for _ in articles]
        for (a_index, _), sequence in zip(owners, sequences, strict=True):
            per_article[a_index].append(sequence)
        parts = [scorer.score_all_tokens(seqs) for seqs in per_article if seqs]
        heads = np.concatenate(parts) if parts else None
        scores = heads[:, scorer.score_index] if heads is not None else []
        priorities = self._priorities(articles, owners, texts, heads)
        threshold = self.threshold_for(settings)
        claims: list[list[Claim]] = [[] for _ in articles]
        for row, ((a_index, s_index), text, score) in enumerate(zip(owners, texts, scores, strict=True)):
            if float(score) >= threshold:
                sentence = articles[a_index].sentences[s_index]
                priority = round(float(priorities[row]), 4) if priorities is not None else None
                claims[a_index].append(Claim(start=sentence.start, end=sentence.end, text=text,
                                             score=round(float(score), 4), priority=priority))
        for article, found in zip(articles, claims, strict=True):
            article.claims = found
        return list(articles)

    def _priorities(self, articles: Sequence[Article], owners: list[tuple[int, int]], texts: list[str],
                    heads: object) -> list[float] | None:
        """The context model's priority of every scored sentence (a paragraph is a speaker turn)."""
        context = self.context if heads is not None else None
        if context is None:
            return None
        base = np.asarray(heads)[:, self.scorer.labels.index(context.base_label)]
        out = np.zeros(len(texts), dtype=np.float64)
        rows_of: dict[int, list[int]] = {}
        for row, (a_index, _) in enumerate(owners):
            rows_of.setdefault(a_index, []).append(row)
        for a_index, rows in rows_of.items():
            article = articles[a_index]
            turns = [_paragraph_of(article, article.sentences[owners[r][1]].start) for r in rows]
            out[rows] = context.priority([texts[r] for r in rows], turns, base[rows])
        return out.tolist()


def _paragraph_of(article: Article, position: int) -> int:
    for index, paragraph in enumerate(article.paragraphs):
        if paragraph.start <= position < paragraph.end:
            return index
    return 0

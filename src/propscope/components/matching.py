"""Known-claim matching: every claim of an article looked up in the knowledge base of fact-checks.

The KB is ``config.kb_path`` or the default one (the user's built KB, else the EUvsDisinfo KB that
ships with the package). All claim texts of a ``pipe`` call are searched in one batch. A hit is the
*same claim* when the re-ranker says so (``hit.same_claim`` of a hit with a ``rerank_score``), or,
for a hit it did not score (or a search without one), when the user set a cosine threshold
(``settings.kb_min_similarity``, ``--match-threshold``) and the hit reaches it.

Without either, no hit is called the same claim: on news sentences against the EUvsDisinfo claims, no
cosine threshold separates the same claim from the same topic (``eval/news_pairs``, 490 labelled
pairs, held-out half: precision 0.05 at the tweet-calibrated 0.57, 0.13 at 0.70, 0.27 at 0.75 with
recall 0.38; ``python eval/news_pairs/cosine_rule.py``). Hits at or above the embedder's calibrated
threshold (``thresholds.same_claim``, calibrated on tweets) are then shown as *related* only.
Same-claim hits become ``claim.matches`` (at most ``settings.kb_top_k``); the best other hits become
``claim.related``, which reports show apart, neutrally and without a verdict.

Each match says what its source says of the claim (``verdict``) and how the article relates to it
(``relation``): an article that quotes a false claim reports it, it does not repeat it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from propscope.document import Article, Claim, KBSourceInfo, KnowledgeBaseInfo, KnownClaimMatch, Relation
from propscope.errors import KnowledgeBaseError
from propscope.kb.text import clean_query
from propscope.models.cache import combine, dir_fingerprint, file_fingerprint, load_once
from propscope.models.tokens import shared_tokenizer
from propscope.options import AnalyzeOptions, EngineConfig, RunSettings
from propscope.pipeline import Component

if TYPE_CHECKING:
    from propscope.kb.record import KBRecord
    from propscope.kb.search import Hit, KnowledgeBase

log = logging.getLogger(__name__)

FALLBACK_THRESHOLD = 0.7
# Hits this far below the same-claim cosine threshold may still be shown as related (same topic);
# further down they are noise (on examples/article.txt, hits 0.05-0.1 below were mostly other topics).
RELATED_MARGIN = 0.05
RELATED_MAX = 2
# Without a user's threshold, a hit is shown as related only from this cosine on. Chosen on the
# calibration half of the labelled news pairs (`python eval/news_pairs/related_floor.py`, output in
# eval/news_pairs/related_floor.txt): between the embedder's tweet-calibrated 0.57 and 0.65 only 36-37%
# of top hits are the same claim or related, the rest another topic; from 0.65 on 56%, keeping 68% of
# the same-or-related hits from 0.57 (held-out half: 34-42%, 55%, 70%).
NEWS_RELATED_FLOOR = 0.65

class KnownClaimMatcher(Component):
    name = "matching"
    warm_cost = 0.37  # s of CPU, python bench/warm.py (2 cores, 2 December 2026)
    version = "4"
    requires = ("claims",)
    assigns = ("matches", "knowledge_base")

    def __init__(self, config: EngineConfig | AnalyzeOptions | None = None) -> None:
        super().__init__(config)
        from propscope.kb.paths import default_kb_path

        self.path: Path | None = self.config.kb_path or default_kb_path()

    def available(self) -> bool:
        return self.path is not None and self.path.is_file()

    def warm(self) -> None:
        self._knowledge_base().prepare()

    def _knowledge_base(self) -> KnowledgeBase:
        from propscope.kb.search import KnowledgeBase

        if self.path is None or not self.path.is_file():
            raise KnowledgeBaseError(f"no knowledge base at {self.path}")
        path = self.path
        return load_once("kb", path, lambda: KnowledgeBase.open(path, readonly=True))

    @property
    def info(self) -> KnowledgeBaseInfo:
        """The KB this matcher searches and what it covers (computed once per KB file)."""
        assert self.path is not None
        path = self.path
        return load_once("kb-coverage", path, lambda: knowledge_base_info(self._knowledge_base(), path))

    @property
    def threshold(self) -> float | None:
        """The same-claim cosine threshold under the default settings (None: cosine never decides)."""
        return self.threshold_for(None)

    def threshold_for(self, settings: RunSettings | None) -> float | None:
        settings = self.settings_for(settings)
        if settings.kb_min_similarity is not None:
            return float(settings.kb_min_similarity)
        return None

    def related_floor(self, settings: RunSettings | None) -> float:
        """How similar a hit must be to be shown as related: a margin below a user's threshold, else
        the embedder's calibrated same-claim cosine or :data:`NEWS_RELATED_FLOOR`, whichever is higher."""
        threshold = self.threshold_for(settings)
        if threshold is not None:
            return threshold - RELATED_MARGIN
        return max(same_claim_threshold(self._knowledge_base().embedder), NEWS_RELATED_FLOOR)

    def fingerprint(self, settings: RunSettings | None = None) -> str:
        from propscope.kb.embedder import default_embedder_path

        settings = self.settings_for(settings)
        kb = file_fingerprint(self.path) if self.available() and self.path is not None else None
        embedder = default_embedder_path()
        embedder_files = dir_fingerprint(embedder) if embedder.is_dir() else None
        from propscope.kb.rerank import default_reranker_path

        reranker = default_reranker_path()
        reranker_files = dir_fingerprint(reranker) if reranker.is_dir() else None
        return combine(
            self.name, self.version, kb, embedder_files, reranker_files, settings.kb_top_k, settings.kb_min_similarity
        )

    def __call__(self, article: Article, settings: RunSettings | None = None) -> Article:
        return self.pipe([article], settings)[0]

    def pipe(self, articles: Sequence[Article], settings: RunSettings | None = None) -> list[Article]:
        settings = self.settings_for(settings)
        claims = [claim for article in articles for claim in article.claims]
        # Without attribution every claim has the default voice "own": no relation can be told then.
        attributed = {id(c) for a in articles if a.has_run("attribution") for c in a.claims}
        if not self.available():
            return list(articles)
        kb = self._knowledge_base()
        info = self.info
        for article in articles:
            article.knowledge_base = info
        if not claims:
            return list(articles)
        top_k = max(1, settings.kb_top_k)
        threshold = self.threshold_for(settings)
        floor = self.related_floor(settings)
        vectors = self._claim_vectors(kb, articles)
        results = kb.search_many([claim.text for claim in claims], k=top_k + RELATED_MAX, vectors=vectors)
        for claim, hits in zip(claims, results, strict=True):
            claim.matches, claim.related = [], []
            for hit in hits:
                if _is_same_claim(hit, threshold):
                    if len(claim.matches) < top_k:
                        claim.matches.append(_match(hit, claim, True, id(claim) in attributed))
                elif hit.similarity >= floor and len(claim.related) < RELATED_MAX:
                    claim.related.append(_match(hit, claim, False, False))
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
        vectors = []
        for article in articles:
            sequences = []
            for claim, ids in zip(article.claims, shared.pieces(article.text, [(c.start, c.end) for c in article.claims]), strict=True):
                cleaned = clean_query(claim.text)
                same = claim.text == article.text[claim.start : claim.end] and cleaned == " ".join(claim.text.split())
                sequences.append(ids if same else shared.encode(cleaned))
            # One article's claims per model run: the int8 model quantises activations with one scale per
            # batch, so claims batched with other articles' would depend on those articles.
            vectors.append(embedder.encode_tokens(sequences))
        return np.concatenate(vectors) if vectors else None


def _is_same_claim(hit: Hit, threshold: float | None) -> bool:
    """The re-ranker's decision where it scored the hit; else the user's cosine threshold, if any
    (so that --match-threshold still applies to hits the re-ranker did not score, or without one)."""
    if getattr(hit, "rerank_score", None) is not None:
        return bool(getattr(hit, "same_claim", False))
    return threshold is not None and hit.similarity >= threshold


def _match(hit: Hit, claim: Claim, same: bool, attributed: bool) -> KnownClaimMatch:
    match = hit.to_match()
    # A related claim is another claim: its source's verdict does not apply to the article's sentence.
    match.verdict = verdict_of(hit.record) if same else None
    match.same_claim = same
    score = getattr(hit, "rerank_score", None)
    match.rerank_score = None if score is None else round(float(score), 4)
    match.relation = relation_of(claim) if same and attributed else None
    return match


def verdict_of(record: KBRecord) -> str | None:
    """What the record's source says of the claim, in the source's words; None where the data has none.

    EUvsDisinfo documents cases of pro-Kremlin disinformation: it does not rate claims on a scale, so a
    match is "a disinformation case". A ClaimReview or Fact Check Tools record keeps the fact-checker's
    own rating ("False", "Pants on Fire", "3/5"). The CheckThat! Snopes claims carry no verdict.
    """
    if record.importer.startswith("euvsdisinfo") or record.source == "EUvsDisinfo":
        return "disinformation case"
    if record.rating:
        return record.rating
    return None


def relation_of(claim: Claim) -> Relation | None:
    """Whether the article repeats (its own voice) or reports (attributes to a speaker) the known claim.

    "Rebuts" is not inferred: cue words ("no evidence", "falsely", "debunked") are used by propaganda
    against the truth as often as by fact-checks against falsehoods. On PPN, every sentence a cue rule
    called a rebuttal was not one (``eval/rebuttal_cues``), so only attribution decides here.
    """
    if claim.voice in ("direct", "reported"):
        return "reports"
    if claim.voice == "own":
        return "repeats"
    return None


def knowledge_base_info(kb: KnowledgeBase, path: Path) -> KnowledgeBaseInfo:
    """The KB's kind (shipped, the user's, a given file), path and coverage, for reports."""
    from propscope.kb.coverage import read_coverage
    from propscope.kb.paths import kb_kind

    coverage = read_coverage(kb.store)
    return KnowledgeBaseInfo(
        kind=kb_kind(path),
        path=str(path),
        records=coverage.records,
        first_date=coverage.first_date,
        last_date=coverage.last_date,
        sources=[KBSourceInfo(s.name, s.records, s.first_date, s.last_date) for s in coverage.sources],
        updated_at=coverage.updated_at,
    )


def same_claim_threshold(embedder: object) -> float:
    """The calibrated cosine threshold stored with the embedder, or a conservative fallback."""
    thresholds = getattr(getattr(embedder, "model_dir", None), "thresholds", None) or {}
    value = thresholds.get("same_claim")
    if value is None:
        log.warning("the embedder has no calibrated 'same_claim' threshold; using %.2f", FALLBACK_THRESHOLD)
        return FALLBACK_THRESHOLD
    return float(value)

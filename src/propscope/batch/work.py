"""One batch of documents through the analyser, with each document's failure kept its own.

Runs inside a worker (a process of the local engine, a Ray actor) or in the driver itself. The
pipeline takes the batch whole (models see full batches); when a component fails on it, with a coded
error or any other exception, the batch's documents are run again one at a time from pristine
copies, so only the document that makes the component fail is lost, with that component's reason.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from propscope.document import Article
from propscope.engine import Analyzer
from propscope.options import RunSettings

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Done:
    """What became of one document in a worker: its analysed article, or why it failed."""

    source: str
    content_hash: str
    article: Article | None
    code: str | None = None
    reason: str | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.article is not None


def content_hash(text: str) -> str:
    """The ledger's identity of a document: SHA-256 of its text (what the workspace store uses too)."""
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


def analyze_batch(analyzer: Analyzer, items: list[tuple[str, Article]], settings: RunSettings) -> list[Done]:
    """Analyse ``(source, article)`` pairs; one :class:`Done` per pair, in order."""
    if not items:
        return []
    pipeline = analyzer.pipeline(settings)
    started = time.perf_counter()
    result = _run(pipeline, [copy.deepcopy(article) for _, article in items], settings)
    if isinstance(result[0], list):
        timings = _per_document(result[1], time.perf_counter() - started, len(items))
        return [_done(source, original, article, timings) for (source, original), article in zip(items, result[0], strict=True)]
    log.warning("a batch of %d failed (%s); running its documents one by one", len(items), result[1])
    done = []
    for source, original in items:
        started = time.perf_counter()
        single = _run(pipeline, [copy.deepcopy(original)], settings)
        timings = _per_document(single[1] if isinstance(single[0], list) else {}, time.perf_counter() - started, 1)
        if isinstance(single[0], list):
            done.append(_done(source, original, single[0][0], timings))
        else:
            code, reason = single
            done.append(Done(source, content_hash(original.text), None, code, str(reason), timings))
    return done


def _per_document(timings: Any, total: float, count: int) -> dict[str, float]:
    """Seconds per document for each component and in all (a batch's time divided by its size)."""
    seconds = {name: round(value / count, 6) for name, value in dict(timings).items()}
    seconds["total"] = round(total / count, 6)
    return seconds


def _done(source: str, original: Article, article: Article, timings: dict[str, float]) -> Done:
    return Done(source, content_hash(original.text), article, timings=timings)


def _run(pipeline: Any, articles: list[Article], settings: RunSettings) -> tuple[Any, Any]:
    """(analysed articles, seconds per component), or (code, reason) of what stopped the batch."""
    try:
        result = pipeline.run_batch(articles, settings)
    except Exception as exc:  # a component bug (not a coded error) must not end the whole run
        return "E001", f"{type(exc).__name__}: {exc}"
    if result.error is not None:
        return result.error.code, f"component {result.failed_component} failed: {result.error.message}"
    return result.articles, result.timings

"""Analyse inputs end to end: ingest, language gate, pipeline. Shared by the CLI, the API and batches.

Single documents raise coded errors; batches go on past a bad document and report it as an
:class:`Outcome` with the error, so that nothing is silently lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from propscope.components import build_pipeline
from propscope.document import Article
from propscope.errors import PropscopeError, UnsupportedLanguage
from propscope.ingest import IngestResult, article_from_text, load_inputs
from propscope.options import AnalyzeOptions
from propscope.pipeline import Pipeline


# What became of one input: an analysed article, or the coded error that stopped it. Ingest and
# analysis report the same shape, so a batch can pass ingest failures straight through.
Outcome = IngestResult


def check_language(article: Article, options: AnalyzeOptions) -> None:
    """Refuse articles in languages the models were not trained on, unless the user forces it."""
    if options.force_language or article.language is None:
        return
    if article.language not in options.languages:
        raise UnsupportedLanguage(
            f"the article looks like '{article.language}' text; the models support {', '.join(options.languages)} "
            "(use --force-language to analyse it anyway)"
        )


_PIPELINES: dict[str, Pipeline] = {}


def pipeline_for(options: AnalyzeOptions) -> Pipeline:
    """One pipeline per distinct options value per process, so models load once."""
    key = repr(options)
    if key not in _PIPELINES:
        _PIPELINES[key] = build_pipeline(options)
    return _PIPELINES[key]


def analyze_article(article: Article, options: AnalyzeOptions | None = None) -> Article:
    options = options or AnalyzeOptions()
    check_language(article, options)
    return pipeline_for(options).analyze(article)


def analyze_text(text: str, options: AnalyzeOptions | None = None, **metadata: str | None) -> Article:
    """Analyse a text given in memory (offsets refer to ``text`` exactly as given)."""
    options = options or AnalyzeOptions()
    return analyze_article(article_from_text(text, options.ingest, **metadata), options)


def analyze_inputs(
    inputs: Iterable[str], options: AnalyzeOptions, batch_size: int = 8
) -> Iterator[Outcome]:
    """Analyse every document the inputs name (files, URLs, '-', JSONL/CSV, directories)."""
    pipeline = pipeline_for(options)
    pending: list[tuple[str, Article]] = []
    for result in load_inputs(inputs, options.ingest):
        outcome = _gate(result, options)
        if outcome is not None:
            yield from _flush(pipeline, pending, batch_size)
            pending = []
            yield outcome
            continue
        assert result.article is not None
        pending.append((result.source, result.article))
        if len(pending) >= batch_size:
            yield from _flush(pipeline, pending, batch_size)
            pending = []
    yield from _flush(pipeline, pending, batch_size)


def _gate(result: IngestResult, options: AnalyzeOptions) -> Outcome | None:
    if result.error is not None:
        return Outcome(result.source, None, result.error)
    assert result.article is not None
    try:
        check_language(result.article, options)
    except PropscopeError as exc:
        return Outcome(result.source, None, exc)
    return None


def _flush(pipeline: Pipeline, pending: list[tuple[str, Article]], batch_size: int) -> Iterator[Outcome]:
    if not pending:
        return
    sources = [source for source, _ in pending]
    articles = list(pipeline.pipe([article for _, article in pending], batch_size=batch_size))
    for source, article in zip(sources, articles, strict=True):
        yield Outcome(source, article, None)

"""Analyse inputs end to end with the process-wide default :class:`~propscope.engine.Analyzer`.

These functions keep the earlier one-options-object API (:class:`AnalyzeOptions`): each splits the
options into the engine config (what is loaded once) and the run settings (per call) and delegates
to :func:`propscope.engine.default_analyzer`, so models still load once per process. New code uses
:class:`~propscope.engine.Analyzer` directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from propscope.document import Article
from propscope.engine import Outcome, default_analyzer
from propscope.engine import check_language as _check_language
from propscope.ingest import article_from_text
from propscope.options import AnalyzeOptions
from propscope.pipeline import Pipeline

__all__ = ["Outcome", "analyze_article", "analyze_inputs", "analyze_text", "check_language", "pipeline_for"]


def check_language(article: Article, options: AnalyzeOptions) -> None:
    """Refuse articles in languages the models were not trained on, unless the user forces it."""
    _check_language(article, tuple(options.languages), options.force_language)


def pipeline_for(options: AnalyzeOptions) -> Pipeline:
    """The default analyser's pipeline for these options (models shared, loaded once per process)."""
    return default_analyzer(options.config).pipeline(options.settings)


def analyze_article(article: Article, options: AnalyzeOptions | None = None) -> Article:
    options = options or AnalyzeOptions()
    return default_analyzer(options.config).analyze(article, options.settings)


def analyze_text(text: str, options: AnalyzeOptions | None = None, **metadata: str | None) -> Article:
    """Analyse a text given in memory (offsets refer to ``text`` exactly as given)."""
    options = options or AnalyzeOptions()
    return analyze_article(article_from_text(text, options.ingest, **metadata), options)


def analyze_inputs(inputs: Iterable[str], options: AnalyzeOptions, batch_size: int = 8) -> Iterator[Outcome]:
    """Analyse every document the inputs name (files, URLs, '-', JSONL/CSV, directories)."""
    return default_analyzer(options.config).run_inputs(inputs, options.settings, options.ingest, batch_size)

"""The pipeline contract: order, requirements, batching, and the record of which components ran."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from propscope.components import REGISTRY, UnknownComponent, build_pipeline, component_class
from propscope.document import Article, Segment
from propscope.options import AnalyzeOptions
from propscope.pipeline import Component, Pipeline, PipelineError


class Lines(Component):
    name = "lines"
    version = "7"
    assigns = ("sentences",)

    def __call__(self, article: Article) -> Article:
        start = 0
        for line in article.text.split("\n"):
            article.sentences.append(Segment(start, start + len(line)))
            start += len(line) + 1
        return article


class CountingBatches(Component):
    name = "count"
    requires = ("sentences",)
    assigns = ("claims",)
    batches: list[int] = []

    def pipe(self, articles: Sequence[Article]) -> list[Article]:
        CountingBatches.batches.append(len(articles))
        return list(articles)


def test_pipeline_runs_in_order_and_records_components() -> None:
    options = AnalyzeOptions()
    pipeline = Pipeline([Lines(options), CountingBatches(options)])
    article = pipeline.analyze(Article(text="one\ntwo"))
    assert [article.span_text(s.start, s.end) for s in article.sentences] == ["one", "two"]
    assert [(c.name, c.version) for c in article.components] == [("lines", "7"), ("count", "0")]
    assert article.has_run("count") and not article.has_run("claims")


def test_pipe_batches_articles() -> None:
    CountingBatches.batches = []
    options = AnalyzeOptions()
    pipeline = Pipeline([Lines(options), CountingBatches(options)])
    out = list(pipeline.pipe((Article(text=f"t{i}") for i in range(5)), batch_size=2))
    assert len(out) == 5
    assert CountingBatches.batches == [2, 2, 1]


def test_missing_requirement_is_refused_at_build_time() -> None:
    with pytest.raises(PipelineError) as info:
        Pipeline([CountingBatches(AnalyzeOptions())])
    assert "sentences" in str(info.value)


def test_unknown_component_name() -> None:
    with pytest.raises(UnknownComponent):
        component_class("nope")


def test_default_pipeline_contains_only_registered_components() -> None:
    pipeline = build_pipeline(AnalyzeOptions(components=("segment",)))
    assert set(pipeline.names) <= set(REGISTRY)

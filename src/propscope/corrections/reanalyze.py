"""Re-analyse stored articles with another technique model; the new analysis is stored beside the old.

Only the technique spans are recomputed: the other parts of the current analysis (sentences, claims,
matches, sources) are kept, and the document's component list names the new technique model's
fingerprint. The signature is computed from that list as :meth:`propscope.pipeline.Pipeline.signature`
computes it from a pipeline, so it is the signature a full run with the new model would have had;
re-analysing with the same model twice stores nothing new. Corrections keep pointing at the analysis
they were made on.

Articles go through the model one at a time by default: the int8 models quantise activations with a
scale taken over the whole batch (ONNX ``DynamicQuantizeLinear``), so an article's spans would
otherwise depend on which other articles share its batch, and the report would mix that noise into
what the new model changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from propscope.document import Article, ComponentRun, TechniqueSpan
from propscope.engine import Analyzer
from propscope.errors import ModelNotFound
from propscope.models.cache import combine
from propscope.options import EngineConfig, RunSettings
from propscope.schema import article_from_dict, article_to_dict
from propscope.store import Store

Span = tuple[int, int, str]  # start, end, technique


@dataclass(slots=True)
class ArticleChange:
    article_id: int
    old_analysis: int
    new_analysis: int
    stored: bool  # False: an analysis with this signature was already stored (nothing new)
    added: list[Span] = field(default_factory=list)
    removed: list[Span] = field(default_factory=list)
    relabelled: list[tuple[Span, Span]] = field(default_factory=list)  # same bounds, other technique
    resized: list[tuple[Span, Span]] = field(default_factory=list)  # same technique, other overlapping bounds
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.relabelled or self.resized)


@dataclass(slots=True)
class Reanalysis:
    model: Path
    fingerprint: str
    articles: list[ArticleChange]

    def totals(self) -> dict[str, int]:
        return {
            "articles": len(self.articles),
            "stored": sum(a.stored for a in self.articles),
            "changed": sum(a.changed for a in self.articles),
            "added": sum(len(a.added) for a in self.articles),
            "removed": sum(len(a.removed) for a in self.articles),
            "relabelled": sum(len(a.relabelled) for a in self.articles),
            "resized": sum(len(a.resized) for a in self.articles),
            "unchanged": sum(a.unchanged for a in self.articles),
        }


def reanalyze(
    store: Store,
    model: Path,
    article_ids: Sequence[int] | None = None,
    settings: RunSettings | None = None,
    batch_size: int = 1,
) -> Reanalysis:
    """Re-run the technique tagger of ``model`` over the current analysis of each article (default:
    every stored article) and store the result as a new analysis."""
    settings = RunSettings(
        components=("techniques",),
        technique_thresholds=dict(settings.technique_thresholds) if settings else {},
        technique_threshold_shift=settings.technique_threshold_shift if settings else 0.0,
        technique_all_spans=settings.technique_all_spans if settings else False,
        technique_precision=settings.technique_precision if settings else None,
    )
    analyzer = Analyzer(EngineConfig(technique_model=model))
    if analyzer.missing(settings):
        raise ModelNotFound(f"no technique model at {model} (a model directory holds config.json)")
    pipeline = analyzer.pipeline(settings)
    ids = list(article_ids) if article_ids else store.article_ids()
    stored = [store.get(article_id) for article_id in ids]  # NotFound for an unknown id, before any work
    changes = []
    for offset in range(0, len(stored), batch_size):
        batch = stored[offset : offset + batch_size]
        fresh = [_without_techniques(s.article) for s in batch]
        result = pipeline.run_batch(fresh, settings)
        if result.error is not None:
            raise result.error
        for old, article in zip(batch, result.articles, strict=True):
            article.components = _in_place(old.article.components, article.components)
            saved = store.save(article, combine(*((c.name, c.fingerprint) for c in article.components)),
                               status=old.analysis["status"], reason=old.analysis["reason"], source=old.source)
            changes.append(_compare(old.id, old.analysis["id"], saved.analysis_id, saved.created,
                                    old.article.techniques, article.techniques))
    return Reanalysis(model, pipeline.components[0].fingerprint(settings), changes)


def _without_techniques(article: Article) -> Article:
    copy = article_from_dict(article_to_dict(article))
    copy.techniques, copy.technique_report = [], None
    copy.components = [c for c in copy.components if c.name != "techniques"]
    return copy


def _in_place(old: Sequence[ComponentRun], new: list[ComponentRun]) -> list[ComponentRun]:
    """The new techniques run (the pipeline appends it last) where the old one was, so that the
    signature is taken over the components in pipeline order."""
    position = next((i for i, c in enumerate(old) if c.name == "techniques"), len(new) - 1)
    rest = new[:-1]
    return [*rest[:position], new[-1], *rest[position:]]


def _compare(article_id: int, old_id: int, new_id: int, stored: bool,
             before: Sequence[TechniqueSpan], after: Sequence[TechniqueSpan]) -> ArticleChange:
    change = ArticleChange(article_id, old_id, new_id, stored)
    old = sorted({(s.start, s.end, s.technique) for s in before})
    new = sorted({(s.start, s.end, s.technique) for s in after})
    same = set(old) & set(new)
    change.unchanged = len(same)
    gone = [s for s in old if s not in same]
    came = [s for s in new if s not in same]
    for pairing, target in ((_same_bounds, change.relabelled), (_overlap_same_technique, change.resized)):
        for span in list(gone):
            partner = next((c for c in came if pairing(span, c)), None)
            if partner is not None:
                target.append((span, partner))
                gone.remove(span)
                came.remove(partner)
    change.removed, change.added = gone, came
    return change


def _same_bounds(a: Span, b: Span) -> bool:
    return a[:2] == b[:2]


def _overlap_same_technique(a: Span, b: Span) -> bool:
    return a[2] == b[2] and a[0] < b[1] and b[0] < a[1]

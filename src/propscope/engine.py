"""The one long-lived analyser: models load once per process, settings change per call.

An :class:`Analyzer` is built from an :class:`~propscope.options.EngineConfig` (model directories,
KB, threads, languages). Its components are built once; their models load on first use through the
process-wide cache (:mod:`propscope.models.cache`, keyed by directory and fingerprint), so two
analysers with the same config share every model and a call with other
:class:`~propscope.options.RunSettings` (thresholds, components, top-k) loads nothing.

The CLI, the REST API, batches and Ray actors all go through it::

    analyzer = Analyzer(EngineConfig())
    article = analyzer.analyze_text(text, RunSettings(claim_threshold=0.7))
    for outcome in analyzer.run(load_inputs(paths, IngestOptions()), RunSettings()):
        ...  # outcome.status is "ok", "partial" or "error"

Single documents (``analyze``, ``analyze_text``) raise coded errors. ``run`` never stops on a bad
document: each input becomes an :class:`Outcome` with its status, reason and timings.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from propscope.document import Article
from propscope.errors import ComponentUnavailable, PropscopeError, UnsupportedLanguage
from propscope.ingest import IngestResult, article_from_text, load_inputs
from propscope.options import EngineConfig, IngestOptions, RunSettings
from propscope.pipeline import Component, Pipeline

log = logging.getLogger(__name__)

Status = Literal["ok", "partial", "error"]


@dataclass(slots=True)
class Outcome(IngestResult):
    """What became of one input.

    - ``ok``: every requested component ran; ``article`` is complete, ``error`` is ``None``;
    - ``partial``: ``article`` holds what the components before ``reason`` added; ``error`` says
      why the rest did not run (a component failed, or a requested one cannot run here);
    - ``error``: no article; ``error`` is the coded error that stopped it (ingest, language).

    ``timings`` are seconds per document for each component (its batch's time divided by the batch
    size) and ``total``.
    """

    status: Status = "ok"
    reason: str | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @classmethod
    def failed(cls, source: str, error: PropscopeError) -> Outcome:
        return cls(source, None, error, status="error", reason=error.message)


def check_language(article: Article, languages: tuple[str, ...], force: bool = False) -> None:
    """Refuse articles in languages the models were not trained on, unless the user forces it."""
    if force or article.language is None:
        return
    if article.language not in languages:
        raise UnsupportedLanguage(
            f"the article looks like '{article.language}' text; the models support {', '.join(languages)} "
            "(use --force-language to analyse it anyway)"
        )


class Analyzer:
    """Analyses articles with one set of loaded models; thread-safe, long-lived."""

    def __init__(self, config: EngineConfig | None = None, components: Iterable[Component] | None = None) -> None:
        """``components`` replaces the registered ones (embedding propscope with one's own components)."""
        self.config = config or EngineConfig()
        self._components: dict[str, Component] | None = None
        if components is not None:
            self._components = {c.name: c for c in components}
        self._lock = threading.Lock()
        self._prefetched = False

    # -- components ------------------------------------------------------------------------------
    @property
    def components(self) -> dict[str, Component]:
        """Every component that can run here, built once (building loads no model)."""
        if self._components is None:
            from propscope.components import build_components

            with self._lock:
                if self._components is None:
                    self._components = build_components(self.config)
        return self._components

    def pipeline(self, settings: RunSettings | None = None) -> Pipeline:
        """The components ``settings`` asks for (default: all that can run here), in pipeline order."""
        settings = settings or RunSettings()
        if settings.components is None:
            return Pipeline(list(self.components.values()))
        from propscope.components import REGISTRY, UnknownComponent, with_requirements

        known = set(REGISTRY) | set(self.components)
        unknown = [name for name in settings.components if name not in known]
        if unknown:
            raise UnknownComponent(f"unknown component '{unknown[0]}'; known: {', '.join(sorted(known))}")
        # what the named components need is added ("claims" needs the sentences of "segment")
        wanted = set(settings.components) | set(with_requirements(n for n in settings.components if n in REGISTRY))
        return Pipeline([c for name, c in self.components.items() if name in wanted])

    def missing(self, settings: RunSettings | None = None) -> list[str]:
        """Components the settings name explicitly that cannot run here."""
        settings = settings or RunSettings()
        return [name for name in settings.components or () if name not in self.components]

    def signature(self, settings: RunSettings | None = None) -> str:
        """The pipeline signature: equal for two runs exactly when they would produce the same output."""
        return self.pipeline(settings).signature(settings or RunSettings())

    def fingerprints(self, settings: RunSettings | None = None) -> dict[str, Any]:
        """Each component's version and fingerprint under ``settings`` (default settings if none), and
        the pipeline signature. Loads no model."""
        settings = settings or RunSettings()
        pipeline = self.pipeline(settings)
        return {
            "components": {
                c.name: {"version": c.version, "fingerprint": c.fingerprint(settings)} for c in pipeline.components
            },
            "signature": pipeline.signature(settings),
        }

    def warm(self, components: Iterable[Component] | None = None) -> None:
        """Load every model now (a server does this before it takes requests); ``components``: only theirs."""
        for component in self.components.values() if components is None else components:
            component.warm()

    # -- analysis --------------------------------------------------------------------------------
    def analyze(self, article: Article, settings: RunSettings | None = None) -> Article:
        """Analyse one article; raises the coded error of the first component that fails."""
        settings = settings or RunSettings()
        check_language(article, self.config.languages, settings.force_language)
        missing = self.missing(settings)
        if missing:
            raise ComponentUnavailable(f"component {missing[0]} cannot run here (its model or KB is not installed)")
        pipeline = self.pipeline(settings)
        self._prefetch(pipeline)
        return pipeline.analyze(article, settings)

    def _prefetch(self, pipeline: Pipeline) -> None:
        """At the first analysis, load the models of the later components in a background thread while
        the first ones run: ONNX runs release the GIL, so spaCy and the KB load during the tagger's run
        (the first article of a process waited for each in turn). Once per analyser; a model that the
        pipeline reaches before the thread does is loaded once all the same (``load_once`` locks by key)."""
        with self._lock:
            if self._prefetched:
                return
            self._prefetched = True
        # the slowest to load first (spaCy's import and model); the first component loads on demand
        later = sorted(pipeline.components[1:], key=lambda c: -c.warm_cost)
        if not later:
            return

        def run() -> None:
            try:
                self.warm(later)
            except Exception:  # noqa: BLE001 - the analysis itself reports whatever fails to load
                log.debug("prefetch failed", exc_info=True)

        threading.Thread(target=run, name="propscope-prefetch", daemon=True).start()

    def analyze_text(
        self,
        text: str,
        settings: RunSettings | None = None,
        ingest: IngestOptions | None = None,
        **metadata: str | None,
    ) -> Article:
        """Analyse a text given in memory (offsets refer to ``text`` exactly as given)."""
        return self.analyze(article_from_text(text, ingest or IngestOptions(), **metadata), settings)

    def run(
        self, results: Iterable[IngestResult], settings: RunSettings | None = None, batch_size: int = 8
    ) -> Iterator[Outcome]:
        """One :class:`Outcome` per ingest result, in input order; batches model calls."""
        settings = settings or RunSettings()
        pending: list[tuple[str, Article]] = []
        for result in results:
            if result.error is not None or result.article is None:
                yield from self._flush(pending, settings)
                pending = []
                error = result.error or PropscopeError("no article and no error")
                yield Outcome.failed(result.source, error)
                continue
            try:
                check_language(result.article, self.config.languages, settings.force_language)
            except PropscopeError as exc:
                yield from self._flush(pending, settings)
                pending = []
                yield Outcome.failed(result.source, exc)
                continue
            pending.append((result.source, result.article))
            if len(pending) >= batch_size:
                yield from self._flush(pending, settings)
                pending = []
        yield from self._flush(pending, settings)

    def run_inputs(
        self,
        inputs: Iterable[str],
        settings: RunSettings | None = None,
        ingest: IngestOptions | None = None,
        batch_size: int = 8,
    ) -> Iterator[Outcome]:
        """Analyse every document the inputs name (files, URLs, '-', JSONL/CSV, directories)."""
        return self.run(load_inputs(inputs, ingest or IngestOptions()), settings, batch_size)

    def _flush(self, pending: list[tuple[str, Article]], settings: RunSettings) -> Iterator[Outcome]:
        if not pending:
            return
        # Built at the first document that passed ingest and the language gate, not before: a missing
        # file or a refused language is reported without importing a model's code (cli issue 14).
        pipeline = self.pipeline(settings)
        self._prefetch(pipeline)
        missing = self.missing(settings)
        started = time.perf_counter()
        result = pipeline.run_batch([article for _, article in pending], settings)
        count = len(pending)
        timings = {name: round(seconds / count, 6) for name, seconds in result.timings.items()}
        timings["total"] = round((time.perf_counter() - started) / count, 6)
        error: PropscopeError | None = result.error
        reason = None
        if error is not None:
            reason = f"component {result.failed_component} failed: {error.message}"
        elif missing:
            error = ComponentUnavailable(f"component {missing[0]} cannot run here (its model or KB is not installed)")
            reason = error.message
        status: Status = "ok" if error is None else "partial"
        for (source, _), article in zip(pending, result.articles, strict=True):
            yield Outcome(source, article, error, status=status, reason=reason, timings=dict(timings))


_DEFAULTS: dict[EngineConfig, Analyzer] = {}
_DEFAULTS_LOCK = threading.Lock()


def default_analyzer(config: EngineConfig | None = None) -> Analyzer:
    """The process-wide analyser for ``config`` (what ``propscope.runner`` and the CLI use)."""
    config = config or EngineConfig()
    with _DEFAULTS_LOCK:
        if config not in _DEFAULTS:
            _DEFAULTS[config] = Analyzer(config)
        return _DEFAULTS[config]

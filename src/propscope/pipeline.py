"""An ordered list of small components that each add one kind of annotation to an :class:`Article`.

A component has a ``name``, a ``version``, the slots it ``requires`` and those it ``assigns``. It is
built once from an :class:`~propscope.options.EngineConfig` (what it loads) and receives the
:class:`~propscope.options.RunSettings` on every call (what it may vary without loading anything):
``__call__(article, settings)`` annotates one article, ``pipe(articles, settings)`` a batch
(components with a model override it to batch model calls). Models load lazily, the first time a
component needs them, once per process (:mod:`propscope.models.cache`).

Each run is recorded on the article as a :class:`ComponentRun` with the component's
``fingerprint(settings)``: a digest of its version, the model/KB files it uses and the settings that
change its output, so a stored result says exactly what produced it.
"""

from __future__ import annotations

import functools
import inspect
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from propscope.document import Article, ComponentRun
from propscope.errors import PropscopeError
from propscope.models.cache import combine
from propscope.options import AnalyzeOptions, EngineConfig, RunSettings

log = logging.getLogger(__name__)


class Component:
    """Base class of pipeline components."""

    name: ClassVar[str] = "component"
    version: ClassVar[str] = "0"
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ()
    # Seconds of CPU that warm() takes in a fresh process (bench/warm.py): the first analysis of a
    # process loads the slowest first.
    warm_cost: ClassVar[float] = 0.0

    def __init__(self, config: EngineConfig | AnalyzeOptions | None = None) -> None:
        # An AnalyzeOptions (the earlier single object) also gives the settings used when a call
        # passes none, so that ``Component(AnalyzeOptions(...)).pipe(articles)`` keeps working.
        if isinstance(config, AnalyzeOptions):
            self.defaults = config.settings
            config = config.config
        else:
            self.defaults = RunSettings()
        self.config: EngineConfig = config or EngineConfig()

    def settings_for(self, settings: RunSettings | None) -> RunSettings:
        return self.defaults if settings is None else settings

    def __call__(self, article: Article, settings: RunSettings | None = None) -> Article:
        raise NotImplementedError

    def pipe(self, articles: Sequence[Article], settings: RunSettings | None = None) -> list[Article]:
        if _takes_settings(type(self).__call__):
            return [self(article, settings) for article in articles]
        return [self(article) for article in articles]  # type: ignore[call-arg]

    def available(self) -> bool:
        """False where the component cannot run here (e.g. its model is not installed)."""
        return True

    def warm(self) -> None:
        """Load now what the component loads on first use (models, tables, the KB): a server does it
        before taking requests, the analyser in a background thread at its first analysis."""

    def fingerprint(self, settings: RunSettings | None = None) -> str:
        """What this component's output depends on: its version, plus (overridden by components with a
        model) the fingerprints of its files and the settings it reads. Never loads a model."""
        return combine(self.name, self.version)


@functools.cache
def _takes_settings(method: Callable[..., object]) -> bool:
    """Whether a component method takes the run settings. Components written before the settings
    were split off (``pipe(self, articles)``) still run, with their construction-time options."""
    parameters = list(inspect.signature(method).parameters.values())
    return len(parameters) >= 3 or any(p.kind is p.VAR_POSITIONAL for p in parameters)


class PipelineError(PropscopeError):
    code = "E001"


@dataclass(slots=True)
class BatchResult:
    """A batch after the pipeline: the articles, seconds per component, and the error that stopped
    it part way (``None`` when every component ran). Articles keep what earlier components added."""

    articles: list[Article]
    timings: dict[str, float] = field(default_factory=dict)
    error: PropscopeError | None = None
    failed_component: str | None = None


class Pipeline:
    """Runs components in order; checks that each finds the slots it requires."""

    def __init__(self, components: Sequence[Component]) -> None:
        assigned: set[str] = {"text", "links"}
        for component in components:
            missing = [slot for slot in component.requires if slot not in assigned]
            if missing:
                raise PipelineError(
                    f"component '{component.name}' requires {missing}, which no earlier component assigns"
                )
            assigned.update(component.assigns)
        self.components = list(components)

    @property
    def names(self) -> list[str]:
        return [component.name for component in self.components]

    def signature(self, settings: RunSettings | None = None) -> str:
        """One digest of every component's fingerprint, in order: equal signatures, equal output."""
        return combine(*((c.name, c.fingerprint(settings)) for c in self.components))

    def analyze(self, article: Article, settings: RunSettings | None = None) -> Article:
        result = self.run_batch([article], settings)
        if result.error is not None:
            raise result.error
        return result.articles[0]

    def pipe(
        self, articles: Iterable[Article], batch_size: int = 16, settings: RunSettings | None = None
    ) -> Iterator[Article]:
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= batch_size:
                yield from self._articles(batch, settings)
                batch = []
        if batch:
            yield from self._articles(batch, settings)

    def _articles(self, batch: list[Article], settings: RunSettings | None) -> list[Article]:
        result = self.run_batch(batch, settings)
        if result.error is not None:
            raise result.error
        return result.articles

    def run_batch(self, batch: list[Article], settings: RunSettings | None = None) -> BatchResult:
        """Every component over the batch; a coded error stops the batch and is returned, not raised."""
        result = BatchResult(list(batch))
        for component in self.components:
            fingerprint = component.fingerprint(settings)
            started = time.perf_counter()
            try:
                if _takes_settings(type(component).pipe):
                    result.articles = component.pipe(result.articles, settings)
                else:
                    result.articles = component.pipe(result.articles)  # type: ignore[call-arg]
            except PropscopeError as exc:
                result.error, result.failed_component = exc, component.name
                log.warning("component %s failed on a batch of %d: %s", component.name, len(batch), exc.code)
                return result
            finally:
                result.timings[component.name] = time.perf_counter() - started
            for article in result.articles:
                article.components.append(ComponentRun(component.name, component.version, fingerprint))
        return result

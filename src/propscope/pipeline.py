"""An ordered list of small components that each add one kind of annotation to an :class:`Article`.

A component has a ``name``, a ``version``, the slots it ``requires`` and those it ``assigns``.
``__call__`` annotates one article; ``pipe`` annotates a batch (components with a model override it
to batch model calls). Models load lazily, the first time a component needs them, once per process.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import ClassVar

from propscope.document import Article, ComponentRun
from propscope.errors import PropscopeError
from propscope.options import AnalyzeOptions

log = logging.getLogger(__name__)


class Component:
    """Base class of pipeline components."""

    name: ClassVar[str] = "component"
    version: ClassVar[str] = "0"
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ()

    def __init__(self, options: AnalyzeOptions) -> None:
        self.options = options

    def __call__(self, article: Article) -> Article:
        raise NotImplementedError

    def pipe(self, articles: Sequence[Article]) -> list[Article]:
        return [self(article) for article in articles]

    def available(self) -> bool:
        """False where the component cannot run here (e.g. its model is not installed)."""
        return True


class PipelineError(PropscopeError):
    code = "E001"


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

    def analyze(self, article: Article) -> Article:
        return self._run_batch([article])[0]

    def pipe(self, articles: Iterable[Article], batch_size: int = 16) -> Iterator[Article]:
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= batch_size:
                yield from self._run_batch(batch)
                batch = []
        if batch:
            yield from self._run_batch(batch)

    def _run_batch(self, batch: list[Article]) -> list[Article]:
        for component in self.components:
            batch = component.pipe(batch)
            for article in batch:
                article.components.append(ComponentRun(component.name, component.version))
        return batch

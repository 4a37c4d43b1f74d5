"""The article page shows the analysis as its reviewers left it.

Corrections never change the stored analysis (:meth:`propscope.store.Store.add_correction`); the
page draws a copy in which the latest relabel or resize of each span is applied and every span a
reviewer added is a highlight like the model's. Rejected spans stay in the list (struck through,
with their undo) and the page's script takes them out of the text. The copy keeps the analysis'
span positions (corrections name spans by them) and appends the added spans after them.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from propscope.document import Article, TechniqueSpan

# the score of a span a reviewer added: shown at any slider position (a person, not a model, found it)
ADDED_SCORE = 1.0


@dataclasses.dataclass(frozen=True, slots=True)
class Reviewed:
    article: Article
    added: dict[int, int]  # position in article.techniques -> id of the correction that added it


def of_analysis(corrections: list[dict[str, Any]], analysis_id: int) -> list[dict[str, Any]]:
    """The corrections of one analysis (those of an older one name other positions)."""
    return [c for c in corrections if c["analysis_id"] == analysis_id]


def reviewed(article: Article, corrections: list[dict[str, Any]]) -> Reviewed:
    """``article`` with the technique corrections applied in order (``corrections`` as the store
    lists them, oldest first): a relabel sets a span's technique, a resize its words, so a span
    both relabelled and resized keeps both."""
    spans = list(article.techniques)
    added: dict[int, int] = {}
    extra: list[TechniqueSpan] = []
    size = len(article.text)
    for c in corrections:
        after = c["after"]
        if c["target"] != "technique" or not after or not 0 <= after["start"] < after["end"] <= size:
            continue  # claims and matches, rejections (after is None), and what no longer fits the text
        if c["action"] == "add":
            added[len(spans) + len(extra)] = c["id"]
            extra.append(TechniqueSpan(after["technique"], after["start"], after["end"], ADDED_SCORE))
        elif c["index"] is not None and 0 <= c["index"] < len(spans):
            span = spans[c["index"]]
            if c["action"] == "relabel":
                spans[c["index"]] = dataclasses.replace(span, technique=after["technique"])
            elif c["action"] == "resize":
                spans[c["index"]] = dataclasses.replace(span, start=after["start"], end=after["end"])
    return Reviewed(dataclasses.replace(article, techniques=spans + extra), added)

"""The boundary sweep and the reliability bands."""

from __future__ import annotations

import random

import pytest

from propscope.document import Article, TechniqueSpan
from propscope.report.common import crossing_spans, numbered_spans, sweep, tint
from propscope.report.reliability import reliability_band
from propscope.techniques import TECHNIQUE_NAMES, TECHNIQUES


def test_sweep_matches_a_per_character_reference() -> None:
    rng = random.Random(7)
    text = "x" * 300
    for _ in range(30):
        spans = []
        for _ in range(rng.randint(0, 25)):
            start = rng.randrange(0, 299)
            spans.append(TechniqueSpan(rng.choice(TECHNIQUE_NAMES), start, rng.randint(start + 1, min(300, start + 60)), rng.random()))
        article = Article(text=text, techniques=spans)
        numbered = numbered_spans(article)
        pieces = sweep(len(text), numbered, [50, 120])
        assert pieces[0].start == 0 and pieces[-1].end == len(text)
        assert all(a.end == b.start for a, b in zip(pieces, pieces[1:]))
        for piece in pieces:
            expected = {ns.number for ns in numbered if ns.span.start <= piece.start and piece.end <= ns.span.end}
            assert {ns.number for ns in piece.covering} == expected
            scores = [ns.span.score for ns in piece.covering]
            assert scores == sorted(scores, reverse=True)
            assert {ns.number for ns in piece.ends} == {ns.number for ns in numbered if ns.span.end == piece.end}


def test_spans_outside_the_text_are_dropped() -> None:
    article = Article(text="short", techniques=[TechniqueSpan("Doubt", 2, 99, 0.9), TechniqueSpan("Doubt", 3, 3, 0.9)])
    assert numbered_spans(article) == []


def test_crossing_spans() -> None:
    article = Article(
        text="a" * 40,
        techniques=[
            TechniqueSpan("Doubt", 0, 10, 0.5),  # 1: crosses 2
            TechniqueSpan("Doubt", 5, 15, 0.5),  # 2
            TechniqueSpan("Doubt", 20, 30, 0.5),  # 3: contains 4
            TechniqueSpan("Doubt", 22, 25, 0.5),  # 4
        ],
    )
    assert crossing_spans(numbered_spans(article)) == {1, 2}


@pytest.mark.parametrize(
    ("score", "label"),
    [(None, "unrated"), (0.0, "very low"), (0.19, "very low"), (0.2, "low"), (0.29, "low"), (0.4, "mixed"),
     (0.59, "mixed"), (0.6, "generally reliable"), (0.79, "generally reliable"), (0.8, "high"), (1.0, "high")],
)
def test_reliability_bands(score: float | None, label: str) -> None:
    got, meaning = reliability_band(score)
    assert got == label
    assert meaning
    if score is None:
        assert meaning.startswith("not in the ratings")


def _contrast_with_black(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return (luminance + 0.05) / 0.05


def test_highlight_tints_keep_black_text_legible() -> None:
    for technique in TECHNIQUES:
        assert _contrast_with_black(tint(technique.colour)) >= 7.0, technique.name

"""How a claim's speaker and reporting verb read in the reports."""

from __future__ import annotations

from propscope.document import Article, Claim, ComponentRun, Segment
from propscope.report import render_html, render_text
from propscope.runner import Outcome


def _article() -> Article:
    text = "According to Reuters, Kyiv asked the court to investigate. Officials said the claim was false."
    return Article(
        text=text,
        sentences=[Segment(0, 58), Segment(59, len(text))],
        claims=[
            Claim(0, 58, text[0:58], 0.9, speaker="Reuters", verb="according to", voice="reported"),
            Claim(59, len(text), text[59:], 0.8, speaker="Officials", verb="said", voice="reported"),
        ],
        components=[ComponentRun("segment", "1"), ComponentRun("claims", "1"), ComponentRun("attribution", "1")],
    )


def test_according_to_reads_before_the_speaker() -> None:
    report = render_text([Outcome("t", _article(), None)], colour=False)
    assert "according to Reuters (reported speech)" in report
    assert "Officials said (reported speech)" in report


def test_according_to_reads_before_the_speaker_in_html() -> None:
    page = render_html([Outcome("t", _article(), None)])
    assert '<span class="verb">according to</span> <strong>Reuters</strong>' in page

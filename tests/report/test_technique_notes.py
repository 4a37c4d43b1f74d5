"""Every report format says which technique spans it shows, which techniques it hides and why, and
what in each span triggered it."""

from __future__ import annotations

import json

from propscope.document import Article, ComponentRun, HiddenTechnique, TechniqueReport, TechniqueSpan
from propscope.report import render_html, render_json_lines, render_text
from propscope.runner import Outcome

TEXT = "They are nothing but traitors and thugs, the minister said."


def article(report: TechniqueReport) -> Article:
    start = TEXT.index("traitors and thugs")
    return Article(
        text=TEXT,
        techniques=[TechniqueSpan("Name_Calling,Labeling", start, start + 18, 0.52, ["thugs", "traitors"])],
        technique_report=report,
        components=[ComponentRun("techniques", "2")],
    )


PRECISION = TechniqueReport(
    "precision", 0.6, 0.48, [HiddenTechnique("Repetition", "at best 38% precise (44 spans) on 56 held-out PTC articles")]
)


def test_text_report_names_hidden_techniques_and_trigger_words() -> None:
    report = " ".join(render_text([Outcome("t", article(PRECISION), None)], colour=False).split())
    assert "Hidden by default as unreliable (1 technique; --all-spans shows them)" in report
    assert "Repetition: at best 38% precise (44 spans) on 56 held-out PTC articles" in report
    assert "on held-out articles 48% of such spans were right" in report
    assert "flagged for: \u201cthugs\u201d, \u201ctraitors\u201d" in report


def test_html_report_names_hidden_techniques_and_trigger_words() -> None:
    page = render_html([Outcome("t", article(PRECISION), None)])
    assert "Repetition: at best 38% precise (44 spans) on 56 held-out PTC articles" in page
    assert "flagged for: \u201cthugs\u201d, \u201ctraitors\u201d" in page


def test_all_spans_report_says_so_and_hides_nothing() -> None:
    text = " ".join(render_text([Outcome("t", article(TechniqueReport("all_spans")), None)], colour=False).split())
    assert "All spans of the F1-tuned decoder are shown" in text
    assert "Hidden by default" not in text


def test_json_report_carries_the_technique_report_and_triggers() -> None:
    record = json.loads(render_json_lines([Outcome("t", article(PRECISION), None)]))
    assert record["technique_report"]["hidden"] == [
        {"technique": "Repetition", "reason": "at best 38% precise (44 spans) on 56 held-out PTC articles"}
    ]
    assert record["techniques"][0]["triggers"] == ["thugs", "traitors"]

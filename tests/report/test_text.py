"""The terminal report: plain without colour, styled with colour, every section and its empty states."""

from __future__ import annotations

import pytest

from propscope.document import Article, Claim, ComponentRun, TechniqueSpan
from propscope.errors import InputNotFound
from propscope.report import render_text
from propscope.techniques import TECHNIQUES

from .sample import ALL_COMPONENTS, Outcome


def flat(text: str) -> str:
    """Whitespace collapsed: rich wraps long lines at 100 columns."""
    return " ".join(text.split())


def test_plain_text_has_no_escape_codes(article: Article) -> None:
    report = render_text([Outcome("bucha.txt", article, None)], colour=False)
    assert "\x1b" not in report
    assert max(len(line) for line in report.splitlines()) <= 100
    assert not [line for line in report.splitlines() if line != line.rstrip()]


def test_colour_text_has_escape_codes(article: Article, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    report = render_text([Outcome("bucha.txt", article, None)], colour=True)
    assert "\x1b[" in report


def test_escape_sequences_in_the_article_are_neutralised() -> None:
    article = Article(text="Clear the screen \x1b[2J now [bold]please[/bold].", components=[ComponentRun("techniques", "1")])
    report = render_text([Outcome("x.txt", article, None)], colour=False)
    assert "\x1b" not in report
    assert "[bold]please[/bold]" in report  # rich markup in an article is text, not styling


def test_sections_and_markers(article: Article) -> None:
    report = render_text([Outcome("bucha.txt", article, None)], colour=False)
    flat_report = flat(report)
    assert "Moscow dismisses Bucha {'provocation'}[1]" in flat_report
    # Nested spans close innermost first; spans that cross carry their number at the opening brace.
    assert "{so-called {massacre}[3]}[2]" in flat_report
    assert "{7:neo-Nazi {8:regime}[7] in Kyiv and its Western puppet masters}[8]" in flat_report
    assert "[5] Loaded language 0.93 “monstrous forgery”" in flat_report
    assert "Foreign Minister Sergey Lavrov said (reported speech)" in flat_report
    assert "the article itself (own voice)" in flat_report
    assert "EUvsDisinfo disinformation case, 2022-04-05 similarity 0.87" in flat_report
    assert "Snopes (no verdict in the data) similarity 0.61" in flat_report
    assert "The article attributes this claim to Foreign Minister Sergey Lavrov: it reports the claim" in flat_report
    assert "rated: disinformation" not in flat_report
    assert "https://euvsdisinfo.eu/report/bucha-staged/" in flat_report
    assert "Reliability very low (0.18)" in flat_report
    assert "Reliability unrated: not in the ratings" in flat_report
    assert "components: segment 1.0, techniques 0.1.0" in flat_report


def test_every_technique_is_explained_when_present() -> None:
    text = " ".join(f"word{i}" for i in range(len(TECHNIQUES)))
    spans = []
    for i, technique in enumerate(TECHNIQUES):
        start = text.index(f"word{i}")
        spans.append(TechniqueSpan(technique.name, start, start + len(f"word{i}"), 0.5))
    article = Article(text=text, techniques=spans, components=[ComponentRun("techniques", "1")])
    report = flat(render_text([Outcome("all.txt", article, None)], colour=False))
    for technique in TECHNIQUES:
        for field in (technique.title, technique.definition, technique.why):
            assert flat(field) in report, field


def test_failed_outcome_is_one_line(article: Article) -> None:
    outcomes = [Outcome("missing.txt", None, InputNotFound("no such file: missing.txt")), Outcome("b.txt", article, None)]
    report = render_text(outcomes, colour=False)
    assert report.splitlines()[0] == "FAILED missing.txt: E101 no such file: missing.txt"


def test_not_run_differs_from_nothing_found() -> None:
    nothing_ran = Article(text="A quiet sentence.", components=[ComponentRun("segment", "1")])
    report = render_text([Outcome("a.txt", nothing_ran, None)], colour=False)
    assert "No technique model ran" in report
    assert "No claim model ran" in report
    assert "No source finder ran" in report
    all_ran = Article(text="A quiet sentence.", components=list(ALL_COMPONENTS))
    report = render_text([Outcome("a.txt", all_ran, None)], colour=False)
    assert "No persuasion techniques found above the thresholds." in report
    assert "No check-worthy claims found." in report
    assert "No cited sources found." in report


def test_claims_without_attribution_or_matching(article: Article) -> None:
    article.components = [c for c in article.components if c.name not in ("attribution", "matching")]
    report = flat(render_text([Outcome("a.txt", article, None)], colour=False))
    assert "speaker not analysed (attribution did not run)" in report
    assert "Known-claim matching did not run" in report
    assert "similarity 0.87" not in report


def test_a_claim_that_opens_a_quotation_is_not_quoted_twice() -> None:
    text = "\u201cAt 5:22 a.m., employees noticed an active fire on the video system. It was contained.\u201d"
    first = text.index(" It was")
    article = Article(
        text=text,
        claims=[Claim(0, first, text[:first], 0.9, voice="direct"), Claim(first + 1, len(text), text[first + 1 :], 0.8)],
        components=[ComponentRun("segment", "1"), ComponentRun("claims", "1")],
    )
    report = flat(render_text([Outcome("x.txt", article, None)], colour=False))
    assert "\u201cAt 5:22 a.m., employees noticed an active fire on the video system.\u201d" in report
    assert "\u201c\u201c" not in report and "\u201d\u201d" not in report
    assert "\u201cIt was contained.\u201d" in report


def test_a_claim_holding_only_the_end_of_a_quotation_gets_only_its_start() -> None:
    from propscope.report.common import quoted

    # the reporting clause after the quotation must not read as quoted too
    assert quoted("We are ready,\u201d says the mayor.") == "\u201cWe are ready,\u201d says the mayor."
    assert quoted("\u201cWe are ready, and we will stay") == "\u201cWe are ready, and we will stay\u201d"
    assert quoted("The so-called \u201cpeace plan\u201d failed.") == "\u201cThe so-called \u201cpeace plan\u201d failed.\u201d"
    assert quoted("Er sagte: \u201eWir sind bereit\u201c.") == "\u201cEr sagte: \u201eWir sind bereit\u201c.\u201d"
    assert quoted("\u201cWe are ready,\u201d the firm said.") == "\u201cWe are ready,\u201d the firm said."
    assert quoted('"We are ready," the firm said.') == '"We are ready," the firm said.'

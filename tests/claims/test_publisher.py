"""The article's own outlet rated like a cited one and shown first; near-miss names behind a qualifier."""

from __future__ import annotations

import pytest

from propscope.components.citations import CitationFinder
from propscope.document import Article, ComponentRun
from propscope.options import AnalyzeOptions
from propscope.report import render_text
from propscope.report.html import render_html
from propscope.runner import Outcome
from propscope.schema import article_from_dict, article_to_dict
from propscope.sources import SourceTable

TEXT = "The ministry said the pictures had been edited and that the West was lying again."


def publisher(**metadata: str):  # type: ignore[no-untyped-def]
    return CitationFinder(AnalyzeOptions())(Article(text=TEXT, **metadata)).publisher


def test_publisher_from_the_url_is_rated_like_a_cited_outlet() -> None:
    table = SourceTable.load()
    outlet = publisher(url="https://www.rt.com/news/123-bucha/")
    assert (outlet.name, outlet.domain, outlet.how) == ("RT", "rt.com", "url")
    assert outlet.reliability == table.rating("rt.com") and outlet.reliability is not None


@pytest.mark.parametrize(
    "metadata",
    [
        {"url": "https://rrn.media/korean-and-israeli-models/", "outlet": "Reliable Recent News"},
        {"outlet": "rrn.media"},  # the PPN records give the outlet as a domain
        {"url": "https://tribunalukraine.info/article/128?lang=en"},
    ],
)
def test_publisher_missing_from_the_ratings_is_unrated_not_absent(metadata: dict[str, str]) -> None:
    outlet = publisher(**metadata)
    assert outlet is not None and outlet.domain in ("rrn.media", "tribunalukraine.info")
    assert outlet.reliability is None


def test_publisher_from_an_outlet_name_and_none_without_any() -> None:
    assert publisher(outlet="Fars News").domain == "farsnews.ir"
    assert publisher(outlet="A Small Blog").domain is None
    assert publisher() is None


def test_publisher_heads_both_reports_and_survives_json() -> None:
    rated = CitationFinder(AnalyzeOptions())(Article(text=TEXT, url="https://www.rt.com/news/1/", title="Bucha"))
    unrated = CitationFinder(AnalyzeOptions())(Article(text=TEXT, url="https://rrn.media/x/", outlet="Reliable Recent News"))
    for article, expected in ((rated, f"RT (rt.com): reliability low ({rated.publisher.reliability:.2f})"),
                              (unrated, "Reliable Recent News (rrn.media): unrated (not in the ratings table)")):
        text_report = render_text([Outcome("a.html", article, None)], colour=False)
        header = text_report[: text_report.index(TEXT[:20])]
        assert "outlet:" in header and expected in " ".join(header.split())
        assert expected in render_html([Outcome("a.html", article, None)])
        assert article_from_dict(article_to_dict(article)) == article


@pytest.mark.parametrize(
    ("sentence", "name", "domain"),
    [
        ("Iran’s Far News reported that the attack was staged.", "Far News", "farsnews.ir"),
        ("The Iranian Far News agency reported it.", "Far News", "farsnews.ir"),
        ("This was reported by Iran's Far News.", "Far News", "farsnews.ir"),
        ("A Far News journalist said so.", "Far News", "farsnews.ir"),
        ("The blame is on Kyiv, reported Far News.", "Far News", "farsnews.ir"),
        # ambiguous or too far: stays an unknown outlet, never a guess
        ("BC News reported it.", "BC News", None),  # as close to ABC, BBC, CBC and NBC News
        ("Fax News reported it.", "Fax News", None),  # not close enough to Fox News
    ],
)
def test_near_miss_names_behind_a_qualifier(sentence: str, name: str, domain: str | None) -> None:
    citations = CitationFinder(AnalyzeOptions()).find(Article(text=sentence))
    assert [(c.name, c.domain) for c in citations] == [(name, domain)]


def test_a_list_of_outlets_is_resolved_name_by_name() -> None:
    citations = CitationFinder(AnalyzeOptions()).find(Article(text="Tasnim and Far News reported it."))
    assert [(c.name, c.domain) for c in citations] == [("Tasnim", "tasnimnews.com"), ("Far News", "farsnews.ir")]


def test_report_says_when_the_outlet_is_not_known() -> None:
    article = CitationFinder(AnalyzeOptions())(Article(text=TEXT, title="A saved page"))
    article.components.append(ComponentRun("citations", CitationFinder.version))
    report = render_text([Outcome("page.html", article, None)], colour=False)
    assert "outlet:     not known (no URL or site name came with the article)" in report


def test_an_adverb_between_outlet_and_verb_and_outlets_seen_on_ppn_pages() -> None:
    finder = CitationFinder(AnalyzeOptions())
    found = finder.find(Article(text="Tagesspiegel cautiously publishes footage of destroyed equipment."))
    assert [(c.name, c.domain) for c in found] == [("Tagesspiegel", "tagesspiegel.de")]
    assert finder.find(Article(text="Ivanov quickly said it was staged.")) == []  # a person, not an outlet

"""Outlets named in the text and linked domains, resolved to domains and ratings."""

from __future__ import annotations

from propscope.components.citations import CitationFinder
from propscope.options import AnalyzeOptions
from propscope.sources import SourceTable
from propscope.sources.table import Outlet
from tests.claims.articles import article

TEXT = [
    "The massacre was staged, reported the Daily Telegraph.",
    "The story was first published by Islam Times and repeated by Far News.",
    "Noted Sky News: nothing was confirmed.",
    "TASS and RIA Novosti quoted the ministry.",
    "Zakharova wrote on her Telegram channel that the West lied.",
    "The decree was posted on the Kremlin website.",
    "According to RT, the West is to blame.",
    "The Sun is shining over Kyiv.",
    "Foo Bar News reported the same story.",
    "According to John Smith, nothing happened.",
    "Analysts at the Atlantic Council disagreed.",
    "See rt.com for the original.",
]


def found(doc) -> dict[str, tuple[str | None, float | None]]:  # noqa: ANN001
    return {doc.text[c.start : c.end]: (c.domain, c.reliability) for c in doc.citations if c.kind == "named"}


def test_named_outlets_map_to_domains_and_ratings() -> None:
    table = SourceTable.load()
    doc = CitationFinder(AnalyzeOptions())(article(TEXT))
    named = found(doc)
    assert named["Daily Telegraph"] == ("telegraph.co.uk", table.rating("telegraph.co.uk"))
    assert named["Islam Times"] == ("islamtimes.org", None)  # a known outlet without a rating stays unrated
    assert named["Far News"][0] == "farsnews.ir"  # near miss, unambiguous
    assert named["Sky News"][0] == "news.sky.com"
    assert named["TASS"][0] == "tass.com" and named["RIA Novosti"][0] == "ria.ru"
    assert named["Telegram channel"] == ("t.me", None)  # an official's channel on a platform
    assert named["Kremlin website"][0] == "kremlin.ru"
    assert named["RT"][0] == "rt.com"  # a short name counts next to "according to"
    assert named["Foo Bar News"] == (None, None)  # unknown stays unknown
    assert named["rt.com"][0] == "rt.com"
    assert table.rating("telegraph.co.uk") is not None and 0 <= table.rating("telegraph.co.uk") <= 1
    texts = set(named)
    assert "The Sun" not in texts and "Sun" not in texts  # an ordinary word without a citing cue
    assert "John Smith" not in texts  # a person is a speaker, not a source
    assert not any("Atlantic" in t for t in texts)  # the Atlantic Council is not The Atlantic


def test_links_become_link_citations_except_the_articles_own_site() -> None:
    lines = ["Moscow repeated the claim, as the agency wrote.", "Our own report is here.", "The channel posted it."]
    doc = CitationFinder(AnalyzeOptions())(article(lines, links=[
        ("the agency", "https://tass.com/politics/123"), ("Our own report", "https://example-news.org/a"),
        ("The channel", "https://t.me/rybar/1"), ("Moscow", "/relative/link"),
    ], url="https://www.example-news.org/story"))
    links = [(doc.text[c.start : c.end], c.name, c.domain, c.reliability) for c in doc.citations if c.kind == "link"]
    assert links[0][:3] == ("the agency", "TASS", "tass.com") and links[0][3] is not None
    assert links[1] == ("The channel", "t.me", "t.me", None)  # a platform has no rating of its own
    assert len(links) == 2


def test_near_miss_only_when_unambiguous() -> None:
    table = SourceTable({"alpha-news.com": 0.4, "alpha-times.com": 0.8}, [
        Outlet("Alpha News", "alpha-news.com"), Outlet("Alpha Times", "alpha-times.com"), Outlet("Fars News", "farsnews.ir"),
    ])
    assert table.resolve_name("Far News").domain == "farsnews.ir"
    assert table.resolve_name("Alpha Newz").domain == "alpha-news.com"
    assert table.resolve_name("Alpha Nemes").how == "unknown"  # as close to both: ambiguous
    assert table.resolve_name("Completely Different").how == "unknown"


def test_account_paths_and_parent_domains() -> None:
    table = SourceTable({"twitter.com/capnews": 0.2, "cnn.com": 0.66}, [])
    assert table.rate_url("https://twitter.com/CapNews/status/1").domain == "twitter.com/capnews"
    assert table.rate_url("https://twitter.com/someone").how == "platform"
    assert table.rate_url("https://edition.cnn.com/2022/x").domain == "cnn.com"
    assert table.rate_url("http://unknown.example/x").reliability is None


def test_the_fingerprint_does_not_change_when_the_table_loads() -> None:
    # Each worker of a batch ran its first batch before the table loaded: those articles carried
    # another fingerprint than the rest, and the local and Ray outputs differed by batch layout.
    finder = CitationFinder(AnalyzeOptions())
    before = finder.fingerprint()
    finder(article(TEXT))
    assert finder.fingerprint() == before
    given = CitationFinder(AnalyzeOptions(), table=SourceTable.load())
    assert given.fingerprint() != before  # a caller's table is not the shipped files

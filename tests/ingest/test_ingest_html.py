"""HTML files: main text only, links with exact offsets, metadata, the shipped example page."""

from __future__ import annotations

from pathlib import Path

from propscope.errors import EmptyInput
from propscope.ingest import load_inputs
from propscope.options import IngestOptions

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

PAGE = """<!DOCTYPE html>
<html><head><title>Bucha: the staged tragedy | Example</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2022-04-05">
<link rel="canonical" href="https://news.example.org/bucha"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Bucha: the staged tragedy</h1>
<p>According to <a href="https://www.reuters.com/world/x">Reuters</a>, the West is <b>lying</b> about the town.
The Iranian outlet <a href="https://www.islamtimes.org/en/news/1">Islam Times</a> said the same &amp; more.</p>
<script>alert(1)</script>
<p>Officials claimed the pictures had been edited, and a <a href="/world/other">second report</a> agreed with them.</p>
</article><footer>Copyright Example News</footer></body></html>
"""


def load_html(tmp_path: Path, content: str, name: str = "page.html"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    [result] = list(load_inputs([str(path)], IngestOptions()))
    return result


def test_main_text_links_and_metadata(tmp_path: Path) -> None:
    result = load_html(tmp_path, PAGE)
    article = result.article
    assert result.error is None and article is not None
    assert "alert(1)" not in article.text
    assert "Home" not in article.text and "Copyright" not in article.text
    assert "the same & more" in article.text  # entities decoded
    assert article.title == "Bucha: the staged tragedy"
    assert article.date == "2022-04-05"
    assert article.url == "https://news.example.org/bucha"
    assert article.outlet == "Example News"
    assert article.id == "page"
    anchors = [(article.text[link.start : link.end], link.href) for link in article.links]
    assert anchors == [
        ("Reuters", "https://www.reuters.com/world/x"),
        ("Islam Times", "https://www.islamtimes.org/en/news/1"),
        # relative links are resolved against the page's canonical URL
        ("second report", "https://news.example.org/world/other"),
    ]


def test_htm_extension_and_tiny_page_falls_back(tmp_path: Path) -> None:
    result = load_html(tmp_path, "<html><body><p>Short note.</p><script>evil()</script></body></html>", "tiny.htm")
    assert result.error is None and result.article is not None
    assert result.article.text == "Short note."


def test_page_without_text_is_empty(tmp_path: Path) -> None:
    result = load_html(tmp_path, "<html><body><script>alert(1)</script></body></html>")
    assert isinstance(result.error, EmptyInput)


def test_example_page_matches_the_text_example() -> None:
    [html_result] = list(load_inputs([str(EXAMPLES / "article.html")], IngestOptions()))
    article = html_result.article
    assert article is not None
    assert "alert(1)" not in article.text and "Subscribe" not in article.text
    plain = (EXAMPLES / "article.txt").read_text(encoding="utf-8")
    # Same paragraphs; the HTML rendering separates them by one newline instead of a blank line, and
    # the headline is the page's title (metadata), not a line of the text.
    headline, *paragraphs = [p for p in plain.strip().split("\n") if p]
    assert article.title == headline
    assert article.text.split("\n") == paragraphs
    anchors = {article.text[link.start : link.end] for link in article.links}
    assert {"Reuters", "Islam Times", "Fars News Agency"} <= anchors
    assert any("islamtimes.org" in link.href for link in article.links)


def test_xhtml_with_xml_declaration(tmp_path: Path) -> None:
    text = "The ministry said the report was false and that the West was lying again, as always."
    page = f'<?xml version="1.0" encoding="utf-8"?>\n<html><body><article><p>{text}</p></article></body></html>'
    result = load_html(tmp_path, page, "page.xhtml.html")
    assert result.article is not None and result.article.text == text

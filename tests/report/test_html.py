"""The HTML report: escaping, no network loads, overlapping spans, well-formed markup."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from propscope.document import Article, ComponentRun, TechniqueSpan
from propscope.errors import InputNotFound
from propscope.report import render_html
from propscope.report.common import numbered_spans
from propscope.techniques import TECHNIQUES

from .sample import ALL_COMPONENTS, Outcome, build_article

VOID = {"meta", "br", "input", "col", "img", "link", "hr", "wbr"}


class _Collector(HTMLParser):
    """Collects tags, attributes, mark texts, and checks that non-void elements nest properly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.marks: list[tuple[str, str]] = []  # (data-spans, text)
        self._mark: list[str] | None = None
        self._mark_spans = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "mark":
            self._mark = []
            self._mark_spans = attributes.get("data-spans") or ""
        if tag == "br" and self._mark is not None:
            self._mark.append("\n")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()
        if tag == "mark" and self._mark is not None:
            self.marks.append((self._mark_spans, "".join(self._mark)))
            self._mark = None

    def handle_data(self, data: str) -> None:
        if self._mark is not None:
            self._mark.append(data)


def parse(page: str) -> _Collector:
    collector = _Collector()
    collector.feed(page)
    collector.close()
    return collector


def test_script_in_text_and_title_is_escaped(article: Article) -> None:
    page = render_html([Outcome("bucha.txt", article, None)])
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert('title')" not in page
    assert html.escape("<script>alert('title')</script>") in page
    # The only script element is the report's own.
    assert page.count("<script") == 1


def test_page_loads_nothing_from_the_network(article: Article) -> None:
    page = render_html([Outcome("bucha.txt", article, None)])
    assert re.search(r"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#x27;none&#x27;", page)
    assert not re.search(r"\bsrc\s*=", page, re.I)
    assert "<link" not in page.lower()
    assert "@import" not in page and "url(" not in page
    collector = parse(page)
    for tag, attributes in collector.tags:
        href = attributes.get("href")
        if href is None:
            continue
        assert tag == "a", f"href on <{tag}>"
        if href.startswith("#"):
            continue
        assert href.startswith(("http://", "https://")), href
        assert attributes.get("rel") == "noopener noreferrer"


def test_unsafe_urls_are_never_links(article: Article) -> None:
    page = render_html([Outcome("bucha.txt", article, None)])
    hrefs = [a.get("href") or "" for tag, a in parse(page).tags if tag == "a"]
    assert not [h for h in hrefs if h.lower().startswith("javascript")]
    assert "https://euvsdisinfo.eu/report/bucha-staged/" in hrefs
    # Still shown, as inert text, so that a fact-checker sees what the knowledge base holds.
    assert "javascript:alert(&#x27;match&#x27;)" in page


def test_overlapping_spans_all_render(article: Article) -> None:
    page = render_html([Outcome("bucha.txt", article, None)])
    collector = parse(page)
    assert not collector.errors
    assert not collector.stack
    spans = numbered_spans(article)
    texts: dict[int, str] = {ns.number: "" for ns in spans}
    for numbers, text in collector.marks:
        for number in numbers.split():
            texts[int(number)] += text
    for ns in spans:
        assert texts[ns.number] == article.text[ns.span.start : ns.span.end], ns
    nested = [numbers for numbers, text in collector.marks if text == "massacre"]
    assert nested and len(nested[0].split()) == 2
    for technique in {ns.technique.name for ns in spans}:
        assert f'data-title="{html.escape(next(t.title for t in TECHNIQUES if t.name == technique))}"' in page


def test_span_across_a_paragraph_break_keeps_markup_well_formed() -> None:
    text = "First paragraph ends here.\n\nSecond paragraph starts here."
    article = Article(
        text=text,
        techniques=[TechniqueSpan("Loaded_Language", 6, 40, 0.9), TechniqueSpan("Doubt", 0, 5, 0.5)],
        components=[ComponentRun("techniques", "1")],
    )
    collector = parse(render_html([Outcome("p.txt", article, None)]))
    assert not collector.errors and not collector.stack
    paragraphs = [tag for tag, _ in collector.tags if tag == "p"]
    assert len(paragraphs) >= 2
    # Span 2 is the loaded-language span; the blank line between paragraphs becomes the paragraph break.
    joined = "".join(t for n, t in collector.marks if "2" in n.split())
    assert joined == text[6:26] + text[28:40]


def test_every_technique_is_explained_when_present() -> None:
    text = " ".join(f"word{i}" for i in range(len(TECHNIQUES)))
    spans = []
    for i, technique in enumerate(TECHNIQUES):
        start = text.index(f"word{i}")
        spans.append(TechniqueSpan(technique.name, start, start + len(f"word{i}"), 0.5))
    article = Article(text=text, techniques=spans, components=[ComponentRun("techniques", "1")])
    page = render_html([Outcome("all.txt", article, None)])
    for technique in TECHNIQUES:
        for field in (technique.title, technique.definition, technique.why):
            assert html.escape(field) in page, field


def test_failed_outcome_and_several_articles() -> None:
    first, second = build_article(), build_article()
    second.id = "other"
    outcomes = [
        Outcome("one.txt", first, None),
        Outcome("two.txt", second, None),
        Outcome("<bad>.txt", None, InputNotFound("no such file: <bad>.txt")),
    ]
    page = render_html(outcomes)
    collector = parse(page)
    assert not collector.errors
    ids = [a["id"] for _, a in collector.tags if a.get("id")]
    assert len(ids) == len(set(ids)), "ids must be unique across articles"
    assert "E101" in page and "no such file: &lt;bad&gt;.txt" in page
    assert "Articles in this report" in page


def test_not_run_differs_from_nothing_found() -> None:
    nothing_ran = Article(text="A quiet sentence.", components=[ComponentRun("segment", "1")])
    page = render_html([Outcome("a.txt", nothing_ran, None)])
    assert "No technique model ran" in page
    assert "No claim model ran" in page
    assert "No source finder ran" in page
    all_ran = Article(text="A quiet sentence.", components=list(ALL_COMPONENTS))
    page = render_html([Outcome("a.txt", all_ran, None)])
    assert "No persuasion techniques found" in page
    assert "No check-worthy claims found" in page
    assert "No cited sources found" in page
    assert "No technique model ran" not in page


def test_claims_and_sources_tables(article: Article) -> None:
    page = render_html([Outcome("bucha.txt", article, None)])
    assert "Foreign Minister Sergey Lavrov" in page
    assert "reported speech" in page and "article&#x27;s own voice" in page
    assert "The massacre in Bucha was staged by Ukraine." in page
    assert "EUvsDisinfo" in page and "2022-04-05" in page
    assert "very low" in page and "islamtimes.org" in page
    assert "unrated" in page

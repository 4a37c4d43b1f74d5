"""The parsed page before main-text extraction: parsing, its own metadata, furniture, loose text.

trafilatura does the main-text extraction; this module prepares the tree it gets and reads what the
page says about itself, because on real pages (the PPN set of pseudo-news sites) trafilatura alone
keeps author boxes ("RRN Staff"), takes a sidebar's heading for the title (tribunalukraine.info, whose
``<title>`` is the same menu entry on every page), and drops text that sits directly in a ``<div>``
next to child blocks (everything before the first ``<br>``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from lxml import html as lxml_html

from propscope.ingest.boilerplate import Removed, classify_line, title_key

# libxml2 stops building the tree below depth 256 (2048 with huge_tree) and drops the rest silently.
_DEPTH_ERROR = "Excessive depth"

_ARTICLE_TYPES = frozenset(
    {"article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
     "backgroundnewsarticle", "blogposting", "socialmediaposting", "webpage", "report", "scholarlyarticle"}
)
# Class/id words of page furniture; an element is furniture when one of its class or id words is one
# of these and its text is short (a whole article is never removed for its wrapper's class name).
_FURNITURE_WORDS: dict[str, str] = {
    **dict.fromkeys(("author", "authors", "byline", "writer", "contributor"), "byline"),
    **dict.fromkeys(("credit", "credits", "copyright", "photographer"), "credit"),
    **dict.fromkeys(
        ("share", "sharing", "sharer", "social", "addthis", "sharethis", "subscribe", "subscription",
         "newsletter", "signup", "notification", "banner", "breadcrumb", "breadcrumbs"),
        "furniture",
    ),
}
# Menus and related-story lists are long; they go when they hold well under half the page's text.
_NAVIGATION_WORDS = frozenset({"header", "menu", "nav", "navbar", "navigation", "related", "similar", "sidebar", "footer"})
_NAVIGATION_SHARE = 0.4
_FURNITURE_MAX_CHARS = 300
_NEVER_REMOVED = frozenset({"html", "body", "main", "article"})
_WORDS = re.compile(r"[a-z]+")
_BLOCKS = frozenset(
    {"div", "p", "section", "article", "main", "header", "footer", "nav", "aside", "ul", "ol", "dl", "table",
     "figure", "blockquote", "pre", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "address", "details",
     "video", "audio", "iframe"}
)
_CONTAINERS = ("div", "section", "article", "main", "td", "blockquote", "header", "footer", "aside")
_TITLE_SEPARATORS = re.compile(r"\s+[|–—-]\s+|\s+::\s+|\s+»\s+")
_HEADINGS = frozenset({"h1", "h2", "h3"})
_HEADING_CLASS = re.compile(r"title|headline|heading", re.IGNORECASE)


@dataclass(slots=True)
class PageMeta:
    """What the page says about itself, in its head and its structured data."""

    title: str | None = None
    sitename: str | None = None
    author: str | None = None
    date: str | None = None


def parse(html: str) -> Any:
    """The page as an lxml tree (``<html>`` root), or None when it is nested too deep to parse whole."""
    parser = lxml_html.HTMLParser(
        huge_tree=True, collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True
    )
    try:
        tree = lxml_html.document_fromstring(html, parser=parser)
    except Exception:  # lxml raises ParserError ("Document is empty") and others on junk
        return None if any(_DEPTH_ERROR in entry.message for entry in parser.error_log) else _empty()
    if any(_DEPTH_ERROR in entry.message for entry in parser.error_log):
        return None
    return tree


def _empty() -> Any:
    return lxml_html.document_fromstring("<html><body></body></html>")


class _FlatText(HTMLParser):
    """Visible text of any page, however deep: one line per block, no scripts, styles or head."""

    _SKIP = frozenset({"script", "style", "head", "template", "noscript", "svg", "title", "nav", "iframe"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.in_title = False
        self.title_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_title = tag == "title" or self.in_title
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in _BLOCKS or tag in ("br", "li", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS or tag in ("li", "tr"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)
        if not self.skipping:
            self.parts.append(data)


def flat_text(html: str) -> tuple[str, str | None]:
    """The visible text of a page, a paragraph per line, and its ``<title>`` (the parser of the
    standard library has no depth limit, so this is the way to read pages that lxml cannot build)."""
    reader = _FlatText()
    reader.feed(html)
    reader.close()
    lines = (" ".join(line.split()) for line in "".join(reader.parts).split("\n"))
    title = " ".join("".join(reader.title_parts).split()) or None
    return "\n".join(line for line in lines if line), title


# --- the page's own metadata ---------------------------------------------------------------------


def metadata(tree: Any) -> PageMeta:
    """Title, site name and author from JSON-LD, OpenGraph/Twitter/meta tags and ``<title>``, in that
    order of trust; a ``<title>`` that is also a link of the page's menus names a section, not this page."""
    meta = PageMeta()
    ld = _json_ld_article(tree)
    metas = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        value = " ".join((element.get("content") or "").split())
        if key and value and key not in metas:
            metas[key] = value
    meta.title = (
        _text(ld.get("headline"))
        or metas.get("og:title")
        or metas.get("twitter:title")
        or metas.get("dc.title")
        or metas.get("title")
        or _head_title(tree)
    )
    publisher = ld.get("publisher")
    meta.sitename = metas.get("og:site_name") or (_text(publisher.get("name")) if isinstance(publisher, dict) else None)
    meta.author = _ld_author(ld.get("author")) or metas.get("author")
    for value in (ld.get("datePublished"), *(metas.get(key) for key in _DATE_KEYS), _article_time(tree)):
        found = iso_date(value) if isinstance(value, str) else None
        if found:
            meta.date = found
            break
    return meta


def _article_time(tree: Any) -> str | None:
    """The ``<time datetime>`` of the article itself: the first inside ``<article>``, outside any list
    of other stories."""
    for article in tree.iter("article"):
        for element in article.iter("time"):
            if element.get("datetime") and not any(a.tag in ("li", "aside", "nav") for a in element.iterancestors()):
                return element.get("datetime")
    return None


_DATE_KEYS = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate", "dc.date", "date")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DMY = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")


def iso_date(text: str) -> str | None:
    """The first date of ``2023-09-03T12:30``, ``03.09.2023`` or ``03.09.2023 - 30.09.2023`` as ISO."""
    found = _ISO.search(text)
    if found:
        year, month, day = found.groups()
    else:
        found = _DMY.search(text)
        if not found:
            return None
        day, month, year = found.groups()
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return None
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _text(value: Any) -> str | None:
    return " ".join(value.split()) or None if isinstance(value, str) else None


def _json_ld_article(tree: Any) -> dict[str, Any]:
    """The first JSON-LD object of an article type (``@graph`` included); {} when there is none."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                kinds = item.get("@type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds) and item.get("headline"):
                    return item
                if "@graph" in item:
                    stack.extend(item["@graph"] if isinstance(item["@graph"], list) else [item["@graph"]])
    return {}


def _ld_author(value: Any) -> str | None:
    if isinstance(value, list):
        names = [_ld_author(item) for item in value]
        return ", ".join(n for n in names if n) or None
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _head_title(tree: Any) -> str | None:
    element = tree.find(".//title")
    if element is None:
        return None
    full = " ".join(element.text_content().split())
    if not full:
        return None
    links = {title_key(a.text_content()) for a in tree.iter("a")}
    parts = [part for part in _TITLE_SEPARATORS.split(full) if part.strip()]
    # "Headline - Section | Site": the longest part is the headline; a part that is a menu link of the
    # page ("High-level corruption" on every tribunalukraine.info page) is a section name.
    candidates = sorted(parts, key=len, reverse=True) if len(parts) > 1 else [full]
    for candidate in candidates:
        if title_key(candidate) not in links:
            return candidate.strip()
    return None


def title_from_first_line(tree: Any, text: str) -> str | None:
    """The headline of a page without usable metadata: the first line of the main text when the page
    shows it as a heading (``h1``-``h3``, or an element whose class says title/headline), else the
    heading just before that line on the page (extractors often drop a lone heading ``<div>``)."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if not first:
        return None
    key = title_key(first)
    if not key:
        return None
    holder = None
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if _is_heading(element) and len(first) <= 200 and title_key(element.text_content()) == key:
            return first
        # the element whose own text starts the line (text_content of every element would be quadratic)
        own = title_key((element.text or "")[:200])
        if own and key.startswith(own[:80]) or own.startswith(key[:80]) and own:
            holder = holder if holder is not None else element
    for _, element in zip(range(4), [holder, *holder.iterancestors()] if holder is not None else []):
        for sibling in element.itersiblings(preceding=True):
            if not isinstance(sibling.tag, str):
                continue
            heading = " ".join(sibling.text_content().split())
            if heading and len(heading) <= 200 and _is_heading(sibling):
                return heading
            if heading:
                break
    return None


def _is_heading(element: Any) -> bool:
    return element.tag in _HEADINGS or bool(_HEADING_CLASS.search(element.get("class") or ""))


# --- furniture and loose text ---------------------------------------------------------------------


def remove_furniture(tree: Any) -> list[Removed]:
    """Remove author boxes, share/subscribe blocks and credits named as such by their class or id;
    return their text (the byline is the author's name, a credit stays a credit)."""
    removed: list[Removed] = []
    body = tree.find("body")
    page_chars = len("".join((body if body is not None else tree).text_content().split()))
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.tag in _NEVER_REMOVED or element.getparent() is None:
            continue
        words = _WORDS.findall(f"{element.get('class') or ''} {element.get('id') or ''}".lower())
        kinds = [_FURNITURE_WORDS[w] for w in words if w in _FURNITURE_WORDS]
        # an article's own <header> holds its headline and standfirst; the page's <header> is a menu
        navigation = (
            element.tag in ("nav", "aside")
            or (element.tag in ("header", "footer") and not any(a.tag in ("article", "main") for a in element.iterancestors()))
            or any(w in _NAVIGATION_WORDS for w in words)
        )
        if not kinds and not navigation:
            continue
        if _inside_removed(element):
            continue
        text = " ".join(element.text_content().split())
        if not kinds:
            if len(text.replace(" ", "")) < _NAVIGATION_SHARE * page_chars or len(text) <= _FURNITURE_MAX_CHARS:
                element.set("data-propscope-removed", "1")
            continue
        if len(text) > _FURNITURE_MAX_CHARS:
            continue
        kind = "byline" if "byline" in kinds else kinds[0]
        if any(ch.isalpha() for ch in text):  # share counters ("13") are not worth keeping
            if kind == "byline" and classify_line(text) != "byline" and len(text.split()) > 6:
                kind = "furniture"  # an author box with a bio: furniture, not a name
            removed.append(Removed(kind, text))  # type: ignore[arg-type]  # kind is one of _FURNITURE_WORDS' values
        element.set("data-propscope-removed", "1")
    for element in list(tree.iter()):
        if isinstance(element.tag, str) and element.get("data-propscope-removed") and element.getparent() is not None:
            element.drop_tree()
    return removed


def _inside_removed(element: Any) -> bool:
    return any(parent.get("data-propscope-removed") for parent in element.iterancestors())


def wrap_loose_text(tree: Any) -> None:
    """Wrap text that sits directly in a container next to child blocks into paragraphs.

    ``<div>Intro.<br>More.<div class="date">...</div></div>``: trafilatura keeps the child block and
    drops the loose text before it; as ``<p>Intro.<br>More.</p><div ...>`` it keeps both.
    """
    for element in list(tree.iter(*_CONTAINERS)):
        children = list(element)
        if not any(isinstance(c.tag, str) and c.tag in _BLOCKS for c in children):
            continue
        # Only bare text counts: a menu of links next to a block is left as it is.
        loose = bool((element.text or "").strip()) or any((c.tail or "").strip() for c in children)
        if not loose:
            continue
        lead, element.text = element.text, None
        for child in children:
            element.remove(child)
        paragraph = _paragraph(lead)
        for child in children:
            if child.tag == "br":
                # a line break between loose texts separates paragraphs as a block would
                tail, child.tail = child.tail, None
                _append_if_text(element, paragraph)
                paragraph = _paragraph(tail)
            elif isinstance(child.tag, str) and child.tag in _BLOCKS:
                tail, child.tail = child.tail, None
                _append_if_text(element, paragraph)
                element.append(child)
                paragraph = _paragraph(tail)
            else:
                paragraph.append(child)  # its tail moves with it
        _append_if_text(element, paragraph)


def _paragraph(text: str | None) -> Any:
    paragraph = lxml_html.Element("div")
    paragraph.text = text
    return paragraph


def _append_if_text(parent: Any, paragraph: Any) -> None:
    if paragraph.text_content().strip():
        parent.append(paragraph)

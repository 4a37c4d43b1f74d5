"""HTML to article text with trafilatura's main-text extraction, keeping the links.

The article text is trafilatura's plain-text rendering of the main content (navigation, scripts,
footers removed). Links are kept as :class:`Link` records whose offsets point at the anchor text
inside that rendering, so that the citations component can tell which words link to which outlet.

Around trafilatura, three things it does not do for news pages:
- page furniture that trafilatura keeps is removed before and after it (:mod:`.page` on the tree:
  author boxes, share and subscribe blocks, credits; :mod:`.boilerplate` on the rendered lines:
  bylines, calls to action, photo credits, date lines, the headline again), and kept as metadata;
- the title comes from the page's own metadata (JSON-LD, OpenGraph, ``<title>``) before any heading,
  and a ``<title>`` that only names a section of the site is not taken for the article's;
- pages nested deeper than lxml's parser allows keep their text (a flat rendering without links).
"""

from __future__ import annotations

import logging
import re
from copy import deepcopy
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from propscope.document import Link
from propscope.errors import EmptyInput
from propscope.ingest import page
from propscope.ingest.boilerplate import Removed, as_records, first_author, strip_boilerplate

log = logging.getLogger(__name__)

# Printable markers (trafilatura drops non-printable and private-use characters) placed around
# each anchor before rendering, then removed while their positions are recorded. Inputs that
# already contain them lose their links rather than get wrong offsets.
_OPEN = "\u27ec"
_CLOSE = "\u27ed"
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_MARKED_HREF = re.compile(f"{_OPEN}[^{_CLOSE}]*{_CLOSE}{_OPEN}")
# Link targets a reader's browser would follow to a web page; javascript:, data:, vbscript:, file:,
# mailto: and the like are not sources and must not reach the JSON output as links.
_WEB_SCHEMES = frozenset({"http", "https", ""})


@dataclass(slots=True)
class ExtractedHtml:
    """The main text of a page, its links, and the metadata found on the page."""

    text: str
    links: list[Link] = field(default_factory=list)
    title: str | None = None
    date: str | None = None
    url: str | None = None
    sitename: str | None = None
    author: str | None = None
    removed: list[Removed] = field(default_factory=list)
    dropped_links: int = 0
    date_guessed: bool = False

    def metadata(self) -> dict[str, Any]:
        """What goes to ``Article.metadata``: the author, and the furniture taken out of the text."""
        out: dict[str, Any] = {}
        if self.author:
            out["author"] = self.author
        if self.removed:
            out["removed"] = as_records(self.removed)
        if self.dropped_links:
            out["dropped_links"] = self.dropped_links
        if self.date_guessed:
            out["date_guessed"] = True
        return out


def extract_html(html: str, source: str, url: str | None = None) -> ExtractedHtml:
    """Extract the main text and links of an HTML page; raise :class:`EmptyInput` if it has none."""
    # Imported here: trafilatura takes about a second to import and plain-text input never needs it.
    import trafilatura

    # lxml refuses a str that carries an encoding declaration; the text is already decoded.
    html = _XML_DECLARATION.sub("", html, count=1)
    tree = page.parse(html)
    if tree is None:
        # Deeper than lxml can build: the parser would silently drop everything below its limit.
        log.info("%s is nested too deeply for the HTML parser; reading its text without structure", source)
        text, title = page.flat_text(html)
        return _plain(text, source, title=title)
    meta = page.metadata(tree)
    furniture = page.remove_furniture(tree)
    page.wrap_loose_text(tree)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        include_links=True,
        include_comments=False,
        include_images=False,
        include_formatting=False,
        with_metadata=True,
        # Only dates the page marks as such: a full-text search finds the search form's placeholder
        # ("05/12/2021" on every tribunalukraine.info page) or a related story's date.
        date_extraction_params={"extensive_search": False, "original_date": True},
        config=_config(),
    )
    if document is None or document.body is None:
        # Pages too short or too odd for main-text extraction: fall back to all visible text
        # (trafilatura's baseline still drops scripts and styles), without links.
        return _plain(trafilatura.html2txt(html) or "", source, title=meta.title, furniture=furniture)

    keep_links = _OPEN not in html and _CLOSE not in html
    marked = _render(document.body, keep_links=keep_links)
    sitename = meta.sitename or document.sitename or None
    title = _without_site_name(meta.title, sitename) or page.title_from_first_line(tree, _visible(marked)) or None
    authors = tuple(piece.text for piece in furniture if piece.kind == "byline")
    cleaned = strip_boilerplate(marked, title=title, authors=authors, visible=_visible)
    text, links = _strip_markers(cleaned.text) if keep_links else (cleaned.text, [])
    if not text.strip():
        raise EmptyInput(f"{source} has no text content")
    web_links = [link for link in links if _is_web_link(link.href)]
    # The page's own date first; htmldate's guess last, and said to be one (on the PPN pages it
    # finds a related story's date as often as the article's).
    date = meta.date or _dateline(cleaned.removed)
    guessed = date is None and bool(document.date)
    return ExtractedHtml(
        text=text,
        links=web_links,
        title=title,
        date=date or document.date or None,
        url=document.url or None,
        sitename=sitename,
        author=cleaned.author or first_author(furniture) or meta.author or None,
        removed=furniture + cleaned.removed,
        dropped_links=len(links) - len(web_links),
        date_guessed=guessed,
    )


def _plain(text: str, source: str, title: str | None, furniture: list[Removed] | None = None) -> ExtractedHtml:
    cleaned = strip_boilerplate(text.strip(), title=title)
    if not cleaned.text.strip():
        raise EmptyInput(f"{source} has no text content")
    removed = (furniture or []) + cleaned.removed
    return ExtractedHtml(text=cleaned.text, title=title, author=cleaned.author, removed=removed)


def _visible(marked: str) -> str:
    """A rendered line as the reader sees it: without the link targets and markers."""
    return _MARKED_HREF.sub("", marked).replace(_CLOSE, "").replace(_OPEN, "")


def _without_site_name(title: str | None, sitename: str | None) -> str | None:
    """"L'UE s'inquiète ... | Lavirgule" -> "L'UE s'inquiète ...": the site's name is not the headline."""
    if not title or not sitename:
        return title
    for separator in (" | ", " - ", " – ", " — ", " :: ", " » "):
        suffix = separator + sitename
        if title.casefold().endswith(suffix.casefold()) and len(title) > len(suffix):
            return title[: -len(suffix)].strip()
    return title


def _dateline(removed: list[Removed]) -> str | None:
    """The date of the main text's own date line ("01.08.2022 - 30.09.2022"), the first if several."""
    for piece in removed:
        if piece.kind == "dateline":
            found = page.iso_date(piece.text)
            if found:
                return found
    return None


def _is_web_link(href: str) -> bool:
    # Browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:").
    compact = re.sub(r"[\x00-\x20\x7f]+", "", href)
    try:
        scheme = urlsplit(compact).scheme.lower()
    except ValueError:
        return False
    return scheme in _WEB_SCHEMES


@lru_cache(maxsize=1)
def _config() -> Any:
    from trafilatura.settings import use_config

    config = use_config()
    # By default a main text under 250 characters is replaced by trafilatura's baseline, which
    # keeps navigation menus; short news items are better served by the main-text extractor.
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    return config


def _render(body: object, keep_links: bool) -> str:
    from lxml import etree
    from trafilatura.xml import xmltotxt

    body = deepcopy(body)
    for ref in body.iter("ref"):  # type: ignore[attr-defined]
        if not keep_links:
            continue
        target = ref.get("target") or ""
        ref.text = _OPEN + target.replace(_CLOSE, "") + _CLOSE + _OPEN + (ref.text or "")
        if len(ref):
            last = ref[-1]
            last.tail = (last.tail or "") + _CLOSE
        else:
            ref.text += _CLOSE
    # Anchors become plain text, so trafilatura renders them without markdown link syntax.
    etree.strip_tags(body, "ref")
    return xmltotxt(body, include_formatting=False)


def _strip_markers(marked: str) -> tuple[str, list[Link]]:
    """Remove the anchor markers; each anchor is ``OPEN href CLOSE OPEN anchor-text CLOSE``."""
    out: list[str] = []
    links: list[Link] = []
    length = 0
    pos = 0
    while True:
        start = marked.find(_OPEN, pos)
        if start < 0:
            out.append(marked[pos:])
            break
        href_end = marked.find(_CLOSE, start + 1)
        anchor_open = href_end + 1
        anchor_end = marked.find(_CLOSE, anchor_open + 1)
        if href_end < 0 or anchor_end < 0 or marked[anchor_open : anchor_open + 1] != _OPEN:
            # Rendering reordered something unexpectedly: keep the text, drop the markers.
            out.append(marked[pos:].replace(_OPEN, "").replace(_CLOSE, ""))
            log.debug("link markers out of order; links after offset %d dropped", length)
            break
        before = marked[pos:start]
        out.append(before)
        length += len(before)
        href = marked[start + 1 : href_end]
        anchor = marked[anchor_open + 1 : anchor_end].replace(_OPEN, "").replace(_CLOSE, "")
        out.append(anchor)
        stripped = anchor.strip()
        if stripped and href:
            begin = length + anchor.index(stripped)
            links.append(Link(begin, begin + len(stripped), href))
        length += len(anchor)
        pos = anchor_end + 1
    text = "".join(out)
    return text, links

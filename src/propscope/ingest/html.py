"""HTML to article text with trafilatura's main-text extraction, keeping the links.

The article text is trafilatura's plain-text rendering of the main content (navigation, scripts,
footers removed). Links are kept as :class:`Link` records whose offsets point at the anchor text
inside that rendering, so that the citations component can tell which words link to which outlet.
"""

from __future__ import annotations

import logging
import re
from copy import deepcopy
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from propscope.document import Link
from propscope.errors import EmptyInput

log = logging.getLogger(__name__)

# Printable markers (trafilatura drops non-printable and private-use characters) placed around
# each anchor before rendering, then removed while their positions are recorded. Inputs that
# already contain them lose their links rather than get wrong offsets.
_OPEN = "\u27ec"
_CLOSE = "\u27ed"
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass(slots=True)
class ExtractedHtml:
    """The main text of a page, its links, and the metadata trafilatura found."""

    text: str
    links: list[Link] = field(default_factory=list)
    title: str | None = None
    date: str | None = None
    url: str | None = None
    sitename: str | None = None


def extract_html(html: str, source: str, url: str | None = None) -> ExtractedHtml:
    """Extract the main text and links of an HTML page; raise :class:`EmptyInput` if it has none."""
    # Imported here: trafilatura takes about a second to import and plain-text input never needs it.
    import trafilatura

    # lxml refuses a str that carries an encoding declaration; the text is already decoded.
    html = _XML_DECLARATION.sub("", html, count=1)
    document = trafilatura.bare_extraction(
        html,
        url=url,
        include_links=True,
        include_comments=False,
        include_images=False,
        include_formatting=False,
        with_metadata=True,
        config=_config(),
    )
    if document is None or document.body is None:
        # Pages too short or too odd for main-text extraction: fall back to all visible text
        # (trafilatura's baseline still drops scripts and styles), without links.
        text = trafilatura.html2txt(html) or ""
        if not text.strip():
            raise EmptyInput(f"{source} has no text content")
        return ExtractedHtml(text=text.strip())

    if _OPEN in html or _CLOSE in html:
        text, links = _render(document.body, keep_links=False), []
    else:
        text, links = _strip_markers(_render(document.body, keep_links=True))
    if not text.strip():
        raise EmptyInput(f"{source} has no text content")
    return ExtractedHtml(
        text=text,
        links=links,
        title=document.title or None,
        date=document.date or None,
        url=document.url or None,
        sitename=document.sitename or None,
    )


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

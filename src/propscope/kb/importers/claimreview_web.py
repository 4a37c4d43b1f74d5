"""ClaimReview from the web: a fact-checker's pages (schema.org JSON-LD) or a JSON feed, incrementally.

A URL may answer with
- a JSON document: one ClaimReview, a list, an ``@graph``, or a schema.org ``DataFeed`` whose
  ``dataFeedElement[].item`` are ClaimReviews (the Data Commons fact-check feed); a gzip file is
  unpacked; JSON Lines are read line by line;
- an HTML page: every ``<script type="application/ld+json">`` block is read, as fact-checkers embed
  ClaimReview in their articles for search engines.

From an HTML listing page, ``follow`` (a regular expression) names the links to review pages to read
as well, and ``next_pages`` how many ``rel="next"`` listing pages to walk. What was seen is kept in the
state: each review by its URL and ``dateModified`` (else ``datePublished``), so a second run turns only
new or changed reviews into records; a review page read once is not fetched again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag, urljoin

from propscope.errors import SourceConfigError
from propscope.kb.importers.claimreview import _find_reviews, _record
from propscope.kb.importers.fetching import FetchContext, Fetched, body_bytes
from propscope.kb.record import BadRow, KBRecord

KIND = "claimreview"
DEFAULTS: dict[str, Any] = {"delay_s": 1.0, "next_pages": 0, "max_pages": 200}
NO_JSON_LD = "no JSON-LD in the page"


def fetch(options: dict[str, Any], context: FetchContext) -> Iterator[KBRecord | BadRow]:
    urls = options.get("url") or options.get("urls")
    if isinstance(urls, str):
        urls = [urls]
    if not urls or not all(isinstance(u, str) and u.startswith(("http://", "https://")) for u in urls):
        raise SourceConfigError("a claimreview source needs 'url': one http(s) URL or a list of them")
    follow = re.compile(options["follow"]) if options.get("follow") else None
    seen: dict[str, str] = context.state.setdefault("seen", {})
    pages_read: dict[str, bool] = context.state.setdefault("pages", {})
    budget = int(options.get("max_pages", DEFAULTS["max_pages"]))
    next_pages = int(options.get("next_pages", DEFAULTS["next_pages"]))
    # (url, rel="next" pages still to walk from it, whether it is a listing page)
    queue: list[tuple[str, int, bool]] = [(u, next_pages, follow is not None or next_pages > 0) for u in urls]
    visited: set[str] = set()
    while queue and budget > 0:
        url, next_left, listing = queue.pop(0)
        if url in visited:
            continue
        visited.add(url)
        if not context.client.allowed(url):
            yield BadRow(url, "robots.txt disallows fetching it")
            continue
        budget -= 1
        page = context.client.get(url)
        context.count("pages")
        # A listing page (one whose links are followed) need not carry ClaimReview itself.
        yield from _reviews_of(page, seen, context, listing)
        if not listing:
            pages_read[url] = True
            continue
        links, following = _links(page)
        if follow is not None:
            for link in links:
                if follow.search(link) and link not in pages_read and link not in visited:
                    queue.append((link, 0, False))
        if next_left > 0 and following:
            queue.append((following, next_left - 1, True))


def _reviews_of(
    page: Fetched, seen: dict[str, str], context: FetchContext, listing: bool
) -> Iterator[KBRecord | BadRow]:
    found = 0
    for where, data in _documents(page):
        if isinstance(data, BadRow):
            if not (listing and data.reason == NO_JSON_LD):
                yield data
            found += 1  # a broken block is reported as such, not also as "no ClaimReview"
            continue
        for number, review in enumerate(_find_reviews(data), start=1):
            found += 1
            key, version = _identity(review)
            if seen.get(key) == version:
                context.count("seen")
                continue
            yield _record(review, f"{where} item {number}")
            seen[key] = version  # after the yield: the record is with the caller when this is saved
    if not found and not listing:
        yield BadRow(page.url, "no ClaimReview object found")


def _documents(page: Fetched) -> Iterator[tuple[str, Any]]:
    """(where, parsed JSON) for the JSON body, each JSON line, or each JSON-LD block of an HTML page."""
    body = body_bytes(page)
    text = body.decode("utf-8-sig", "replace")
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            yield page.url, json.loads(stripped)
            return
        except json.JSONDecodeError as exc:
            if not stripped.startswith("{") or "\n" not in stripped:
                yield page.url, BadRow(page.url, f"not valid JSON: {exc.msg} (line {exc.lineno})")
                return
        for number, line in enumerate(stripped.splitlines(), start=1):  # JSON Lines
            if line.strip():
                try:
                    yield f"{page.url} line {number}", json.loads(line)
                except json.JSONDecodeError as exc:
                    yield page.url, BadRow(f"{page.url} line {number}", f"not valid JSON: {exc.msg}")
        return
    blocks = _json_ld_blocks(body)
    if not blocks:
        yield page.url, BadRow(page.url, NO_JSON_LD)
    for number, block in enumerate(blocks, start=1):
        try:
            yield f"{page.url} block {number}", json.loads(block)
        except json.JSONDecodeError as exc:
            yield page.url, BadRow(f"{page.url} block {number}", f"JSON-LD that is not valid JSON: {exc.msg}")


def _json_ld_blocks(body: bytes) -> list[str]:
    import lxml.html

    try:
        tree = lxml.html.fromstring(body)
    except (ValueError, lxml.etree.ParserError):
        return []
    return [
        script.text_content()
        for script in tree.iter("script")
        if (script.get("type") or "").split(";")[0].strip().lower() == "application/ld+json" and script.text_content().strip()
    ]


def _links(page: Fetched) -> tuple[list[str], str | None]:
    """Absolute links of an HTML page (fragment dropped) and its ``rel="next"`` page, if any."""
    import lxml.html

    if page.content_type and "html" not in page.content_type:
        return [], None
    try:
        tree = lxml.html.fromstring(body_bytes(page))
    except (ValueError, lxml.etree.ParserError):
        return [], None
    links: list[str] = []
    following = None
    for element in tree.iter("a", "link"):
        href = element.get("href")
        if not href:
            continue
        absolute = urldefrag(urljoin(page.url, href.strip()))[0]
        if "next" in (element.get("rel") or "").lower().split():
            following = following or absolute
        elif element.tag == "a":
            links.append(absolute)
    return list(dict.fromkeys(links)), following


def _identity(review: dict[str, Any]) -> tuple[str, str]:
    """(key, version) of a review: its URL (else @id, else a hash of it) and dateModified/datePublished."""
    key = review.get("url") or review.get("@id")
    if not isinstance(key, str) or not key:
        key = "sha1:" + hashlib.sha1(json.dumps(review, sort_keys=True, default=str).encode()).hexdigest()[:16]
    version = review.get("dateModified") or review.get("datePublished") or ""
    return key, str(version)

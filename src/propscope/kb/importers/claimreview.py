"""schema.org ClaimReview (JSON-LD), as fact-checkers publish it in their pages and feeds.

Accepted shapes: one ClaimReview object, a list of them, an ``@graph``, a ``DataFeed`` page
(``dataFeedElement`` -> ``item``), JSON Lines with one of those per line, or a folder of such files
(``*.json``, ``*.jsonld``, ``*.jsonl``; e.g. the pages of a paginated feed).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from propscope.kb.importers import clean
from propscope.kb.record import BadRow, KBRecord

KIND = "claimreview"
SUFFIXES = (".json", ".jsonld", ".jsonl")


def read(path: Path, options: dict[str, Any]) -> Iterator[KBRecord | BadRow]:
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES) if path.is_dir() else [path]
    for file in files:
        yield from _read_file(file)


def _read_file(file: Path) -> Iterator[KBRecord | BadRow]:
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        yield BadRow(file.name, f"not UTF-8: {exc}")
        return
    if file.suffix.lower() == ".jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                yield BadRow(f"{file.name} line {number}", f"not valid JSON: {exc.msg}")
                continue
            yield from _from_data(data, f"{file.name} line {number}")
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield BadRow(f"{file.name} line {exc.lineno}", f"not valid JSON: {exc.msg}")
        return
    yield from _from_data(data, file.name)


def _from_data(data: Any, where: str) -> Iterator[KBRecord | BadRow]:
    reviews = list(_find_reviews(data))
    if not reviews:
        yield BadRow(where, "no ClaimReview object found")
        return
    for number, review in enumerate(reviews, start=1):
        label = where if len(reviews) == 1 else f"{where} item {number}"
        yield _record(review, label)


def _types(node: dict[str, Any]) -> list[str]:
    value = node.get("@type", [])
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _find_reviews(node: Any) -> Iterator[dict[str, Any]]:
    """ClaimReview objects anywhere in lists, @graph, DataFeed elements and DataFeedItem items."""
    if isinstance(node, list):
        for item in node:
            yield from _find_reviews(item)
    elif isinstance(node, dict):
        if "ClaimReview" in _types(node):
            yield node
            return
        for key in ("@graph", "dataFeedElement", "item", "mainEntity"):
            if key in node:
                yield from _find_reviews(node[key])


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return clean(value.get("name") or value.get("alternateName"))
    return clean(value)


def _record(review: dict[str, Any], where: str) -> KBRecord | BadRow:
    claim = clean(review.get("claimReviewed"))
    if not claim:
        return BadRow(where, "ClaimReview without claimReviewed")
    url = clean(review.get("url"))
    rating = review.get("reviewRating") or {}
    verdict = None
    if isinstance(rating, dict):
        verdict = clean(rating.get("alternateName"))
        if verdict is None and rating.get("ratingValue") is not None:
            best = rating.get("bestRating")
            verdict = f"{rating['ratingValue']}/{best}" if best is not None else str(rating["ratingValue"])
    item = review.get("itemReviewed") or {}
    claimant = _name(item.get("author")) if isinstance(item, dict) else None
    keywords = review.get("keywords") or []
    if isinstance(keywords, str):
        keywords = [k.strip() for k in keywords.split(",") if k.strip()]
    date = clean(review.get("datePublished"))
    digest = hashlib.sha1(f"{url or ''}\n{claim}".encode()).hexdigest()[:16]
    return KBRecord(
        id=clean(review.get("@id")) or f"claimreview:{digest}",
        claim=claim,
        title=clean(review.get("name") or review.get("headline")),
        source=_name(review.get("author")) or _name(review.get("publisher")) or "ClaimReview",
        importer=KIND,
        rating=verdict,
        url=url,
        date=date[:10] if date else None,
        language=_name(review.get("inLanguage")),
        keywords=[str(k) for k in keywords],
        outlets=[claimant] if claimant else [],
    )

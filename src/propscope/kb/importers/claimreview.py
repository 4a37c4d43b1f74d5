"""schema.org ClaimReview (JSON-LD), as fact-checkers publish it in their pages and feeds.

Accepted shapes: one ClaimReview object, a list of them, an ``@graph``, a ``DataFeed`` page
(``dataFeedElement`` -> ``item``), JSON Lines with one of those per line, or a folder of such files
(``*.json``, ``*.jsonld``, ``*.jsonl``; e.g. the pages of a paginated feed).

Feeds come from other people's servers, so their shape is checked, not trusted: files over
``MAX_FILE_BYTES`` and documents nested deeper than ``jsonsafe.MAX_DEPTH`` are refused before parsing,
a text field holding a list or an object is a bad row (never stored as a Python repr), and a
``claimReviewed`` over ``MAX_CLAIM_CHARS`` is a bad row (a claim is a sentence or two, not a book).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from propscope.errors import BadRecord
from propscope.jsonsafe import loads
from propscope.kb.importers import clean
from propscope.kb.record import BadRow, KBRecord

KIND = "claimreview"
SUFFIXES = (".json", ".jsonld", ".jsonl")
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_CLAIM_CHARS = 4000


class _WrongType(Exception):
    """A field of the wrong JSON type (turned into a BadRow naming the field)."""


def read(path: Path, options: dict[str, Any]) -> Iterator[KBRecord | BadRow]:
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES) if path.is_dir() else [path]
    for file in files:
        yield from _read_file(file)


def _read_file(file: Path) -> Iterator[KBRecord | BadRow]:
    size = file.stat().st_size
    if size > MAX_FILE_BYTES:
        yield BadRow(file.name, f"{size:,} bytes, over the limit of {MAX_FILE_BYTES:,} for one ClaimReview file")
        return
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
                data = loads(line, "the row")
            except BadRecord as exc:
                yield BadRow(f"{file.name} line {number}", exc.message.removeprefix("the row: "))
                continue
            yield from _from_data(data, f"{file.name} line {number}")
        return
    try:
        data = loads(text, "the file")
    except BadRecord as exc:
        yield BadRow(file.name, exc.message.removeprefix("the file: "))
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
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]


def _text(value: Any, field: str) -> str | None:
    """A text field: a string (or a number, as some feeds write dates and ids); else a bad row."""
    if value is None or isinstance(value, str):
        return clean(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return clean(value)
    raise _WrongType(f"'{field}' is a JSON {_json_type(value)}, not text")


def _json_type(value: Any) -> str:
    return {dict: "object", list: "array", bool: "boolean"}.get(type(value), type(value).__name__)


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


def _name(value: Any, field: str) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return _text(value.get("name"), f"{field}.name") or _text(value.get("alternateName"), f"{field}.alternateName")
    return _text(value, field)


def _record(review: dict[str, Any], where: str) -> KBRecord | BadRow:
    try:
        return _checked_record(review, where)
    except _WrongType as exc:
        return BadRow(where, str(exc))


def _checked_record(review: dict[str, Any], where: str) -> KBRecord | BadRow:
    raw_claim = review.get("claimReviewed")
    if isinstance(raw_claim, str) and len(raw_claim) > MAX_CLAIM_CHARS:
        return BadRow(where, f"claimReviewed is {len(raw_claim):,} characters, over the limit of {MAX_CLAIM_CHARS:,}")
    claim = _text(raw_claim, "claimReviewed")
    if not claim:
        return BadRow(where, "ClaimReview without claimReviewed")
    url = _text(review.get("url"), "url")
    rating = review.get("reviewRating") or {}
    verdict = None
    if isinstance(rating, dict):
        verdict = _text(rating.get("alternateName"), "reviewRating.alternateName")
        value = _text(rating.get("ratingValue"), "reviewRating.ratingValue")
        if verdict is None and value is not None:
            best = _text(rating.get("bestRating"), "reviewRating.bestRating")
            verdict = f"{value}/{best}" if best is not None else value
    elif rating:
        raise _WrongType(f"'reviewRating' is a JSON {_json_type(rating)}, not an object")
    item = review.get("itemReviewed") or {}
    claimant = _name(item.get("author"), "itemReviewed.author") if isinstance(item, dict) else None
    keywords = review.get("keywords") or []
    if isinstance(keywords, str):
        keywords = [k.strip() for k in keywords.split(",") if k.strip()]
    elif isinstance(keywords, list):
        keywords = [k for k in (_text(k, "keywords") for k in keywords) if k]
    else:
        raise _WrongType(f"'keywords' is a JSON {_json_type(keywords)}, not text or an array")
    date = _text(review.get("datePublished"), "datePublished")
    digest = hashlib.sha1(f"{url or ''}\n{claim}".encode()).hexdigest()[:16]
    return KBRecord(
        id=_text(review.get("@id"), "@id") or f"claimreview:{digest}",
        claim=claim,
        title=_text(review.get("name"), "name") or _text(review.get("headline"), "headline"),
        source=_name(review.get("author"), "author") or _name(review.get("publisher"), "publisher") or "ClaimReview",
        importer=KIND,
        rating=verdict,
        url=url,
        date=date[:10] if date else None,
        language=_name(review.get("inLanguage"), "inLanguage"),
        keywords=keywords,
        outlets=[claimant] if claimant else [],
    )

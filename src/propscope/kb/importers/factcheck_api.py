"""The Google Fact Check Tools API (v1alpha1 ``claims:search``): fact-checks of many publishers by query.

Request: ``GET {base_url}/v1alpha1/claims:search`` with ``query`` (or ``reviewPublisherSiteFilter``),
``languageCode``, ``pageSize``, ``pageToken``, ``maxAgeDays`` and the user's API ``key``. Response:
``{"claims": [{"text", "claimant", "claimDate", "claimReview": [{"publisher": {"name", "site"}, "url",
"title", "reviewDate", "textualRating", "languageCode"}]}], "nextPageToken"}``; an empty result is
``{}``. Every claimReview becomes one record (a claim reviewed by two publishers is two records, each
with its publisher's own ``textualRating`` as the verdict).

Incremental: reviews are remembered by URL and ``reviewDate``; without a configured ``max_age_days``,
a later run asks only for claims of the days since the last run (plus one). HTTP 429 (quota) and
403/400 (a key that is missing, wrong, or not enabled for the API) are reported as coded errors.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from propscope.errors import SourceAccessDenied, SourceConfigError, SourceFetchError, SourceFormatError
from propscope.kb.importers import clean
from propscope.kb.importers.fetching import FetchContext
from propscope.kb.record import BadRow, KBRecord

KIND = "google-factcheck"
BASE_URL = "https://factchecktools.googleapis.com"
KEY_ENV = "GOOGLE_FACTCHECK_API_KEY"
DEFAULTS: dict[str, Any] = {"delay_s": 0.2, "page_size": 100, "max_pages": 20}


def fetch(options: dict[str, Any], context: FetchContext) -> Iterator[KBRecord | BadRow]:
    key = options.get("api_key") or os.environ.get(str(options.get("api_key_env") or KEY_ENV))
    if not key:
        raise SourceConfigError(
            f"the Google Fact Check Tools API needs an API key: set {options.get('api_key_env') or KEY_ENV} "
            "or pass --api-key (a key of a Google Cloud project with the Fact Check Tools API enabled)"
        )
    queries = options.get("query") or options.get("queries") or []
    if isinstance(queries, str):
        queries = [queries]
    site = options.get("publisher_site")
    if not queries and not site:
        raise SourceConfigError("a google-factcheck source needs 'query' (one or a list) or 'publisher_site'")
    base = str(options.get("base_url") or BASE_URL).rstrip("/")
    seen: dict[str, str] = context.state.setdefault("seen", {})
    max_age = options.get("max_age_days") or _days_since(context.state.get("last_run"))
    for query in queries or [None]:
        params: dict[str, Any] = {"pageSize": int(options.get("page_size", DEFAULTS["page_size"])), "key": key}
        if query:
            params["query"] = query
        if site:
            params["reviewPublisherSiteFilter"] = site
        if options.get("language"):
            params["languageCode"] = options["language"]
        if max_age:
            params["maxAgeDays"] = int(max_age)
        yield from _pages(f"{base}/v1alpha1/claims:search", params, int(options.get("max_pages", 20)), seen, context)


def _pages(
    url: str, params: dict[str, Any], max_pages: int, seen: dict[str, str], context: FetchContext
) -> Iterator[KBRecord | BadRow]:
    token = None
    for page in range(1, max_pages + 1):
        if token:
            params["pageToken"] = token
        try:
            data = context.client.get_json(url, params)
        except SourceFetchError as exc:
            if "HTTP 400" in exc.message and "API key" in exc.message:
                raise SourceAccessDenied(exc.message) from exc
            raise
        context.count("pages")
        if not isinstance(data, dict) or not isinstance(data.get("claims", []), list):
            raise SourceFormatError(f"claims:search answered without a 'claims' list (page {page})")
        for number, claim in enumerate(data.get("claims", []), start=1):
            yield from _records(claim, f"page {page} claim {number}", seen, context)
        token = data.get("nextPageToken")
        if not token:
            return


def _records(claim: Any, where: str, seen: dict[str, str], context: FetchContext) -> Iterator[KBRecord | BadRow]:
    if not isinstance(claim, dict):
        yield BadRow(where, "a claim that is not an object")
        return
    text = clean(claim.get("text")) if isinstance(claim.get("text"), str) else None
    reviews = claim.get("claimReview")
    if not text:
        yield BadRow(where, "a claim without text")
        return
    if not isinstance(reviews, list) or not reviews:
        yield BadRow(where, "a claim without claimReview")
        return
    claimant = clean(claim.get("claimant")) if isinstance(claim.get("claimant"), str) else None
    for number, review in enumerate(reviews, start=1):
        label = f"{where} review {number}"
        if not isinstance(review, dict) or not isinstance(review.get("url"), str):
            yield BadRow(label, "a claimReview without a url")
            continue
        url = review["url"]
        version = str(review.get("reviewDate") or "")
        if seen.get(url) == version:
            context.count("seen")
            continue
        publisher = review.get("publisher") if isinstance(review.get("publisher"), dict) else {}
        source = _text(publisher.get("name")) or _text(publisher.get("site")) or "Fact Check Tools"
        date = _text(review.get("reviewDate")) or _text(claim.get("claimDate"))
        yield KBRecord(
            id="factcheck:" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:16],
            claim=text,
            title=_text(review.get("title")),
            source=source,
            importer=KIND,
            rating=_text(review.get("textualRating")),
            url=url,
            date=date[:10] if date else None,
            language=_text(review.get("languageCode")),
            outlets=[claimant] if claimant else [],
        )
        seen[url] = version


def _text(value: object) -> str | None:
    return clean(value) if isinstance(value, str) else None


def _days_since(stamp: object) -> int | None:
    if not isinstance(stamp, str):
        return None
    try:
        then = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    return max(1, (datetime.now(UTC) - then).days + 1)

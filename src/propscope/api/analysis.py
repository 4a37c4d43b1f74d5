"""One document of a request or a job, from JSON, URL or upload to an :class:`Outcome` (and the store).

The API never hands a caller's string to ``load_inputs`` as a path: text is analysed as given, a URL
must be http(s) and goes through ingest's fetch guard (no private or loopback addresses unless the
server allows them), and an upload is written to a temporary file of the server's own naming.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from propscope.api.schemas import Document
from propscope.api.state import AppState
from propscope.engine import Outcome
from propscope.errors import BadRequest, PropscopeError
from propscope.ingest import IngestResult, article_from_text, load_inputs
from propscope.ingest.dispatch import guess_title
from propscope.options import IngestOptions, RunSettings
from propscope.report.jsonl import outcome_to_dict
from propscope.store import Saved, save_outcome

_HTTP = re.compile(r"^https?://", re.IGNORECASE)
UPLOAD_KINDS = {".txt", ".html", ".htm"}
BATCH_KINDS = {".jsonl", ".csv"}


def ingest_options(state: AppState) -> IngestOptions:
    return IngestOptions(
        max_bytes=state.config.max_request_bytes,
        allow_private=state.config.allow_private_urls,
        timeout_s=state.config.url_timeout_s,
    )


def ingest_document(state: AppState, doc: Document) -> IngestResult:
    """The article of a JSON document (text or URL); an ingest error is returned, not raised."""
    if (doc.text is None) == (doc.url is None):
        return IngestResult("request", None, BadRequest("give exactly one of 'text' and 'url'"))
    metadata = {k: v for k, v in (("title", doc.title), ("outlet", doc.outlet), ("date", doc.date), ("id", doc.id)) if v}
    if doc.text is not None:
        try:
            article = article_from_text(doc.text, ingest_options(state), **{"title": guess_title(doc.text), **metadata})
        except PropscopeError as exc:
            return IngestResult("text", None, exc)
        return IngestResult("text", article, None)
    url = doc.url or ""
    if not _HTTP.match(url):
        return IngestResult(url, None, BadRequest("'url' must be an http:// or https:// URL"))
    result = next(iter(load_inputs([url], ingest_options(state))))
    if result.article is not None:
        for key, value in metadata.items():
            setattr(result.article, key, value)
    return result


def ingest_upload(state: AppState, filename: str, data: bytes, kinds: set[str]) -> list[IngestResult]:
    """The documents of an uploaded file (by its extension), read from a temporary copy."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in kinds:
        raise BadRequest(f"upload a {', '.join(sorted(kinds))} file (got '{suffix or 'no extension'}')")
    with tempfile.TemporaryDirectory(prefix="propscope-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        results = list(load_inputs([str(path)], ingest_options(state)))
    name = Path(filename).name[:200]
    for result in results:  # the temporary path means nothing to the caller (and is not theirs to know)
        result.source = result.source.replace(str(path), name)
        if result.error is not None:
            result.error.message = result.error.message.replace(str(path), name)
        if result.article is not None and result.article.metadata.get("source") == str(path):
            result.article.metadata["source"] = name
    return results


def analyze_one(state: AppState, result: IngestResult, settings: RunSettings) -> Outcome:
    with state.analysis_lock:
        return next(iter(state.analyzer.run([result], settings)))


def store_outcome(state: AppState, outcome: Outcome, settings: RunSettings) -> Saved | None:
    return save_outcome(state.store, outcome, state.analyzer.signature(settings))


def response(outcome: Outcome, saved: Saved | None) -> dict[str, Any]:
    record = outcome_to_dict(outcome)
    if saved is not None:
        record["stored"] = {"article_id": saved.article_id, "analysis_id": saved.analysis_id, "created": saved.created}
    return record

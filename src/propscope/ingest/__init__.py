"""Ingest: files, HTML pages, URLs, stdin and JSONL/CSV batches become :class:`Article` objects.

Character offsets always refer to ``article.text``, which is the text exactly as ingested (for HTML,
trafilatura's rendering of the main content).
"""

from __future__ import annotations

from propscope.ingest.dispatch import IngestResult, article_from_text, load_inputs

__all__ = ["IngestResult", "article_from_text", "load_inputs"]

"""The documents of a corpus run, streamed: ingest's loaders plus Parquet files and PPN page folders.

Everything ingest reads (txt/html files, JSONL/CSV batches, directories, URLs) goes through
:func:`propscope.ingest.load_inputs`, which yields one document at a time. Two shapes are added here:

- Parquet files (``.parquet``): read in row groups of a few hundred rows, each row a record with
  the same columns as a JSONL record (``text`` plus optional ``id, title, url, outlet, date``);
- folders of saved pages with news-please's metadata beside each (``page.html`` and
  ``page.html.json``, as in the PPN corpus): the sidecar fills the URL, outlet, date and title the
  page itself does not give.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from propscope.errors import BadRecord, PropscopeError, ScaleDependencyMissing
from propscope.ingest import IngestResult, load_inputs
from propscope.options import IngestOptions

log = logging.getLogger(__name__)

_PARQUET_ROWS = 256


def iter_documents(inputs: Iterable[str], options: IngestOptions) -> Iterator[IngestResult]:
    """Every document the inputs name, one at a time, in input order."""
    for item in inputs:
        if item.lower().endswith(".parquet") and Path(item).is_file():
            yield from _parquet(Path(item), item, options)
        else:
            for result in load_inputs([item], options):
                if result.article is not None:
                    _apply_sidecar(result)
                yield result


def estimate_total(inputs: Iterable[str]) -> int | None:
    """How many documents the inputs hold, cheaply (for the ETA); ``None`` when it cannot be told
    without reading them (CSV records may span lines, URLs)."""
    total = 0
    for item in inputs:
        path = Path(item)
        suffix = path.suffix.lower()
        if item == "-" or item.lower().startswith(("http://", "https://")):
            total += 1
        elif path.is_dir():
            total += sum(1 for p in path.rglob("*") if p.suffix.lower() in (".txt", ".html", ".htm", ".jsonl", ".csv"))
            if any(p.suffix.lower() in (".jsonl", ".csv") for p in path.rglob("*")):
                return None
        elif suffix == ".jsonl" and path.is_file():
            with path.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
        elif suffix == ".parquet" and path.is_file():
            try:
                import pyarrow.parquet as pq
            except ImportError:
                return None
            total += pq.ParquetFile(path).metadata.num_rows
        elif suffix == ".csv":
            return None
        else:
            total += 1
    return total


def _apply_sidecar(result: IngestResult) -> None:
    """Fill what a saved page lacks from news-please's ``.html.json`` beside it (PPN folders)."""
    article = result.article
    if article is None or not result.source.lower().endswith((".html", ".htm")):
        return
    sidecar = Path(result.source + ".json")
    if not sidecar.is_file():
        return
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        log.warning("ignored the metadata file %s: %s", sidecar, exc)
        return
    if not isinstance(meta, dict):
        return

    def value(key: str) -> str | None:
        item = meta.get(key)
        return item if isinstance(item, str) and item and item != "NULL" else None

    article.url = article.url or value("url")
    article.outlet = article.outlet or value("source_domain")
    article.title = article.title or value("title")
    published = value("date_publish")
    if published and (not article.date or article.metadata.get("date_guessed")):
        article.date = published[:10]
        article.metadata.pop("date_guessed", None)
    article.metadata.setdefault("sidecar", sidecar.name)


def _parquet(path: Path, source: str, options: IngestOptions) -> Iterator[IngestResult]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ScaleDependencyMissing("reading Parquet needs pyarrow: pip install 'propscope[scale]'") from None
    from propscope.ingest.dispatch import article_from_record
    from propscope.ingest.records import _to_article

    try:
        handle = pq.ParquetFile(path)
    except (OSError, ValueError) as exc:  # pyarrow raises ArrowInvalid (a ValueError) on a bad file
        yield IngestResult(source, None, BadRecord(f"{source}: not a readable Parquet file ({exc})"))
        return
    if options.text_column not in handle.schema_arrow.names:
        yield IngestResult(source, None, BadRecord(f"{source}: no '{options.text_column}' column"))
        return
    row_number = 0
    for batch in handle.iter_batches(batch_size=_PARQUET_ROWS):
        for record in batch.to_pylist():
            row_number += 1
            where, article, error = _record(record, source, row_number, options, article_from_record, _to_article)
            yield IngestResult(where, article, error)


def _record(record: dict[str, Any], source: str, row: int, options: IngestOptions, factory: Any, to_article: Any) -> Any:
    # Row numbers stand where JSONL has line numbers: "file.parquet:12" is the 12th row.
    try:
        return to_article(record, source, row, options, factory)
    except PropscopeError as exc:
        return f"{source}:{row}", None, exc

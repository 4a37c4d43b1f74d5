"""Batches of articles as JSONL or CSV records: a text column and optional metadata columns.

A bad row becomes an :class:`IngestResult` with a :class:`BadRecord` error that names its line, and
the rows after it are still read: one broken record must not cost a researcher the whole batch.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from propscope.document import Article
from propscope.errors import BadRecord, InputNotFound, PropscopeError, RecordTooComplex
from propscope.options import IngestOptions

METADATA_COLUMNS = ("id", "title", "url", "outlet", "date")

# (source, article or None, error or None); the dispatcher wraps these in IngestResult.
RecordResult = tuple[str, Article | None, PropscopeError | None]
ArticleFactory = Callable[..., Article]


def _open(path: Path, source: str) -> BinaryIO:
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise InputNotFound(f"input not found: {source}") from None
    except OSError as exc:
        raise InputNotFound(f"cannot read {source}: {exc.strerror}") from None


# A row holds one article (at most max_bytes of text) plus its metadata, JSON-escaped: room for both.
_ROW_SLACK = 64 * 1024


def _lines(handle: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """The file's lines, each read with at most ``limit`` bytes in memory; ``None`` for a longer line
    (the rest of it is skipped, so the next row starts where it should)."""
    while True:
        raw = handle.readline(limit + 1)
        if not raw:
            return
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = handle.readline(1 << 20)
            yield None
            continue
        yield raw


def read_jsonl(path: Path, source: str, options: IngestOptions, make_article: ArticleFactory) -> Iterator[RecordResult]:
    """One article per non-blank line of a JSON Lines file (UTF-8).

    Every row is checked on its own: a line over the size limit, nested too deep or not JSON
    becomes an error for that line only, and the rows before and after it are read as usual.
    """
    from propscope.jsonsafe import loads

    handle = _open(path, source)
    limit = options.max_bytes * 2 + _ROW_SLACK  # escapes (\n, \") can double the text's size
    with handle:
        for line_number, raw in enumerate(_lines(handle, limit), start=1):
            where = f"{source}:{line_number}"
            if raw is None:
                yield where, None, RecordTooComplex(
                    f"{source} line {line_number}: the row is over {limit:,} bytes (--max-bytes {options.max_bytes:,})"
                )
                continue
            if line_number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                record = loads(raw.decode("utf-8"), f"{source} line {line_number}")
            except UnicodeDecodeError:
                yield where, None, BadRecord(f"{source} line {line_number}: not UTF-8")
                continue
            except BadRecord as exc:
                yield where, None, exc
                continue
            if not isinstance(record, dict):
                yield where, None, BadRecord(f"{source} line {line_number}: a record must be a JSON object")
                continue
            yield _to_article(record, source, line_number, options, make_article)


def read_csv(path: Path, source: str, options: IngestOptions, make_article: ArticleFactory) -> Iterator[RecordResult]:
    """One article per row of a CSV file with a header row (UTF-8, quoted fields may span lines)."""
    raw = _open(path, source)
    # Articles are long: allow fields up to the per-article limit (characters <= bytes), plus slack.
    csv.field_size_limit(max(csv.field_size_limit(), options.max_bytes + 1024))
    # newline='' as the csv module requires, so that newlines inside quoted texts are kept as written.
    with io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            yield f"{source}:1", None, BadRecord(f"{source} line 1: unreadable header ({exc})")
            return
        columns = [name.strip() for name in header]
        if options.text_column not in columns:
            yield f"{source}:1", None, BadRecord(
                f"{source} line 1: no '{options.text_column}' column in the header ({', '.join(columns)})"
            )
            return
        while True:
            line_number = reader.line_num + 1  # the line the next record starts on
            try:
                row = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                # The decoder cannot resynchronise inside the stream; the rest of the file is lost.
                yield f"{source}:{line_number}", None, BadRecord(
                    f"{source} line {line_number}: not UTF-8; the rest of the file was not read"
                )
                return
            except csv.Error as exc:
                yield f"{source}:{line_number}", None, BadRecord(f"{source} line {line_number}: {exc}")
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                yield f"{source}:{line_number}", None, BadRecord(
                    f"{source} line {line_number}: {len(row)} fields, the header has {len(columns)}"
                )
                continue
            yield _to_article(dict(zip(columns, row, strict=True)), source, line_number, options, make_article)


def _to_article(
    record: Mapping[str, Any], source: str, line_number: int, options: IngestOptions, make_article: ArticleFactory
) -> RecordResult:
    where = f"{source}:{line_number}"
    text = record.get(options.text_column)
    if not isinstance(text, str):
        found = "missing" if text is None else f"a {type(text).__name__}, not a string"
        return where, None, BadRecord(f"{source} line {line_number}: the '{options.text_column}' field is {found}")
    metadata: dict[str, Any] = {}
    for column in METADATA_COLUMNS:
        value = record.get(column)
        if value is None or value == "":
            continue
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            return where, None, BadRecord(f"{source} line {line_number}: the '{column}' field must be a string")
        metadata[column] = str(value)
    metadata.setdefault("id", where)
    extra = {k: v for k, v in record.items() if k != options.text_column and k not in METADATA_COLUMNS}
    try:
        article = make_article(text, options, **metadata)
    except PropscopeError as exc:
        exc.message = f"{source} line {line_number}: {exc.message}"
        exc.args = (exc.message,)
        return where, None, exc
    if extra:
        article.metadata.update(extra)
    article.metadata.setdefault("source", where)
    return where, article, None

"""Turn what the user named (files, directories, URLs, '-') into articles, one result per document.

Per-document problems never raise out of :func:`load_inputs`: they come back as an
:class:`IngestResult` with a coded error, so that a batch goes on and a single input can still be
reported as one clear line by the caller.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from propscope.document import Article, Link
from propscope.errors import (
    EmptyInput,
    InputNotFound,
    InputTooLarge,
    PropscopeError,
    RecordTooComplex,
    SpecialFile,
    UnsupportedFormat,
)
from propscope.ingest.language import detect_language
from propscope.ingest.text import check_size, decode_bytes, read_file_bytes
from propscope.options import IngestOptions

# extension -> reader
FILE_KINDS = {".txt": "text", ".html": "html", ".htm": "html", ".jsonl": "jsonl", ".csv": "csv"}
_METADATA_KEYS = ("id", "title", "url", "outlet", "date")
_URL = re.compile(r"^https?://", re.IGNORECASE)
_HTML_START = re.compile(r"^\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<\?xml[^>]*>\s*<html)", re.IGNORECASE)
_HTML_TAGS = re.compile(r"<(p|div|article|section|h1|h2|span|a|br)[\s>/]", re.IGNORECASE)


@dataclass(slots=True)
class IngestResult:
    """One document the inputs named: its article, or the error that stopped it."""

    source: str
    article: Article | None
    error: PropscopeError | None

    @property
    def ok(self) -> bool:
        return self.error is None


def article_from_text(text: str, options: IngestOptions, **metadata: str | None) -> Article:
    """An article whose text is ``text`` exactly (offsets refer to it), with its language detected.

    Known metadata keys are ``id``, ``title``, ``url``, ``outlet`` and ``date``; others go to
    ``article.metadata``. Raises :class:`EmptyInput` or :class:`InputTooLarge`.
    """
    name = metadata.get("id") or "the text"
    if len(text) > options.max_chars:
        # Checked before anything else touches the text (spaCy's max_length does the same).
        raise InputTooLarge(
            f"{name} is {len(text):,} characters, over the limit of {options.max_chars:,}; raise it with --max-chars"
        )
    check_size(len(text.encode("utf-8", errors="surrogatepass")), str(name), options)
    if not text.strip():
        raise EmptyInput(f"{name} is empty (no text after whitespace)")
    known = {key: metadata.get(key) for key in _METADATA_KEYS}
    article = Article(
        text=text,
        id=known["id"] or "",
        title=known["title"],
        url=known["url"],
        outlet=known["outlet"],
        date=known["date"],
        language=detect_language(text),
    )
    article.metadata.update({k: v for k, v in metadata.items() if k not in _METADATA_KEYS and v is not None})
    return article


def article_from_record(text: str, options: IngestOptions, **metadata: str | None) -> Article:
    """A batch record's article: its text without page furniture (records are usually scraped pages,
    e.g. news-please's ``maintext``), the removed lines kept in ``metadata["removed"]``."""
    from propscope.ingest.boilerplate import as_records, strip_boilerplate

    cleaned = strip_boilerplate(text, title=metadata.get("title"))
    article = article_from_text(cleaned.text, options, **metadata)
    if cleaned.removed:
        article.metadata["removed"] = as_records(cleaned.removed)
        if cleaned.author and "author" not in article.metadata:
            article.metadata["author"] = cleaned.author
    return article


def guess_title(text: str) -> str | None:
    """The first line of a plain-text article when it reads like a headline.

    News text files usually start with the headline on a line of its own: short, not ending like a
    sentence, and followed by a line break. The text itself is not changed.
    """
    stripped = text.lstrip()
    first, newline, rest = stripped.partition("\n")
    first = first.strip()
    if not newline or not first or not rest.strip() or len(first) > 200:
        return None
    if first[-1] in ".,;:" or len(first.split()) < 2:
        return None
    return first


def load_inputs(inputs: Iterable[str], options: IngestOptions) -> Iterator[IngestResult]:
    """Every document the inputs name, in order: '-' (stdin), http(s) URLs, directories, files."""
    for item in inputs:
        for result in _load_one(item, options):
            if result.source in options.skip_sources:
                continue  # done in an earlier run (--resume)
            yield result


def looks_like_html(text: str) -> bool:
    """HTML on stdin is told apart from plain text by how it starts, or by common tags near the top."""
    head = text[:4096]
    return bool(_HTML_START.match(head)) or (head.lstrip().startswith("<") and bool(_HTML_TAGS.search(head)))


def _load_one(item: str, options: IngestOptions) -> Iterator[IngestResult]:
    try:
        if item == "-":
            yield _from_stdin(options)
        elif _URL.match(item):
            yield _from_url(item, options)
        else:
            path = Path(item)
            if path.is_dir():
                yield from _from_directory(path, item, options)
            else:
                yield from _from_path(path, item, path.stem, options)
    except PropscopeError as exc:
        yield IngestResult(item, None, exc)
    except RecursionError:
        yield IngestResult(item, None, _too_deep(item))


def _from_stdin(options: IngestOptions) -> IngestResult:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise InputNotFound("no standard input to read ('-')")
    # One byte more than allowed, to tell "exactly at the limit" from "over it".
    data = stream.read(options.max_bytes + 1)
    text = decode_bytes(data, "standard input", options)
    if looks_like_html(text):
        return IngestResult("-", _article_from_html(text, "standard input", options), None)
    return IngestResult("-", article_from_text(text, options, id="", title=guess_title(text)), None)


def _from_url(url: str, options: IngestOptions) -> IngestResult:
    from propscope.ingest.url import fetch_url

    page = fetch_url(url, options)
    text = decode_bytes(page.content, url, options, declared=page.charset)
    if page.kind == "html":
        article = _article_from_html(text, url, options, id=url, base_url=page.final_url)
    else:
        article = article_from_text(text, options, id=url)
    if article.url and article.url != page.final_url:
        article.metadata["canonical_url"] = article.url
    article.url = page.final_url
    return IngestResult(url, article, None)


def check_regular_file(path: Path, source: str) -> None:
    """Refuse FIFOs, devices and sockets before opening them: a FIFO blocks the read forever."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputNotFound(f"input not found: {source}") from None
    except OSError as exc:
        raise InputNotFound(f"cannot read {source}: {exc.strerror}") from None
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return
    what = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    raise SpecialFile(f"{source} is {what}, not a regular file; save the text to a file (or pipe it to '-')")


def _leaves(path: Path, root: Path) -> bool:
    """Whether ``path`` (or a symlinked folder on its way) resolves outside ``root``."""
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return True
    return False


def _from_directory(directory: Path, source: str, options: IngestOptions) -> Iterator[IngestResult]:
    root = directory.resolve()
    files = sorted(
        path
        for path in directory.rglob("*")
        if path.suffix.lower() in FILE_KINDS
        and not any(part.startswith(".") for part in path.relative_to(directory).parts)
        and not path.is_dir()
    )
    if not files:
        raise EmptyInput(f"directory {source} holds no {', '.join(FILE_KINDS)} files")
    for path in files:
        # Relative path without extension: stable, and unique across sub-folders.
        article_id = path.relative_to(directory).with_suffix("").as_posix()
        try:
            if not options.follow_symlinks and _leaves(path, root):
                raise SpecialFile(
                    f"{path} is a symlink to {os.path.realpath(path)}, outside the input directory {source}; "
                    "not read (use --follow-symlinks to read it)"
                )
            yield from _from_path(path, str(path), article_id, options)
        except PropscopeError as exc:
            yield IngestResult(str(path), None, exc)
        except RecursionError:
            yield IngestResult(str(path), None, _too_deep(str(path)))


def _too_deep(source: str) -> RecordTooComplex:
    # A parser below (HTML, JSON) recursed past Python's limit: that document is refused, the batch goes on.
    return RecordTooComplex(f"{source} is nested too deeply to read")


def _from_path(path: Path, source: str, article_id: str, options: IngestOptions) -> Iterator[IngestResult]:
    check_regular_file(path, source)
    kind = FILE_KINDS.get(path.suffix.lower())
    if kind is None:
        raise UnsupportedFormat(
            f"{source}: unsupported file type '{path.suffix or '(none)'}'; give .txt, .html, .htm, .jsonl or .csv "
            "files, a directory, an http(s) URL, or '-' for stdin"
        )
    if kind in ("jsonl", "csv"):
        from propscope.ingest import records

        reader = records.read_jsonl if kind == "jsonl" else records.read_csv
        for record_source, article, error in reader(path, source, options, article_from_record):
            yield IngestResult(record_source, article, error)
        return
    text = decode_bytes(read_file_bytes(path, source, options), source, options)
    if kind == "html":
        article = _article_from_html(text, source, options, id=article_id)
    else:
        article = article_from_text(text, options, id=article_id, title=guess_title(text))
    article.metadata.setdefault("source", source)
    yield IngestResult(source, article, None)


def _article_from_html(
    html: str, source: str, options: IngestOptions, id: str = "", base_url: str | None = None
) -> Article:
    from propscope.ingest.html import extract_html

    extracted = extract_html(html, source, url=base_url)
    article = article_from_text(
        extracted.text,
        options,
        id=id,
        title=extracted.title,
        url=extracted.url,
        outlet=extracted.sitename,
        date=extracted.date,
    )
    article.metadata.update(extracted.metadata())
    # Relative links are resolved against the page, so that the citations component sees domains.
    base = base_url or extracted.url
    article.links = [Link(link.start, link.end, urljoin(base, link.href) if base else link.href) for link in extracted.links]
    return article

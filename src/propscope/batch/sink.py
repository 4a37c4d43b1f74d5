"""Where a corpus run's analysed articles go: chunk files in a folder, or the workspace store.

Folder layout (``--out DIR``)::

    DIR/ledger.sqlite              the run's ledger (propscope.batch.ledger)
    DIR/jsonl/part-000001.jsonl    the schema's JSON records (one line per ok article)
    DIR/articles/part-000001.parquet   one row per article          (key: article_id)
    DIR/spans/part-000001.parquet      one row per technique span   (article_id)
    DIR/claims/part-000001.parquet     one row per claim            (article_id, claim_index)
    DIR/matches/part-000001.parquet    one row per known-claim match (article_id, claim_index)
    DIR/citations/part-000001.parquet  one row per cited source     (article_id)

Each folder of Parquet parts is one table (``pyarrow.dataset.dataset(DIR / "spans")``, DuckDB's
``read_parquet('DIR/spans/*.parquet')``, pandas). ``article_id`` is the first 16 hex digits of the
SHA-256 of the article text, so the same article has the same key in every run. A chunk's files are
written under hidden temporary names and renamed into place before its ledger rows commit.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from propscope.batch.work import Done
from propscope.errors import ScaleDependencyMissing

TABLES = ("articles", "spans", "claims", "matches", "citations")
FORMATS = ("jsonl", "parquet")


class Sink(Protocol):
    def write(self, chunk: str, done: Sequence[Done], signature: str) -> bool:
        """Write the ok documents of ``done``; True when a chunk was written (False: nothing to write)."""
        ...

    def close(self) -> None: ...


def article_key(content_hash: str) -> str:
    return content_hash[:16]


def _schemas() -> dict[str, Any]:
    try:
        import pyarrow as pa
    except ImportError:
        raise ScaleDependencyMissing("Parquet output needs pyarrow: pip install 'propscope[scale]'") from None
    s, i, f = pa.string(), pa.int32(), pa.float64()
    return {
        "articles": pa.schema(
            [
                ("article_id", s), ("source", s), ("id", s), ("title", s), ("url", s), ("outlet", s),
                ("date", s), ("month", s), ("language", s), ("words", i), ("sentences", i), ("techniques", i),
                ("claims", i), ("matched_claims", i), ("citations", i), ("publisher", s),
                ("publisher_reliability", f), ("signature", s), ("components", s), ("text", s),
            ]
        ),
        "spans": pa.schema(
            [("article_id", s), ("technique", s), ("start", i), ("end", i), ("score", f), ("text", s)]
        ),
        "claims": pa.schema(
            [
                ("article_id", s), ("claim_index", i), ("start", i), ("end", i), ("text", s), ("score", f),
                ("speaker", s), ("verb", s), ("voice", s),
            ]
        ),
        "matches": pa.schema(
            [
                ("article_id", s), ("claim_index", i), ("kb_id", s), ("known_claim", s), ("fact_checker", s),
                ("url", s), ("date", s), ("similarity", f), ("rating", s),
            ]
        ),
        "citations": pa.schema(
            [
                ("article_id", s), ("name", s), ("domain", s), ("reliability", f), ("start", i), ("end", i),
                ("kind", s),
            ]
        ),
    }


def table_rows(done: Done, signature: str) -> dict[str, list[dict[str, Any]]]:
    """The rows one analysed article adds to each table."""
    article = done.article
    assert article is not None
    key = article_key(done.content_hash)
    publisher = article.publisher
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    rows["articles"].append(
        {
            "article_id": key,
            "source": done.source,
            "id": article.id,
            "title": article.title,
            "url": article.url,
            "outlet": article.outlet or (publisher.name if publisher else None),
            "date": article.date,
            "month": article.date[:7] if article.date and len(article.date) >= 7 else None,
            "language": article.language,
            "words": len(article.text.split()),
            "sentences": len(article.sentences),
            "techniques": len(article.techniques),
            "claims": len(article.claims),
            "matched_claims": sum(1 for c in article.claims if c.matches),
            "citations": len(article.citations),
            "publisher": publisher.name if publisher else None,
            "publisher_reliability": publisher.reliability if publisher else None,
            "signature": signature,
            "components": ",".join(run.name for run in article.components),
            "text": article.text,
        }
    )
    for span in article.techniques:
        rows["spans"].append(
            {"article_id": key, "technique": span.technique, "start": span.start, "end": span.end,
             "score": span.score, "text": article.text[span.start : span.end]}
        )
    for index, claim in enumerate(article.claims):
        rows["claims"].append(
            {"article_id": key, "claim_index": index, "start": claim.start, "end": claim.end, "text": claim.text,
             "score": claim.score, "speaker": claim.speaker, "verb": claim.verb, "voice": claim.voice}
        )
        for match in claim.matches:
            rows["matches"].append(
                {"article_id": key, "claim_index": index, "kb_id": match.kb_id, "known_claim": match.claim,
                 "fact_checker": match.source, "url": match.url, "date": match.date,
                 "similarity": match.similarity, "rating": match.rating}
            )
    for citation in article.citations:
        rows["citations"].append(
            {"article_id": key, "name": citation.name, "domain": citation.domain, "reliability": citation.reliability,
             "start": citation.start, "end": citation.end, "kind": citation.kind}
        )
    return rows


class FolderSink:
    """Chunk files in an output folder: JSONL of the schema and/or the five Parquet tables."""

    def __init__(self, out: Path, formats: Sequence[str] = FORMATS) -> None:
        self.out = out
        self.formats = tuple(formats)
        self.schemas = _schemas() if "parquet" in self.formats else {}

    def write(self, chunk: str, done: Sequence[Done], signature: str) -> bool:
        ok = [d for d in done if d.ok]
        if not ok:
            return False
        staged: list[tuple[Path, Path]] = []
        if "jsonl" in self.formats:
            staged.append(self._jsonl(chunk, ok))
        if "parquet" in self.formats:
            staged.extend(self._parquet(chunk, ok, signature))
        # Every file of the chunk is complete and synced before the first rename.
        for temp, final in staged:
            os.replace(temp, final)
        _sync_dir(self.out)
        return True

    def close(self) -> None:
        return None

    def _jsonl(self, chunk: str, ok: Sequence[Done]) -> tuple[Path, Path]:
        from propscope.engine import Outcome
        from propscope.report.jsonl import _line, outcome_to_dict

        folder = self.out / "jsonl"
        folder.mkdir(parents=True, exist_ok=True)
        temp, final = folder / f".{chunk}.jsonl.partial", folder / f"{chunk}.jsonl"
        with temp.open("w", encoding="utf-8") as handle:
            for d in ok:
                handle.write(_line(outcome_to_dict(Outcome(d.source, d.article, None))) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        return temp, final

    def _parquet(self, chunk: str, ok: Sequence[Done], signature: str) -> list[tuple[Path, Path]]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        for d in ok:
            for name, items in table_rows(d, signature).items():
                rows[name].extend(items)
        staged = []
        for name in TABLES:
            folder = self.out / name
            folder.mkdir(parents=True, exist_ok=True)
            temp, final = folder / f".{chunk}.parquet.partial", folder / f"{chunk}.parquet"
            table = pa.Table.from_pylist(rows[name], schema=self.schemas[name])
            pq.write_table(table, temp, compression="zstd")
            with temp.open("rb+") as handle:
                os.fsync(handle.fileno())
            staged.append((temp, final))
        return staged


class StoreSink:
    """The workspace store (``--store URL``): saving an (article, signature) pair twice stores
    nothing new, so a document saved just before a crash is not written twice on the re-run."""

    def __init__(self, url: str) -> None:
        from propscope.store import Store

        self.store = Store.open(url, migrate=True)

    def write(self, chunk: str, done: Sequence[Done], signature: str) -> bool:
        wrote = False
        for d in done:
            if d.article is not None:
                self.store.save(d.article, signature, status="ok", source=d.source)
                wrote = True
        return wrote

    def close(self) -> None:
        self.store.close()


def _sync_dir(path: Path) -> None:
    # The renames are durable only once the folders are synced (POSIX); best effort elsewhere.
    for folder in [path, *(p for p in path.iterdir() if p.is_dir())]:
        try:
            fd = os.open(folder, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)

"""Any CSV (or TSV) file, with a column map given by the user: ``claim=Claim,url=Link,...``.

Fields that can be mapped: id, claim (required), title, summary, rating, source, url, date, language,
keywords, outlets (lists split on ``list_separator``, default ``;``). Without an ``id`` column a record's
id is a hash of its claim and url, so re-importing the same file adds nothing.
"""

from __future__ import annotations

import csv as _csv
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from propscope.errors import KnowledgeBaseError
from propscope.kb.importers import clean, split_list
from propscope.kb.record import BadRow, KBRecord

KIND = "csv"
FIELDS = ("id", "claim", "title", "summary", "rating", "source", "url", "date", "language", "keywords", "outlets")


def parse_map(text: str) -> dict[str, str]:
    """'claim=Claim,url=Link' -> {'claim': 'Claim', 'url': 'Link'}, checked against the known fields."""
    mapping: dict[str, str] = {}
    for part in (p for p in text.split(",") if p.strip()):
        if "=" not in part:
            raise KnowledgeBaseError(f"column map entry '{part}' is not FIELD=COLUMN")
        key, column = (s.strip() for s in part.split("=", 1))
        if key not in FIELDS:
            raise KnowledgeBaseError(f"unknown field '{key}' in the column map; fields: {', '.join(FIELDS)}")
        mapping[key] = column
    if "claim" not in mapping:
        raise KnowledgeBaseError("the column map must name the claim column, e.g. --map claim=Claim")
    return mapping


def read(path: Path, options: dict[str, Any]) -> Iterator[KBRecord | BadRow]:
    mapping: dict[str, str] = options.get("map") or {"claim": "claim"}
    source_name = options.get("source") or "csv"
    separator = options.get("list_separator") or ";"
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = _csv.DictReader(handle, delimiter=delimiter)
        header = reader.fieldnames or []
        absent = [column for column in mapping.values() if column not in header]
        if absent:
            raise KnowledgeBaseError(f"{path.name} has no column {', '.join(absent)}; its columns: {', '.join(header)}")
        for row in reader:
            line = f"line {reader.line_num}"
            if None in row:
                yield BadRow(line, f"{len(header) + len(row[None])} cells for {len(header)} columns")  # type: ignore[index]
                continue
            values = {key: clean(row.get(column)) for key, column in mapping.items()}
            claim = values.get("claim")
            if not claim:
                yield BadRow(line, f"empty claim column '{mapping['claim']}'")
                continue
            record_id = values.get("id")
            if not record_id:
                digest = hashlib.sha1(f"{values.get('url') or ''}\n{claim}".encode()).hexdigest()[:16]
                record_id = f"csv:{digest}"
            yield KBRecord(
                id=record_id,
                claim=claim,
                source=values.get("source") or source_name,
                importer=KIND,
                title=values.get("title"),
                summary=values.get("summary"),
                rating=values.get("rating"),
                url=values.get("url"),
                date=values.get("date"),
                language=values.get("language"),
                keywords=split_list(values.get("keywords"), separator),
                outlets=split_list(values.get("outlets"), separator),
            )

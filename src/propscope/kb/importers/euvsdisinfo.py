"""EUvsDisinfo ``posts.csv``: one documented pro-Kremlin disinformation case per row.

Columns: date, id (the case URL), title (the disinformation claim in short), countries, keywords,
languages, outlets; lists are joined by ``+``. The case summary and disproof live on the case page:
every record links to it (attribution required by the source's terms).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from propscope.kb.importers import clean, split_list
from propscope.kb.record import BadRow, KBRecord

KIND = "euvsdisinfo"
SOURCE = "EUvsDisinfo"
REQUIRED = ("date", "id", "title")


def read(path: Path, options: dict[str, Any]) -> Iterator[KBRecord | BadRow]:
    if path.is_dir():
        path = path / "posts.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            yield BadRow("line 1", f"header lacks {', '.join(missing)}: not an EUvsDisinfo posts.csv")
            return
        for row in reader:
            line = f"line {reader.line_num}"
            url = clean(row.get("id"))
            claim = clean(row.get("title"))
            if not url or not url.startswith("http"):
                yield BadRow(line, "no case URL in column 'id'")
                continue
            if not claim:
                yield BadRow(line, "empty title")
                continue
            yield case_record(
                url,
                claim,
                clean(row.get("date")),
                keywords=split_list(row.get("keywords"), "+"),
                countries=split_list(row.get("countries"), "+"),
                outlets=split_list(row.get("outlets"), "+"),
            )


def case_record(
    url: str, claim: str, date: str | None, keywords: list[str], countries: list[str], outlets: list[str]
) -> KBRecord:
    """One EUvsDisinfo case, from ``posts.csv`` or the site's listing: the id is the case page's slug,
    so a case gets the same record from either and is never duplicated."""
    return KBRecord(
        id=f"euvsdisinfo:{url.rstrip('/').rsplit('/', 1)[-1]}",
        claim=claim,
        source=SOURCE,
        importer=KIND,
        rating="disinformation",
        url=url,
        date=date,
        language="en",
        keywords=keywords + [f"country:{c}" for c in countries],
        outlets=outlets,
    )

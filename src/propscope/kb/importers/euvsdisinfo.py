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
            slug = url.rstrip("/").rsplit("/", 1)[-1]
            yield KBRecord(
                id=f"euvsdisinfo:{slug}",
                claim=claim,
                source=SOURCE,
                importer=KIND,
                rating="disinformation",
                url=url,
                date=clean(row.get("date")),
                language="en",
                keywords=split_list(row.get("keywords"), "+") + [
                    f"country:{c}" for c in split_list(row.get("countries"), "+")
                ],
                outlets=split_list(row.get("outlets"), "+"),
            )

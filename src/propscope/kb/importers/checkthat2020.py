"""CLEF CheckThat! 2020 Task 2 ``verified_claims.docs.tsv``: numeric id, vclaim, title (Snopes).

The file is a quoted TSV (some claims span two lines inside quotes), so it is read with ``csv``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from propscope.kb.importers import clean
from propscope.kb.record import BadRow, KBRecord

KIND = "checkthat2020"
SOURCE = "Snopes"


def read(path: Path, options: dict[str, Any]) -> Iterator[KBRecord | BadRow]:
    if path.is_dir():
        path = path / "verified_claims.docs.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        for cells in reader:
            line = f"line {reader.line_num}"
            if not cells or not any(c.strip() for c in cells):
                continue
            if reader.line_num == 1 and len(cells) >= 2 and cells[1].strip().lower() == "vclaim":
                continue
            if len(cells) < 2:
                yield BadRow(line, "expected id<TAB>vclaim<TAB>title")
                continue
            doc_id = cells[0].strip()
            claim = clean(cells[1])
            if not doc_id.isdigit():
                yield BadRow(line, f"id '{doc_id[:20]}' is not numeric")
                continue
            if not claim:
                yield BadRow(line, "empty vclaim")
                continue
            yield KBRecord(
                id=doc_id,
                claim=claim,
                title=clean(cells[2]) if len(cells) > 2 else None,
                source=SOURCE,
                importer=KIND,
                language="en",
            )

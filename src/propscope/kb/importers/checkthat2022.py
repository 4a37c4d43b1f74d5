"""CLEF CheckThat! 2022 Task 2A verified claims: a folder of ``vclaims/*.json`` (Snopes).

Each file holds title, subtitle, author, date ("14 February 2000"), vclaim_id and vclaim. The path may
be the ``vclaims`` folder, its parent, or a single JSON file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from propscope.kb.importers import clean
from propscope.kb.record import BadRow, KBRecord

KIND = "checkthat2022"
SOURCE = "Snopes"


def read(path: Path, options: dict[str, Any]) -> Iterator[KBRecord | BadRow]:
    if path.is_dir() and (path / "vclaims").is_dir():
        path = path / "vclaims"
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    for file in files:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            yield BadRow(file.name, f"not valid JSON: {exc}")
            continue
        if not isinstance(data, dict):
            yield BadRow(file.name, "expected a JSON object")
            continue
        vclaim_id = clean(data.get("vclaim_id"))
        claim = clean(data.get("vclaim"))
        if not vclaim_id or not claim:
            yield BadRow(file.name, "missing vclaim_id or vclaim")
            continue
        yield KBRecord(
            id=vclaim_id,
            claim=claim,
            title=clean(data.get("title")),
            summary=clean(data.get("subtitle")),
            source=SOURCE,
            importer=KIND,
            date=iso_date(clean(data.get("date"))),
            language="en",
        )


def iso_date(value: str | None) -> str | None:
    """'14 February 2000' -> '2000-02-14'; other strings are kept as given."""
    if not value:
        return None
    for fmt in ("%d %B %Y", "%B %d, %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return value

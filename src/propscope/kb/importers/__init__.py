"""Importers: one module per kind of source, each turning a file into :class:`KBRecord` rows.

Every importer module defines ``KIND`` and ``read(path, options) -> Iterator[KBRecord | BadRow]``.
A row it cannot read becomes a :class:`BadRow` with its line (or item) and the reason; the import goes
on past it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from propscope.errors import InputNotFound, KnowledgeBaseError
from propscope.kb.record import BadRow, KBRecord

IMPORTERS: dict[str, str] = {
    "euvsdisinfo": "propscope.kb.importers.euvsdisinfo",
    "checkthat2020": "propscope.kb.importers.checkthat2020",
    "checkthat2022": "propscope.kb.importers.checkthat2022",
    "claimreview": "propscope.kb.importers.claimreview",
    "csv": "propscope.kb.importers.csv",
}


def read_source(kind: str, path: Path, options: dict[str, Any] | None = None) -> Iterator[KBRecord | BadRow]:
    """The rows of ``path`` read by the importer for ``kind``."""
    if kind not in IMPORTERS:
        raise KnowledgeBaseError(f"unknown importer '{kind}'; known: {', '.join(IMPORTERS)}")
    if not path.exists():
        raise InputNotFound(f"{path} does not exist")
    module = importlib.import_module(IMPORTERS[kind])
    return module.read(path, options or {})


def clean(value: object) -> str | None:
    """A stripped string, or None for empty values."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def split_list(value: str | None, separator: str) -> list[str]:
    if not value:
        return []
    return [part.strip() for part in value.split(separator) if part.strip()]

"""What a knowledge base covers: its sources, how many records each holds, and their date range.

A "no match" only means "not known to be false" within what the KB covers, so reports and ``kb stats``
say it. Coverage is computed from the records (one GROUP BY, milliseconds on 25,000 records) and kept
in the KB's ``meta`` table under ``coverage`` at every import and update; a KB imported before this
existed (such as an older shipped one) gets it computed when it is opened, and a stored value whose
record count no longer matches the table is recomputed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from propscope.kb.store import KBStore

META_KEY = "coverage"
UPDATED_KEY = "updated_at"


@dataclass(frozen=True, slots=True)
class SourceCoverage:
    """One source of the KB (EUvsDisinfo, Snopes, a fact-checker of a ClaimReview feed, ...)."""

    name: str
    records: int
    first_date: str | None
    last_date: str | None
    undated: int = 0
    importers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Coverage:
    """The KB as a whole: records, date range (of the dated records) and sources, largest first."""

    records: int
    first_date: str | None
    last_date: str | None
    sources: tuple[SourceCoverage, ...] = field(default_factory=tuple)
    updated_at: str | None = None  # when the last import or update finished (UTC, ISO 8601)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Coverage:
        data = json.loads(text)
        sources = tuple(
            SourceCoverage(**{**s, "importers": tuple(s.get("importers", ()))}) for s in data.get("sources", [])
        )
        return cls(
            records=int(data["records"]),
            first_date=data.get("first_date"),
            last_date=data.get("last_date"),
            sources=sources,
            updated_at=data.get("updated_at"),
        )


def compute_coverage(store: KBStore) -> Coverage:
    """Coverage counted from the records table, as it is now."""
    rows = store.conn.execute(
        "SELECT source, count(*), min(date), max(date), sum(date IS NULL OR date = ''), group_concat(DISTINCT importer) "
        "FROM records GROUP BY source ORDER BY count(*) DESC, source"
    ).fetchall()
    sources = tuple(
        SourceCoverage(
            name=str(name),
            records=int(count),
            first_date=_day(first),
            last_date=_day(last),
            undated=int(undated or 0),
            importers=tuple(sorted(str(importers or "").split(","))) if importers else (),
        )
        for name, count, first, last, undated, importers in rows
    )
    firsts = [s.first_date for s in sources if s.first_date]
    lasts = [s.last_date for s in sources if s.last_date]
    return Coverage(
        records=sum(s.records for s in sources),
        first_date=min(firsts) if firsts else None,
        last_date=max(lasts) if lasts else None,
        sources=sources,
        updated_at=store.meta(UPDATED_KEY),
    )


def record_coverage(store: KBStore) -> Coverage:
    """Compute the coverage and keep it in the KB's metadata (after an import or update)."""
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
    store.set_meta(UPDATED_KEY, stamp)
    coverage = compute_coverage(store)
    store.set_meta(META_KEY, coverage.to_json())
    store.commit()
    return coverage


def read_coverage(store: KBStore) -> Coverage:
    """The stored coverage if it is current, else the coverage computed now (read-only KBs included)."""
    stored = store.meta(META_KEY)
    if stored:
        try:
            coverage = Coverage.from_json(stored)
        except (ValueError, KeyError, TypeError):
            coverage = None
        if coverage is not None and coverage.records == store.count():
            return coverage
    return compute_coverage(store)


def _day(value: object) -> str | None:
    # Importers store ISO dates; a time part, where a source gave one, is not part of the coverage.
    text = str(value).strip() if value else ""
    return text[:10] or None

"""Build a knowledge base from the raw public files: the user's default KB, or the shipped one.

The default KB holds the EUvsDisinfo cases and the CheckThat! 2022 (Snopes) verified claims; the KB that
ships inside the package holds the EUvsDisinfo cases only (see ``resources/kb/ATTRIBUTION.md``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from propscope.errors import InputNotFound
from propscope.kb.coverage import record_coverage
from propscope.kb.importers import read_source
from propscope.kb.search import KnowledgeBase, Progress
from propscope.kb.store import ImportReport

DEFAULT_SOURCES: tuple[tuple[str, str], ...] = (
    ("euvsdisinfo", "euvsdisinfo/posts.csv"),
    ("checkthat2022", "checkthat-2022-t2a/vclaims"),
)


@dataclass(slots=True)
class BuildReport:
    path: Path
    reports: dict[str, ImportReport] = field(default_factory=dict)
    seconds: float = 0.0
    records: int = 0


def build_kb(
    data_dir: Path,
    out: Path,
    sources: tuple[tuple[str, str], ...] = DEFAULT_SOURCES,
    progress: Progress | None = None,
    fresh: bool = True,
    compact: bool = False,
) -> BuildReport:
    """Import each (kind, relative path) of ``data_dir`` into ``out`` and embed the records."""
    start = time.perf_counter()
    for _, relative in sources:
        if not (data_dir / relative).exists():
            raise InputNotFound(f"{data_dir / relative} is missing (--data must point at the shared data folder)")
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(str(out) + suffix).unlink(missing_ok=True)
    report = BuildReport(path=out)
    with KnowledgeBase.open(out, readonly=False) as kb:
        for kind, relative in sources:
            report.reports[kind] = kb.store.upsert(read_source(kind, data_dir / relative))
            if progress is not None:
                progress(f"imported {kind}", report.reports[kind].read, report.reports[kind].read)
        kb.embed_missing(progress)
        record_coverage(kb.store)
        report.records = kb.store.count()
        if compact:
            kb.store.compact()
    report.seconds = time.perf_counter() - start
    return report

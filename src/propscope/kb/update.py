"""``kb update``: fetch new fact-checks and cases from the configured public sources into a KB.

Sources are listed in ``$PROPSCOPE_HOME/sources.toml`` (or a file given with ``--config``)::

    [[source]]
    name = "politifact"                    # how reports and `kb stats` name it (default: the kind)
    kind = "claimreview"                   # claimreview | google-factcheck | euvsdisinfo
    url = ["https://www.politifact.com/factchecks/list/"]
    follow = "/factchecks/20"              # links to review pages to read from a listing page
    next_pages = 2

    [[source]]
    kind = "google-factcheck"
    query = ["Bucha", "biolabs"]
    language = "en"                        # API key: $GOOGLE_FACTCHECK_API_KEY or --api-key

    [[source]]
    kind = "euvsdisinfo"
    max_pages = 5                          # listing pages per run; later runs resume
    delay_s = 2.0

Every source may set ``base_url`` (the same code runs against the real site or a local copy),
``delay_s``, ``timeout_s`` and ``user_agent``. A source's state (what it has seen, where a crawl
stopped, when it last ran) is kept in the KB's ``meta`` table as ``update:<name>``, so it travels
with the KB. Records are stored in chunks and the state saved after each, so an interrupted update
loses nothing it had stored and the next one goes on from there. A source that fails is reported with
its coded error and the others still run.
"""

from __future__ import annotations

import importlib
import json
import logging
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from propscope.errors import PropscopeError, SourceConfigError
from propscope.kb.coverage import record_coverage
from propscope.kb.describe import UPDATE_STATE_PREFIX
from propscope.kb.importers.fetching import FetchContext, HttpSettings, PoliteClient
from propscope.kb.paths import data_home
from propscope.kb.record import BadRow, KBRecord
from propscope.kb.store import ImportReport

if TYPE_CHECKING:
    from propscope.kb.search import KnowledgeBase

log = logging.getLogger(__name__)

CONFIG_FILE = "sources.toml"
SOURCE_KINDS: dict[str, str] = {
    "claimreview": "propscope.kb.importers.claimreview_web",
    "google-factcheck": "propscope.kb.importers.factcheck_api",
    "euvsdisinfo": "propscope.kb.importers.euvsdisinfo_site",
}
_HTTP_KEYS = ("delay_s", "timeout_s", "user_agent", "retries", "max_wait_s", "respect_robots")
CHUNK = 1000  # records stored (and state saved) together: the state of a big feed is megabytes


@dataclass(slots=True)
class SourceConfig:
    name: str
    kind: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class SourceResult:
    """What one source brought: the import counts, the counters of the importer, and an error if it failed."""

    name: str
    kind: str
    report: ImportReport = field(default_factory=ImportReport)
    counts: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    seconds: float = 0.0
    error: PropscopeError | None = None


def config_path() -> Path:
    return data_home() / CONFIG_FILE


def load_config(path: Path) -> list[SourceConfig]:
    """The ``[[source]]`` tables of a TOML file; a wrong kind or a missing file is a coded error."""
    if not path.is_file():
        raise SourceConfigError(f"no sources config at {path}: write one (see 'propscope kb update --help') or pass --claimreview URL, --factcheck-query Q or --euvsdisinfo")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourceConfigError(f"{path} is not valid TOML: {exc}") from exc
    tables = data.get("source", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise SourceConfigError(f"{path}: sources are [[source]] tables")
    return [source_config(table, f"{path} source {n}") for n, table in enumerate(tables, start=1)]


def source_config(table: dict[str, Any], where: str = "source") -> SourceConfig:
    options = dict(table)
    kind = options.pop("kind", None)
    if kind not in SOURCE_KINDS:
        raise SourceConfigError(f"{where}: 'kind' must be one of {', '.join(SOURCE_KINDS)}, not {kind!r}")
    name = str(options.pop("name", None) or kind)
    return SourceConfig(name=name, kind=str(kind), options=options)


def run_update(
    kb: KnowledgeBase,
    sources: list[SourceConfig],
    progress: Callable[[str, int, int], None] | None = None,
    embed: bool = True,
) -> list[SourceResult]:
    """Run every source into the open, writable ``kb``; embed what is new; store the KB's coverage."""
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise SourceConfigError(f"two sources share a name ({', '.join(sorted({n for n in names if names.count(n) > 1}))}): give each its own 'name'")
    results = [_run_source(kb, source) for source in sources]
    if embed and kb.embedder is not None:
        kb.embed_missing(progress)
    record_coverage(kb.store)
    return results


def _run_source(kb: KnowledgeBase, source: SourceConfig) -> SourceResult:
    start = time.perf_counter()
    module = importlib.import_module(SOURCE_KINDS[source.kind])
    options = {**module.DEFAULTS, **source.options}
    settings = HttpSettings(**{k: options[k] for k in _HTTP_KEYS if k in options})
    state_key = UPDATE_STATE_PREFIX + source.name
    state = _load_state(kb.store.meta(state_key))
    result = SourceResult(source.name, source.kind)
    with PoliteClient(settings) as client:
        context = FetchContext(client=client, state=state, known=lambda ids: set(kb.store.rowids_for(ids)))
        pending: list[KBRecord | BadRow] = []
        try:
            for row in module.fetch(options, context):
                pending.append(row)
                if len(pending) >= CHUNK:
                    _store(kb, pending, result, state, state_key)
                    pending = []
        except PropscopeError as exc:
            result.error = exc
            log.warning("source %s failed: %s", source.name, exc)
        _store(kb, pending, result, state, state_key, finished=result.error is None)
        result.requests = client.requests
    result.counts = dict(context.stats)
    result.seconds = time.perf_counter() - start
    return result


def _store(
    kb: KnowledgeBase, rows: list[KBRecord | BadRow], result: SourceResult, state: dict[str, Any], key: str, finished: bool = False
) -> None:
    """Store a chunk, then the state that describes it (a crash between the two re-reads, never skips)."""
    report = kb.store.upsert(rows)
    total = result.report
    total.added += report.added
    total.updated += report.updated
    total.unchanged += report.unchanged
    total.bad.extend(report.bad)
    state["last_added"] = total.added
    if finished:
        state["last_run"] = datetime.now(UTC).replace(microsecond=0).isoformat()
    state["kind"] = result.kind
    kb.store.set_meta(key, json.dumps(state, ensure_ascii=False))
    kb.store.commit()


def _load_state(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        state = json.loads(text)
    except ValueError:
        log.warning("unreadable update state; starting afresh")
        return {}
    return state if isinstance(state, dict) else {}


def ad_hoc_sources(
    claimreview_urls: list[str], factcheck_queries: list[str], euvsdisinfo: bool, extra: dict[str, Any]
) -> Iterator[SourceConfig]:
    """Sources given on the command line instead of in the config file."""
    if claimreview_urls:
        yield SourceConfig("claimreview", "claimreview", {"url": list(claimreview_urls), **extra.get("claimreview", {})})
    if factcheck_queries:
        yield SourceConfig(
            "google-factcheck", "google-factcheck", {"query": list(factcheck_queries), **extra.get("google-factcheck", {})}
        )
    if euvsdisinfo:
        yield SourceConfig("euvsdisinfo", "euvsdisinfo", dict(extra.get("euvsdisinfo", {})))

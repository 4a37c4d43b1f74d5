"""``kb stats`` in words: which KB, what it covers, how current it is, and which KB ``analyze`` uses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from propscope.kb.coverage import Coverage, read_coverage
from propscope.kb.paths import default_kb_path, kb_kind, user_kb_path
from propscope.kb.store import KBStore

UPDATE_STATE_PREFIX = "update:"  # meta keys where `kb update` keeps each source's state

_KINDS = {
    "shipped": "the knowledge base shipped with propscope",
    "user": "your knowledge base",
    "file": "a knowledge base file",
}


def kb_facts(path: Path) -> dict[str, Any]:
    """Everything ``kb stats`` says, as data (``--json``); the words come from :func:`describe_kb`."""
    with KBStore(path, readonly=True) as store:
        stats = store.stats()
        coverage = read_coverage(store)
        updates = {
            key[len(UPDATE_STATE_PREFIX):]: _summary(value)
            for key, value in store.conn.execute(
                "SELECT key, value FROM meta WHERE key LIKE ? ORDER BY key", (UPDATE_STATE_PREFIX + "%",)
            )
        }
    default = default_kb_path()
    return {
        **stats,
        "kind": kb_kind(path),
        "coverage": json.loads(coverage.to_json()),
        "updates": updates,
        "analyze_uses": str(default) if default is not None else None,
        "is_analyze_default": default is not None and default.resolve() == Path(path).resolve(),
    }


def describe_kb(path: Path) -> str:
    """The facts of :func:`kb_facts` as a few sentences a user reads."""
    facts = kb_facts(path)
    coverage = Coverage.from_json(json.dumps(facts["coverage"]))
    lines = [f"{path}: {_KINDS[facts['kind']]}."]
    count = len(coverage.sources)
    span = f", dated {coverage.first_date} to {coverage.last_date}" if coverage.last_date else ", none of them dated"
    lines.append(f"It holds {coverage.records:,} known claims from {count} source{'s' if count != 1 else ''}{span}:")
    for source in coverage.sources:
        dates = f"{source.first_date} to {source.last_date}" if source.last_date else "undated"
        undated = f", {source.undated:,} of them undated" if source.undated and source.last_date else ""
        via = f" (imported with {', '.join(source.importers)})" if source.importers else ""
        lines.append(f"  - {source.name}: {source.records:,} records, {dates}{undated}{via}")
    if coverage.last_date:
        lines.append(
            f"Claims first made after {coverage.last_date} cannot match: 'propscope kb update' adds newer "
            "fact-checks and cases."
        )
    if coverage.updated_at:
        lines.append(f"Last import or update: {coverage.updated_at.replace('T', ' ').replace('+00:00', ' UTC')}.")
    for name, update in facts["updates"].items():
        when = str(update.get("last_run") or "never").replace("T", " ").replace("+00:00", " UTC")
        added = update.get("last_added")
        lines.append(f"Source '{name}' last updated {when}" + (f", {added:,} new records." if added is not None else "."))
    embedded, records = facts["embedded"], facts["records"]
    if facts["embedder"] and embedded:
        lines.append(f"Dense index: {embedded:,} of {records:,} records embedded (embedder {facts['embedder']}).")
    else:
        lines.append("Dense index: none; searches use BM25 only until 'propscope kb import' or 'kb update' embeds.")
    lines.append(f"File size: {facts['bytes'] / 1e6:.1f} MB.")
    if facts["is_analyze_default"]:
        lines.append("'propscope analyze' uses this knowledge base (no --kb needed).")
    elif facts["analyze_uses"]:
        lines.append(f"'propscope analyze' uses {facts['analyze_uses']} by default, not this one (pass --kb to use it).")
    else:
        lines.append("'propscope analyze' has no default knowledge base here (pass --kb to use this one).")
    if facts["kind"] == "shipped" and not user_kb_path().is_file():
        lines.append(
            "You have no knowledge base of your own yet: 'propscope kb build-default --data DIR', 'kb import' or "
            "'kb update' creates it, starting from this one."
        )
    return "\n".join(lines)


def _summary(state_json: str) -> dict[str, Any]:
    try:
        state = json.loads(state_json)
    except ValueError:
        return {}
    return {key: state.get(key) for key in ("kind", "last_run", "last_added", "complete")}

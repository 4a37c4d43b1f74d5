"""``propscope reanalyze --store URL --model DIR [--kind techniques] [--article ID ...]``."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from propscope.corrections import Reanalysis


class Kind(str, Enum):
    techniques = "techniques"


def reanalyze(
    model: Path = typer.Option(..., "--model", help="Technique model directory (a retrained one)."),
    kind: Kind = typer.Option(Kind.techniques, "--kind", help="What to recompute (the technique spans)."),
    articles: list[int] | None = typer.Option(None, "--article", min=1, help="Stored article id (repeat it; default: every article)."),
    all_spans: bool = typer.Option(False, "--all-spans", help="Every span of the F1-tuned decoder, not the report operating point."),
    technique_shift: float = typer.Option(0.0, "--technique-shift", min=-1.0, max=1.0, help="Add to every technique threshold."),
    as_json: bool = typer.Option(False, "--json", help="Print the changes as JSON."),
    store: str | None = typer.Option(
        None, "--store", "--db", help="Store database URL (default: $PROPSCOPE_DB, else $PROPSCOPE_HOME/propscope.db)."
    ),
) -> None:
    """Re-analyse stored articles with another model; the new analysis is stored beside the old. Prints what changed."""
    from propscope.corrections import reanalyze as run
    from propscope.options import RunSettings
    from propscope.store import Store

    opened = Store.open(store, migrate=True)
    try:
        report = run(opened, model, articles or None,
                     RunSettings(technique_all_spans=all_spans, technique_threshold_shift=technique_shift))
    finally:
        opened.close()
    typer.echo(json.dumps(as_dict(report), indent=2) if as_json else render(report))


def as_dict(report: Reanalysis) -> dict[str, object]:
    return {
        "model": str(report.model),
        "fingerprint": report.fingerprint,
        "articles": [
            {"article_id": a.article_id, "old_analysis": a.old_analysis, "new_analysis": a.new_analysis, "stored": a.stored,
             "added": a.added, "removed": a.removed, "relabelled": a.relabelled, "resized": a.resized, "unchanged": a.unchanged}
            for a in report.articles
        ],
        "totals": report.totals(),
    }


def render(report: Reanalysis) -> str:
    def span(s: tuple[int, int, str]) -> str:
        return f"{s[2]} {s[0]}-{s[1]}"

    lines = []
    for a in report.articles:
        note = "" if a.stored else " (already stored: nothing new)"
        lines.append(f"article {a.article_id}: analysis {a.old_analysis} -> {a.new_analysis}{note}: +{len(a.added)} "
                     f"-{len(a.removed)} relabelled {len(a.relabelled)} resized {len(a.resized)} unchanged {a.unchanged}")
        lines += [f"  + {span(s)}" for s in a.added] + [f"  - {span(s)}" for s in a.removed]
        lines += [f"  ~ {span(o)} -> {span(n)}" for o, n in [*a.relabelled, *a.resized]]
    t = report.totals()
    lines.append(f"total: {t['articles']} articles ({t['stored']} new analyses, {t['changed']} changed), +{t['added']} "
                 f"-{t['removed']} relabelled {t['relabelled']} resized {t['resized']} unchanged {t['unchanged']} "
                 f"(model {report.model}, fingerprint {report.fingerprint})")
    return "\n".join(lines)

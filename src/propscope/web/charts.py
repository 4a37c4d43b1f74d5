"""The dashboard's plots as server-side SVG (no JavaScript, no plotting library, nothing fetched):
horizontal bars and a small line chart, with every label escaped and a table-like ``<title>`` per mark
so that a screen reader and a hover both give the number."""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select

from propscope.report.reliability import reliability_band
from propscope.store import Store

PALETTE = ("#0b5cad", "#b42318", "#2d8a4e", "#d4a514", "#6941c6", "#e06c2e", "#4a5866", "#0e9384")


def bars(rows: list[tuple[str, float]], unit: str, *, link: str | None = None, integer: bool = False, top: int = 15,
         empty: str = "Nothing stored yet.") -> str:
    """A horizontal bar chart of ``(label, value)``, largest first; a bar links to ``link + label``."""
    rows = sorted(((str(label), float(value)) for label, value in rows), key=lambda r: -r[1])[:top]
    if not rows:
        return f'<p class="empty">{escape(empty)}</p>'
    width, label_w, row_h = 720, 260, 24
    most = max(v for _, v in rows) or 1.0
    out = [f'<svg class="chart" role="img" viewBox="0 0 {width} {row_h * len(rows) + 24}" width="100%" '
           f'aria-label="{escape(unit)}" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(rows):
        y = i * row_h
        w = max(1.0, (width - label_w - 70) * value / most)
        shown = f"{int(value)}" if integer else f"{value:.1f}"
        short = label if len(label) <= 38 else label[:36] + "…"
        bar = (f'<rect class="plot-bar" x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{PALETTE[0]}">'
               f"<title>{escape(label)}: {shown} ({escape(unit)})</title></rect>")
        if link is not None:
            bar = f'<a href="{escape(link + quote(label))}" aria-label="{escape(label)}: {shown} ({escape(unit)}), list its articles">{bar}</a>'
        out.append(f'<text x="{label_w - 8}" y="{y + row_h / 2 + 4}" text-anchor="end" font-size="12">{escape(short)}</text>{bar}'
                   f'<text x="{label_w + w + 6:.1f}" y="{y + row_h / 2 + 4}" font-size="12">{shown}</text>')
    out.append(f'<text x="{label_w}" y="{row_h * len(rows) + 18}" font-size="11" fill="#5a5a5a">{escape(unit)}</text></svg>')
    return "".join(out)


def lines(rows: list[dict[str, Any]], unit: str, *, top: int = 6) -> str:
    """One line per outlet (the ``top`` with most articles) over the periods of ``rows`` (store stats)."""
    dated = [r for r in rows if r.get("period")]
    if not dated:
        return '<p class="empty">No dated articles stored yet.</p>'
    periods = sorted({r["period"] for r in dated})
    volume: Counter[str] = Counter()
    for r in dated:
        volume[r["outlet"] or "(no outlet)"] += r["articles"]
    outlets = [name for name, _ in volume.most_common(top)]
    value = {((r["outlet"] or "(no outlet)"), r["period"]): r["techniques_per_1000_words"] for r in dated}
    most = max(value.values()) or 1.0
    width, height, left, bottom = 720, 260, 50, 40
    plot_w, plot_h = width - left - 180, height - bottom - 10

    def x(i: int) -> float:
        return left + (plot_w * i / (len(periods) - 1) if len(periods) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return 10 + plot_h * (1 - v / most)

    out = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" aria-label="{escape(unit)}" '
           'xmlns="http://www.w3.org/2000/svg">',
           f'<line x1="{left}" y1="{10 + plot_h}" x2="{left + plot_w}" y2="{10 + plot_h}" stroke="#999"/>',
           f'<line x1="{left}" y1="10" x2="{left}" y2="{10 + plot_h}" stroke="#999"/>',
           f'<text x="{left - 6}" y="16" text-anchor="end" font-size="11">{f"{most:.1f}" if most < 10 else f"{most:.0f}"}</text>',
           f'<text x="{left - 6}" y="{10 + plot_h}" text-anchor="end" font-size="11">0</text>']
    # periods are evenly spaced; where years pass between two of them the axis says so and no line crosses
    breaks = _gaps(periods)
    for i in breaks:
        mid = (x(i - 1) + x(i)) / 2
        out.append(f'<line class="axis-gap" x1="{mid:.1f}" y1="10" x2="{mid:.1f}" y2="{10 + plot_h}" stroke="#999" stroke-dasharray="4 3"/>'
                   f'<text x="{mid:.1f}" y="{10 + plot_h - 4}" text-anchor="middle" font-size="10" fill="#5a5a5a">gap</text>')
    labelled = {i for i in range(len(periods)) if len(periods) <= 12 or i % max(1, len(periods) // 8) == 0} | set(breaks)
    for i in sorted(labelled):
        if i - 1 in labelled and i in breaks and len(periods) > 12:
            labelled.discard(i - 1)  # two labels side by side would overlap
    for i in sorted(labelled):
        out.append(f'<text x="{x(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" font-size="11">{escape(periods[i][:7])}</text>')
    for n, outlet in enumerate(outlets):
        colour = PALETTE[n % len(PALETTE)]
        out.append(f'<g class="outlet" data-outlet="{escape(outlet)}">')
        points = [(i, x(i), y(value[(outlet, p)]), p, value[(outlet, p)]) for i, p in enumerate(periods) if (outlet, p) in value]
        runs: list[list[tuple[int, float, float, str, float]]] = []
        for point in points:
            if runs and not any(runs[-1][-1][0] < b <= point[0] for b in breaks):
                runs[-1].append(point)
            else:
                runs.append([point])
        for run in runs:
            out.append(f'<polyline class="series" fill="none" stroke="{colour}" stroke-width="2" '
                       f'points="{" ".join(f"{px:.1f},{py:.1f}" for _, px, py, _, _ in run)}"/>')
        for _, px, py, p, v in points:
            out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"><title>{escape(outlet)} {escape(p[:7])}: {v:.1f}</title></circle>')
        out.append(f'<rect x="{left + plot_w + 16}" y="{14 + 18 * n}" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{left + plot_w + 32}" y="{23 + 18 * n}" font-size="11">{escape(outlet[:24])}</text></g>')
    out.append(f'<text x="{left}" y="{height - 4}" font-size="11" fill="#5a5a5a">{escape(unit)}</text></svg>')
    return "".join(out)


def _gaps(periods: list[str]) -> list[int]:
    """Positions ``i`` where more than a year lies between ``periods[i - 1]`` and ``periods[i]`` (ISO dates)."""
    import datetime as dt

    found = []
    for i in range(1, len(periods)):
        try:
            before, after = dt.date.fromisoformat(periods[i - 1][:10]), dt.date.fromisoformat(periods[i][:10])
        except ValueError:
            continue
        if (after - before).days > 366:
            found.append(i)
    return found


def corpus_tables(store: Store) -> dict[str, list[tuple[str, float]]]:
    """Top matched known claims and cited sources by reliability band, over current analyses."""
    from sqlalchemy.orm import Session

    from propscope.store.tables import AnalysisRow, CitationRow, MatchRow

    with Session(store.engine) as session:
        known = session.execute(
            select(MatchRow.claim, func.count(func.distinct(MatchRow.analysis_id)))
            .join(AnalysisRow, AnalysisRow.id == MatchRow.analysis_id).where(AnalysisRow.is_current.is_(True))
            .group_by(MatchRow.claim).order_by(func.count(func.distinct(MatchRow.analysis_id)).desc()).limit(10)
        ).all()
        cited = session.execute(
            select(CitationRow.reliability, func.count())
            .join(AnalysisRow, AnalysisRow.id == CitationRow.analysis_id).where(AnalysisRow.is_current.is_(True))
            .group_by(CitationRow.reliability)
        ).all()
    bands: Counter[str] = Counter()
    for reliability, n in cited:
        bands[reliability_band(reliability)[0]] += n
    return {"known": [(claim, float(n)) for claim, n in known], "bands": [(b, float(n)) for b, n in bands.items()]}


def components_ran(store: Store, analysis_ids: list[int]) -> dict[int, set[str]]:
    """The names of the components that made each analysis (so that a list shows "not analysed", not 0)."""
    from sqlalchemy.orm import Session

    from propscope.store.tables import AnalysisRow

    if not analysis_ids:
        return {}
    with Session(store.engine) as session:
        rows = session.execute(select(AnalysisRow.id, AnalysisRow.components).where(AnalysisRow.id.in_(analysis_ids))).all()
    return {analysis_id: {c.get("name", "") for c in components or []} for analysis_id, components in rows}

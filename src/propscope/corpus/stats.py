"""Corpus statistics by outlet and period: the queries behind ``propscope corpus stats`` and the
dashboard.

Rows have the shape of the workspace store's ``Store.stats`` (``/v1/stats``): ``outlet``,
``period`` (ISO date of the day, the week's Monday or the month's first day; None without a period),
``articles``, ``words``, ``technique_spans``, ``techniques_per_1000_words``, ``by_technique``
(technique -> spans per 1,000 words), ``claims``, ``matches`` (same-claim matches with known
claims) and ``cited_sources``; :func:`parquet_stats` adds ``top_known_claims`` and
``top_cited_sources`` (name, count). :func:`corpus_stats` reads a batch output folder (Parquet,
columnar, with pyarrow's hash lookups and grouped aggregations) or a store URL (the
store's own SQL, which the API serves), so the command line and the dashboard count alike.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from propscope.errors import InputNotFound, InputError, ScaleDependencyMissing

PERIODS = ("none", "day", "week", "month")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
TOP = 5


def parse_by(by: str) -> tuple[bool, str]:
    """``--by outlet,month`` -> (by outlet, period)."""
    parts = [p.strip() for p in by.split(",") if p.strip()]
    unknown = [p for p in parts if p != "outlet" and p not in PERIODS[1:]]
    periods = [p for p in parts if p in PERIODS[1:]]
    if unknown or len(periods) > 1:
        raise InputError(f"--by takes outlet and/or one of day, week, month (got '{by}')")
    return "outlet" in parts, periods[0] if periods else "none"


def period_of(date: str | None, period: str) -> str | None:
    """The period key of an ISO date (``None``: undated, or no period asked)."""
    if period == "none" or not date or not _ISO_DAY.match(date):
        return None
    if period == "month":
        return f"{date[:7]}-01"
    if period == "day":
        return date[:10]
    try:
        day = dt.date.fromisoformat(date[:10])
    except ValueError:
        return None
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def _rate(count: int, words: int) -> float:
    return round(1000 * count / words, 3) if words else 0.0


def _read_table(folder: Path, columns: list[str]) -> Any:
    """One table of a batch folder: its Parquet parts (one per chunk, hundreds or thousands of small
    files) read on a few threads, the columns asked for only. Reading the parts file by file is
    twice as fast as a ``pyarrow.dataset`` scan here and spares importing it (it imports pandas);
    temporary files of an unfinished chunk (``.part-N.parquet.partial``) are not parts."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = sorted(p for p in folder.glob("*.parquet") if not p.name.startswith("."))
    if not files:
        return None
    with ThreadPoolExecutor(max_workers=min(8, 2 * (os.cpu_count() or 1))) as pool:
        parts = list(pool.map(lambda path: pq.ParquetFile(path).read(columns=columns, use_threads=False), files))
    return pa.concat_tables(parts)


def parquet_stats(folder: Path, by_outlet: bool = True, period: str = "none", top: int = TOP) -> list[dict[str, Any]]:
    """Statistics of a ``propscope batch`` output folder, one row per (outlet, period).

    Columnar throughout: each child table's rows find their article's (outlet, period) by a hash
    lookup of ``article_id`` (``pyarrow.compute.index_in``, five times faster than a join here) and
    are counted with grouped aggregations; Python sees only the grouped rows."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        raise ScaleDependencyMissing("corpus stats over Parquet need pyarrow: pip install 'propscope[scale]'") from None
    if period not in PERIODS:
        raise InputError(f"period must be one of {', '.join(PERIODS)}")
    articles = _read_table(folder / "articles", ["article_id", "outlet", "date", "words", "claims"]) if (folder / "articles").is_dir() else None
    if articles is None:
        raise InputNotFound(f"{folder} holds no articles table (a 'propscope batch --out' folder with Parquet output)")

    outlets = articles["outlet"] if by_outlet else pa.nulls(articles.num_rows, pa.string())
    # Few distinct dates even in a large corpus: the period of each is computed once.
    dates = articles["date"]
    distinct = pc.unique(dates)
    periods_of = pa.array([period_of(d, period) for d in distinct.to_pylist()], pa.string())
    periods = periods_of.take(pc.index_in(dates, value_set=distinct))
    keys = pa.table({"article_id": articles["article_id"], "outlet": outlets, "period": periods,
                     "words": articles["words"], "claims": articles["claims"]})
    if period != "none":  # undated articles belong to no period
        keys = keys.filter(pc.is_valid(keys["period"]))
    group = ["outlet", "period"]
    totals = keys.group_by(group, use_threads=True).aggregate(
        [("article_id", "count"), ("words", "sum"), ("claims", "sum")]
    )

    def counted(name: str, column: str | None) -> Any:
        """Rows of a child table per (outlet, period[, column]) of their article."""
        rows = _read_table(folder / name, ["article_id"] + ([column] if column else []))
        if rows is None:
            return []
        where = pc.index_in(rows["article_id"], value_set=keys["article_id"])  # null: undated, or unknown
        found = {"outlet": keys["outlet"].take(where), "period": keys["period"].take(where), "known": pc.is_valid(where)}
        if column:
            found[column] = rows[column]
        table = pa.table(found).filter(pc.field("known"))
        return table.group_by([*group, *([column] if column else [])], use_threads=True).aggregate([([], "count_all")]).to_pylist()

    rows: dict[tuple[Any, Any], dict[str, Any]] = {}
    for entry in totals.to_pylist():
        words = int(entry["words_sum"] or 0)
        rows[(entry["outlet"], entry["period"])] = {
            "outlet": entry["outlet"], "period": entry["period"], "articles": int(entry["article_id_count"]),
            "words": words, "technique_spans": 0, "techniques_per_1000_words": 0.0, "by_technique": {},
            "claims": int(entry["claims_sum"] or 0), "matches": 0, "cited_sources": 0,
            "top_known_claims": [], "top_cited_sources": [],
        }
    for entry in counted("spans", "technique"):
        row = rows[(entry["outlet"], entry["period"])]
        row["technique_spans"] += entry["count_all"]
        row["by_technique"][entry["technique"]] = _rate(entry["count_all"], row["words"])
    for row in rows.values():
        row["techniques_per_1000_words"] = _rate(row["technique_spans"], row["words"])
        row["by_technique"] = dict(sorted(row["by_technique"].items(), key=lambda item: -item[1]))
    for name, column, total, top_key in (("matches", "known_claim", "matches", "top_known_claims"),
                                         ("citations", "name", "cited_sources", "top_cited_sources")):
        for entry in counted(name, column):
            row = rows[(entry["outlet"], entry["period"])]
            row[total] += entry["count_all"]
            row[top_key].append((entry[column], entry["count_all"]))
    for row in rows.values():
        for top_key in ("top_known_claims", "top_cited_sources"):
            row[top_key] = sorted(row[top_key], key=lambda item: (-item[1], item[0] or ""))[:top]
    return sorted(rows.values(), key=lambda r: (r["outlet"] or "", r["period"] or ""))


def store_stats(url: str, by_outlet: bool = True, period: str = "none") -> list[dict[str, Any]]:
    """The same statistics from the workspace store (its ``stats`` query, which ``/v1/stats`` serves)."""
    from propscope.store import StatsQuery, Store

    store = Store.open(url)
    try:
        return store.stats(StatsQuery(by_outlet=by_outlet, period=period))
    finally:
        store.close()


def corpus_stats(path: Path | None = None, store: str | None = None, by: str = "outlet") -> list[dict[str, Any]]:
    by_outlet, period = parse_by(by)
    if (path is None) == (store is None):
        raise InputError("give a batch output folder or --store URL (one of them)")
    if store is not None:
        return store_stats(store, by_outlet, period)
    assert path is not None
    return parquet_stats(path, by_outlet, period)


# -- presentation ----------------------------------------------------------------------------------
def flat_rows(rows: Sequence[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """Rows for a CSV: one column per technique's rate, the top lists as 'name (n); ...'."""
    techniques = sorted({t for row in rows for t in row.get("by_technique", {})})
    base = ["outlet", "period", "articles", "words", "technique_spans", "techniques_per_1000_words",
            "claims", "matches", "cited_sources"]
    extra = [k for k in ("top_known_claims", "top_cited_sources") if any(k in row for row in rows)]
    header = base + [f"per_1000_words:{t}" for t in techniques] + extra
    flat = []
    for row in rows:
        item = {k: row.get(k) for k in base}
        item.update({f"per_1000_words:{t}": row.get("by_technique", {}).get(t, 0.0) for t in techniques})
        for k in extra:
            item[k] = "; ".join(f"{name} ({n})" for name, n in row.get(k, []))
        flat.append(item)
    return header, flat


def render_text(rows: Sequence[dict[str, Any]]) -> str:
    if not rows:
        return "no analysed articles\n"
    lines = [f"{'outlet':<28} {'period':<10} {'articles':>8} {'words':>10} {'tech/1k w':>9} {'claims':>7} "
             f"{'matches':>7} {'cited':>6}"]
    for row in rows:
        lines.append(
            f"{(row['outlet'] or '-')[:28]:<28} {row['period'] or '':<10} "
            f"{row['articles']:>8} {row['words']:>10} {row['techniques_per_1000_words']:>9.2f} {row['claims']:>7} "
            f"{row['matches']:>7} {row['cited_sources']:>6}"
        )
        top = list(row.get("by_technique", {}).items())[:3]
        if top:
            lines.append("    most used: " + ", ".join(f"{t} {rate:.2f}/1k" for t, rate in top))
        if row.get("top_known_claims"):
            lines.append("    known claims: " + "; ".join(f"{c[:60]} ({n})" for c, n in row["top_known_claims"][:3]))
        if row.get("top_cited_sources"):
            lines.append("    cited: " + ", ".join(f"{c} ({n})" for c, n in row["top_cited_sources"][:5]))
    return "\n".join(lines) + "\n"


PLOT_OUTLETS = 10


def plot(rows: Sequence[dict[str, Any]], out: Path) -> None:
    """Technique spans per 1,000 words by outlet (bars), over periods when there are any (lines, for
    the ``PLOT_OUTLETS`` outlets with most articles: forty lines and their legend are unreadable)."""
    from matplotlib.figure import Figure  # no pyplot: no display, no global figure state

    figure = Figure(figsize=(10.5, 4.5))
    axis = figure.add_subplot()
    periods = sorted({r["period"] for r in rows if r["period"]})
    size: dict[str, int] = {}
    for r in rows:
        size[r["outlet"] or "(none)"] = size.get(r["outlet"] or "(none)", 0) + r["articles"]
    outlets = sorted(size)
    title = "Persuasion techniques by outlet"
    if periods:
        shown = sorted(sorted(outlets, key=lambda o: -size[o])[:PLOT_OUTLETS])
        for outlet in shown:
            points = sorted((r["period"], r["techniques_per_1000_words"]) for r in rows if (r["outlet"] or "(none)") == outlet and r["period"])
            axis.plot([dt.date.fromisoformat(p) for p, _ in points], [v for _, v in points], marker="o", label=outlet)
        axis.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)  # beside the plot, over no line
        figure.autofmt_xdate()
        title += " and period" + (f" ({len(shown)} of {len(outlets)} outlets, most articles first)" if len(shown) < len(outlets) else "")
    else:
        axis.bar(outlets, [sum(r["techniques_per_1000_words"] for r in rows if (r["outlet"] or "(none)") == o) for o in outlets])
        axis.tick_params(axis="x", labelrotation=30)
    axis.set_ylabel("technique spans per 1,000 words")
    axis.set_title(title)
    figure.tight_layout()
    figure.savefig(out)

"""``GET /v1/stats``: technique rates per 1,000 words, claims, matches and cited sources, by outlet
and by day/week/month, as JSON or CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, PlainTextResponse

from propscope.api.security import Principal, require
from propscope.api.state import AppState, get_state
from propscope.store import StatsQuery
from propscope.techniques import TECHNIQUE_NAMES

router = APIRouter(tags=["stats"])


@router.get("/v1/stats", summary="Counts and rates over the stored articles (current analyses)")
def stats(
    by: Literal["outlet", "period", "outlet,period"] = Query("outlet", description="Group by outlet, by period, or both"),
    period: Literal["day", "week", "month"] = Query("month", description="Period length when grouping by period"),
    outlet: str | None = Query(None, max_length=300),
    date_from: dt.date | None = Query(None, alias="from"),
    date_to: dt.date | None = Query(None, alias="to"),
    format: Literal["json", "csv"] = Query("json"),
    state: AppState = Depends(get_state),
    _who: Principal = Depends(require("reader")),
) -> Any:
    rows = state.store.stats(
        StatsQuery(by_outlet="outlet" in by, period=period if "period" in by else "none", outlet=outlet,
                   date_from=date_from, date_to=date_to)
    )
    if format == "json":
        return JSONResponse({"by": by, "period": period if "period" in by else None, "rows": rows})
    return PlainTextResponse(_csv(rows), media_type="text/csv")


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    fields = ["outlet", "period", "articles", "words", "technique_spans", "techniques_per_1000_words",
              "claims", "matches", "cited_sources"]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields + [f"per_1000_words:{name}" for name in TECHNIQUE_NAMES])
    for row in rows:
        writer.writerow([row[f] if row[f] is not None else "" for f in fields]
                        + [row["by_technique"].get(name, 0.0) for name in TECHNIQUE_NAMES])
    return out.getvalue()

"""``GET /v1/articles`` (filters, paging, sort), ``GET``/``DELETE /v1/articles/{id}``, and
``POST``/``GET /v1/articles/{id}/corrections``."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response

from propscope.api.schemas import CorrectionBody
from propscope.api.security import Principal, require
from propscope.api.state import AppState, get_state
from propscope.schema import article_to_dict
from propscope.store import ArticleQuery, CorrectionRequest

router = APIRouter(tags=["articles"])

MAX_ID = 2_147_483_647  # ids are 32-bit integers on PostgreSQL

Sort = Literal["created", "-created", "date", "-date", "outlet", "-outlet", "title", "-title"]


@router.get("/v1/articles", summary="Stored articles with their current analysis, filtered and paged")
def list_articles(
    outlet: str | None = Query(None, max_length=300),
    date_from: dt.date | None = Query(None, alias="from", description="First day (YYYY-MM-DD) of the article's date"),
    date_to: dt.date | None = Query(None, alias="to", description="Last day (YYYY-MM-DD)"),
    technique: str | None = Query(None, max_length=80, description="Only articles with a span of this PTC technique"),
    language: str | None = Query(None, max_length=12),
    has_match: bool | None = Query(None, description="Only articles with (true) or without (false) a known-claim match"),
    q: str | None = Query(None, max_length=200, description="Case-insensitive substring of the title or text"),
    job: str | None = Query(None, max_length=64, description="Only the articles one batch job stored (its owner or an admin)"),
    sort: Sort = Query("-created"),
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0, le=10_000_000),
    state: AppState = Depends(get_state),
    who: Principal = Depends(require("reader")),
) -> dict[str, Any]:
    if job is not None:
        state.store.job(job, None if who.is_admin else who.name)  # another's job: not found, as GET /v1/jobs/ID
    return state.store.list_articles(
        ArticleQuery(outlet=outlet, date_from=date_from, date_to=date_to, technique=technique, language=language,
                     has_match=has_match, q=q, job=job, sort=sort, limit=limit, offset=offset)
    )


@router.get("/v1/articles/{article_id}", summary="A stored article: its document JSON, analyses and corrections")
def get_article(
    article_id: int = Path(..., ge=1, le=MAX_ID),
    analysis_id: int | None = Query(None, ge=1, le=MAX_ID, description="Another analysis of the article (default: current)"),
    state: AppState = Depends(get_state),
    _who: Principal = Depends(require("reader")),
) -> dict[str, Any]:
    stored = state.store.get(article_id, analysis_id)
    return {
        "article_id": stored.id,
        "source": stored.source,
        "analysis": stored.analysis,
        "analyses": stored.analyses,
        "corrections": state.store.corrections(article_id),
        "document": article_to_dict(stored.article),
    }


@router.delete("/v1/articles/{article_id}", status_code=204, summary="Delete an article, its analyses and corrections (reviewer)")
def delete_article(
    article_id: int = Path(..., ge=1, le=MAX_ID), state: AppState = Depends(get_state), _who: Principal = Depends(require("reviewer"))
) -> Response:
    state.store.delete(article_id)
    return Response(status_code=204)


@router.post("/v1/articles/{article_id}/corrections", status_code=201, summary="Record a reviewer's correction (reviewer)")
def add_correction(
    body: CorrectionBody, article_id: int = Path(..., ge=1, le=MAX_ID), state: AppState = Depends(get_state), who: Principal = Depends(require("reviewer"))
) -> dict[str, Any]:
    """Targets and actions: ``technique`` accept/reject/relabel/resize/add, ``claim``
    checkworthy/not_checkworthy/speaker, ``match`` confirm/reject. ``index`` is the item's position
    in the analysis' document (for a match, the claim's; ``match_index`` the match's)."""
    request = CorrectionRequest(**body.model_dump())
    return state.store.add_correction(article_id, request, author=who.name)


@router.get("/v1/articles/{article_id}/corrections", summary="The corrections of an article, oldest first")
def list_corrections(
    article_id: int = Path(..., ge=1, le=MAX_ID), state: AppState = Depends(get_state), _who: Principal = Depends(require("reader"))
) -> list[dict[str, Any]]:
    return state.store.corrections(article_id)


@router.delete("/v1/articles/{article_id}/corrections/{correction_id}", status_code=204, summary="Undo a correction (reviewer)")
def delete_correction(
    article_id: int = Path(..., ge=1, le=MAX_ID), correction_id: int = Path(..., ge=1, le=MAX_ID),
    state: AppState = Depends(get_state), _who: Principal = Depends(require("reviewer")),
) -> Response:
    state.store.delete_correction(article_id, correction_id)
    return Response(status_code=204)

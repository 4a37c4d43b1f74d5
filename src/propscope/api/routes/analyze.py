"""``POST /v1/analyze`` (JSON text or URL) and ``POST /v1/analyze/file`` (an uploaded .txt/.html)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, File, Form, UploadFile
from pydantic import ValidationError

from propscope.api.analysis import UPLOAD_KINDS, analyze_one, ingest_document, ingest_upload, response, store_outcome
from propscope.api.schemas import AnalyzeRequest, Settings
from propscope.api.security import RANK, Principal, principal
from propscope.api.state import AppState, get_state
from propscope.engine import Outcome
from propscope.errors import BadRequest, Forbidden, Unauthorized
from propscope.ingest import IngestResult
from propscope.options import RunSettings

router = APIRouter(tags=["analyze"])


def _may_store(who: Principal) -> None:
    if RANK[who.role] < RANK["reviewer"]:
        if who.token_id is None:
            raise Unauthorized("store=true needs a reviewer or admin token ('Authorization: Bearer TOKEN')")
        raise Forbidden(f"store=true needs the reviewer role; token '{who.name}' is a {who.role}")


def _finish(state: AppState, result: IngestResult, settings: RunSettings, store: bool) -> dict[str, Any]:
    outcome: Outcome = analyze_one(state, result, settings)
    if outcome.status == "error" and outcome.error is not None:
        raise outcome.error
    saved = store_outcome(state, outcome, settings) if store else None
    return response(outcome, saved)


@router.post("/v1/analyze", summary="Analyse one text or URL; store=true keeps it (reviewer)")
def analyze(
    body: AnalyzeRequest, state: AppState = Depends(get_state), who: Principal = Depends(principal)
) -> dict[str, Any]:
    """Returns the document JSON of the CLI's ``--format json`` (``status`` ok or partial), plus
    ``stored`` ({article_id, analysis_id, created}) when stored."""
    if body.store:
        _may_store(who)
    result = ingest_document(state, body)
    if result.error is not None:
        raise result.error
    return _finish(state, result, body.settings.run_settings(), body.store)


@router.post("/v1/analyze/file", summary="Analyse an uploaded .txt or .html file")
def analyze_file(
    file: UploadFile = File(..., description="A .txt, .html or .htm file"),
    store: bool = Form(False),
    settings: str = Form("{}", description="Run settings as JSON (the 'settings' object of /v1/analyze)"),
    state: AppState = Depends(get_state),
    who: Principal = Depends(principal),
) -> dict[str, Any]:
    if store:
        _may_store(who)
    try:
        run = Settings.model_validate(json.loads(settings or "{}")).run_settings()
    except (ValueError, ValidationError) as exc:
        raise BadRequest(f"settings: {exc}".splitlines()[0]) from exc
    (result, *rest) = ingest_upload(state, file.filename or "", file.file.read(), UPLOAD_KINDS)
    if result.error is not None:
        raise result.error
    return _finish(state, result, run, store)

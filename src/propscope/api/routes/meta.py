"""``GET /health`` and ``GET /v1/version`` (models and their fingerprints)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from propscope import __version__
from propscope.api.security import Principal, principal
from propscope.api.state import AppState, get_state
from propscope.schema import SCHEMA_VERSION
from propscope.store import db

router = APIRouter(tags=["meta"])


@router.get("/health", summary="Liveness: the server answers and reaches its database")
def health(state: AppState = Depends(get_state)) -> dict[str, Any]:
    db.ping(state.store.engine)
    return {"status": "ok"}


@router.get("/v1/version", summary="Versions, database revision, and each model's fingerprint")
def version(state: AppState = Depends(get_state), _who: Principal = Depends(principal)) -> dict[str, Any]:
    return {
        "propscope": __version__,
        "schema_version": SCHEMA_VERSION,
        "database": {"dialect": state.store.dialect, "revision": db.current_revision(state.store.engine)},
        "models": state.analyzer.fingerprints(),
    }

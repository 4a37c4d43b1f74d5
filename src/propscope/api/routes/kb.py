"""``GET /v1/kb/search``, ``GET /v1/kb`` (what the KB covers) and ``POST /v1/kb/import`` (admin)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile

from propscope.api.security import Principal, require
from propscope.api.state import AppState, get_state
from propscope.errors import BadRequest, KnowledgeBaseError
from propscope.models.cache import load_once

router = APIRouter(tags=["kb"])


def _kb_path(state: AppState) -> Path:
    from propscope.kb.paths import default_kb_path

    path = state.analyzer.config.kb_path or default_kb_path()
    if path is None or not path.is_file():
        raise KnowledgeBaseError("this server has no knowledge base")
    return path


def _knowledge_base(state: AppState) -> Any:
    from propscope.kb.search import KnowledgeBase

    path = _kb_path(state)
    # the same cached object the matching component uses (same key: kind, path, fingerprint)
    return load_once("kb", path, lambda: KnowledgeBase.open(path, readonly=True))


@router.get("/v1/kb/search", summary="Known claims most like a text")
def search(
    q: str = Query(..., min_length=1, max_length=2000),
    k: int = Query(5, ge=1, le=50),
    state: AppState = Depends(get_state),
    _who: Principal = Depends(require("reader")),
) -> dict[str, Any]:
    with state.analysis_lock:
        hits = _knowledge_base(state).search(q, k=k)
    return {"query": q, "hits": [{"rank": i + 1, **_match(hit)} for i, hit in enumerate(hits)]}


def _match(hit: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(hit.to_match())


@router.get("/v1/kb", summary="What the knowledge base covers: records by source and importer, dates")
def coverage(state: AppState = Depends(get_state), _who: Principal = Depends(require("reader"))) -> dict[str, Any]:
    with state.analysis_lock:
        stats: dict[str, Any] = dict(_knowledge_base(state).store.stats())
    stats["path"] = Path(str(stats.get("path", ""))).name  # the server's file layout is not the client's business
    return stats


@router.post("/v1/kb/import", summary="Import a file of known claims into the server's KB (admin)")
def import_records(
    kind: str = Form(..., max_length=40, description="Importer: euvsdisinfo, checkthat2020, claimreview, csv, ..."),
    file: UploadFile = File(...),
    state: AppState = Depends(get_state),
    _who: Principal = Depends(require("admin")),
) -> dict[str, Any]:
    from propscope.kb.importers import IMPORTERS, read_source
    from propscope.kb.paths import shipped_kb_path, writable_kb_path
    from propscope.kb.search import KnowledgeBase

    if kind not in IMPORTERS:
        raise BadRequest(f"kind must be one of {', '.join(IMPORTERS)}")
    suffix = Path(file.filename or "").suffix.lower()[:10] or ".txt"
    configured = state.analyzer.config.kb_path
    target = writable_kb_path(configured if configured and configured != shipped_kb_path() else None)
    with tempfile.TemporaryDirectory(prefix="propscope-kb-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(file.file.read())
        with state.analysis_lock, KnowledgeBase.open(target, readonly=False) as base:
            report = base.import_rows(read_source(kind, path))
            total = base.store.count()
    # the KB file changed, so its fingerprint did: the next analysis loads it afresh (models.cache)
    return {
        "kind": kind,
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "bad": len(report.bad),
        "records": total,
        # the matching component opened its KB file when it was built: another file is used after a restart
        "used_by_analysis": getattr(state.analyzer.components.get("matching"), "path", None) == target,
    }

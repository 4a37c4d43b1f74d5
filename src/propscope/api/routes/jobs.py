"""``POST /v1/jobs`` (JSON documents), ``POST /v1/jobs/file`` (JSONL/CSV), ``GET /v1/jobs/{id}`` and
``GET /v1/jobs/{id}/documents/{index}``. Jobs store every result; a job is visible to the token that
created it and to admins."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Path, UploadFile
from pydantic import ValidationError

from propscope.api.analysis import BATCH_KINDS, ingest_upload
from propscope.api.schemas import JobRequest, Settings
from propscope.api.security import Principal, require
from propscope.api.state import AppState, get_state
from propscope.errors import BadRequest, NotFound
from propscope.schema import article_to_dict
from propscope.store import Job

router = APIRouter(tags=["jobs"])


def job_dict(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "status": job.status,
        "total": job.total,
        "done": job.done,
        "failed": job.failed,
        "created": job.created.isoformat(),
        "finished": job.finished.isoformat() if job.finished else None,
        "documents": [
            {"index": i.index, "source": i.source, "status": i.status, "article_id": i.article_id,
             "analysis_id": i.analysis_id, "error": i.error}
            for i in job.items
        ],
    }


def submit_job(state: AppState, who: Principal, settings: Settings, documents: list[tuple[str, dict[str, Any]]],
               failed: list[tuple[int, str, str]]) -> dict[str, Any]:
    """Store a job of ``documents`` (``failed``: those that could not be read, with their error) and queue it."""
    if len(documents) > state.config.max_job_documents:
        raise BadRequest(f"a job holds at most {state.config.max_job_documents} documents")
    job_id = state.store.create_job(who.name, settings.model_dump(), documents)
    for index, code, message in failed:
        state.store.finish_job_item(job_id, index, "error", error=(code, message))
    assert state.jobs is not None
    state.jobs.submit(job_id)
    return job_dict(state.store.job(job_id))


def upload_documents(state: AppState, filename: str, data: bytes) -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[int, str, str]]]:
    """The documents of a JSONL or CSV upload as job payloads, and the records that could not be read."""
    documents: list[tuple[str, dict[str, Any]]] = []
    failed: list[tuple[int, str, str]] = []
    for index, result in enumerate(ingest_upload(state, filename, data, BATCH_KINDS)):
        if result.article is None:
            error = result.error
            documents.append((result.source, {}))
            failed.append((index, getattr(error, "code", "E000"), getattr(error, "message", str(error))))
            continue
        a = result.article
        payload = {k: v for k, v in {"text": a.text, "title": a.title, "outlet": a.outlet, "date": a.date, "id": a.id}.items() if v}
        documents.append((result.source, payload))
    if not documents:
        raise BadRequest("the upload holds no documents")
    return documents, failed


@router.post("/v1/jobs", status_code=202, summary="Queue many documents for analysis and storage (reviewer)")
def create_job(
    body: JobRequest, state: AppState = Depends(get_state), who: Principal = Depends(require("reviewer"))
) -> dict[str, Any]:
    documents = [(d.url or f"document {i}", d.model_dump(exclude_none=True)) for i, d in enumerate(body.documents)]
    return submit_job(state, who, body.settings, documents, [])


@router.post("/v1/jobs/file", status_code=202, summary="Queue the documents of a JSONL or CSV upload (reviewer)")
def create_job_from_file(
    file: UploadFile = File(..., description="A .jsonl or .csv file with a 'text' field/column"),
    settings: str = Form("{}", description="Run settings as JSON"),
    state: AppState = Depends(get_state),
    who: Principal = Depends(require("reviewer")),
) -> dict[str, Any]:
    try:
        parsed = Settings.model_validate(json.loads(settings or "{}"))
    except (ValueError, ValidationError) as exc:
        raise BadRequest(f"settings: {exc}".splitlines()[0]) from exc
    documents, failed = upload_documents(state, file.filename or "", file.file.read())
    return submit_job(state, who, parsed, documents, failed)


@router.get("/v1/jobs/{job_id}", summary="A job's progress and the status of each document")
def get_job(job_id: str, state: AppState = Depends(get_state), who: Principal = Depends(require("reader"))) -> dict[str, Any]:
    return job_dict(state.store.job(job_id, None if who.is_admin else who.name))


@router.get("/v1/jobs/{job_id}/documents/{index}", summary="The result of one document of a job")
def get_job_document(
    job_id: str, index: int = Path(..., ge=0, le=1_000_000), state: AppState = Depends(get_state), who: Principal = Depends(require("reader"))
) -> dict[str, Any]:
    job = state.store.job(job_id, None if who.is_admin else who.name)
    item = next((i for i in job.items if i.index == index), None)
    if item is None:
        raise NotFound(f"job {job_id} has no document {index}")
    if item.article_id is None:
        return {"status": item.status, "source": item.source, "error": item.error}
    stored = state.store.get(item.article_id, item.analysis_id)
    return {"status": item.status, "source": item.source, "article_id": item.article_id, **article_to_dict(stored.article)}

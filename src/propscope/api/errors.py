"""Every error leaves the API as JSON ``{code, message}`` with a fitting status; never a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from propscope.errors import (
    ApiError,
    Conflict,
    InputError,
    KnowledgeBaseError,
    ModelError,
    NotFound,
    PropscopeError,
    StoreError,
)

log = logging.getLogger(__name__)


def status_of(error: PropscopeError) -> int:
    if isinstance(error, ApiError):
        return error.status
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Conflict):
        return 409
    if isinstance(error, InputError):
        return 422
    if isinstance(error, (ModelError, KnowledgeBaseError, StoreError)):
        return 503
    return 500


def error_body(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


def install(app: FastAPI) -> None:
    @app.exception_handler(PropscopeError)
    async def coded(_request: Request, exc: PropscopeError) -> JSONResponse:
        status = status_of(exc)
        if status >= 500:
            log.error("%s %s", exc.code, exc.message)
        return JSONResponse(error_body(exc.code, exc.message), status_code=status)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error.get('loc', ()) if p != 'body') or 'body'}: {error.get('msg', 'invalid')}"
            for error in exc.errors()[:5]
        )
        return JSONResponse(error_body("E605", problems or "invalid request"), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "E502", 405: "E606", 401: "E601", 403: "E602"}.get(exc.status_code, "E600")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")  # the traceback goes to the server log, not to the client
        return JSONResponse(error_body("E000", "internal error; the server log has the details"), status_code=500)

"""The web app's pages, mounted by :func:`propscope.api.app.create_app` beside the REST API.

Pages render with jinja2 (autoescape on: every stored string is escaped); the article itself is the
very markup of the self-contained HTML report (:class:`propscope.report.article_html.ArticleView`) with the
same ``report.css`` and ``report.js``, served here as files so that the page's CSP allows scripts
from ``'self'`` only.

Sign-in: a token (``propscope token create``) is exchanged for a signed session cookie (HttpOnly,
SameSite=Strict; :mod:`propscope.web.sessions`) naming the token's row, checked again on every
request, so a revoked token stops working at once, and any worker process or a restarted server
reads the session. Every POST carries the session's CSRF token (a
hidden form field, or the ``X-CSRF-Token`` header of the review script's fetches).
"""

from __future__ import annotations

import csv
import io
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from propscope.api.analysis import BATCH_KINDS, UPLOAD_KINDS, analyze_one, ingest_document, ingest_upload, store_outcome
from propscope.api.routes.jobs import job_dict, submit_job, upload_documents
from propscope.api.schemas import CorrectionBody, Document, Settings
from propscope.api.security import RANK, Principal
from propscope.api.state import AppState, get_state
from propscope.errors import BadRequest, Forbidden, PropscopeError, Unauthorized
from propscope.options import RunSettings
from propscope.report.common import technique_counts, unique_sources
from propscope.report.article_html import ArticleView, ReviewMarks, technique_code
from propscope.report.html import render_html, technique_css
from propscope.report.reliability import publisher_line, reliability_band
from propscope.engine import Outcome
from propscope.schema import article_to_dict
from propscope.store import ArticleQuery, CorrectionRequest, StatsQuery
from propscope.techniques import TECHNIQUES
from propscope.web import charts, review
from propscope.web.assets import static_text
from propscope.web.sessions import MAX_AGE_S, Session, SessionCodec, session_key

router = APIRouter(include_in_schema=False)

SESSION_COOKIE = "ps_session"
# Scripts only from this server's /static/ (no inline script, no eval); inline style attributes carry
# the legend bars' widths (style injection cannot run code).
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
STATIC = {"report.css": "text/css", "report.js": "text/javascript", "web.css": "text/css", "web.js": "text/javascript",
          "pages.js": "text/javascript"}

_templates = Environment(loader=PackageLoader("propscope.web", "templates"), autoescape=select_autoescape(default=True),
                         trim_blocks=True, lstrip_blocks=True)


def _codec(request: Request) -> SessionCodec:
    app_state = request.app.state
    if not hasattr(app_state, "web_sessions"):
        app_state.web_sessions = SessionCodec(session_key(app_state.propscope.store.url))
    found: SessionCodec = app_state.web_sessions
    return found


@dataclass
class Visit:
    """One page request: who asks, their session, and the response cookie to set."""

    request: Request
    state: AppState
    session: Session
    who: Principal | None  # None: nobody may read without signing in

    def can(self, role: str) -> bool:
        return self.who is not None and RANK[self.who.role] >= RANK[role]


def visit(request: Request, state: AppState = Depends(get_state)) -> Visit:
    session = _codec(request).load(request.cookies.get(SESSION_COOKIE)) or Session.new()
    who: Principal | None = None
    if session.token_id is not None:
        info = next((t for t in state.store.tokens() if t.id == session.token_id), None)
        if info is None:  # revoked since sign-in
            session = Session.new()
        else:
            who = Principal(info.name, info.role, info.id)
    if who is None and not state.config.tokens_required:
        who = Principal("local", "reader", None)
    if who is not None:
        client = request.client.host if request.client else "unknown"
        state.limiter.check(f"token:{who.token_id}" if who.token_id is not None else f"addr:{client}")
    return Visit(request, state, session, who)


def _check_csrf(v: Visit, sent: str | None) -> None:
    if not sent or not secrets.compare_digest(sent, v.session.csrf):
        raise Forbidden("the form's CSRF token is missing or stale: reload the page and try again")


def _finish(v: Visit, response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.set_cookie(SESSION_COOKIE, _codec(v.request).dump(v.session), httponly=True, samesite="strict", path="/",
                        max_age=MAX_AGE_S, secure=v.request.url.scheme == "https")
    return response


def page(v: Visit, template: str, status: int = 200, **context: Any) -> Response:
    body = _templates.get_template(template).render(
        who=v.who, csrf=v.session.csrf, reviewer=v.can("reviewer"), path=v.request.url.path, **context)
    return _finish(v, HTMLResponse(body, status_code=status))


def _error_page(v: Visit, error: PropscopeError) -> Response:
    from propscope.api.errors import status_of

    return page(v, "error.html", status=status_of(error), error=error)


def _need(v: Visit, role: str) -> Response | None:
    """A sign-in page when the visitor lacks ``role``, else None."""
    if v.can(role):
        return None
    return page(v, "login.html", status=401, next=v.request.url.path,
                message=f"This page needs a {role} token." if v.who else "This server needs a token.")


# -- static files -------------------------------------------------------------------------------
@router.get("/static/{name}")
def static(name: str) -> Response:
    if name == "techniques.css":
        return Response(technique_css(), media_type="text/css", headers={"Cache-Control": "max-age=3600"})
    if name not in STATIC:
        return Response("not found", status_code=404, media_type="text/plain")
    return Response(static_text(name), media_type=STATIC[name], headers={"Cache-Control": "max-age=3600"})


# -- sign in ------------------------------------------------------------------------------------
@router.get("/login")
def login_form(v: Visit = Depends(visit)) -> Response:
    return page(v, "login.html", next=v.request.query_params.get("next", "/"))


@router.post("/login")
async def login(v: Visit = Depends(visit)) -> Response:
    form = await v.request.form()
    _check_csrf(v, str(form.get("csrf", "")))
    token = str(form.get("token", "")).strip()
    target = str(form.get("next", "/"))
    if not target.startswith("/") or target.startswith("//"):  # no open redirect
        target = "/"
    info = v.state.store.authenticate(token) if token else None
    if info is None:
        return page(v, "login.html", status=401, next=target, message="Unknown or revoked token.")
    # a fresh session (new CSRF token) at sign-in: a cookie planted before it is worth nothing after
    v.session = Session.new(info.id)
    return _finish(v, RedirectResponse(target, status_code=303))


@router.post("/logout")
async def logout(v: Visit = Depends(visit)) -> Response:
    form = await v.request.form()
    _check_csrf(v, str(form.get("csrf", "")))
    v.session = Session.new()
    return _finish(v, RedirectResponse("/", status_code=303))


# -- analyse ------------------------------------------------------------------------------------
# room for the form's other fields in a request of at most max_request_bytes
_FORM_ROOM = 64 * 1024


def _analyse_page(v: Visit, form: dict[str, str], error: PropscopeError | None = None) -> Response:
    # a refused form comes back as the form (200, as form frameworks do) with the error in it
    return page(v, "analyse.html", form=form, error=error, kinds=sorted(UPLOAD_KINDS | BATCH_KINDS),
                upload_limit=max(1024, v.state.config.max_request_bytes - _FORM_ROOM))


@router.get("/")
def analyse_form(v: Visit = Depends(visit)) -> Response:
    return _analyse_page(v, {})


@router.post("/analyze")
async def analyse(v: Visit = Depends(visit)) -> Response:
    need = _need(v, "reviewer")  # analysing from the web stores the article, a reviewer's right
    if need is not None:
        return need
    form = await v.request.form()
    _check_csrf(v, str(form.get("csrf", "")))
    values = {k: str(form.get(k, "") or "").strip() for k in ("text", "url", "title", "outlet", "date")}
    upload = form.get("file")
    try:
        filename = getattr(upload, "filename", "") or ""
        if filename and Path(filename).suffix.lower() in BATCH_KINDS:
            return _batch(v, filename, await upload.read())  # type: ignore[union-attr]
        if filename:
            data = await upload.read()  # type: ignore[union-attr]
            (result, *_rest) = ingest_upload(v.state, filename, data, UPLOAD_KINDS | BATCH_KINDS)
            for key in ("title", "outlet", "date"):
                if values[key] and result.article is not None:
                    setattr(result.article, key, values[key])
        else:
            given = [k for k in ("text", "url") if values[k]]
            if len(given) != 1:
                raise BadRequest("paste a text, give a URL or choose a file (one of them)")
            doc = Document(**{k: (values[k] or None) for k in ("text", "url", "title", "outlet", "date")})
            result = ingest_document(v.state, doc)
        if result.error is not None:
            raise result.error
        settings = RunSettings()
        outcome: Outcome = analyze_one(v.state, result, settings)
        if outcome.status == "error" and outcome.error is not None:
            raise outcome.error
        saved = store_outcome(v.state, outcome, settings)
    except PropscopeError as error:
        return _analyse_page(v, values, error)
    if saved is None:
        return _analyse_page(v, values, BadRequest("the analysis could not be stored"))
    return _finish(v, RedirectResponse(f"/articles/{saved.article_id}", status_code=303))


def _batch(v: Visit, filename: str, data: bytes) -> Response:
    """A JSONL or CSV upload becomes a job of the API's job runner; the browser goes to its progress page."""
    assert v.who is not None
    documents, failed = upload_documents(v.state, filename, data)
    if len(failed) == len(documents):  # nothing in it could be read: say why here, start no job
        (_index, code, message), *rest = failed
        more = f" ({len(rest)} more record{'s' if len(rest) != 1 else ''} could not be read either)" if rest else ""
        raise _error_of_code(code)(f"{message}{more}")
    job = submit_job(v.state, v.who, Settings(), documents, failed)
    return _finish(v, RedirectResponse(f"/jobs/{quote(job['id'])}", status_code=303))


def _error_of_code(code: str) -> type[PropscopeError]:
    """The error class of a stored code (a job item keeps the code and message, not the exception)."""
    todo: list[type[PropscopeError]] = [PropscopeError]
    while todo:
        cls = todo.pop()
        if cls.code == code:
            return cls
        todo.extend(cls.__subclasses__())
    return BadRequest


def _job_of(v: Visit, job_id: str) -> Any:
    assert v.who is not None
    return v.state.store.job(job_id, None if v.who.is_admin else v.who.name)


@router.get("/jobs/{job_id}")
def job_page(job_id: str, v: Visit = Depends(visit)) -> Response:
    need = _need(v, "reviewer")
    if need is not None:
        return need
    try:
        job = _job_of(v, job_id)
        titles = {index: payload.get("title") for index, _source, payload in v.state.store.job_payloads(job_id)}
    except PropscopeError as error:
        return _error_page(v, error)
    return page(v, "job.html", job=job_dict(job), titles=titles)


@router.get("/jobs/{job_id}/progress")
def job_progress(job_id: str, v: Visit = Depends(visit)) -> Response:
    """The job's progress as the API's ``GET /v1/jobs/{id}`` gives it, for the page's script (session, not token)."""
    if not v.can("reviewer"):
        return _json_error(Unauthorized("sign in with a reviewer token"))
    try:
        return JSONResponse(job_dict(_job_of(v, job_id)))
    except PropscopeError as error:
        return _json_error(error)


# -- articles -----------------------------------------------------------------------------------
def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(value or default), low), high)
    except ValueError:
        return default


@router.get("/articles")
def articles(v: Visit = Depends(visit)) -> Response:
    need = _need(v, "reader")
    if need is not None:
        return need
    params = v.request.query_params
    has_match = {"yes": True, "no": False}.get(params.get("has_match", ""))
    import datetime as dt

    def day(name: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(params.get(name, ""))
        except ValueError:
            return None

    filters = {k: (params.get(k) or None) for k in ("outlet", "technique", "q", "job")}
    offset = _int(params.get("offset"), 0, 0, 10_000_000)
    sort = params.get("sort") if params.get("sort") in SORT_LABELS else "-date"
    job = None
    if filters["job"]:  # a job's articles: for whoever may see the job (its owner, an admin)
        need = _need(v, "reviewer")
        if need is not None:
            return need
    try:
        if filters["job"]:
            job = job_dict(_job_of(v, filters["job"]))
        found = v.state.store.list_articles(ArticleQuery(
            outlet=filters["outlet"], technique=filters["technique"], q=(filters["q"] or "")[:200] or None,
            date_from=day("from"), date_to=day("to"), has_match=has_match, job=filters["job"], sort=sort, limit=50,
            offset=offset))
        ran = charts.components_ran(v.state.store, [a["analysis"]["id"] for a in found["items"]])
    except PropscopeError as error:
        return _error_page(v, error)
    query = {k: params.get(k, "") for k in ("outlet", "technique", "q", "from", "to", "has_match", "job", "sort")}
    more = "&".join(f"{k}={quote(val)}" for k, val in query.items() if val)
    without_job = "&".join(f"{k}={quote(val)}" for k, val in query.items() if val and k != "job")
    return page(v, "articles.html", found=found, query=query, more=more, offset=offset, techniques=TECHNIQUES,
                ran=ran, sorts=SORT_LABELS, sort=sort, job=job, without_job=without_job)


SORT_LABELS = {"-date": "newest first", "date": "oldest first", "-created": "last stored first", "outlet": "outlet",
               "title": "title"}


def _stored(v: Visit, article_id: int) -> Any:
    return v.state.store.get(article_id)


def _summary(shown: review.Reviewed) -> dict[str, Any]:
    """The page's 'At a glance', over the reviewed copy (claims linked by their position in the page's copy)."""
    copy = review.reviewed_copy(shown)
    article = copy.article
    spans = ArticleView("a1", "", article).spans
    top = technique_counts(spans)[:3]
    sentences = article.sentences
    with_technique = sum(1 for s in sentences if any(t.start < s.end and s.start < t.end for t in article.techniques))
    sources = [c for c in unique_sources(article.citations) if c.reliability is not None]
    weakest = sorted(sources, key=lambda c: c.reliability)[:3]
    return {
        "reviewed": shown.corrections > 0,
        "claims": len(article.claims),
        "top": [(t.title, technique_code(t.name), n) for t, n in top],
        "sentence_share": (with_technique / len(sentences)) if sentences else None,
        "matched": [(position, c) for (position, _r, _m), c in zip(copy.claims, article.claims, strict=True) if c.matches],
        # "none" only where claims were looked for and compared with the KB
        "matching_ran": article.has_run("claims") and article.has_run("matching"),
        "weakest": [(c.name, c.reliability, reliability_band(c.reliability)[0]) for c in weakest],
        "outlet": publisher_line(article),
    }


def _json_for_script(value: Any) -> str:
    # a JSON data block: '<' escaped so that no '</script>' inside a string can end it
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@router.get("/articles/{article_id}")
def article_page(article_id: int, v: Visit = Depends(visit)) -> Response:
    need = _need(v, "reader")
    if need is not None:
        return need
    try:
        stored, shown, body, corrections = _reviewed_view(v, article_id)
    except PropscopeError as error:
        return _error_page(v, error)
    return page(v, "article.html", stored=stored, article=stored.article, body=body, summary=_summary(shown),
                corrections=_json_for_script(corrections), techniques=_json_for_script([[t.name, t.title] for t in TECHNIQUES]),
                kb=_kb_coverage(v.state))


def _reviewed_view(v: Visit, article_id: int) -> tuple[Any, review.Reviewed, str, list[dict[str, Any]]]:
    """The stored article, its reviewed copy, the copy's text drawn, and the corrections of its current analysis."""
    stored = _stored(v, article_id)
    corrections = review.of_analysis(v.state.store.corrections(article_id), stored.analysis["id"])
    shown = review.reviewed(stored.article, corrections)
    _untitled(shown.article)
    struck = frozenset(i for i, r in shown.claims.items() if r.get("checkworthy") is False)
    body = ArticleView("a1", stored.source or "", shown.article, ReviewMarks(added=shown.added, struck_claims=struck)).render()
    return stored, shown, body, corrections


def _untitled(article: Any) -> None:
    if not (article.title or "").strip():  # a heading a reader recognises, not the source "text"
        words = article.text.split()
        article.title = "Untitled: \u201c" + " ".join(words[:12]) + ("\u2026" if len(words) > 12 else "") + "\u201d"


@router.get("/articles/{article_id}/view")
def article_view(article_id: int, v: Visit = Depends(visit)) -> Response:
    """The article's markup and corrections as JSON: the review script redraws the text after a correction."""
    if not v.can("reader"):
        return _json_error(Unauthorized("sign in first"))
    try:
        _stored_article, shown, body, corrections = _reviewed_view(v, article_id)
    except PropscopeError as error:
        return _json_error(error)
    glance = _templates.get_template("glance.html").render(summary=_summary(shown), kb=_kb_coverage(v.state))
    return _finish(v, JSONResponse({"html": body, "glance": glance, "corrections": corrections}))


_coverage_cache: dict[tuple[str, float], dict[str, Any] | None] = {}


def _kb_coverage(state: AppState) -> dict[str, Any] | None:
    """What the KB covers, computed once per KB file version (its stats take tens of ms)."""
    try:
        from propscope.api.routes.kb import _kb_path

        path = _kb_path(state)
        key = (str(path), path.stat().st_mtime)
    except Exception:  # no KB on this server
        return None
    if key not in _coverage_cache:
        _coverage_cache[key] = _kb_stats(state)
    return _coverage_cache[key]


def _kb_stats(state: AppState) -> dict[str, Any] | None:
    # the KB's own tables only: opening the whole KnowledgeBase would load its embedder (over 1 s)
    # and delay the first article page of a fresh server
    try:
        from propscope.api.routes.kb import _kb_path
        from propscope.kb.store import KBStore

        store = KBStore(_kb_path(state), readonly=True)
        try:
            stats: dict[str, Any] = dict(store.stats())
        finally:
            store.close()
    except Exception:  # no KB on this server: the page says so
        return None
    stats.pop("path", None)
    return stats


# -- exports: the reviewed copy by default, ?as=analysed for the model's output ----------------------
@dataclass
class _Export:
    stored: Any
    reviewed: bool  # False: the model's output as analysed
    shown: review.Reviewed  # the analysis with its corrections (none applied when not reviewed)
    standing: list[dict[str, Any]]  # the corrections of the exported analysis

    @property
    def name(self) -> str:
        return f"propscope-{self.stored.id}" + ("" if self.reviewed else "-as-analysed")


def _export(v: Visit, article_id: int) -> _Export | Response:
    """What to export (``?as=``), or the page that says why not (sign in, no such article, a bad ``as``)."""
    need = _need(v, "reader")
    if need is not None:
        return need
    wanted = v.request.query_params.get("as", "reviewed")
    try:
        if wanted not in ("reviewed", "analysed"):
            raise BadRequest("as= must be 'reviewed' (the default) or 'analysed'")
        stored = _stored(v, article_id)
        standing = review.of_analysis(v.state.store.corrections(article_id), stored.analysis["id"])
    except PropscopeError as error:
        return _error_page(v, error)
    reviewed = wanted == "reviewed"
    return _Export(stored, reviewed, review.reviewed(stored.article, standing if reviewed else []), standing)


def _download(body: str, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/articles/{article_id}/analysis.json")
def article_json(article_id: int, v: Visit = Depends(visit)) -> Response:
    export = _export(v, article_id)
    if isinstance(export, Response):
        return export
    stored = export.stored
    body: dict[str, Any] = {"article_id": stored.id, "source": stored.source, "analysis": stored.analysis,
                            "exported": "reviewed" if export.reviewed else "analysed"}
    if export.reviewed:
        body["corrections"] = export.standing
        body["document"] = review.reviewed_document(export.shown)
    else:
        body["document"] = article_to_dict(stored.article)
    return _download(json.dumps(body, ensure_ascii=False, indent=1), "application/json", f"{export.name}.json")


@router.get("/articles/{article_id}/report.html")
def article_report(article_id: int, v: Visit = Depends(visit)) -> Response:
    export = _export(v, article_id)
    if isinstance(export, Response):
        return export
    stored, standing = export.stored, len(export.standing)
    copy = review.reviewed_copy(export.shown)
    if export.reviewed:
        marks = ReviewMarks(
            line=_review_line(export.shown, copy),
            added={i: r["corrections"][0]["id"] for i, (position, r) in enumerate(copy.spans) if position is None and r},
            spans={i: review.describe(r) for i, (_p, r) in enumerate(copy.spans) if r},
            claims={i: _claim_note(r, matches) for i, (_p, r, matches) in enumerate(copy.claims) if r or any(matches)})
    else:
        marks = ReviewMarks(line=(f"The model's output as analysed: the {standing} reviewers' correction"
                                  f"{'s' if standing != 1 else ''} of this article are not applied.") if standing else "")
    outcome = Outcome(stored.source or f"article {article_id}", copy.article, None)
    # the report carries its own (hash-based) CSP in a meta tag; no page CSP on top of it
    return _download(render_html([outcome], {0: marks}), "text/html", f"{export.name}.html")


def _review_line(shown: review.Reviewed, copy: review.Copy) -> str:
    if not shown.corrections:
        return "No reviewer has corrected this analysis: this is the model's output."
    who = sorted({r["by"] for r in [*shown.spans.values(), *shown.claims.values(), *shown.matches.values()]})
    last = max(r["at"] for r in [*shown.spans.values(), *shown.claims.values(), *shown.matches.values()])
    out = copy.left_out
    left = [f"{n} {what}" for n, what in ((out["spans"], "rejected span"), (out["claims"], "claim marked not check-worthy"),
                                          (out["matches"], "rejected match")) if n]
    return (f"Reviewed copy: {shown.corrections} correction{'s' if shown.corrections != 1 else ''} by {', '.join(who)} "
            f"(last {last[:16].replace('T', ' ')} UTC) applied"
            + (f"; left out: {', '.join(left)}" if left else "") + ". Corrected items are marked.")


def _claim_note(claim_review: review.Review | None, matches: list[review.Review | None]) -> str:
    notes = [review.describe(claim_review)] if claim_review else []
    notes += [f"match {review.describe(r)}" for r in matches if r]
    return "; ".join(notes)


@router.get("/articles/{article_id}/{what}.csv")
def article_csv(article_id: int, what: str, v: Visit = Depends(visit)) -> Response:
    if what not in ("spans", "claims"):
        return Response("not found", status_code=404, media_type="text/plain")
    export = _export(v, article_id)
    if isinstance(export, Response):
        return export
    copy = review.reviewed_copy(export.shown)
    article = copy.article
    out = io.StringIO()
    writer = csv.writer(out)
    if what == "spans":
        # index: the span's position in the analysis (empty for a span a reviewer added)
        writer.writerow(["index", "technique", "start", "end", "score", "text", "review"])
        for s, (index, r) in zip(article.techniques, copy.spans, strict=True):
            writer.writerow(["" if index is None else index, s.technique, s.start, s.end,
                             "" if index is None else f"{s.score:.4f}", _cell(article.text[s.start : s.end]),
                             _cell(review.describe(r)) if r else ""])
    else:
        writer.writerow(["index", "start", "end", "score", "speaker", "voice", "text", "matches", "review"])
        for c, (index, r, match_reviews) in zip(article.claims, copy.claims, strict=True):
            matches = "; ".join(f"{m.kb_id} ({m.similarity:.2f}{', confirmed' if mr else ''})"
                                for m, mr in zip(c.matches, match_reviews, strict=True))
            writer.writerow([index, c.start, c.end, f"{c.score:.4f}", _cell(c.speaker or ""), c.voice, _cell(c.text),
                             _cell(matches), _cell(_claim_note(r, match_reviews))])
    return _download(out.getvalue(), "text/csv", f"{export.name}-{what}.csv")


def _cell(value: str) -> str:
    # a cell a spreadsheet would run as a formula starts with a quote instead (CSV injection)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# -- review ---------------------------------------------------------------------------------------
def _json_error(error: PropscopeError) -> Response:
    from propscope.api.errors import status_of

    return JSONResponse({"code": error.code, "message": error.message}, status_code=status_of(error))


def _reviewer_fetch(v: Visit) -> Response | None:
    if not v.can("reviewer"):
        return _json_error(Unauthorized("sign in with a reviewer token to correct"))
    try:
        _check_csrf(v, v.request.headers.get("x-csrf-token"))
    except PropscopeError as error:
        return _json_error(error)
    return None


@router.post("/articles/{article_id}/corrections")
async def add_correction(article_id: int, v: Visit = Depends(visit)) -> Response:
    refused = _reviewer_fetch(v)
    if refused is not None:
        return refused
    try:
        body = CorrectionBody.model_validate(json.loads(await v.request.body() or b"{}"))
        assert v.who is not None
        saved = v.state.store.add_correction(article_id, CorrectionRequest(**body.model_dump()), author=v.who.name)
    except PropscopeError as error:
        return _json_error(error)
    except ValueError as error:  # bad JSON or a field out of bounds
        return _json_error(BadRequest(str(error).splitlines()[0]))
    return _finish(v, JSONResponse(saved, status_code=201))


@router.post("/articles/{article_id}/corrections/{correction_id}/undo")
def undo_correction(article_id: int, correction_id: int, v: Visit = Depends(visit)) -> Response:
    refused = _reviewer_fetch(v)
    if refused is not None:
        return refused
    try:
        v.state.store.delete_correction(article_id, correction_id)
    except PropscopeError as error:
        return _json_error(error)
    return Response(status_code=204)


# -- corpus -----------------------------------------------------------------------------------------
@router.get("/dashboard")
def dashboard(v: Visit = Depends(visit)) -> Response:
    need = _need(v, "reader")
    if need is not None:
        return need
    try:
        by_outlet = v.state.store.stats(StatsQuery(by_outlet=True))
        by_month = v.state.store.stats(StatsQuery(by_outlet=True, period="month"))
        extra = charts.corpus_tables(v.state.store)
    except PropscopeError as error:
        return _error_page(v, error)
    return page(v, "dashboard.html",
                outlets=charts.bars([(r["outlet"] or "(no outlet)", r["techniques_per_1000_words"]) for r in by_outlet],
                                    "Technique spans per 1,000 words", link="/articles?outlet="),
                over_time=charts.lines(by_month, "Technique spans per 1,000 words by month"),
                known=charts.bars(extra["known"], "Stored claims matching it", integer=True,
                                  empty="No stored claim matches a known claim (or known-claim matching did not run)."),
                bands=charts.bars(extra["bands"], "Citations", integer=True,
                                  empty="No cited source with a rating is stored (or the source finder did not run)."),
                n_articles=v.state.store.count_articles())


@router.get("/kb")
def kb_page(v: Visit = Depends(visit)) -> Response:
    need = _need(v, "reader")
    if need is not None:
        return need
    q = (v.request.query_params.get("q") or "").strip()[:2000]
    hits: list[Any] = []
    error: PropscopeError | None = None
    if q:
        try:
            from propscope.api.routes.kb import _knowledge_base

            with v.state.analysis_lock:
                hits = list(_knowledge_base(v.state).search(q, k=10))
        except PropscopeError as exc:
            error = exc
    return page(v, "kb.html", q=q, hits=hits, error=error, kb=_kb_coverage(v.state))


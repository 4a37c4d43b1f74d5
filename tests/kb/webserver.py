"""A real HTTP server on 127.0.0.1 that speaks the published formats of the KB sources.

It serves the fixture files of ``fixtures/web`` (see its README): a fact-checker's site with ClaimReview
JSON-LD and a DataFeed, the Google Fact Check Tools ``claims:search`` API (paged, key-checked, with
Google's error bodies), and the EUvsDisinfo listing and case pages. Every request is logged (path,
query, headers, time) so that tests can check what the importers asked for and how politely.
"""

from __future__ import annotations

import gzip
import html
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

WEB = Path(__file__).resolve().parent / "fixtures" / "web"
GOOD_KEY = "test-key-123"

FACTCHECKER = {
    "/list.html": "list.html",
    "/list-2.html": "list-2.html",
    "/checks/2023/biolabs.html": "biolabs.html",
    "/checks/2023/bucha.html": "bucha.html",
    "/checks/2022/broken.html": "broken.html",
    "/feed.json": "feed.json",
}


@dataclass
class Request:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    at: float


@dataclass
class SourceServer:
    """State the tests can change between runs: cases to add, a forced error, the robots rules."""

    requests: list[Request] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=lambda: json.loads((WEB / "euvsdisinfo" / "cases.json").read_text()))
    factcheck_claims: list[dict[str, Any]] = field(
        default_factory=lambda: json.loads((WEB / "factcheck-api.json").read_text())["claims"]
    )
    fail_with: int | None = None  # answer every request with this HTTP status
    fail_after: int | None = None  # ... once this many requests were answered
    retry_after: str | None = None
    robots: str = "User-agent: *\nDisallow: /private/\n"
    base_url: str = ""

    def paths(self, prefix: str = "") -> list[str]:
        return [r.path for r in self.requests if r.path.startswith(prefix)]


def start(server_state: SourceServer) -> tuple[ThreadingHTTPServer, threading.Thread]:
    handler = type("Handler", (_Handler,), {"state": server_state})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server_state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    return httpd, thread


class _Handler(BaseHTTPRequestHandler):
    state: SourceServer

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        state = self.state
        state.requests.append(Request(parts.path, query, {k.lower(): v for k, v in self.headers.items()}, time.monotonic()))
        answered = len(state.requests) - 1
        if state.fail_with is not None and (state.fail_after is None or answered >= state.fail_after):
            return self._error(state.fail_with)
        if parts.path == "/robots.txt":
            return self._send(200, state.robots.encode(), "text/plain")
        if parts.path in FACTCHECKER:
            body = (WEB / "factchecker" / FACTCHECKER[parts.path]).read_bytes()
            kind = "application/json" if parts.path.endswith(".json") else "text/html; charset=utf-8"
            return self._send(200, body, kind)
        if parts.path == "/feed.json.gz":
            return self._send(200, gzip.compress((WEB / "factchecker" / "feed.json").read_bytes()), "application/gzip")
        if parts.path == "/v1alpha1/claims:search":
            return self._claims_search(query)
        if parts.path.rstrip("/") == "/disinformation-cases":
            return self._listing(query)
        if parts.path.startswith("/report/"):
            return self._case(parts.path.strip("/").split("/")[-1])
        return self._send(404, b"<html><body>Not found</body></html>", "text/html")

    # -- Google Fact Check Tools API ------------------------------------------------------------------
    def _claims_search(self, query: dict[str, list[str]]) -> None:
        key = query.get("key", [""])[0]
        if not key:
            return self._google_error(403, "PERMISSION_DENIED", "The request is missing a valid API key.")
        if key != GOOD_KEY:
            return self._google_error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.")
        if "query" not in query and "reviewPublisherSiteFilter" not in query:
            return self._google_error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.")
        claims = self.state.factcheck_claims
        language = query.get("languageCode", [None])[0]
        if language:
            claims = [c for c in claims if all(r.get("languageCode", language) == language for r in c.get("claimReview", []))]
        max_age = query.get("maxAgeDays", [None])[0]
        if max_age is not None:
            newest = max(datetime.fromisoformat(c["claimDate"].replace("Z", "+00:00")) for c in claims if c.get("claimDate"))
            claims = [c for c in claims if c.get("claimDate") and
                      (newest - datetime.fromisoformat(c["claimDate"].replace("Z", "+00:00"))).days < int(max_age)]
        size = int(query.get("pageSize", ["10"])[0])
        start = int(query.get("pageToken", ["0"])[0] or 0)
        page: dict[str, Any] = {}
        if claims[start : start + size]:
            page["claims"] = claims[start : start + size]
        if start + size < len(claims):
            page["nextPageToken"] = str(start + size)
        self._send(200, json.dumps(page).encode(), "application/json; charset=UTF-8")

    def _google_error(self, status: int, code: str, message: str) -> None:
        body = {"error": {"code": status, "message": message, "status": code}}
        self._send(status, json.dumps(body).encode(), "application/json; charset=UTF-8")

    # -- EUvsDisinfo ----------------------------------------------------------------------------------
    def _listing(self, query: dict[str, list[str]]) -> None:
        offset = int(query.get("offset", ["0"])[0])
        per_page = int(query.get("per_page", ["10"])[0])
        rows = []
        for case in self.state.cases[offset : offset + per_page]:
            link = f"{self.state.base_url}/report/{case['slug']}/"
            rows.append(
                '<div class="disinfo-db-post ">'
                f'<div class="disinfo-db-cell cell-date" data-column="Date">{case["date"]}</div>'
                f'<div class="disinfo-db-cell cell-title" data-column="Title"><a href="{link}">{html.escape(case["title"])}</a></div>'
                f'<div class="disinfo-db-cell cell-outlets" data-column="Outlets">{html.escape(", ".join(case["outlets"]))}</div>'
                f'<div class="disinfo-db-cell cell-country" data-column="Country">{html.escape(", ".join(case["countries"]))}</div>'
                "</div>"
            )
        page = (
            '<!doctype html><html><head><title>Database - EUvsDisinfo</title></head><body>'
            f'<div class="disinfo-db-results"><span>{len(self.state.cases)}</span> results</div>'
            f'<div class="disinfo-db-table">{"".join(rows)}</div></body></html>'
        )
        self._send(200, page.encode(), "text/html; charset=UTF-8")

    def _case(self, slug: str) -> None:
        case = next((c for c in self.state.cases if c["slug"] == slug), None)
        if case is None:
            return self._send(404, b"not found", "text/html")
        page = (
            f'<!doctype html><html><head><title>{html.escape(case["title"])} - EUvsDisinfo</title></head><body>'
            f'<h1 class="b-catalog__report-title">{html.escape(case["title"])}</h1>'
            '<ul class="b-catalog__repwidget-list">'
            f'<li><b>Keywords:</b> {html.escape(", ".join(case["keywords"]))}</li></ul>'
            f'<div class="b-report__summary"><h3>Summary</h3><div class="b-report__summary-text"><p>{html.escape(case["summary"])}</p></div></div>'
            '<div class="b-report__disproof"><h3>Disproof</h3><div class="b-report__disproof-text"><p>There is no evidence.</p></div></div>'
            "</body></html>"
        )
        self._send(200, page.encode(), "text/html; charset=UTF-8")

    # -- plumbing -------------------------------------------------------------------------------------
    def _error(self, status: int) -> None:
        headers = {"Retry-After": self.state.retry_after} if self.state.retry_after is not None else {}
        if self.path.startswith("/v1alpha1/"):
            code = {429: "RESOURCE_EXHAUSTED", 403: "PERMISSION_DENIED"}.get(status, "UNAVAILABLE")
            body = {"error": {"code": status, "message": "Quota exceeded for quota metric 'Queries'.", "status": code}}
            return self._send(status, json.dumps(body).encode(), "application/json", headers)
        self._send(status, f"<html><body>HTTP {status}</body></html>".encode(), "text/html", headers)

    def _send(self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

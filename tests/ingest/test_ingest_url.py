"""URLs, against a real HTTP server on 127.0.0.1: address refusal, redirects, size limit, time-out."""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from propscope.errors import FetchError, ForbiddenAddress, InputTooLarge, UnsupportedFormat
from propscope.ingest import IngestResult, load_inputs
from propscope.ingest import url as url_module
from propscope.options import IngestOptions

TEXT = "The ministry said the pictures from Bucha were staged, and the West is lying about it again."
PAGE = f"""<!DOCTYPE html><html><head><title>Staged</title></head><body><nav><a href="/">Home</a></nav>
<article><h1>Staged</h1><p>{TEXT} <a href="https://www.islamtimes.org/en/news/1">Islam Times</a> agreed.</p>
<script>alert(1)</script></article></body></html>"""


class Handler(BaseHTTPRequestHandler):
    requests: list[str] = []

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        Handler.requests.append(self.path)
        port = self.server.server_address[1]
        if self.path == "/article.html":
            self._send(200, "text/html; charset=utf-8", PAGE.encode())
        elif self.path == "/plain.txt":
            self._send(200, "text/plain; charset=cp1252", "Café owners said “no”.\r\nThe end.".encode("cp1252"))
        elif self.path == "/big":
            self._send(200, "text/plain", b"word " * 1000)
        elif self.path == "/big-unannounced":
            # No Content-Length: the limit must be enforced while streaming.
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b"word " * 100)
        elif self.path == "/slow":
            time.sleep(1.0)
            self._send(200, "text/plain", TEXT.encode())
        elif self.path == "/redirect":
            self._redirect("/article.html")
        elif self.path == "/redirect-elsewhere":
            self._redirect(f"http://127.0.0.2:{port}/article.html")
        elif self.path == "/loop":
            self._redirect("/loop")
        elif self.path == "/pdf":
            self._send(200, "application/pdf", b"%PDF-1.7 ...")
        else:
            self._send(404, "text/plain", b"not found")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # The client hangs up on purpose (size limit, time-out); the broken pipe is expected.
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def fetch(url: str, **options: object) -> IngestResult:
    [result] = list(load_inputs([url], IngestOptions(**options)))  # type: ignore[arg-type]
    return result


def test_loopback_refused_without_allow_private(server: str) -> None:
    Handler.requests.clear()
    result = fetch(f"{server}/article.html")
    assert isinstance(result.error, ForbiddenAddress)
    assert result.error.code == "E111" and "--allow-private" in str(result.error)
    assert Handler.requests == []  # refused before connecting


def test_localhost_name_is_resolved_then_refused(server: str) -> None:
    result = fetch(server.replace("127.0.0.1", "localhost") + "/article.html")
    assert isinstance(result.error, ForbiddenAddress)


def test_html_fetched_with_allow_private(server: str) -> None:
    result = fetch(f"{server}/article.html", allow_private=True)
    article = result.article
    assert result.error is None and article is not None
    assert article.id == f"{server}/article.html" and article.url == f"{server}/article.html"
    assert TEXT in article.text and "alert" not in article.text and "Home" not in article.text
    [link] = article.links
    assert article.text[link.start : link.end] == "Islam Times"
    assert article.language == "en"


def test_text_with_declared_charset(server: str) -> None:
    article = fetch(f"{server}/plain.txt", allow_private=True).article
    assert article is not None and article.text == "Café owners said “no”.\r\nThe end."


def test_redirect_followed(server: str) -> None:
    article = fetch(f"{server}/redirect", allow_private=True).article
    assert article is not None and article.url == f"{server}/article.html" and TEXT in article.text


def test_redirect_target_is_checked_again(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Allow only the test server's address, so the redirect to 127.0.0.2 stands for a public page
    # that redirects into the private network.
    monkeypatch.setattr(url_module, "is_forbidden_address", lambda address: str(address) != "127.0.0.1")
    assert fetch(f"{server}/redirect").ok
    result = fetch(f"{server}/redirect-elsewhere")
    assert isinstance(result.error, ForbiddenAddress) and "127.0.0.2" in str(result.error)


def test_redirect_loop(server: str) -> None:
    assert isinstance(fetch(f"{server}/loop", allow_private=True).error, FetchError)


def test_size_limit_from_header_and_stream(server: str) -> None:
    assert isinstance(fetch(f"{server}/big", allow_private=True, max_bytes=1000).error, InputTooLarge)
    assert isinstance(fetch(f"{server}/big-unannounced", allow_private=True, max_bytes=1000).error, InputTooLarge)
    assert fetch(f"{server}/big-unannounced", allow_private=True).ok


def test_timeout(server: str) -> None:
    started = time.monotonic()
    result = fetch(f"{server}/slow", allow_private=True, timeout_s=0.2)
    assert isinstance(result.error, FetchError) and "timed out" in str(result.error)
    assert time.monotonic() - started < 0.9


def test_http_error_and_content_type(server: str) -> None:
    result = fetch(f"{server}/missing", allow_private=True)
    assert isinstance(result.error, FetchError) and "404" in str(result.error)
    assert isinstance(fetch(f"{server}/pdf", allow_private=True).error, UnsupportedFormat)


def test_connection_refused_is_a_fetch_error() -> None:
    result = fetch("http://127.0.0.1:9/x", allow_private=True, timeout_s=1.0)
    assert isinstance(result.error, FetchError)


@pytest.mark.parametrize(
    ("address", "forbidden"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("192.168.0.10", True),
        ("172.16.5.5", True),
        ("169.254.169.254", True),  # cloud metadata
        ("100.64.0.1", True),  # carrier-grade NAT
        ("0.0.0.0", True),
        ("224.0.0.1", True),
        ("::1", True),
        ("fe80::1", True),
        ("fc00::1", True),
        ("::ffff:127.0.0.1", True),
        ("93.184.216.34", False),
        ("2606:4700:4700::1111", False),
    ],
)
def test_forbidden_addresses(address: str, forbidden: bool) -> None:
    assert url_module.is_forbidden_address(ipaddress.ip_address(address)) is forbidden

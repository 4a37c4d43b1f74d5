"""Hostile HTTP servers on 127.0.0.1: slow headers, slow bodies, compression bombs, DNS that hangs.

Each server speaks raw HTTP/1.1 over a socket so that it can misbehave in ways a well-behaved
server library would not let it. Every test is bounded in time (a few seconds at most).
"""

from __future__ import annotations

import gzip
import ipaddress
import json
import os
import socket
import socketserver
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from propscope.errors import FetchError, ForbiddenAddress, InputTooLarge, UnsupportedFormat
from propscope.ingest import IngestResult, load_inputs
from propscope.ingest import url as url_module
from propscope.options import IngestOptions

TEXT = b"The ministry said the pictures were staged, and the West is lying about it again.\n"
# 200 MB of zeros compress to about 200 KB; compressed again, to a few hundred bytes.
def _gzip_of_zeros(megabytes: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1024 * 1024)
    return b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()


BOMB = _gzip_of_zeros(200)
STACKED_BOMB = gzip.compress(BOMB, compresslevel=9)
# An exit of the server threads: tests that leave a connection trickling must not keep it forever.
STOP = threading.Event()


def _headers(status: str, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers.items()] + ["", ""]
    return "\r\n".join(lines).encode("latin-1")


class Hostile(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        request_line = self.rfile.readline().decode("latin-1")
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass
        path = request_line.split(" ")[1] if " " in request_line else "/"
        try:
            getattr(self, "do_" + path.strip("/").replace("-", "_"), self.not_found)()
        except OSError:
            pass  # the client hung up on purpose

    def send(self, body: bytes, **headers: str) -> None:
        headers = {"Content-Type": "text/plain", "Content-Length": str(len(body)), **headers}
        self.wfile.write(_headers("200 OK", headers) + body)

    def not_found(self) -> None:
        self.wfile.write(_headers("404 Not Found", {"Content-Length": "0"}))

    def do_ok(self) -> None:
        self.send(TEXT)

    def do_gzip(self) -> None:
        self.send(gzip.compress(TEXT), **{"Content-Encoding": "gzip"})

    def do_deflate(self) -> None:
        self.send(zlib.compress(TEXT), **{"Content-Encoding": "deflate"})

    def do_bomb(self) -> None:
        self.send(BOMB, **{"Content-Encoding": "gzip"})

    def do_stacked(self) -> None:
        self.send(STACKED_BOMB, **{"Content-Encoding": "gzip, gzip"})

    def do_stacked_headers(self) -> None:
        # The same stack, as two header lines.
        head = _headers("200 OK", {"Content-Type": "text/plain", "Content-Length": str(len(STACKED_BOMB))})
        head = head.replace(b"\r\n\r\n", b"\r\nContent-Encoding: gzip\r\nContent-Encoding: gzip\r\n\r\n")
        self.wfile.write(head + STACKED_BOMB)

    def do_brotli(self) -> None:
        self.send(b"\x8b\x00\x80hello\x03", **{"Content-Encoding": "br"})

    def do_slow_headers(self) -> None:
        # One byte of the status line and headers every 0.2 s: no single read ever times out.
        for byte in _headers("200 OK", {"Content-Type": "text/plain", "X-Padding": "x" * 200}):
            if STOP.is_set():
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.2)

    def do_slow_body(self) -> None:
        self.wfile.write(_headers("200 OK", {"Content-Type": "text/plain"}))
        while not STOP.is_set():
            self.wfile.write(b"a")
            self.wfile.flush()
            time.sleep(0.1)

    def do_silent(self) -> None:
        STOP.wait(10)  # accepts, then says nothing

    def do_redirect_stacked(self) -> None:
        self.wfile.write(_headers("302 Found", {"Location": "/stacked", "Content-Length": "0"}))


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    STOP.clear()
    httpd = Server(("127.0.0.1", 0), Hostile)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    STOP.set()
    httpd.shutdown()
    httpd.server_close()


def fetch(url: str, **options: object) -> IngestResult:
    [result] = list(load_inputs([url], IngestOptions(allow_private=True, **options)))  # type: ignore[arg-type]
    return result


def test_single_gzip_and_deflate_bodies_are_decoded(hostile: str) -> None:
    for path in ("/gzip", "/deflate"):
        result = fetch(hostile + path)
        assert result.article is not None, result.error
        assert result.article.text == TEXT.decode()


@pytest.mark.parametrize("path", ["/stacked", "/stacked-headers", "/redirect-stacked"])
def test_stacked_encodings_are_refused(hostile: str, path: str) -> None:
    result = fetch(hostile + path)
    assert isinstance(result.error, UnsupportedFormat) and "stacked" in result.error.message


def test_unknown_encoding_is_refused(hostile: str) -> None:
    result = fetch(hostile + "/brotli")
    assert isinstance(result.error, UnsupportedFormat) and "'br'" in result.error.message


def test_gzip_bomb_stops_at_the_size_limit(hostile: str) -> None:
    started = time.monotonic()
    result = fetch(hostile + "/bomb", max_bytes=1024 * 1024)
    assert isinstance(result.error, InputTooLarge) and result.error.code == "E105"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("path", ["/slow-headers", "/slow-body", "/silent"])
def test_one_deadline_covers_headers_and_body(hostile: str, path: str) -> None:
    started = time.monotonic()
    result = fetch(hostile + path, timeout_s=1.0)
    elapsed = time.monotonic() - started
    assert isinstance(result.error, FetchError) and "timed out after 1 s" in result.error.message
    assert elapsed < 4, f"{path} held the fetch for {elapsed:.1f} s with --timeout 1"  # the servers go on for 10 s and more


def test_dns_lookup_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    # A resolver that never answers: getaddrinfo has no time-out of its own.
    import httpcore  # noqa: F401  (imported before the clock starts: a loaded machine imports slowly)
    import httpx  # noqa: F401

    hang = threading.Event()
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: hang.wait(30))
    started = time.monotonic()
    result = fetch("http://never-answers.example/x", timeout_s=0.5)
    hang.set()
    assert isinstance(result.error, FetchError) and "cannot resolve" in result.error.message
    assert time.monotonic() - started < 3  # the lookup alone would hang for 30 s


@pytest.mark.parametrize(
    "address",
    [
        "::127.0.0.1",  # IPv4-compatible (deprecated)
        "::7f00:1",
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "64:ff9b:1::1",  # local-use NAT64
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo (client 127.0.0.1)
        "::ffff:10.0.0.1",
        "::",
        "ff02::1",
    ],
)
def test_ipv6_forms_that_embed_a_private_ipv4_address_are_refused(address: str) -> None:
    assert url_module.is_forbidden_address(ipaddress.ip_address(address))
    result = list(load_inputs([f"http://[{address}]:9/x"], IngestOptions(timeout_s=1.0)))[0]
    assert isinstance(result.error, ForbiddenAddress), result.error


def test_public_nat64_and_6to4_addresses_are_allowed() -> None:
    assert not url_module.is_forbidden_address(ipaddress.ip_address("64:ff9b::5db8:d822"))  # 93.184.216.34
    assert not url_module.is_forbidden_address(ipaddress.ip_address("2002:5db8:d822::1"))


_MEASURE = """
import json, sys
from propscope.ingest import load_inputs
from propscope.options import IngestOptions
errors = []
for url in sys.argv[1:]:
    [result] = list(load_inputs([url], IngestOptions(allow_private=True, timeout_s=3.0)))
    errors.append(result.error.code if result.error else None)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork and exec, so a child of a big pytest
# worker would report the worker's peak.
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"errors": errors, "peak_mb": peak_kb / 1024}))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_peak_memory_fetching_hostile_urls_stays_under_300_mb(hostile: str) -> None:
    paths = ["/bomb", "/stacked", "/stacked-headers", "/slow-body", "/ok"]
    env = {**os.environ, "PYTHONPATH": str(Path(url_module.__file__).parents[2])}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *(hostile + p for p in paths)],
        capture_output=True, text=True, timeout=60, env=env, check=True,
    )
    report = json.loads(done.stdout)
    print(f"peak RSS fetching {paths}: {report['peak_mb']:.0f} MB")
    assert report["errors"] == ["E105", "E107", "E107", "E110", None]
    assert report["peak_mb"] < 300, report


_CLI = """
import runpy, sys
sys.argv = ["propscope"] + sys.argv[1:]
code = 0
try:
    runpy.run_module("propscope", run_name="__main__")
except SystemExit as exc:
    code = exc.code
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(f"peak_mb={peak_kb / 1024:.1f}", file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize(
    ("path", "code"),
    [("/bomb", "E105"), ("/stacked", "E107"), ("/stacked-headers", "E107"), ("/slow-headers", "E110"),
     ("/slow-body", "E110"), ("/redirect-stacked", "E107")],
)
def test_the_command_line_on_a_hostile_url_prints_one_coded_line_and_stays_small(
    hostile: str, path: str, code: str, tmp_path: Path
) -> None:
    """Through the real entry point (argument parsing, ingest, and whatever it imports), not just the
    fetcher: one ``propscope: error CODE`` line, exit 2, no output file, and a peak under 300 MB."""
    out = tmp_path / "report.json"
    env = {**os.environ, "PYTHONPATH": str(Path(url_module.__file__).parents[2])}
    done = subprocess.run(
        [sys.executable, "-c", _CLI, "analyze", "--allow-private", "--timeout", "2", hostile + path,
         "-f", "json", "-o", str(out)],
        capture_output=True, text=True, timeout=60, env=env,
    )
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr
    assert lines[0].startswith(f"propscope: error {code}"), lines
    assert len(lines) == 2 and lines[1].startswith("peak_mb="), lines  # nothing else: no traceback
    assert float(lines[1].split("=")[1]) < 300, lines
    assert not out.exists()
